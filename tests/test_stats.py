"""budgetkg stats: totals and per-document counts."""
from __future__ import annotations

import json

import pytest

from budgetkg.cli import main
from budgetkg.ingest.pipeline import ingest
from budgetkg.query.stats import stats
from budgetkg.settings import CORPUS_DIR
from budgetkg.stores import open_store


@pytest.fixture(scope="module")
def result():
    store = open_store("memory")
    reports = ingest(store, [CORPUS_DIR])
    return store, reports, stats(store)


def test_totals(result):
    store, reports, data = result
    totals = data["totals"]
    assert {"documents", "units", "observations", "projects", "triples"} <= totals.keys()
    assert totals["documents"] == len(reports) == 5
    assert totals["triples"] == store.count()
    assert totals["observations"] == sum(r.observations for r in reports)
    assert totals["units"] >= 5 and totals["projects"] > 0


def test_per_document(result):
    store, reports, data = result
    documents = data["documents"]
    by_file = {r.path.name: r for r in reports}
    assert [d["file"] for d in documents] == sorted(by_file)
    for doc in documents:
        assert {"file", "title", "graph", "triples", "observations", "units", "projects", "tables"} <= doc.keys()
        report = by_file[doc["file"]]
        assert (doc["graph"], doc["title"], doc["triples"]) == (report.graph, report.title, report.triples)
        assert doc["observations"] == report.observations and doc["tables"] == report.tables
        assert doc["units"] >= 1 and doc["year"] == 2024
    other = sum(g["triples"] for g in data["graphs"])
    assert sum(d["triples"] for d in documents) + other == data["totals"]["triples"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_cli_stats(result, capsys, monkeypatch):
    monkeypatch.setattr("budgetkg.cli.open_store", lambda spec=None, **options: result[0])
    assert main(["--store", "memory", "stats"]) == 0
    out = capsys.readouterr().out
    assert "documents 5" in out and "000_09de1729fb91b93b.txt" in out
