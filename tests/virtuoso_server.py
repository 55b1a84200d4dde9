"""Start a throw-away Virtuoso (open source, Debian's `virtuoso-opensource`) on loopback.

    with VirtuosoServer() as v:
        store = RemoteStore(v.query_url, update_url=v.update_url, user="dba", password="dba")

The database lives in a temporary directory with a generated virtuoso.ini; SQL and HTTP ports
are free ports on 127.0.0.1.  Queries go to /sparql (anonymous), updates to /sparql-auth (HTTP
digest as `dba`, who holds SPARQL_UPDATE).  The server is stopped and its files removed on exit.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = 2
DirsAllowed = ., {d}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxSortedTopRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 300
MaxConstructTriples = 10000000
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    def __init__(self, buffers: int = 20_000, startup_timeout: float = 120.0) -> None:
        self.buffers = buffers  # 8 KiB pages: 20,000 ≈ 160 MB of cache
        self.startup_timeout = startup_timeout
        self.dir: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.http_port = self.sql_port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql-auth"

    def start(self) -> VirtuosoServer:
        binary = virtuoso_binary()
        if binary is None:
            raise RuntimeError("virtuoso-t not found (apt-get install virtuoso-opensource)")
        self.dir = Path(tempfile.mkdtemp(prefix="budgetkg-virtuoso-"))
        self.sql_port, self.http_port = free_port(), free_port()
        ini = self.dir / "virtuoso.ini"
        ini.write_text(INI.format(d=self.dir, sql_port=self.sql_port, http_port=self.http_port,
                                  buffers=self.buffers, dirty=self.buffers * 3 // 4))
        self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=self.dir,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self.log_tail()}")
            try:
                r = httpx.get(self.query_url, params={"query": "ASK { }"}, timeout=5,
                              headers={"Accept": "application/sparql-results+json"})
                if r.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer within {self.startup_timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        log = self.dir / "virtuoso.log" if self.dir else None
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log and log.exists() else ""

    def disk_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.dir.glob("virtuoso*.db")) if self.dir else 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # virtuoso-t checkpoints and exits on SIGTERM
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
