"""Oxigraph's bulk loader alone, on N-Quads files already written (a script that prints figures).

    budgetkg ingest --out NQ_DIR CORPUS --jobs 2          # or: ingest_bench.py --modes out
    python benchmarks/loader_bench.py NQ_DIR --modes batches stream

What the writing process of `ingest --bulk` cannot go below, whatever the parsers do: each run
loads every file of NQ_DIR into a fresh on-disk store in a child process, `batches` as ingest
does (one `Store.bulk_load` per 50 documents), `stream` as one `bulk_load` reading all the files
in turn.  Printed: seconds until the last call returns, seconds to close the store (RocksDB
finishing its compactions), CPU seconds of the process (with the loader's threads), peak RSS,
quads per second.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BATCH = int(__import__("os").environ.get("LOADER_BATCH", "50"))  # documents a bulk_load, as ingest.pipeline.ingest's batch_size


class Concatenated(io.RawIOBase):
    """The files one after another, as one stream for a single bulk_load."""

    def __init__(self, files: list[Path]) -> None:
        self._files: Iterator[Path] = iter(files)
        self._data = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._data:
            path = next(self._files, None)
            if path is None:
                return 0
            self._data = memoryview(path.read_bytes())
        n = min(len(buffer), len(self._data))
        buffer[:n], self._data = self._data[:n], self._data[n:]
        return n


def child(folder: str, store: str, mode: str) -> None:
    import pyoxigraph as ox

    files = sorted(Path(folder).glob("*.nq"))
    nq = ox.RdfFormat.N_QUADS
    s = ox.Store(store)
    started = time.perf_counter()
    if mode == "batches":
        for i in range(0, len(files), BATCH):
            s.bulk_load(b"".join(f.read_bytes() for f in files[i:i + BATCH]), format=nq, lenient=True)
    else:
        s.bulk_load(io.BufferedReader(Concatenated(files), 1 << 20), format=nq, lenient=True)
    loaded = time.perf_counter()
    del s  # closing waits for RocksDB's background compactions
    closed = time.perf_counter()
    quads = len(ox.Store.read_only(store))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"files": len(files), "quads": quads, "load_s": loaded - started, "close_s": closed - loaded,
                      "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?")
    parser.add_argument("--modes", nargs="+", default=["batches", "stream"], choices=["batches", "stream"])
    parser.add_argument("--store", default="/tmp/budgetkg-bench/loader-store")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    for mode in args.modes:
        shutil.rmtree(args.store, ignore_errors=True)
        out = subprocess.run([sys.executable, __file__, "--child", args.folder, args.store, mode],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        total = r["load_s"] + r["close_s"]
        print(f"{mode:8} {r['files']} files, {r['quads']:,} quads: {r['load_s']:.0f} s + close {r['close_s']:.0f} s = "
              f"{total:.0f} s ({r['quads'] / total:,.0f} quads/s), CPU {r['cpu_s']:.0f} s, peak RSS {r['peak_rss_mb']:,.0f} MB",
              flush=True)
    shutil.rmtree(args.store, ignore_errors=True)


if __name__ == "__main__":
    main()
