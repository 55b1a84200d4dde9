"""Oxigraph's bulk loader alone, on N-Quads files already written (a script that prints figures).

    budgetkg ingest --out NQ_DIR CORPUS --jobs 2
    python benchmarks/loader_bench.py NQ_DIR --modes batches stream

What the writing process of `ingest --bulk` cannot go below, whatever the parsers do: each run
loads every file of NQ_DIR into a fresh on-disk store in a child process, `batches` one
`Store.bulk_load` per `--batch` documents (as ingest writes into a store that has documents),
`stream` one `bulk_load` reading all the files in turn (as into a store without documents,
`Store.load_stream`).  Printed: seconds until the last call returns, seconds to close the store
(RocksDB finishing its compactions), CPU seconds of the process (with the loader's threads),
peak RSS, quads per second.
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
from pathlib import Path


def child(folder: str, store: str, mode: str, batch: int) -> None:
    import pyoxigraph as ox

    from budgetkg.stores.embedded import PiecesReader

    files = sorted(Path(folder).glob("*.nq"))
    nq = ox.RdfFormat.N_QUADS
    s = ox.Store(store)
    started = time.perf_counter()
    if mode == "batches":
        for i in range(0, len(files), batch):
            s.bulk_load(b"".join(f.read_bytes() for f in files[i:i + batch]), format=nq, lenient=True)
    else:
        s.bulk_load(io.BufferedReader(PiecesReader(f.read_bytes() for f in files), 1 << 20), format=nq, lenient=True)
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
    parser.add_argument("--batch", type=int, default=50, help="documents a bulk_load in `batches` (ingest's batch_size)")
    parser.add_argument("--store", default="/tmp/budgetkg-bench/loader-store")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, store, mode, batch = args.child
        return child(folder, store, mode, int(batch))
    for mode in args.modes:
        shutil.rmtree(args.store, ignore_errors=True)
        out = subprocess.run([sys.executable, __file__, "--child", args.folder, args.store, mode, str(args.batch)],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        total = r["load_s"] + r["close_s"]
        print(f"{mode:8} {r['files']} files, {r['quads']:,} quads: {r['load_s']:.0f} s + close {r['close_s']:.0f} s = "
              f"{total:.0f} s ({r['quads'] / total:,.0f} quads/s), CPU {r['cpu_s']:.0f} s, peak RSS {r['peak_rss_mb']:,.0f} MB",
              flush=True)
    shutil.rmtree(args.store, ignore_errors=True)


if __name__ == "__main__":
    main()
