"""HTTP throughput and tails of `budgetkg serve` against the smallest FastAPI app on the same uvicorn,
in one run (a script, not a test).

    python benchmarks/serve_bench.py                              # bundled corpus, 8/32/200 connections, 15 s each
    python benchmarks/serve_bench.py --store /tmp/budgetkg-bench/store-1000 --connections 32 --seconds 20
    python benchmarks/serve_bench.py --targets ask --workers 1 2  # one target, two worker counts

Starts every target's server on a free loopback port (`budgetkg serve` with its defaults unless
--workers is given, and benchmarks/minimal_app.py with the same number of uvicorn workers), then,
for each number of connections, loads each server in turn, `--rounds` times (interleaved, so that
other work on the machine slows them alike), keeping N keep-alive connections busy: /api/ask with the development questions
(tests/questions/dev.jsonl, each connection its own session), /sparql with small researcher
queries.  The client is a plain asyncio HTTP/1.1 loop (httpx costs more CPU than the server it
measures on 2 cores).  Prints requests/s, p50/p99, the share answered 503 (refused, and how many of
those lacked a Retry-After header), the longest wait, and the ratio to the minimal app's throughput.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import append_result, machine  # noqa: E402

QUERIES = [
    "SELECT ?u ?name WHERE { ?u a org:Organization ; skos:prefLabel ?name } LIMIT 20",
    "ASK { ?u bk:code \"103007\" }",
    "SELECT ?d ?title WHERE { GRAPH ?d { ?d a bk:Document ; dcterms:title ?title } } LIMIT 10",
]


def dev_questions() -> list[str]:
    lines = (ROOT / "tests" / "questions" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


_TAKEN: set[int] = set()


def free_port() -> int:
    """A free loopback port not handed out before (servers started at once must not get the same one)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _TAKEN:
            _TAKEN.add(port)
            return port


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-3000:] if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def start(target: str, store: str, workers: int | None, env: dict[str, str], before: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    if target.endswith("-before"):  # the code and environment before this work: PYTHONPATH names them
        env = dict(env, PYTHONPATH=before or "")
    if target == "minimal-before":  # uvicorn's own launcher, one worker, as `budgetkg serve` had
        argv = [sys.executable, "-m", "uvicorn", "--factory", "minimal_app:create_app", "--port", str(port),
                "--log-level", "warning", "--workers", "1"]
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elif target == "minimal":
        # through budgetkg's own launcher, so both servers bind their socket the same way (api/server.py)
        boot = f"from budgetkg.api.server import run; run('minimal_app:create_app', '127.0.0.1', {port}, {workers or os.cpu_count() or 1})"
        argv = [sys.executable, "-c", boot]
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    else:
        argv = [sys.executable, "-m", "budgetkg.cli", "--store", store, "serve", "--port", str(port)]
        if workers:
            argv += ["--workers", str(workers)]
        # cwd: not the repository, whose budgetkg/ folder `python -m` would import ahead of PYTHONPATH
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_ready(port, process)
    return process, port


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def requests_for(route: str) -> list[bytes]:
    """Raw HTTP/1.1 requests (keep-alive), one per question or query; `{session}` is filled per connection."""
    out = []
    if route == "ask":
        for question in dev_questions():
            body = json.dumps({"question": question, "session_id": "{session}"}, ensure_ascii=False)
            out.append(body.encode())
    else:
        for query in QUERIES:
            out.append(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Accept: application/sparql-results+json\r\n\r\n".encode())
    return out


def _ask_request(body: bytes, session: str) -> bytes:
    body = body.replace(b"{session}", session.encode())
    return (b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bool]:
    """Status, whether the server closes the connection, whether it says when to retry (Retry-After)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, close, retry = 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
        elif name == b"retry-after":
            retry = True
    if length:
        await reader.readexactly(length)
    return status, close, retry


async def _connection(port: int, route: str, items: list[bytes], until: float, seed: int,
                      out: list[tuple[float, int, bool]]) -> None:
    rng = random.Random(seed)
    session = f"bench-{seed}"
    reader = writer = None
    while time.perf_counter() < until:
        item = rng.choice(items)
        request = _ask_request(item, session) if route == "ask" else item
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status, close, retry = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, close, retry = 0, True, False
        out.append((time.perf_counter() - started, status, retry))
        if close and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, route: str, connections: int, seconds: float) -> tuple[list[tuple[float, int, bool]], float]:
    items = requests_for(route)
    out: list[tuple[float, int, bool]] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_connection(port, route, items, until, seed, out) for seed in range(connections)))
    return out, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summary(samples: list[tuple[float, int, bool]], elapsed: float) -> dict[str, Any]:
    ok = [s for s, status, _ in samples if status == 200]
    refused = [s for s, status, _ in samples if status == 503]
    return {"requests": len(samples), "ok": len(ok), "refused": len(refused),
            "failed": sum(1 for _, status, _ in samples if status not in (200, 503)), "ok_per_s": len(ok) / elapsed,
            "p50_ms": pct(ok, 0.5) * 1000, "p99_ms": pct(ok, 0.99) * 1000,
            "refused_share": len(refused) / len(samples) if samples else 0.0,
            "refused_without_retry_after": sum(1 for _, status, retry in samples if status == 503 and not retry),
            "longest_ms": max((s for s, _, _ in samples), default=0) * 1000, "refused_p99_ms": pct(refused, 0.99) * 1000}


def measure(port: int, route: str, connections: int, seconds: float) -> dict[str, Any]:
    asyncio.run(_load(port, route, connections, min(1.0, seconds)))  # warm-up: connections, caches
    samples, elapsed = asyncio.run(_load(port, route, connections, seconds))
    return {"route": route, "connections": connections, **summary(samples, elapsed), "samples": samples, "elapsed": elapsed}


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The turns of one target as one run: throughput over their time, percentiles over all their requests."""
    samples = [s for r in runs for s in r.pop("samples")]
    elapsed = sum(r.pop("elapsed") for r in runs)
    return {**summary(samples, elapsed), "turns": [round(r["ok_per_s"]) for r in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="an on-disk store (default: a fresh one with the bundled corpus)")
    parser.add_argument("--targets", nargs="+", default=["minimal", "ask", "sparql"],
                        choices=["minimal", "ask", "sparql", "minimal-before", "ask-before", "sparql-before"])
    parser.add_argument("--before", help="PYTHONPATH of the -before targets: a checkout of the code before, and a "
                                         "folder whose uvloop.py and httptools.py raise ImportError (uvicorn as it ran then)")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32, 200])
    parser.add_argument("--seconds", type=float, default=15, help="of load per target and number of connections")
    parser.add_argument("--rounds", type=int, default=3, help="turns per target, interleaved with the other targets")
    parser.add_argument("--workers", type=int, nargs="+", default=[0], help="uvicorn workers (0: budgetkg serve's default)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for budgetkg serve (repeatable)")
    parser.add_argument("--json", type=Path, help="append the results to this JSON Lines file")
    args = parser.parse_args(argv)
    print("machine:", json.dumps(machine()), flush=True)
    env = dict(os.environ, **dict(item.split("=", 1) for item in args.env))
    with tempfile.TemporaryDirectory() as folder:
        store = args.store
        if store is None:
            store = os.path.join(folder, "store")
            subprocess.run([sys.executable, "-m", "budgetkg.cli", "--store", store, "ingest", "--quiet"], check=True,
                           stdout=subprocess.DEVNULL, env=env)
        for workers in args.workers:
            # every target's server runs at once and the load goes to each in turn, `--rounds` times, so that
            # a machine whose load drifts (other work on the same 2 cores) slows every target alike
            servers = {target: start(target, store, workers or None, env, args.before) for target in args.targets}
            time.sleep(2)
            dead = [target for target, (process, _) in servers.items() if process.poll() is not None]
            if dead:
                raise RuntimeError(f"servers exited: {dead}")
            try:
                for connections in args.connections:
                    runs: dict[str, list[dict[str, Any]]] = {target: [] for target in args.targets}
                    for _ in range(args.rounds):
                        for target in args.targets:
                            route = "sparql" if target.startswith("sparql") else "ask"
                            runs[target].append(measure(servers[target][1], route, connections, args.seconds / args.rounds))
                    peer: dict[str, float] = {}
                    for target in args.targets:
                        r = combine(runs[target])
                        r.update(target=target, workers=workers or "default", connections=connections)
                        era = "-before" if target.endswith("-before") else ""
                        if target.startswith("minimal"):
                            peer[era] = r["ok_per_s"]
                        elif era in peer:
                            r["ratio_to_minimal"] = r["ok_per_s"] / peer[era]
                        ratio = f"  {r['ratio_to_minimal']:.2f}× minimal" if "ratio_to_minimal" in r else ""
                        print(f"{target:14} workers={r['workers']!s:7} conns={connections:4}: {r['ok_per_s']:8.1f} ok/s  "
                              f"p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  refused {r['refused_share']:6.1%}  "
                              f"(without Retry-After {r['refused_without_retry_after']})  failed {r['failed']}  longest {r['longest_ms']:7.0f} ms{ratio}",
                              flush=True)
                        append_result(args.json, {"bench": "serve", **r})
            finally:
                for process, _ in servers.values():
                    stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
