"""Rankings and totals over many units: rankings from the aggregate table against the same questions
from the graph, in one process, paired, and totals over units (a script, not a test).

    python benchmarks/ranking_bench.py --corpora 1000 10000
    python benchmarks/ranking_bench.py --store /tmp/budgetkg-bench/store-1000 --repeat 20 --graph-repeat 1

Opens the store of each corpus (BUDGETKG_BENCH_DIR/store-N, as ingest_bench.py --keep leaves it),
builds an Asker (no answer cache) and asks each ranking question `--repeat` times with the
aggregate table (query.aggregates) and `--graph-repeat` times with the table turned off (the
figures read from the graph, as before the table), alternating.  Prints p50/p95 of each, per kind
of ranking, and checks that both name the same figures.  Then each total (sums and averages over a
department's units, and over all units) is asked `--repeat` times: p50/p95 and the answer's status.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from ask_bench import pct  # noqa: E402
from common import BENCH_DIR, append_result, machine  # noqa: E402

ALL_UNITS = {
    "三公经费, all units": "哪个单位三公经费最多",
    "budget total, all units": "哪个单位的预算最多",
    "basic expenditure, all units": "哪个单位的基本支出最多",
    "project expenditure, least": "哪个单位的项目支出最少",
    "top 10 by 三公经费": "三公经费前十的单位",
    "决算 of a year": "哪个单位2023年决算支出最多",
    "a subject (201)": "哪个单位一般公共服务支出最多",
    "a fund source": "哪个单位一般公共预算拨款收入最多",
}


TOTALS_ALL_UNITS = {
    "三公经费, all units": "所有单位的三公经费合计",
    "budget total, all units": "全部单位的预算合计是多少",
}


def biggest(asker: Any, departments: int) -> list[Any]:
    return sorted((u for u in asker.catalog.units.values() if u.children), key=lambda u: (-len(u.children), u.iri))[:departments]


def totals(asker: Any, departments: int) -> dict[str, str]:
    found = dict(TOTALS_ALL_UNITS)
    for unit in biggest(asker, departments):
        found[f"三公经费, a department's {len(unit.children)} units"] = f"{unit.name}各单位的三公经费合计"
        found[f"basic expenditure, {len(unit.children)} units"] = f"{unit.name}下属单位基本支出合计，平均每家多少"
    return found


def questions(asker: Any, departments: int) -> dict[str, str]:
    found = dict(ALL_UNITS)
    for unit in biggest(asker, departments):
        found[f"a department's {len(unit.children)} units"] = f"{unit.name}下属单位中哪个支出最多"
    return found


def run(name: str, spec: str, repeat: int, graph_repeat: int, departments: int, json_out: Path | None) -> None:
    from budgetkg.query import aggregates
    from budgetkg.query.ask import Asker
    from budgetkg.stores import open_store

    store = open_store(spec, read_only=True)
    asker = Asker(store)
    table = aggregates.for_store(store, asker.catalog.generation)
    print(f"\n== {name}: {len(asker.catalog.units):,} units, {len(asker.catalog.documents):,} documents; "
          f"aggregate table {'of ' + format(len(table), ',') + ' picks' if table is not None else 'missing'}", flush=True)
    real_find = aggregates.find
    record: dict[str, Any] = {"bench": "ranking", "corpus": name, "units": len(asker.catalog.units), "kinds": {}}
    print(f"{'ranking':<32} {'table p50':>10} {'table p95':>10} {'graph p50':>10} {'graph p95':>10}  same figures")
    every: list[float] = []
    for label, question in questions(asker, departments).items():
        table_ms: list[float] = []
        graph_ms: list[float] = []
        answers: dict[str, dict[str, Any]] = {}
        for i in range(max(repeat, graph_repeat)):
            if i < repeat:
                aggregates.find = real_find
                started = time.perf_counter()
                answers["table"] = asker.ask(question)
                table_ms.append((time.perf_counter() - started) * 1000)
            if i < graph_repeat:
                aggregates.find = lambda *args, **kwargs: None
                started = time.perf_counter()
                answers["graph"] = asker.ask(question)
                graph_ms.append((time.perf_counter() - started) * 1000)
        aggregates.find = real_find
        same = ("graph" not in answers or (answers["table"]["rows"], answers["table"]["sources"]) ==
                (answers["graph"]["rows"], answers["graph"]["sources"]))
        every += table_ms
        status = answers["table"]["status"]
        row = {"question": question, "status": status, "table_p50": pct(table_ms, 0.5), "table_p95": pct(table_ms, 0.95),
               "graph_p50": pct(graph_ms, 0.5) if graph_ms else None, "graph_p95": pct(graph_ms, 0.95) if graph_ms else None,
               "same": same, "from_table": answers["table"]["sparql"].startswith("# 由聚合表")}
        record["kinds"][label] = row
        graph = f"{row['graph_p50']:>10.1f} {row['graph_p95']:>10.1f}" if graph_ms else f"{'—':>10} {'—':>10}"
        print(f"{label:<32} {row['table_p50']:>10.1f} {row['table_p95']:>10.1f} {graph}  {same} "
              f"({status}{'' if row['from_table'] else ', not from the table'})", flush=True)
    record["all_table_p50"], record["all_table_p95"] = pct(every, 0.5), pct(every, 0.95)
    print(f"{'all rankings from the table':<32} {record['all_table_p50']:>10.1f} {record['all_table_p95']:>10.1f}", flush=True)
    print(f"\n{'total':<32} {'p50':>10} {'p95':>10}  status")
    record["totals"], answered = {}, []
    for label, question in totals(asker, departments).items():
        ms = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = asker.ask(question)
            ms.append((time.perf_counter() - started) * 1000)
        row = {"question": question, "status": result["status"], "intent": result["intent"], "p50": pct(ms, 0.5), "p95": pct(ms, 0.95)}
        record["totals"][label] = row
        if result["status"] == "ok":
            answered += ms
        print(f"{label:<32} {row['p50']:>10.1f} {row['p95']:>10.1f}  {row['status']} ({row['intent']})", flush=True)
    record["totals_p50"], record["totals_p95"] = pct(answered, 0.5), pct(answered, 0.95)
    print(f"{'all totals answered':<32} {record['totals_p50']:>10.1f} {record['totals_p95']:>10.1f}", flush=True)
    append_result(json_out, record)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", nargs="+", default=["1000"], help="synthetic corpus sizes (stores from ingest_bench.py --keep)")
    parser.add_argument("--store", help="one store instead")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--graph-repeat", type=int, default=1, help="asks from the graph (slow at scale)")
    parser.add_argument("--departments", type=int, default=2, help="rankings within the biggest departments")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print("machine:", json.dumps(machine()), flush=True)
    targets = [(args.store, args.store)] if args.store else [(n, str(BENCH_DIR / f"store-{n}")) for n in args.corpora]
    for name, spec in targets:
        run(name, spec, args.repeat, args.graph_repeat, args.departments, args.json)


if __name__ == "__main__":
    main()
