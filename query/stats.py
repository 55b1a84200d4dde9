"""Counts for the whole store and per document (`budgetkg stats`)."""
from __future__ import annotations

from budgetkg.ontology import terms as t
from budgetkg.stores import Store

_PER_GRAPH = {
    "triples": "?s ?p ?o",
    "observations": "?s a qb:Observation",
    "units": "?s a org:Organization",
    "projects": "?s a bk:Project",
    "tables": "?s a bk:Table ; bk:tableNumber ?n FILTER(?n > 0)",  # table 0 is the running text
}
_TOTALS = {
    "observations": "?s a qb:Observation",
    "units": "?s a org:Organization",
    "projects": "?s a bk:Project",
}


def _count(store: Store, pattern: str) -> int:
    rows = store.select(t.SPARQL_PREFIXES + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {pattern} }}").rows
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def stats(store: Store) -> dict:
    """{"totals": {documents, units, observations, projects, triples, graphs},
    "documents": [{file, title, graph, year, kind, triples, observations, units, projects, tables}],
    "graphs": [{graph, triples}] for the graphs that are not documents (vocabulary, derived)}."""
    documents: dict[str, dict] = {}
    for row in store.select(t.SPARQL_PREFIXES + """
            SELECT ?g (SAMPLE(?file) AS ?f) (SAMPLE(?title) AS ?t) (SAMPLE(?year) AS ?y) (SAMPLE(?kind) AS ?k) WHERE {
              GRAPH ?g { ?d a bk:Document OPTIONAL { ?d bk:sourceFile ?file } OPTIONAL { ?d dcterms:title ?title }
                         OPTIONAL { ?d bk:fiscalYear ?year } OPTIONAL { ?d bk:documentKind ?kind } }
            } GROUP BY ?g""").values():
        documents[row["g"]] = {"file": row["f"] or "", "title": row["t"] or "", "graph": row["g"],
                               "year": int(row["y"]) if row["y"] and row["y"].isdigit() else None,
                               "kind": row["k"] or "", **{name: 0 for name in _PER_GRAPH}}
    graphs: dict[str, int] = {}
    for name, pattern in _PER_GRAPH.items():
        distinct = "" if name == "triples" else "DISTINCT ?s"
        for g, n in store.select(t.SPARQL_PREFIXES + f"""
                SELECT ?g (COUNT({distinct or '*'}) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }} GROUP BY ?g""").rows:
            if g.value in documents:
                documents[g.value][name] = int(n.value)
            elif name == "triples":
                graphs[g.value] = int(n.value)
    totals = {"documents": len(documents), **{name: _count(store, p) for name, p in _TOTALS.items()},
              "triples": store.count(), "graphs": len(documents) + len(graphs)}
    return {
        "totals": totals,
        "documents": sorted(documents.values(), key=lambda d: (d["file"], d["graph"])),
        "graphs": [{"graph": g, "triples": n} for g, n in sorted(graphs.items())],
    }
