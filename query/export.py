"""Export the graph: RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD), a tidy CSV of observations,
and networks of units, subjects, projects and documents (GraphML, GEXF, Cytoscape JSON).

`export(store, fmt, unit=None, document=None) -> bytes`

* unit — a unit code, name or IRI: that unit, its sub-units and what they link to;
* document — a document's graph IRI, source file name or content-hash prefix: that document only.

RDF is serialised by pyoxigraph.  Turtle and N-Triples hold the union of the named graphs (each
triple once); N-Quads, TriG and JSON-LD keep the graphs.  JSON-LD carries an inline @context of
the project's prefixes and never refers to a remote one.  CSV is UTF-8 with a byte-order mark (so
spreadsheet programs read the Chinese text), one row per observation.  The networks are built
with networkx and written by its own writers, with every attribute a str, int or float.
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

import networkx as nx
import pyoxigraph as ox

from budgetkg.ontology import terms as t
from budgetkg.query.figures import Figure, preference
from budgetkg.query.observations import Observation, ObservationSet, Unit, descendants, load, load_units
from budgetkg.stores import Store

RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
QUAD_FORMATS = {"nquads", "trig", "jsonld"}
FORMATS = (*RDF_FORMATS, "csv", "graphml", "gexf", "cytoscape")
MEDIA_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples", "nquads": "application/n-quads",
               "trig": "application/trig", "jsonld": "application/ld+json", "csv": "text/csv; charset=utf-8",
               "graphml": "application/graphml+xml", "gexf": "application/gexf+xml", "cytoscape": "application/json"}
EXTENSIONS = {"turtle": "ttl", "nt": "nt", "nquads": "nq", "trig": "trig", "jsonld": "jsonld", "csv": "csv",
              "graphml": "graphml", "gexf": "gexf", "cytoscape": "cyjs"}
CSV_COLUMNS = ("observation", "unit_code", "unit_name", "region", "year", "phase", "measure", "fund_source",
               "expenditure_type", "details", "functional_code", "functional_name", "economic_code", "economic_name",
               "project", "amount", "document_file", "document_title", "table_number", "table_title", "line", "column",
               "row_label")
BK_UNIT = str(t.BK.unit)


class ExportError(ValueError):
    """An unknown format, or a unit or document filter that matches nothing (or too much)."""


UnitNames = Callable[[str], Iterable[str]]  # a name as a question would say it → the IRIs of the units it names


def export(store: Store, fmt: str, unit: str | None = None, document: str | None = None,
           unit_names: UnitNames | None = None) -> bytes:
    """The graph, or a document's or a unit's part of it, in `fmt`.

    `unit` is a code, IRI or name; `unit_names` reads a name the way the question layer does
    (“池州热线中心”), for names that are not written as the documents spell them.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    graph = resolve_document(store, document) if document else None
    units = resolve_units(load_units(store), unit, unit_names) if unit else None
    if fmt in RDF_FORMATS:
        return _rdf(store, fmt, units, graph)
    observed = load(store, graph)
    if fmt == "csv":
        return _csv(observed, units)
    network = build_network(observed, units)
    if fmt == "cytoscape":
        return json.dumps(nx.cytoscape_data(network, name="label"), ensure_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(network, buffer, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(network, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


# ---------------------------------------------------------------- filters
def resolve_document(store: Store, document: str) -> str:
    """A document's named graph from its graph IRI, document IRI, source file name or hash prefix."""
    wanted = document.strip()
    rows = store.select(t.SPARQL_PREFIXES + """
        SELECT DISTINCT ?g ?d ?file ?sha WHERE {
          GRAPH ?g { ?d a bk:Document } OPTIONAL { ?d bk:sourceFile ?file } OPTIONAL { ?d bk:sha256 ?sha } }""").values()
    exact = [r["g"] for r in rows if wanted in (r["g"], r["d"], r["file"]) or
             (r["file"] and wanted == r["file"].rsplit(".", 1)[0])]
    if not exact and len(wanted) >= 4 and all(c in "0123456789abcdef" for c in wanted.lower()):
        exact = [r["g"] for r in rows if r["sha"] and r["sha"].startswith(wanted.lower())]
    found = sorted(set(exact))
    if not found:
        raise ExportError(f"no document matches {document!r} (give a graph IRI, file name or hash prefix)")
    if len(found) > 1:
        raise ExportError(f"{document!r} matches {len(found)} documents; give more of the hash")
    return found[0]


def resolve_units(units: dict[str, Unit], unit: str, unit_names: UnitNames | None = None) -> set[str]:
    """The units a code, name or IRI names (exactly, else as `unit_names` reads it, else by part of
    the name), with their sub-units."""
    wanted = t.normalize(unit)
    matched = {u.iri for u in units.values() if unit in (u.iri, u.code) or wanted in {t.normalize(n) for n in u.names}}
    if not matched and wanted and unit_names is not None:
        matched = set(unit_names(unit)) & set(units)
    if not matched and wanted:
        matched = {u.iri for u in units.values() if any(wanted in t.normalize(n) for n in u.names)}
    if not matched:
        raise ExportError(f"no unit matches {unit!r} (give a unit code or name)")
    return descendants(units, matched)


# ---------------------------------------------------------------- RDF
def _quads(store: Store, graph: str | None) -> list[ox.Quad]:
    quads = ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    if graph is None:
        return list(quads)
    return [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph]


def _unit_closure(quads: list[ox.Quad], units: set[str]) -> set[str]:
    """The units, everything that names one of them with bk:unit, and what all of these link to."""
    first = set(units)
    first.update(q.subject.value for q in quads
                 if q.predicate.value == BK_UNIT and q.object.value in units and isinstance(q.subject, ox.NamedNode))
    linked = {q.object.value for q in quads if q.subject.value in first and isinstance(q.object, ox.NamedNode)}
    return first | linked


def _rdf(store: Store, fmt: str, units: set[str] | None, graph: str | None) -> bytes:
    quads = _quads(store, graph)
    if units is not None:
        keep = _unit_closure(quads, units)
        quads = [q for q in quads if q.subject.value in keep]
    # grouped by graph and subject (TriG and Turtle then write each block once)
    quads.sort(key=lambda q: (q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "", q.subject.value))
    prefixes = dict(t.PREFIXES)
    if fmt == "jsonld":
        return _jsonld(quads)
    if fmt in QUAD_FORMATS:
        return ox.serialize(quads, format=RDF_FORMATS[fmt], prefixes=prefixes if fmt == "trig" else None)
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes if fmt == "turtle" else None)


def _jsonld(quads: list[ox.Quad]) -> bytes:
    """pyoxigraph's expanded JSON-LD, compacted with an inline @context of the project's prefixes."""
    expanded = json.loads(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
    namespaces = sorted(t.PREFIXES.items(), key=lambda item: -len(item[1]))

    def compact(iri: str) -> str:
        for prefix, namespace in namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace):].startswith("//"):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def walk(node: object) -> object:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if key in ("@id", "@type") and isinstance(value, str):
                    result[key] = compact(value)
                elif key.startswith("@"):
                    result[key] = walk(value)
                else:
                    result[compact(key)] = walk(value)
            return result
        return node

    document = {"@context": dict(t.PREFIXES), "@graph": walk(expanded)}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- CSV
def _selected(observed: ObservationSet, units: set[str] | None) -> list[Observation]:
    return [o for o in observed.observations if units is None or o.one("unit") in units]


def _csv(observed: ObservationSet, units: set[str] | None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = [_csv_row(observed, obs) for obs in _selected(observed, units)]
    rows.sort(key=lambda r: (r[16], _int(r[18]), _int(r[20]), r[21], r[0]))
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _int(text: str) -> int:
    return int(text) if text.lstrip("-").isdigit() else -1


def _csv_row(observed: ObservationSet, obs: Observation) -> list[str]:
    def each(name: str, describe) -> str:
        return " | ".join(describe(v) for v in obs.values.get(name, ()))

    def unit_field(attribute: str) -> str:
        return each("unit", lambda u: getattr(observed.units[u], attribute) or "" if u in observed.units else u)

    def table_field(index: int) -> str:
        return each("table", lambda x: str(observed.tables[x][index]) if x in observed.tables else x)

    def doc_field(attribute: str) -> str:
        return each("document", lambda d: getattr(observed.documents[d], attribute) if d in observed.documents else d)

    return [
        obs.iri, unit_field("code"), unit_field("name"), unit_field("region"), each("year", str),
        each("phase", observed.code_label), each("measure", observed.code_label), each("fund", observed.code_label),
        each("exptype", observed.code_label), each("detail", observed.code_label),
        each("func", lambda c: observed.notation(c) or ""), each("func", observed.code_label),
        each("econ", lambda c: observed.notation(c) or ""), each("econ", observed.code_label),
        each("project", lambda p: observed.projects.get(p, (p,))[0]), each("amount", str),
        doc_field("file"), doc_field("title"), table_field(0), table_field(1), each("line", str),
        each("column", str), each("row", str),
    ]


# ---------------------------------------------------------------- networks
def _rank(observed: ObservationSet, obs: Observation) -> tuple:
    """The figure a link carries: a 预算 before a 决算, the latest year, 支出 before other measures,
    then the unit's figure as an answer would choose it (query.figures)."""
    figure = Figure(obs.one("unit") or "", obs.year or 0, observed.notation(obs.one("phase")) or "",
                    observed.notation(obs.one("measure")) or "", obs.amount or Decimal(0), obs.one("document") or "",
                    obs.one("table"), obs.line or 0, obs.iri, obs.one("fund"), obs.one("exptype"), frozenset(obs.details))
    return ((figure.phase != "budget", -figure.year, figure.measure != "expenditure")
            + preference(figure, figure.unit, figure.phase, observed.documents))


def _usable(obs: Observation) -> bool:
    return not obs.ambiguous and obs.amount is not None and not obs.details


def build_network(observed: ObservationSet, units: set[str] | None = None) -> nx.DiGraph:
    """Units and departments, subject concepts, projects and documents, with weighted links.

    Edges: unit → parent unit (subOrganizationOf), unit → functional/economic subject and unit →
    project weighted by the unit's expenditure on it (its budget figure when there is one, else
    its 决算), subject → broader subject, unit → document it is reported in (weight: figures).
    """
    network = nx.DiGraph(name="budgetkg")
    observations = [o for o in _selected(observed, units) if _usable(o)]
    in_graphs = set().union(*observed.members.values()) if observed.members else set()
    wanted_units = set(units) if units is not None else {u for u in observed.units if u in in_graphs}

    def add_unit(iri: str) -> None:
        unit = observed.units.get(iri)
        if unit is not None and iri not in network:
            network.add_node(iri, label=unit.name, type=unit.kind, code=unit.code or "", region=unit.region)

    def add_concept(iri: str) -> None:
        concept = observed.concepts.get(iri)
        if concept is None or iri in network:
            return
        network.add_node(iri, label=f"{concept.notation} {concept.label}".strip(),
                         type="functional-subject" if concept.scheme == "func" else "economic-subject",
                         code=concept.notation, region="")
        if len(concept.notation) > 3:
            parent = str(t.subject_iri(concept.scheme, concept.notation[:-2]))
            if parent in observed.concepts:
                add_concept(parent)
                _edge(network, iri, parent, "broader")

    for iri in sorted(wanted_units):
        add_unit(iri)
    for iri in sorted(wanted_units):
        parent = observed.units[iri].parent if iri in observed.units else None
        if parent and parent in observed.units:
            add_unit(parent)
            _edge(network, iri, parent, "subOrganizationOf")

    best: dict[tuple[str, str, str], Observation] = {}
    for obs in observations:
        unit = obs.one("unit")
        project, func, econ = obs.one("project"), obs.one("func"), obs.one("econ")
        targets = [("project", project)] if project else [("functionalSubject", func), ("economicSubject", econ)]
        for interaction, target in targets:
            key = (unit or "", interaction, target or "")
            if unit and target and (key not in best or _rank(observed, obs) < _rank(observed, best[key])):
                best[key] = obs
    for (unit, interaction, target), obs in sorted(best.items()):
        add_unit(unit)
        if interaction == "project":
            if target not in network:
                name, owner = observed.projects.get(target, (target.rsplit("/", 1)[-1], unit))
                region = observed.units[owner].region if owner in observed.units else ""
                network.add_node(target, label=name, type="project", code="", region=region)
        else:
            add_concept(target)
        if target in network:
            _edge(network, unit, target, interaction, obs.amount, observed.notation(obs.one("phase")) or "", obs.year or 0,
                  measure=observed.notation(obs.one("measure")) or "")
    for iri, (name, owner) in sorted(observed.projects.items()):  # projects without a figure
        if owner in wanted_units and iri not in network and iri in in_graphs:
            add_unit(owner)
            region = observed.units[owner].region if owner in observed.units else ""
            network.add_node(iri, label=name, type="project", code="", region=region)
            _edge(network, owner, iri, "project")

    reported: dict[tuple[str, str], int] = defaultdict(int)
    for obs in observations:
        doc = observed.document_of(obs)
        if doc is not None and obs.one("unit"):
            reported[(obs.one("unit"), doc.iri)] += 1
    for (unit, doc_iri), count in sorted(reported.items()):
        doc = observed.documents[doc_iri]
        if doc_iri not in network:
            network.add_node(doc_iri, label=doc.title, type="document", code=doc.file, region="")
        _edge(network, unit, doc_iri, "reportedIn", weight=float(count))
    return network


def _edge(network: nx.DiGraph, source: str, target: str, interaction: str, amount=None, phase: str = "",
          year: int = 0, weight: float | None = None, measure: str = "") -> None:
    """One edge with the same typed attributes as every other (GEXF and Gephi need that): weight is
    the amount in 万元 for subject and project links, the number of figures for reportedIn, else 1."""
    if network.has_edge(source, target) or source not in network or target not in network:
        return
    value = float(amount) if amount is not None else 0.0
    if weight is None:
        weight = value if amount is not None else 1.0
    network.add_edge(source, target, id=f"edge-{network.number_of_edges() + 1}", interaction=interaction,
                     label=interaction, weight=weight, amount=value, measure=measure, phase=phase, year=int(year))
