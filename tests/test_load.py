"""A short run of benchmarks/load.py: concurrent chat and SPARQL clients, no failed request."""
from __future__ import annotations

import asyncio
import sys

import load
from conftest import child_env


def test_concurrent_clients_all_succeed(tmp_path):
    import subprocess

    store = str(tmp_path / "store")
    subprocess.run([sys.executable, "-m", "budgetkg.cli", "--store", store, "ingest", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())
    with load.local_server(store, workers=1, env=child_env()) as url:
        tally = asyncio.run(load.run(url, clients=25, seconds=5))
    total = sum(len(v) for v in tally.latencies.values())
    assert total > 50
    assert sum(tally.failures.values()) == 0, (dict(tally.failures), tally.errors[:5])
    print(load.report(tally, 5))
