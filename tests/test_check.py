"""budgetkg check: reconciliation of totals per document and table, and SHACL validation."""
from __future__ import annotations

import json
from decimal import Decimal

import pyoxigraph as ox
import pytest

from budgetkg.ingest.pipeline import ingest, refresh_derived
from budgetkg.ontology import terms as t
from budgetkg.query.check import TOLERANCE, check
from budgetkg.settings import CORPUS_DIR
from budgetkg.stores import open_store

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def corpus_result():
    store = open_store("memory")
    ingest(store, [CORPUS_DIR])
    return check(store)


def test_corpus_conforms_and_reports(corpus_result):
    result = corpus_result
    assert result.errors == []
    assert result.shacl.conforms is True, result.shacl.results[:5]
    # the documents' own discrepancies (000's and 002's 政府采购预算表, 002's 商品和服务支出) are findings
    assert not result.ok and result.discrepancies
    assert result.text().startswith(f"budgetkg check: FOUND {len(result.discrepancies)} discrepancies — 5 documents")
    assert result.shacl.seconds < 30
    assert len(result.documents) == 5
    for kind in ("functional-subject", "economic-subject", "fund", "expenditure-type", "measure", "detail",
                 "column-total", "unit", "balance", "same-figure"):
        assert result.checks[kind] > 0, kind
    text = result.text()
    assert "0.02 万元" in text and "SHACL: conforms" in text
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["ok"] is False and data["tolerance"] == "0.02"
    assert data["summary"]["checks"] == sum(result.checks.values())


def test_every_discrepancy_has_sources_and_both_figures(corpus_result):
    for found in corpus_result.discrepancies + corpus_result.rounding:
        assert found.stated.source.endswith(f":{found.stated.line}")
        assert found.parts and all(":" in p.source for p in found.parts)
        assert found.computed == sum((p.amount for p in found.parts), Decimal(0)) or found.kind == "same-figure"
        entry = found.as_dict()
        assert entry["stated"] and entry["computed"] and entry["total"]["source"]
    assert all(abs(d.difference) > TOLERANCE for d in corpus_result.discrepancies)
    assert all(0 < abs(d.difference) <= TOLERANCE for d in corpus_result.rounding)


def test_known_discrepancy_and_rounding(corpus_result):
    # 部门预算 of 柳州市人民政府办公室, 政府采购预算表: unit rows print 0.00 as 政府采购项目类型 合计
    procurement = [d for d in corpus_result.discrepancies
                   if d.file.startswith("002_") and d.kind == "column-total" and d.stated.line == 599]
    assert procurement and procurement[0].stated.amount == 0 and procurement[0].computed == Decimal("78.45")
    # 单位收支总表: 本年支出合计 1113.42, the 类 rows add up to 1113.41 — rounding, not a discrepancy
    rounding = [d for d in corpus_result.rounding if d.file.startswith("000_") and d.table == 1
                and d.kind == "functional-subject"]
    assert rounding and rounding[0].stated.amount == Decimal("1113.42") and rounding[0].computed == Decimal("1113.41")


# ---------------------------------------------------------------- a small hand-made document
def N(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def lit(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def tiny_store(observations: list[dict]) -> object:
    """One document with one table; each observation: measure, amount, line and optional dims."""
    store = open_store("memory")
    doc = N(t.document_iri("ab" * 32))
    table = N(t.table_iri(t.document_iri("ab" * 32), 1))
    unit = N(t.unit_iri("110000", "900001", "测试单位"))
    region = N(t.region_iri("110000"))
    triples = [
        (doc, N(RDF_TYPE), N(t.BK.Document)), (doc, N("http://purl.org/dc/terms/title"), ox.Literal("测试", language="zh")),
        (doc, N(t.BK.sha256), ox.Literal("ab" * 32)), (doc, N(t.BK.sourceFile), ox.Literal("tiny.txt")),
        (table, N(RDF_TYPE), N(t.BK.Table)), (table, N(t.BK.tableNumber), lit(1, "integer")),
        (table, N("http://purl.org/dc/terms/title"), ox.Literal("三公经费支出情况表", language="zh")),
        (unit, N(RDF_TYPE), N(t.ORG.Organization)), (unit, N(SKOS + "prefLabel"), ox.Literal("测试单位", language="zh")),
        (unit, N(t.BK.region), region), (region, N(RDF_TYPE), N(t.BK.Region)),
    ]
    for index, spec in enumerate(observations):
        o = N(t.ID[f"obs/test/{index}"])
        triples += [(o, N(RDF_TYPE), N(t.QB.Observation)), (o, N(t.BK.unit), unit), (o, N(t.BK.fiscalYear), lit(2024, "integer")),
                    (o, N(t.BK.phase), N(t.code("phase", "budget").iri)), (o, N(t.BK.table), table),
                    (o, N(t.BK.line), lit(spec["line"], "integer")), (o, N(t.PROV.wasDerivedFrom), doc),
                    (o, N(t.BK.column), ox.Literal(spec.get("column", "金额"), language="zh"))]
        for measure in spec["measure"].split():
            triples.append((o, N(t.BK.measure), N(t.code("measure", measure).iri)))
        for amount in str(spec.get("amount", "")).split():
            triples.append((o, N(t.BK.amount), lit(amount, "decimal")))
        if "fund" in spec:
            triples.append((o, N(t.BK.fundSource), N(t.code("fund", spec["fund"]).iri)))
    store.replace_graphs({doc.value: [ox.Quad(s, p, o, doc) for s, p, o in triples]})
    refresh_derived(store)  # the vocabulary graph: code lists for the SHACL shapes
    return store


def test_sum_of_parts_discrepancy_and_rounding():
    store = tiny_store([
        {"measure": "sangong", "amount": "5.00", "line": 10, "column": "三公经费/合计"},
        {"measure": "abroad", "amount": "1.00", "line": 10, "column": "三公经费/因公出国（境）费"},
        {"measure": "vehicle", "amount": "2.00", "line": 10, "column": "三公经费/公务用车购置及运行维护费"},
        {"measure": "reception", "amount": "1.99", "line": 10, "column": "三公经费/公务接待费"},
        {"measure": "income", "amount": "10.00", "line": 20, "column": "收入"},
        {"measure": "income", "fund": "general", "amount": "6.00", "line": 21, "column": "收入"},
        {"measure": "income", "fund": "unit-funds", "amount": "3.00", "line": 22, "column": "收入"},
    ])
    result = check(store)
    assert result.errors == [] and result.shacl.conforms, result.shacl.results
    assert not result.ok and result.verdict() == "FOUND 1 discrepancy"  # rounding alone would be OK
    assert result.checks["measure"] == 1 and result.checks["fund"] == 1
    rounding = [d for d in result.rounding if d.kind == "measure"]
    assert len(rounding) == 1 and rounding[0].computed == Decimal("4.99")
    fund = [d for d in result.discrepancies if d.kind == "fund"]
    assert len(fund) == 1
    assert fund[0].stated.amount == Decimal("10.00") and fund[0].computed == Decimal("9.00")
    assert fund[0].stated.source == "tiny.txt:20" and sorted(p.source for p in fund[0].parts) == ["tiny.txt:21", "tiny.txt:22"]
    assert "tiny.txt:21" in result.text()
    strict = check(store, tolerance=Decimal("0"), shacl=False)
    assert any(d.kind == "measure" for d in strict.discrepancies) and not strict.rounding


def test_shacl_violations_make_the_result_not_ok():
    store = tiny_store([
        {"measure": "income", "amount": "", "line": 1},  # no amount
        {"measure": "income expenditure", "amount": "1.00 2.00", "line": 2},  # two measures, two amounts
    ])
    result = check(store)
    assert result.shacl.conforms is False and not result.ok
    paths = {r["path"] for r in result.shacl.results}
    assert {str(t.BK.amount), str(t.BK.measure)} <= paths
    assert any("several values" in e for e in result.errors)
    assert "violations" in result.text()
