"""SPARQL endpoint throughput and server memory of `budgetkg serve` on loopback (a script, not a test).

    python benchmarks/endpoint_bench.py --corpora bundled 1000 --seconds 15 --clients 1 4 16

Starts `budgetkg serve` (one uvicorn worker) on a free loopback port over the store of each corpus
(BUDGETKG_BENCH_DIR/store-N, as ask_bench.py makes them), waits for /healthz, then runs the
SPARQL the question layer sends (for questions about units read from the endpoint) plus a few
researcher-style queries through POST /sparql, and questions through POST /api/ask, with 1..n
concurrent clients, each for a fixed time.  Prints requests/s, p50/p95 and the server's RSS
(at start, and the peak while serving).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from ask_bench import pct, store_for  # noqa: E402
from common import PeakRss, append_result, machine, rss_bytes  # noqa: E402

RESEARCHER = [
    "SELECT ?m (SUM(?a) AS ?total) WHERE { ?o bk:measure ?m ; bk:amount ?a ; bk:unit ?u . ?u bk:code ?c FILTER(STRSTARTS(?c, '1')) } GROUP BY ?m",
    "SELECT ?u ?name WHERE { ?u a org:Organization ; skos:prefLabel ?name } LIMIT 20",
    "ASK { ?u bk:code \"103007\" }",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str, timeout: float = 900) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    boot = "from budgetkg.cli import main; import sys; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", boot, "--store", store, "serve", "--port", str(port), "--workers", "1"],
                               env=dict(os.environ, BUDGETKG_STORE=store), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=30).status_code == 200:
                # the first question builds the Asker (catalog + gazetteer)
                httpx.post(f"{url}/api/ask", json={"question": "什么是三公经费"}, timeout=timeout)
                return process, url, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"server did not start in {timeout:.0f} s")


def workload(url: str) -> tuple[list[str], list[str]]:
    """Questions about units read from the endpoint, and the SPARQL the question layer sends for them."""
    with httpx.Client(timeout=300) as http:
        # no DISTINCT/ORDER BY: over the union of 10,000 documents that alone outlasts the query timeout
        response = http.post(f"{url}/sparql", data={"query": "SELECT ?name WHERE { GRAPH ?g { ?u a org:Organization ; bk:code ?c ; "
                                                              "skos:prefLabel ?name } } LIMIT 200"},
                             headers={"Accept": "application/sparql-results+json"})
        response.raise_for_status()
        names = sorted({r["name"]["value"] for r in response.json()["results"]["bindings"]})[:20]
        questions = [f"{n}{what}" for n in names for what in ("的预算总额是多少", "的上级部门是哪个", "有什么项目")]
        questions += ["什么是三公经费", "哪个单位的基本支出最多"]
        queries: list[str] = []
        for question in questions:
            sparql = http.post(f"{url}/api/ask", json={"question": question}).json().get("sparql") or ""
            queries += ["PREFIX" + part if i else part for i, part in enumerate(re.split(r"\n\nPREFIX", sparql)) if part.strip()]
    return list(dict.fromkeys(queries)) + RESEARCHER, questions


def hammer(url: str, route: str, items: list[str], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    until = time.perf_counter() + seconds

    def client(seed: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            i = seed
            while time.perf_counter() < until:
                item = items[i % len(items)]
                i += clients
                started = time.perf_counter()
                try:
                    if route == "/sparql":
                        r = http.post(route, data={"query": item}, headers={"Accept": "application/sparql-results+json"})
                    else:
                        r = http.post(route, json={"question": item, "session_id": f"bench-{seed}"})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    failures[0] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    return {"route": route, "clients": clients, "requests": len(latencies), "failed": failures[0],
            "per_s": len(latencies) / elapsed, "p50_ms": pct(latencies, 0.5), "p95_ms": pct(latencies, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpora", nargs="+", default=["bundled", "1000"])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (Path(__file__).parents[1] / "api" / "app.py").exists():
        print("api/app.py does not exist: nothing to measure")
        return
    print("machine:", json.dumps(machine()), flush=True)
    for name in args.corpora:
        store = store_for(name)
        process, url, boot = start_server(store)
        try:
            idle = rss_bytes(process.pid)
            print(f"\n== {name}: server ready (healthz + first question) in {boot:.1f} s, RSS {idle / 1e6:,.0f} MB", flush=True)
            queries, questions = workload(url)
            sampler = PeakRss(process.pid)
            results = []
            for route, items in (("/sparql", queries), ("/api/ask", questions)):
                for clients in args.clients:
                    r = hammer(url, route, items, clients, args.seconds)
                    results.append(r)
                    print(f"{route:<9} clients={clients:>3}: {r['requests']:>6} requests, {r['failed']} failed, "
                          f"{r['per_s']:7.1f}/s, p50 {r['p50_ms']:7.1f} ms, p95 {r['p95_ms']:7.1f} ms", flush=True)
            peak = sampler.stop()
            print(f"server RSS peak while serving: {peak / 1e6:,.0f} MB", flush=True)
            append_result(args.json, {"bench": "endpoint", "corpus": name, "startup_s": boot, "rss_idle_bytes": idle,
                                      "rss_peak_bytes": peak, "results": results})
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
