"""Question latency in process, per intent, and the same SPARQL on rdflib (a script, not a test).

    python benchmarks/ask_bench.py --corpora bundled 10 1000 --peer
    python benchmarks/ask_bench.py --corpora 10000

For each corpus (the bundled one, or a synthetic one of N units: BUDGETKG_BENCH_DIR/store-N from
`ingest_bench.py --keep`, built here if missing) it prints: start-up (a fresh process opening the
store and building an `Asker`, with an empty cache dir and again with the caches it wrote), then per intent p50/p95 of the whole ask, of understanding
(`Asker.timings["understand_ms"]`), of answering, and of the SPARQL inside answering.  The
questions are the dev set on the bundled corpus and questions made from the catalog on synthetic
ones (units, departments, projects and codes drawn with a fixed seed, plus rankings and a total over all units).

`--peer` loads the same quads into rdflib's in-memory Dataset(default_union=True) in a child
process and runs every distinct SPARQL text the asks sent, under a time budget; the printed
ratios are rdflib time / Oxigraph time for the same texts.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import BENCH_DIR, append_result, corpus, machine, run_child  # noqa: E402

from budgetkg.stores import Select, Store, open_store  # noqa: E402

DEV = Path(__file__).resolve().parents[1] / "tests" / "questions" / "dev.jsonl"


class Recording:
    """A Store proxy that times every SELECT and remembers its text."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.spec = store.spec
        self.log: list[tuple[str, float]] = []

    def select(self, sparql: str) -> Select:
        started = time.perf_counter()
        result = self._store.select(sparql)
        self.log.append((sparql, (time.perf_counter() - started) * 1000))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))] if values else float("nan")


def synthetic_questions(asker: Any, count: int, seed: int = 7) -> list[str]:
    c = asker.catalog
    r = random.Random(seed)
    units = sorted((u for u in c.units.values() if u.parent and u.code), key=lambda u: u.iri)
    depts = sorted((u for u in c.units.values() if u.children), key=lambda u: u.iri)
    projects = sorted(c.projects.values(), key=lambda p: p.iri)
    codes = sorted(s.code for s in c.subjects.values() if len(s.code) == 7)
    qs: list[str] = ["什么是三公经费", "哪个单位的预算最多", "哪个单位的三公经费最少", "哪个单位的基本支出最多",
                     "所有单位的三公经费合计"]
    for _ in range(count):
        u, d, p = r.choice(units), r.choice(depts), r.choice(projects)
        owner = c.units[p.unit].name
        qs += [f"{u.name}的预算总额是多少", f"{u.name}的基本支出", f"{u.name}的三公经费", f"{u.code}的上级部门是哪个",
               f"{d.name}有哪些下属单位", f"{u.name}有什么项目", f"{owner}{p.name}多少钱", f"{owner}{p.name}的绩效目标",
               f"{u.name}支出比上年增加多少", f"{u.name}决算执行率", f"{r.choice(codes)}是什么科目",
               f"{d.name}下属单位中哪个支出最多", f"{u.name}{r.choice(codes)}科目预算", f"{d.name}各单位的基本支出合计"]
    return qs


def startup(spec: str, timeout: float, cache_dir: str) -> dict[str, float]:
    code = ("import time, json; t0 = time.perf_counter()\n"
            "from budgetkg.stores import open_store\nfrom budgetkg.query.ask import Asker\n"
            f"s = open_store({spec!r}); a = Asker(s); a.ask('柳州热线中心三公经费多少')\n"
            "print(json.dumps({'process_s': time.perf_counter() - t0, 'asker_s': a.startup_s}))")
    started = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=timeout,
                             env={**os.environ, "BUDGETKG_CACHE": cache_dir}).stdout
    except subprocess.TimeoutExpired:
        return {"wall_s": float("inf"), "asker_s": float("inf"), "timeout_s": timeout}
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def startups(name: str, spec: str, timeout: float) -> dict[str, dict[str, float]]:
    """Start-up with an empty cache dir (the first start after another tool filled the store), then
    with the caches that start wrote (every later start; `budgetkg ingest` leaves them written)."""
    with tempfile.TemporaryDirectory(prefix="budgetkg-bench-cache-") as cache_dir:
        boot = {"cold": startup(spec, timeout, cache_dir)}
        boot["warm"] = startup(spec, timeout, cache_dir) if "timeout_s" not in boot["cold"] else boot["cold"]
    for kind, figures in boot.items():
        if "timeout_s" in figures:
            print(f"\n== {name}: {kind} start-up did not finish within {timeout:.0f} s", flush=True)
        else:
            print(f"\n== {name}: {kind} start-up {figures['wall_s']:.2f} s in a fresh process (imports+open+Asker+first ask; "
                  f"Asker() itself {figures['asker_s']:.2f} s)", flush=True)
    return boot


def run(name: str, spec: str, repeat: int, per_kind: int, peer: bool, peer_timeout: float, json_out: Path | None,
        startup_timeout: float, peer_max_units: int, startup_only: bool = False) -> None:
    from budgetkg.query.ask import Asker

    boot = startups(name, spec, startup_timeout)
    if "timeout_s" in boot["warm"] or startup_only:
        append_result(json_out, {"bench": "ask", "corpus": name, "startup": boot})
        return
    store = Recording(open_store(spec))
    asker = Asker(store)
    asker.warm()  # as `budgetkg serve` does before its first question
    if name == "bundled":
        questions = [json.loads(line)["q"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        questions = synthetic_questions(asker, per_kind)
    samples: dict[str, list[dict[str, float]]] = defaultdict(list)
    queries: dict[str, str] = {}  # SPARQL text → intent
    statuses: dict[str, int] = defaultdict(int)
    for _ in range(repeat):
        for question in questions:
            store.log.clear()
            started = time.perf_counter()
            result = asker.ask(question)
            total = (time.perf_counter() - started) * 1000
            intent = result["intent"] or "none"
            sparql = sum(ms for _, ms in store.log)
            samples[intent].append({"total": total, "sparql": sparql, **asker.timings})
            statuses[result["status"]] += 1
            for text, _ in store.log:
                queries.setdefault(text, intent)
    print(f"{len(questions)} questions × {repeat}; statuses {dict(statuses)}")
    print(f"{'intent':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'und p50':>8} {'und p95':>8} {'ans p50':>8} {'ans p95':>8} {'sparql p50':>10} {'sparql p95':>10}")
    everything = [s for v in samples.values() for s in v]
    rows = sorted(samples.items()) + [("ALL", everything)]
    record: dict[str, Any] = {"bench": "ask", "corpus": name, "units": len(asker.catalog.units), "startup": boot, "intents": {}}
    for intent, values in rows:
        cols = {f"{k}_{q}": pct([v[k] for v in values], p) for k in ("total", "understand_ms", "answer_ms", "sparql")
                for q, p in (("p50", 0.5), ("p95", 0.95))}
        record["intents"][intent] = {"n": len(values), **cols}
        print(f"{intent:<12} {len(values):>5} {cols['total_p50']:>8.2f} {cols['total_p95']:>8.2f} {cols['understand_ms_p50']:>8.2f} "
              f"{cols['understand_ms_p95']:>8.2f} {cols['answer_ms_p50']:>8.2f} {cols['answer_ms_p95']:>8.2f} "
              f"{cols['sparql_p50']:>10.2f} {cols['sparql_p95']:>10.2f}", flush=True)
    if peer and len(asker.catalog.units) <= peer_max_units:
        record["peer"] = peer_compare(store, queries, peer_timeout)
    append_result(json_out, record)
    store.close()


def oxigraph_ms(store: Recording, text: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        store._store.select(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def peer_compare(store: Recording, queries: dict[str, str], budget: float) -> dict[str, Any]:
    import pyoxigraph as ox

    ours = {text: oxigraph_ms(store, text) for text in queries}
    with tempfile.TemporaryDirectory() as tmp:
        data, qfile = Path(tmp) / "all.nq", Path(tmp) / "queries.json"
        data.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
        qfile.write_text(json.dumps(list(queries)), encoding="utf-8")
        process = subprocess.Popen([sys.executable, __file__, "--rdflib-child", str(data), str(qfile)],
                                   stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + budget
        theirs: dict[str, float] = {}
        load_s = None
        texts = list(queries)
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and selector.select(timeout=max(0.0, deadline - time.monotonic())):
            line = process.stdout.readline()
            if not line:
                break
            item = json.loads(line)
            if "load_s" in item:
                load_s = item["load_s"]
            else:
                theirs[texts[item["i"]]] = item["ms"]
        if process.poll() is None:
            process.kill()
        process.wait()
    by_intent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for text, ms in theirs.items():
        by_intent[queries[text]][0] += ms
        by_intent[queries[text]][1] += ours[text]
    done = len(theirs)
    total_theirs, total_ours = sum(theirs.values()), sum(ours[t] for t in theirs)
    print(f"rdflib peer: load {load_s if load_s is None else round(load_s, 1)} s; {done} of {len(queries)} distinct queries "
          f"finished within {budget:.0f} s")
    for intent, (t, o) in sorted(by_intent.items()):
        print(f"  {intent:<12} rdflib {t:>10.1f} ms  oxigraph {o:>8.1f} ms  ratio {t / o if o else float('nan'):>8.1f}×")
    if total_ours:
        print(f"  {'ALL':<12} rdflib {total_theirs:>10.1f} ms  oxigraph {total_ours:>8.1f} ms  ratio {total_theirs / total_ours:>8.1f}×"
              + ("" if done == len(queries) else f" (on the {done} finished; the rest took longer than the budget)"), flush=True)
    return {"load_s": load_s, "finished": done, "queries": len(queries), "rdflib_ms": total_theirs, "oxigraph_ms": total_ours,
            "ratio": total_theirs / total_ours if total_ours else None,
            "by_intent": {k: {"rdflib_ms": t, "oxigraph_ms": o} for k, (t, o) in by_intent.items()}}


def rdflib_child(data: str, qfile: str) -> None:
    import rdflib

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data, format="nquads")
    print(json.dumps({"load_s": time.perf_counter() - started}), flush=True)
    for i, text in enumerate(json.loads(Path(qfile).read_text(encoding="utf-8"))):
        started = time.perf_counter()
        list(dataset.query(text))
        print(json.dumps({"i": i, "ms": (time.perf_counter() - started) * 1000}), flush=True)


def store_for(name: str) -> str:
    """The corpus's benchmark store, built if missing and brought up to date as `budgetkg` would."""
    from budgetkg.ingest.pipeline import ensure_data, ingest
    from budgetkg.settings import CORPUS_DIR

    path = BENCH_DIR / ("store-bundled" if name == "bundled" else f"store-{int(name)}")
    if not path.exists() and name == "bundled":
        s = open_store(str(path))
        ingest(s, [CORPUS_DIR])
        s.close()
    elif not path.exists():
        run_child([sys.executable, str(Path(__file__).with_name("ingest_bench.py")), "--child", str(path),
                   str(corpus(int(name))), "2", "bulk"], timeout=3600)
    s = open_store(str(path))
    ensure_data(s)  # a store written by an older budgetkg gets a fresh derived graph
    s.close()
    return str(path)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--rdflib-child":
        return rdflib_child(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpora", nargs="+", default=["bundled", "10", "1000"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-kind", type=int, default=8, help="synthetic questions per kind")
    parser.add_argument("--peer", action="store_true", help="also run the SPARQL on rdflib")
    parser.add_argument("--peer-timeout", type=float, default=600)
    parser.add_argument("--peer-max-units", type=int, default=5000, help="no rdflib peer above this many units (memory)")
    parser.add_argument("--startup-timeout", type=float, default=300)
    parser.add_argument("--startup-only", action="store_true", help="measure start-up only, not the questions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print("machine:", json.dumps(machine()), flush=True)
    for name in args.corpora:
        run(name, store_for(name), args.repeat, args.per_kind, args.peer, args.peer_timeout, args.json, args.startup_timeout,
            args.peer_max_units, args.startup_only)


if __name__ == "__main__":
    main()
