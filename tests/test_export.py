"""budgetkg export: every format reads back, and the unit and document filters select what they say."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from budgetkg.ingest.pipeline import ingest
from budgetkg.ontology import terms as t
from budgetkg.query.export import CSV_COLUMNS, FORMATS, ExportError, build_network, export
from budgetkg.query.observations import load
from budgetkg.settings import CORPUS_DIR
from budgetkg.stores import open_store

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}
DOC_FILE = "000_09de1729fb91b93b.txt"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers


@pytest.fixture(scope="module")
def store():
    store = open_store("memory")
    ingest(store, [CORPUS_DIR])
    return store


def count(store, query: str) -> int:
    return int(store.select(t.SPARQL_PREFIXES + query).rows[0][0].value)


def test_formats():
    assert set(FORMATS) == {"turtle", "nt", "nquads", "trig", "jsonld", "csv", "graphml", "gexf", "cytoscape"}


@pytest.mark.parametrize("fmt", ["nt", "nquads"])
def test_rdf_round_trip_whole_store(store, fmt):
    parsed = list(ox.parse(export(store, fmt), format=OX_FORMATS[fmt]))
    if fmt == "nt":  # the union of the named graphs, each triple once
        expected = count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
        assert len(set(parsed)) == len(parsed) == expected
    else:  # every quad in its named graph
        assert len(parsed) == store.count()
        assert {q.graph_name.value for q in parsed} == set(store.named_graphs())


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nquads", "trig", "jsonld"])
def test_rdf_reads_back(store, fmt):
    """One document's graph, read back by pyoxigraph and by rdflib, triple for triple."""
    data = export(store, fmt, document=DOC_FILE)
    parsed = list(ox.parse(data, format=OX_FORMATS[fmt]))
    graph = next(iter({q.graph_name.value for q in parsed})) if fmt in ("nquads", "trig", "jsonld") else None
    document_graph = store.select(t.SPARQL_PREFIXES + f"""SELECT ?g WHERE {{ GRAPH ?g {{ ?d bk:sourceFile "{DOC_FILE}" }} }}"""
                                  ).rows[0][0].value
    assert len(parsed) == store.count(document_graph)
    assert graph in (None, document_graph)
    if fmt in ("turtle", "nt"):
        assert len(rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])) == len(parsed)
    else:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert sum(1 for _ in dataset.quads((None, None, None, None))) == len(parsed)


def test_jsonld_context_is_inline(store):
    document = json.loads(export(store, "jsonld", unit="103007"))
    assert document["@context"] == t.PREFIXES  # a plain object of prefixes, no remote reference
    text = json.dumps(document["@graph"], ensure_ascii=False)
    assert '"bk:amount"' in text and '"@context"' not in text


def test_csv_one_row_per_observation(store):
    rows = list(csv.DictReader(io.StringIO(export(store, "csv").decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a qb:Observation }")
    assert len({r["observation"] for r in rows}) == len(rows)
    for row in rows:
        Decimal(row["amount"])
        assert row["document_file"] and row["line"].isdigit() and row["year"] in {"2023", "2024"}  # the text also states last year's
    sample = next(r for r in rows if r["functional_code"] == "2010301" and r["document_file"] == DOC_FILE)
    assert sample["functional_name"] and sample["unit_code"] == "103007" and sample["region"] == "柳州市"
    assert sample["phase"] == "预算" and sample["table_title"]


def test_network_formats_read_back(store):
    network = build_network(load(store))
    nodes, edges = network.number_of_nodes(), network.number_of_edges()
    assert nodes > 50 and edges > nodes
    types = {d["type"] for _, d in network.nodes(data=True)}
    assert {"department", "unit", "functional-subject", "economic-subject", "project", "document"} <= types
    for reader, fmt in ((nx.read_graphml, "graphml"), (nx.read_gexf, "gexf")):
        graph = reader(io.BytesIO(export(store, fmt)))
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges), fmt
        _, data = next(iter(graph.nodes(data=True)))
        assert data["label"] and data["type"]
        edge = next(d for _, _, d in graph.edges(data=True) if d["interaction"] == "functionalSubject")
        assert isinstance(edge["weight"], float) and edge["weight"] > 0 and isinstance(edge["year"], int)


def test_cytoscape_shape(store):
    data = json.loads(export(store, "cytoscape"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert nodes and edges
    node_ids = [n["data"]["id"] for n in nodes]
    edge_ids = [e["data"]["id"] for e in edges]
    assert all(isinstance(i, str) for i in node_ids + edge_ids)
    assert len(set(node_ids + edge_ids)) == len(node_ids) + len(edge_ids)  # unique across nodes and edges
    for edge in edges:
        assert {"id", "source", "target", "interaction"} <= edge["data"].keys()
        assert edge["data"]["source"] in node_ids and edge["data"]["target"] in node_ids
    assert all(n["data"]["name"] and n["data"]["type"] for n in nodes)


def test_unit_filter(store):
    rows = list(csv.DictReader(io.StringIO(export(store, "csv", unit="103002").decode("utf-8-sig"))))
    assert rows and {r["unit_code"] for r in rows} == {"103002"}
    department = list(csv.DictReader(io.StringIO(export(store, "csv", unit="103").decode("utf-8-sig"))))
    assert {r["unit_code"] for r in department} >= {"103", "103001", "103002", "103007"}  # with its sub-units
    by_name = export(store, "csv", unit="广西壮族自治区柳州市人民政府驻北京联络处")
    assert by_name == export(store, "csv", unit="103002")
    quads = list(ox.parse(export(store, "nquads", unit="103002"), format=ox.RdfFormat.N_QUADS))
    observations = {q.subject for q in quads if q.object.value == str(t.QB.Observation)}
    units = {q.object.value for q in quads if q.subject in observations and q.predicate.value == str(t.BK.unit)}
    assert observations and units == {str(t.unit_iri("450200", "103002", ""))}
    assert any(q.predicate.value == str(t.ORG.subOrganizationOf) for q in quads)
    graph = nx.read_gexf(io.BytesIO(export(store, "gexf", unit="103002")))
    kinds = {d["type"] for _, d in graph.nodes(data=True)}
    assert "department" in kinds and "project" in kinds  # the parent and what the unit links to


def test_document_filter(store):
    by_file = export(store, "nquads", document=DOC_FILE)
    graphs = {q.graph_name.value for q in ox.parse(by_file, format=ox.RdfFormat.N_QUADS)}
    assert len(graphs) == 1
    graph = graphs.pop()
    sha = store.select(t.SPARQL_PREFIXES + f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?d bk:sha256 ?s }} }}").rows[0][0].value
    assert export(store, "nquads", document=graph) == by_file
    assert export(store, "nquads", document=sha[:10]) == by_file
    rows = list(csv.DictReader(io.StringIO(export(store, "csv", document=DOC_FILE).decode("utf-8-sig"))))
    assert rows and {r["document_file"] for r in rows} == {DOC_FILE}


def test_bad_requests(store):
    with pytest.raises(ExportError):
        export(store, "xml")
    with pytest.raises(ExportError):
        export(store, "csv", unit='"} UNION { ?s ?p ?o } #')
    with pytest.raises(ExportError):
        export(store, "turtle", document="no-such-file.txt")
