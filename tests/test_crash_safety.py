"""Kill -9 in the middle of an ingest, and two ingests at once: nothing half-written, never corrupt."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import child_env
from synth import generate

from budgetkg.ingest.pipeline import ingest
from budgetkg.stores import open_store


def budgetkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "budgetkg.cli", *args]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, 24, seed=11)
    return folder


@pytest.fixture(scope="module")
def expected(documents) -> dict[str, int]:
    """Each document's triple count when ingested without interruption."""
    store = open_store("memory")
    ingest(store, [documents], batch_size=10)
    return {g: store.count(g) for g in store.named_graphs() if "/doc/" in g}


def test_kill_during_ingest_leaves_whole_documents(documents, expected, tmp_path):
    store_path = tmp_path / "store"
    process = subprocess.Popen(budgetkg("--store", str(store_path), "ingest", "--quiet", "--batch-size", "3", str(documents)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())
    deadline = time.time() + 60
    # wait until some documents are stored, then kill without warning
    while time.time() < deadline and not (store_path / "CURRENT").exists():
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    store = open_store(str(store_path))
    present = {g: store.count(g) for g in store.named_graphs() if "/doc/" in g}
    assert len(present) < len(expected), "the ingest finished before it could be interrupted"
    for graph, count in present.items():
        assert count == expected[graph], f"{graph} is half-written"
    store.close()
    # running the ingest again completes it
    result = subprocess.run(budgetkg("--store", str(store_path), "ingest", "--quiet", str(documents)),
                            capture_output=True, text=True, timeout=300, env=child_env())
    assert result.returncode == 0, result.stderr
    store = open_store(str(store_path))
    assert {g: store.count(g) for g in store.named_graphs() if "/doc/" in g} == expected
    store.close()
    check = subprocess.run(budgetkg("--store", str(store_path), "check", "--json", "--rules", "shacl", "--shacl"),
                           capture_output=True, text=True, timeout=300, env=child_env())
    report = json.loads(check.stdout)  # the graph the interrupted and resumed ingest left conforms to the shapes
    assert check.returncode == 0 and report["by_rule"]["shacl"]["checked"] > 0 and report["summary"]["error"] == 0, check.stderr[-2000:]


def test_second_writer_gets_store_busy(documents, tmp_path):
    store_path = tmp_path / "store"
    holder = open_store(str(store_path))
    try:
        result = subprocess.run(budgetkg("--store", str(store_path), "ingest", "--quiet", str(documents)),
                                capture_output=True, text=True, timeout=120)
    finally:
        holder.close()
    assert result.returncode == 2
    assert "store is busy" in result.stderr
    assert "Traceback" not in result.stderr
