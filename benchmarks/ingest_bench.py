"""Ingest throughput on synthetic corpora (a script that prints figures, not a timed test).

    python benchmarks/ingest_bench.py --units 10 1000 --jobs 1 2 --modes load bulk
    python benchmarks/ingest_bench.py --units 10000 --jobs 2 --modes bulk --keep
    python benchmarks/ingest_bench.py --units 1000 10000 --jobs 2 4 --modes command --keep

Each run ingests a fresh on-disk store in a child process and prints documents/s, triples/s, the
store's size on disk (just after the ingest, and after reopening, when RocksDB has dropped its
write-ahead logs), the peak RSS of the child and its parser processes, and the CPU seconds of the
run (all its processes, and the writing process alone; on a machine shared with other work they
vary less than the wall time).  Modes: `load` (the default, transactional per batch), `bulk`
(`--bulk`, Oxigraph's bulk loader), `out` (`write_bulk`: N-Quads files for an engine's own
loader), `command` (all that `budgetkg ingest --bulk` does: the bulk loader, each document's audit
evidence made in the parser processes, the question layer's caches filled at the end).  `--keep`
leaves the store in BUDGETKG_BENCH_DIR/store-<units> for ask_bench.py and ranking_bench.py.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import BENCH_DIR, append_result, corpus, dir_bytes, machine, run_child  # noqa: E402


def child(store: str, folder: str, jobs: int, mode: str) -> None:
    from budgetkg.stores import open_store

    started = time.perf_counter()
    if mode == "out":
        from budgetkg.ingest.bulk import write_bulk

        reports = write_bulk([Path(folder)], Path(store), jobs=jobs)
    elif mode == "command":  # as budgetkg.cli.cmd_ingest runs it
        from budgetkg.ingest.pipeline import ingest
        from budgetkg.query.ask import Asker
        from budgetkg.query.audit import evidence

        s = open_store(store)
        reports = ingest(s, [Path(folder)], jobs=jobs, bulk=True, extract=evidence.extract, extracted=evidence.remember)
        Asker(s)
        s.close()
    else:
        from budgetkg.ingest.pipeline import ingest

        s = open_store(store)
        reports = ingest(s, [Path(folder)], jobs=jobs, bulk=mode == "bulk")
        s.close()
    seconds = time.perf_counter() - started
    own, parsers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    writer = own.ru_utime + own.ru_stime  # this process: the store's writes, with the loader's threads
    print(json.dumps({"seconds": seconds, "documents": sum(1 for r in reports if r.graph),
                      "failed": sum(1 for r in reports if r.error), "triples": sum(r.triples for r in reports),
                      "cpu_s": writer + parsers.ru_utime + parsers.ru_stime, "writer_cpu_s": writer}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--modes", nargs="+", default=["load", "bulk"], choices=["load", "bulk", "out", "command"])
    parser.add_argument("--keep", action="store_true", help="keep the last store of each size for ask_bench.py")
    parser.add_argument("--timeout", type=float, default=1500)
    parser.add_argument("--json", type=Path, help="append one JSON record per run to this file")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        store, folder, jobs, mode = args.child
        return child(store, folder, int(jobs), mode)
    print("machine:", json.dumps(machine()), flush=True)
    for units in args.units:
        started = time.perf_counter()
        folder = corpus(units)
        print(f"corpus {units}: {folder} ({dir_bytes(folder) / 1e6:.0f} MB, ready in {time.perf_counter() - started:.1f} s)", flush=True)
        for mode in args.modes:
            for jobs in args.jobs:
                target = BENCH_DIR / f"run-{units}-{mode}-{jobs}"
                shutil.rmtree(target, ignore_errors=True)
                result, peak, wall = run_child([sys.executable, __file__, "--child", str(target), str(folder), str(jobs), mode],
                                               args.timeout)
                size = dir_bytes(target)
                reopened = size
                if mode != "out":
                    from budgetkg.stores import open_store

                    open_store(str(target)).close()
                    reopened = dir_bytes(target)
                seconds = result["seconds"]
                record = {"bench": "ingest", "units": units, "mode": mode, "jobs": jobs, **result, "wall_s": wall,
                          "docs_per_s": result["documents"] / seconds, "triples_per_s": result["triples"] / seconds,
                          "disk_bytes": size, "disk_bytes_reopened": reopened, "peak_rss_bytes": peak,
                          "load_average": os.getloadavg()}
                print(f"units={units:>6} mode={mode:<4} jobs={jobs}: {result['documents']} docs, {result['triples']:,} triples "
                      f"in {seconds:.1f} s = {record['docs_per_s']:.1f} docs/s, {record['triples_per_s']:,.0f} triples/s; "
                      f"disk {size / 1e6:,.0f} MB ({reopened / 1e6:,.0f} MB reopened); peak RSS {peak / 1e6:,.0f} MB; "
                      f"CPU {result['cpu_s']:.0f} s (writer {result['writer_cpu_s']:.0f} s); load {record['load_average'][0]:.1f}",
                      flush=True)
                append_result(args.json, record)
                keep = BENCH_DIR / f"store-{units}"
                if args.keep and mode != "out":
                    shutil.rmtree(keep, ignore_errors=True)
                    target.rename(keep)
                else:
                    shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    main()
