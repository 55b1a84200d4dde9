"""Load test: many concurrent clients mixing /api/ask and /sparql against a local server.

    python benchmarks/load.py                      # starts `budgetkg serve` on a free port, 100 clients, 30 s
    python benchmarks/load.py --url http://127.0.0.1:8000 --clients 50 --seconds 10

Prints requests, failures, throughput and p50/p99 latency per route.  Loopback only.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

QUESTIONS = [
    "热线中心三公经费多少", "长沙热线中心的人员经费", "柳州热线中心行政运行科目预算和决算分别是多少",
    "哪个热线中心的预算最多", "2010301是什么科目", "柳州市人民政府办公室有哪些下属单位", "池州热线有哪些项目",
    "柳州热线2024年预算比上年增长多少", "什么是三公经费", "今天天气怎么样",
]
QUERIES = [
    "SELECT ?u ?name WHERE { ?u a org:Organization ; skos:prefLabel ?name } LIMIT 20",
    "SELECT ?m (SUM(?a) AS ?total) WHERE { ?o bk:measure ?m ; bk:amount ?a } GROUP BY ?m",
    "SELECT (COUNT(*) AS ?n) WHERE { ?o a qb:Observation }",
    "ASK { ?u bk:code \"103007\" }",
]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_server(store: str, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[str]:
    """`budgetkg serve` on loopback (in `env`, default this process's environment), stopped on exit."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "budgetkg.cli", "--store", store, "serve", "--port", str(port),
                                "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start in 120 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def client(url: str, until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    session = f"load-{seed}"
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while time.perf_counter() < until:
            if rng.random() < 0.6:
                route = "/api/ask"
                request = http.post(route, json={"question": rng.choice(QUESTIONS), "session_id": session})
            else:
                route = "/sparql"
                request = http.get(route, params={"query": rng.choice(QUERIES)},
                                   headers={"Accept": "application/sparql-results+json"})
            started = time.perf_counter()
            try:
                response = await request
                ok = response.status_code == 200
            except httpx.HTTPError as error:
                ok = False
                tally.errors.append(f"{route}: {type(error).__name__}")
            tally.latencies[route].append((time.perf_counter() - started) * 1000)
            if not ok:
                tally.failures[route] += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def run(url: str, clients: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.perf_counter() + seconds
    await asyncio.gather(*(client(url, until, tally, seed) for seed in range(clients)))
    return tally


def report(tally: Tally, seconds: float) -> str:
    lines = []
    total = sum(len(v) for v in tally.latencies.values())
    failed = sum(tally.failures.values())
    lines.append(f"requests {total}, failed {failed}, {total / seconds:.1f} requests/s")
    for route, values in sorted(tally.latencies.items()):
        lines.append(f"  {route:10} n={len(values):6}  p50 {statistics.median(values):7.1f} ms  "
                     f"p99 {percentile(values, 0.99):7.1f} ms  failed {tally.failures[route]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running server (loopback); default: start one")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of the server this script starts")
    args = parser.parse_args(argv)
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            parser.error("load tests only target loopback addresses")
        tally = asyncio.run(run(args.url, args.clients, args.seconds))
    else:
        with tempfile.TemporaryDirectory() as folder:
            store = os.path.join(folder, "store")
            subprocess.run([sys.executable, "-m", "budgetkg.cli", "--store", store, "ingest", "--quiet"], check=True,
                           stdout=subprocess.DEVNULL)
            with local_server(store, args.workers) as url:
                tally = asyncio.run(run(url, args.clients, args.seconds))
    print(report(tally, args.seconds))
    return 1 if sum(tally.failures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
