"""Ingest: idempotence, isolation of documents, bad input, hierarchy and provenance."""
from __future__ import annotations

import random
import re
import shutil

import pytest
from conftest import CORPUS, corpus_file

from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.parse import parse_file
from budgetkg.ingest.pipeline import ingest
from budgetkg.ontology import terms as t
from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.stores import open_store


def graph_counts(store) -> dict[str, int]:
    return {g: store.count(g) for g in store.named_graphs()}


@pytest.fixture()
def store():
    s = open_store("memory")
    ingest(s, [CORPUS])
    return s


def test_reingest_changes_nothing(store):
    before = graph_counts(store)
    ingest(store, [CORPUS])
    assert graph_counts(store) == before


def test_reingesting_one_document_leaves_the_others(store, tmp_path):
    before = graph_counts(store)
    ingest(store, [corpus_file("003")])
    assert graph_counts(store) == before


def test_on_disk_store_survives_reopening(tmp_path):
    path = tmp_path / "store"
    s = open_store(str(path))
    ingest(s, [corpus_file("000")])
    count = s.count()
    s.close()
    again = open_store(str(path))
    assert again.count() == count > 1000


@pytest.mark.parametrize("content", [b"", b"\n\n   \n", bytes(range(256)) * 40, "随便写的一段话，没有表格。\n".encode()])
def test_bad_documents_fail_clearly_and_change_nothing(store, tmp_path, content):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = graph_counts(store)
    reports = ingest(store, [bad])
    assert reports[0].error and "bad.txt" in reports[0].error
    assert graph_counts(store) == before


def test_truncated_document_is_an_error_or_a_partial_graph(store, tmp_path):
    lines = corpus_file("000").read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[:100]), encoding="utf-8")  # the narrative only: no tables yet
    before = graph_counts(store)
    report = ingest(store, [cut])[0]
    assert report.error and "no budget tables" in report.error
    assert graph_counts(store) == before
    half = tmp_path / "half.txt"
    half.write_text("\n".join(lines[:310]), encoding="utf-8")  # stops inside table 4
    report = ingest(open_store("memory"), [half])[0]
    assert report.error is None and report.tables == 4


def test_shuffled_lines_do_not_crash(tmp_path):
    lines = corpus_file("002").read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    shuffled = tmp_path / "shuffled.txt"
    shuffled.write_text("\n".join(lines), encoding="utf-8")
    report = ingest(open_store("memory"), [shuffled])[0]
    assert report.error is None or "shuffled.txt" in report.error


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_encodings_give_the_same_graph(tmp_path, encoding):
    source = corpus_file("004")
    copy = tmp_path / f"copy-{encoding}.txt"
    text = source.read_text(encoding="utf-8").replace("\n", "\r\n")
    copy.write_bytes(text.encode(encoding))
    a, b = open_store("memory"), open_store("memory")
    ingest(a, [source])
    ingest(b, [copy])
    assert graph_counts(a) == graph_counts(b)


def test_unplaceable_rows_are_warnings_with_lines(tmp_path):
    lines = corpus_file("000").read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("收入总计\t"))
    lines.insert(index, "莫名其妙的一行\t12.00\t\t")
    odd = tmp_path / "odd.txt"
    odd.write_text("\n".join(lines), encoding="utf-8")
    document = parse_file(odd)
    assert [w.line for w in document.warnings] == [index + 1]
    assert "莫名其妙的一行" in document.warnings[0].message


def test_missing_file_is_reported(store, tmp_path):
    reports = ingest(store, [tmp_path / "nope.txt"])
    assert reports[0].error and "nope.txt" in reports[0].error


def test_parse_error_names_the_file(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(DocumentError, match="x.txt"):
        parse_file(bad)


# ---------------------------------------------------------------- hierarchy and code lists
def ask(store, body: str) -> bool:
    return store.ask(SPARQL_PREFIXES + f"ASK {{ {body} }}")


def test_unit_hierarchy(corpus_store):
    assert ask(corpus_store, "bkid:unit\\/450200\\/103007 org:subOrganizationOf bkid:unit\\/450200\\/103")
    assert ask(corpus_store, "bkid:unit\\/450200\\/103002 org:subOrganizationOf bkid:unit\\/450200\\/103")
    assert ask(corpus_store, '?u bk:code "152003" ; org:subOrganizationOf/skos:prefLabel "长沙市行政审批服务局"@zh')
    assert ask(corpus_store, '?u skos:prefLabel "池州市政务服务便民热线中心"@zh ; org:subOrganizationOf/bk:code "501"')
    assert ask(corpus_store, '?u bk:code "103007" ; bk:authorizedStaff 10 ; bk:actualStaff 7')
    assert ask(corpus_store, '?u bk:code "103007" ; bk:region/bk:adminCode "450200"')


def test_subject_broader_links(corpus_store):
    assert ask(corpus_store, "bkid:func\\/2010301 skos:broader bkid:func\\/20103 . bkid:func\\/20103 skos:broader bkid:func\\/201")
    assert ask(corpus_store, "bkid:func\\/2010350 skos:broader bkid:func\\/20103")  # from split columns 201 | 03 | 50
    assert ask(corpus_store, "bkid:econ\\/30101 skos:broader bkid:econ\\/301 ; skos:inScheme bkid:scheme-econ")


def test_one_concept_per_code_with_document_labels(corpus_store):
    rows = corpus_store.select(SPARQL_PREFIXES + f"""
        SELECT ?pref WHERE {{ GRAPH <{t.DERIVED_GRAPH}> {{ bkid:func\\/2010399 skos:prefLabel ?pref }} }}""").rows
    assert len(rows) == 1
    alts = corpus_store.select(SPARQL_PREFIXES + "SELECT DISTINCT ?alt WHERE { bkid:func\\/2010399 skos:altLabel ?alt }").rows
    assert len(alts) >= 2  # 半角 and 全角 parentheses in different documents


def test_every_observation_has_provenance(corpus_store):
    missing = corpus_store.select(SPARQL_PREFIXES + """
        SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?o a qb:Observation }
          FILTER NOT EXISTS { GRAPH ?g { ?o bk:line ?l ; bk:table ?table . ?table dcterms:title ?tt ; dcterms:isPartOf ?g .
                                         ?g bk:sourceFile ?f } } }""").rows
    assert int(missing[0][0].value) == 0
    # the document is the graph: no figure repeats it (nor its qb:DataSet, which lists the slices)
    assert not corpus_store.ask(SPARQL_PREFIXES + "ASK { ?o a qb:Observation ; prov:wasDerivedFrom ?d }")
    assert corpus_store.ask(SPARQL_PREFIXES + "ASK { GRAPH ?g { ?d a qb:DataSet ; qb:slice ?s . ?s qb:observation ?o } }")


def test_observation_iris_are_readable_and_unique(corpus_store):
    rows = corpus_store.select(SPARQL_PREFIXES + """
        SELECT ?o (COUNT(?a) AS ?n) WHERE { ?o a qb:Observation ; bk:amount ?a } GROUP BY ?o HAVING(COUNT(?a) > 1)""").rows
    assert rows == []
    sample = corpus_store.select(SPARQL_PREFIXES + "SELECT ?o WHERE { ?o bk:unit bkid:unit\\/450200\\/103007 } LIMIT 1").rows
    assert "/obs/450200-103007/2024/" in sample[0][0].value


def test_glossary_and_narrative_facts(corpus_store):
    assert ask(corpus_store, '?t a bk:Term ; skos:prefLabel "三公经费"@zh ; skos:definition ?d FILTER(CONTAINS(?d, "因公出国"))')
    assert ask(corpus_store, "?c a bk:Change ; bk:change 79.80 ; bk:changeRate 7.72")
    assert ask(corpus_store, "?e a bk:Execution ; bk:functionalSubject bkid:func\\/2010301 ; bk:executionRate 34.43")


def test_unseen_document_in_a_known_layout(tmp_path):
    """Another unit's document in the tab layout: names, codes and figures changed."""
    text = corpus_file("000").read_text(encoding="utf-8")
    text = text.replace("103007", "205003").replace("柳州市12345政务服务热线管理中心", "桂林市公共资源交易中心") \
        .replace("柳州市人民政府办公室", "桂林市财政局").replace("103\t", "205\t").replace("柳州市", "桂林市")
    text = text.replace("1,113.42", "2,226.84")
    other = tmp_path / "guilin.txt"
    other.write_text(text, encoding="utf-8")
    s = open_store("memory")
    report = ingest(s, [other])[0]
    assert report.error is None and not report.warnings and report.tables == 12
    assert ask(s, '?u bk:code "205003" ; skos:prefLabel "桂林市公共资源交易中心"@zh ; org:subOrganizationOf/bk:code "205" ; bk:region/bk:adminCode "450300"')
    assert ask(s, '?o bk:unit/bk:code "205003" ; bk:measure bkid:measure-expenditure-total ; bk:amount 2226.84')


def test_a_unit_named_with_jingji_keeps_functional_codes(tmp_path):
    """"经济" in a unit's name (…社会经济调查中心) does not make its tables 经济分类."""
    text = corpus_file("000").read_text(encoding="utf-8").replace("柳州市12345政务服务热线管理中心", "柳州市社会经济调查中心")
    text = text.replace("\n单位支出总体情况表\n", "\n柳州市社会经济调查中心单位支出总体情况表\n")
    other = tmp_path / "survey.txt"
    other.write_text(text, encoding="utf-8")
    s = open_store("memory")
    assert ingest(s, [other])[0].error is None
    assert ask(s, "?c skos:notation \"2010301\" ; skos:inScheme bkid:scheme-func")
    assert not ask(s, "?c skos:inScheme bkid:scheme-econ ; skos:notation ?n FILTER(STRSTARTS(?n, \"2\"))")


def test_a_store_from_an_older_version_gets_its_derived_graph_refreshed():
    from budgetkg.ingest.pipeline import derived_is_current, ensure_data
    from budgetkg.query.catalog import Catalog

    s = open_store("memory")
    ingest(s, [corpus_file("000")])
    before = s.count(str(t.DERIVED_GRAPH))
    s.replace_graphs({str(t.DERIVED_GRAPH): []})  # as an older budgetkg left it: no code lists, no version
    assert not derived_is_current(s) and not Catalog(s).subjects
    ensure_data(s)
    assert derived_is_current(s) and s.count(str(t.DERIVED_GRAPH)) == before and Catalog(s).subjects


def test_bundled_documents_read_by_other_code_are_read_again(corpus_store):
    """A store kept across an upgrade: its bundled documents, read by the code of then, are read again
    by ensure_data (their figures are what this code reads); a store read by this code is left alone."""
    from budgetkg.ingest.pipeline import ensure_data, is_ready, stale_bundled_documents

    s = open_store("memory")
    ingest(s, [CORPUS])
    assert not stale_bundled_documents(s) and is_ready(s)
    graph = next(g for g in s.named_graphs() if "/doc/" in g)
    s.update(SPARQL_PREFIXES + f"""DELETE {{ GRAPH <{graph}> {{ ?d bk:reader ?r }} }}
        INSERT {{ GRAPH <{graph}> {{ ?d bk:reader "older" }} }} WHERE {{ GRAPH <{graph}> {{ ?d bk:reader ?r }} }}""")
    s.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ ?o <{t.BK.amount}> ?a }} }}")  # what the older code read differently
    assert [p.name for p in stale_bundled_documents(s)] and not is_ready(s)
    ensure_data(s)
    assert not stale_bundled_documents(s) and s.count(graph) == corpus_store.count(graph)


def test_copy_in_a_folder_is_found(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(corpus_file("003"), folder / "a.txt")
    shutil.copy(corpus_file("004"), folder / "b.md")
    assert [r.error for r in ingest(open_store("memory"), [folder])] == [None, None]


def test_very_large_input_is_refused_clearly(store, tmp_path, monkeypatch):
    import budgetkg.ingest.readers as reader

    monkeypatch.setattr(reader, "MAX_DOCUMENT_BYTES", 10_000)
    before = graph_counts(store)
    report = ingest(store, [corpus_file("002")])[0]
    assert report.error and "larger than" in report.error and "002_" in report.error
    assert graph_counts(store) == before


def test_python_api_names():
    import budgetkg

    assert {"open_store", "ingest_documents", "Asker", "check", "export", "create_app"} <= set(budgetkg.__all__)
    assert callable(budgetkg.Asker) and callable(budgetkg.ingest_documents)


def test_the_catalog_is_cached_per_store_generation(monkeypatch, tmp_path, use_settings):
    from budgetkg.query.catalog import Catalog

    use_settings(cache_dir=tmp_path / "cache")
    s = open_store("memory")
    ingest(s, [corpus_file("000")])
    first = Catalog(s)
    [cached] = (tmp_path / "cache").glob("catalog-*.pickle")
    ingest(s, [corpus_file("000")])  # the same document again: same generation, same cache
    assert list((tmp_path / "cache").glob("catalog-*.pickle")) == [cached]

    def no_graph_reads(self):
        raise AssertionError("read from the graph although the cache was valid")

    monkeypatch.setattr(Catalog, "load", no_graph_reads)
    again = Catalog(s)
    assert again.units == first.units and again.projects == first.projects and again.documents == first.documents
    monkeypatch.undo()
    ingest(s, [corpus_file("003")])  # another document: a new generation, read from the graph
    grown = Catalog(s)
    [current] = set((tmp_path / "cache").glob("catalog-*.pickle")) - {cached}
    assert len(grown.documents) == 2
    current.write_bytes(b"not a pickle")
    assert Catalog(s).documents == grown.documents  # a damaged cache file is read around


# ---------------------------------------------------------------- malformed amounts, corrected versions
MALFORMED = "2024年收入预算总表\n单位：万元\n科目编码\t科目名称\t合计\t财政拨款收入\n201\t一般公共服务支出\t16.59e9\t1,2,322.19\n" \
            "208\t社会保障和就业支出\t12.3.4\t5.00\n合计\t\t20.00\t20.00\n"


def test_malformed_amounts_warn_with_file_and_line_and_give_no_figure(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("长沙市某中心2024年单位预算\n" + MALFORMED, encoding="utf-8")
    document = parse_file(path)
    warned = {(w.line, w.message.split("'")[3]) for w in document.warnings if "not a well-formed amount" in w.message}
    assert warned == {(5, "16.59e9"), (5, "1,2,322.19"), (6, "12.3.4")}
    assert sorted(str(f.printed) for f in document.facts) == ["20.00", "20.00", "5.00"]
    report = ingest(open_store("memory"), [path])[0]
    assert any(f"{path}:5:" in w and "16.59e9" in w for w in report.warnings)


def test_a_corrected_version_replaces_the_original(store, tmp_path):
    original = corpus_file("003").read_text(encoding="utf-8")
    corrected = tmp_path / "003-corrected.txt"
    corrected.write_text(original.replace("2,470.15", "2,471.15").replace("2470.15", "2471.15"), encoding="utf-8")
    documents_before = store.select(SPARQL_PREFIXES + "SELECT ?d WHERE { GRAPH ?d { ?d a bk:Document } }").rows
    report = ingest(store, [corrected])[0]
    assert report.replaced == [corpus_file("003").name] and "replaces the earlier version" in report.summary()
    documents = store.select(SPARQL_PREFIXES + "SELECT ?d ?f WHERE { GRAPH ?d { ?d a bk:Document ; bk:sourceFile ?f } }").values()
    assert len(documents) == len(documents_before)
    assert "003-corrected.txt" in {d["f"] for d in documents} and corpus_file("003").name not in {d["f"] for d in documents}
    # the unit is there once, with the corrected figure
    assert store.ask(SPARQL_PREFIXES + "ASK { ?o bk:amount 2471.15 }")
    assert not store.ask(SPARQL_PREFIXES + "ASK { ?o bk:amount 2470.15 }")


def test_budget_and_final_accounts_of_one_unit_stay_side_by_side(store):
    kinds = store.select(SPARQL_PREFIXES + """SELECT ?kind WHERE { GRAPH ?d { ?d a bk:Document ; bk:documentKind ?kind ;
        bk:unit <https://w3id.org/budgetkg/id/unit/450200/103007> } }""").values()
    assert sorted(k["kind"] for k in kinds) == ["单位决算", "单位预算"]


def test_a_unit_without_a_code_has_a_readable_stable_iri(corpus_store):
    from budgetkg.ontology import terms as t

    rows = corpus_store.select(t.SPARQL_PREFIXES + """SELECT DISTINCT ?u ?name WHERE {
        ?u a org:Organization ; skos:prefLabel ?name }""").values()
    assert rows and not [r["u"] for r in rows if "%" in r["u"]]  # no percent-encoded names
    chizhou = {r["u"] for r in rows if r["name"] == "池州市政务服务便民热线中心"}
    assert len(chizhou) == 1 and re.fullmatch(r".*/unit/341700/name-[0-9a-f]{12}", chizhou.pop())
    # the same name, written with other spaces or full-width letters, is the same unit
    assert t.unit_iri("341700", None, "池州市政务服务便民热线中心") == t.unit_iri("341700", None, " 池州市政务服务便民热线中心 ")
    assert t.unit_iri("341700", None, "池州市政务服务便民热线中心") != t.unit_iri("341700", None, "池州市行政审批服务局")
