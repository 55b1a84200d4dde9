"""The aggregate table (query.aggregates): the figure each ranking or total over units picks, precomputed at ingest, is
the figure `figures.find` picks from the graph, with the same document, table and line; it is kept
with the store and renewed by every ingest."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import synth
from conftest import CORPUS

from budgetkg.ingest.pipeline import ensure_data, ingest
from budgetkg.ontology import terms as t
from budgetkg.query import aggregates
from budgetkg.query.ask import Asker
from budgetkg.query.catalog import Catalog
from budgetkg.query.figures import Wanted, find
from budgetkg.stores import open_store


def M(notation: str) -> str:  # noqa: N802 (a code IRI, as in ingest/graph.py)
    return t.code("measure", notation).iri


WANTED = [
    Wanted(M("expenditure-total")),
    Wanted(M("sangong")),
    Wanted(M("expenditure"), exptype=t.code("exptype", "basic").iri),
    Wanted(M("expenditure"), exptype=t.code("exptype", "project").iri),
    Wanted(M("expenditure-total"), year=2023),
    Wanted(M("expenditure-total"), year_offset=-1),
    Wanted(M("income-total")),
    Wanted(M("income"), fund=t.code("fund", "general").iri),
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """60 synthetic documents (departments and units over several years, all three layouts)."""
    folder = tmp_path_factory.mktemp("agg")
    paths = synth.generate(folder / "docs", 60, seed=11)
    store = open_store(str(folder / "store"))
    ingest(store, paths, jobs=1)
    return store, paths, folder


def same(store, catalog, wanted, units, phase, subject=None):
    from_table = aggregates.find(store, catalog, wanted, units, phase, subject)
    assert from_table is not None, "the table should cover this question"
    from_graph = find(store, catalog, wanted, units, phase, subject)
    assert set(from_table) == set(from_graph)
    for unit, figure in from_graph.items():
        mine = from_table[unit]
        assert (mine.year, mine.amount, mine.doc, mine.table, mine.line) == \
            (figure.year, figure.amount, figure.doc, figure.table, figure.line), (unit, wanted, phase, subject)
    return from_graph


@pytest.mark.parametrize("wanted", WANTED, ids=lambda w: f"{w.measure.rsplit('-', 1)[-1]}-{w.exptype or w.fund or ''}-{w.year}-{w.year_offset}")
@pytest.mark.parametrize("phase", ["budget", "final"])
def test_the_table_picks_the_figures_the_graph_gives(synthetic, wanted, phase):
    store = synthetic[0]
    catalog = Catalog(store)
    units = list(catalog.units)
    found = same(store, catalog, wanted, units, phase)
    if phase == "budget" and not wanted.year and not wanted.year_offset:
        assert len(found) > 10
    some = units[::3]  # a part of the units, as “各下属单位” ranks
    same(store, catalog, wanted, some, phase)


def test_subjects_on_the_bundled_and_synthetic_corpora(corpus_store, synthetic):
    for store in (corpus_store, synthetic[0]):
        catalog = Catalog(store)
        codes = [iri for iri, s in catalog.subjects.items() if s.scheme == "func" and len(s.code) in (3, 7)][:12]
        assert codes
        for subject in codes:
            for wanted in (Wanted(M("expenditure")), Wanted(M("expenditure"), exptype=t.code("exptype", "basic").iri)):
                same(store, catalog, wanted, list(catalog.units), "budget", subject)


def test_what_the_table_does_not_cover_goes_to_the_graph(corpus_store):
    catalog = Catalog(corpus_store)
    assert aggregates.find(corpus_store, catalog, Wanted(M("expenditure-total"), kind="单位"), list(catalog.units), "budget") is None
    assert aggregates.find(corpus_store, catalog, Wanted(M("sangong"), details=("x",)), list(catalog.units), "budget") is None


@pytest.mark.parametrize(("question", "intent"), [
    ("哪个单位三公经费最多", "ranking"), ("哪个单位的基本支出最多，前3名", "ranking"), ("哪个单位的预算最少", "ranking"),
    ("哪个单位2023年决算支出最多", "ranking"), ("哪个单位一般公共服务支出最多", "ranking"),
    ("各单位的三公经费合计多少", "aggregate"), ("所有单位的基本支出平均多少", "aggregate")])
def test_rankings_and_totals_from_the_table_cite_what_the_graph_cites(synthetic, monkeypatch, question, intent):
    store = synthetic[0]
    asker = Asker(store)
    from_table = asker.ask(question)
    assert from_table["status"] in ("ok", "no_data") and from_table["intent"] == intent
    if from_table["status"] == "ok":
        assert from_table["sparql"].startswith("# 由聚合表")
    monkeypatch.setattr(aggregates, "find", lambda *args, **kwargs: None)
    from_graph = asker.ask(question)
    assert not from_graph["sparql"].startswith("# 由聚合表")
    for field in ("status", "answer", "rows", "sources", "chart"):
        assert from_table[field] == from_graph[field], field


def test_the_table_is_kept_with_the_store_and_renewed_by_each_ingest(tmp_path):
    paths = synth.generate(tmp_path / "docs", 24, seed=5)
    store = open_store(str(tmp_path / "store"))
    ingest(store, paths[:10])
    first = aggregates.generation(store)
    assert aggregates.exists(store, first) and list((tmp_path / "store" / "budgetkg").glob("picks-*"))
    ingest(store, paths[10:])  # renewed from the first generation's rows
    renewed = aggregates.for_store(store, aggregates.generation(store))
    rebuilt = aggregates.Table.build(aggregates.rows_from_store(store, aggregates.document_graphs(store)))
    assert picks(renewed) == picks(rebuilt) and len(rebuilt) > 0
    # a document replaced by a new version: its rows go with it
    changed = tmp_path / "changed" / paths[0].name
    changed.parent.mkdir()
    changed.write_text(paths[0].read_text(encoding="utf-8").replace("一般公共预算", "一般公共预算 ", 1), encoding="utf-8")
    reports = ingest(store, [changed])
    assert reports[0].replaced
    renewed = aggregates.for_store(store, aggregates.generation(store))
    rebuilt = aggregates.Table.build(aggregates.rows_from_store(store, aggregates.document_graphs(store)))
    assert picks(renewed) == picks(rebuilt)
    # a store without a table (filled by another tool, or an older budgetkg) gets one on first use
    for file in (tmp_path / "store" / "budgetkg").glob("*"):
        file.unlink()
    assert not aggregates.exists(store)
    ensure_data(store)
    assert picks(aggregates.for_store(store, aggregates.generation(store))) == picks(rebuilt)
    store.close()


def picks(table: aggregates.Table) -> set[tuple]:
    c = table.columns
    return {(table.keys[k], table.units[u], int(y), table.docs[d], int(tb), int(ln), int(m), int(e))
            for k, u, y, d, tb, ln, m, e in zip(c["key"], c["unit"], c["year"], c["doc"], c["table"], c["line"],
                                                 c["mantissa"], c["exponent"])}


def test_the_bundled_corpus_has_a_table(corpus_store):
    catalog = Catalog(corpus_store)
    table = aggregates.for_store(corpus_store, catalog.generation)
    assert table is not None and len(table) > 100
    assert Path(CORPUS).is_dir()
    same(corpus_store, catalog, replace(WANTED[0]), list(catalog.units), "budget")


def test_a_total_over_all_units_counts_no_unit_twice(synthetic):
    """A department's figure holds its units': summing "各单位" adds each unit once (no unit with its department)."""
    store = synthetic[0]
    catalog = Catalog(store)
    answer = Asker(store).ask("各单位的三公经费合计多少")
    assert answer["status"] == "ok" and "不重复相加" in answer["answer"]
    by_name = {catalog.unit_label(iri): iri for iri in catalog.units}
    summed = [by_name[row[0]] for row in answer["rows"] if row[0] not in ("合计", "平均")]
    for unit in summed:
        parent = catalog.units[unit].parent
        while parent is not None and parent in catalog.units:
            assert parent not in summed, (unit, parent)
            parent = catalog.units[parent].parent
    total = next(row[4] for row in answer["rows"] if row[0] == "合计")
    assert abs(total - sum(row[4] for row in answer["rows"] if row[0] not in ("合计", "平均"))) < 0.01
