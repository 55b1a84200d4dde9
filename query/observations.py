"""The observations of a store as plain Python records, with what they refer to.

`load(store)` reads every qb:Observation with its dimensions and provenance, and the units,
subject concepts, projects, tables and documents they point at, in a handful of SELECT
queries.  check, export (CSV and network formats) and stats work on these records.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from budgetkg.ontology import terms as t
from budgetkg.stores import Store

# observation property → short name; every one but `detail` should have at most one value
PROPERTIES = {
    str(t.BK.unit): "unit",
    str(t.BK.fiscalYear): "year",
    str(t.BK.phase): "phase",
    str(t.BK.measure): "measure",
    str(t.BK.fundSource): "fund",
    str(t.BK.expenditureType): "exptype",
    str(t.BK.detail): "detail",
    str(t.BK.functionalSubject): "func",
    str(t.BK.economicSubject): "econ",
    str(t.BK.project): "project",
    str(t.BK.amount): "amount",
    str(t.BK.table): "table",
    str(t.BK.line): "line",
    str(t.BK.column): "column",
    str(t.BK.rowLabel): "row",
    str(t.PROV.wasDerivedFrom): "document",
}
MULTI_VALUED = {"detail"}
SEPARATOR = "\u001f"


@dataclass
class Observation:
    """One observation; `values` holds every value of each property (sorted, as strings)."""

    iri: str
    graph: str
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def one(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    @property
    def ambiguous(self) -> list[str]:
        """Properties that should have one value but have several (a parsing or IRI clash)."""
        return sorted(n for n, v in self.values.items() if n not in MULTI_VALUED and len(v) > 1)

    @property
    def amount(self) -> Decimal | None:
        text = self.one("amount")
        try:
            return Decimal(text) if text is not None else None
        except InvalidOperation:
            return None

    @property
    def line(self) -> int | None:
        text = self.one("line")
        return int(text) if text and text.lstrip("-").isdigit() else None

    @property
    def year(self) -> int | None:
        text = self.one("year")
        return int(text) if text and text.lstrip("-").isdigit() else None

    @property
    def details(self) -> tuple[str, ...]:
        return self.values.get("detail", ())


@dataclass
class Unit:
    iri: str
    code: str | None
    name: str
    names: tuple[str, ...]
    region: str
    parent: str | None
    kind: str  # "department" (no parent unit) or "unit"


@dataclass
class Concept:
    iri: str
    scheme: str  # "func" or "econ"
    notation: str
    label: str


@dataclass
class Document:
    iri: str
    graph: str
    file: str
    title: str
    sha256: str
    unit: str | None
    phase: str = ""  # budget / final
    kind: str = ""  # 部门 / 单位


@dataclass
class ObservationSet:
    """Every observation of a store (or of one document) and the units, concepts, projects, tables
    and documents they refer to."""

    observations: list[Observation]
    units: dict[str, Unit]
    concepts: dict[str, Concept]
    projects: dict[str, tuple[str, str | None]]  # IRI → (name, unit IRI)
    tables: dict[str, tuple[int, str]]  # IRI → (number, title)
    documents: dict[str, Document]  # document IRI → Document
    members: dict[str, set[str]] = field(default_factory=dict)  # graph → units, projects, concepts in it

    def code_label(self, iri: str | None) -> str:
        """Chinese label of a code-list value (measure, fund, …) or subject concept."""
        if iri is None:
            return ""
        code = t.codes().get(iri)
        if code is not None:
            return code.label
        concept = self.concepts.get(iri)
        return concept.label if concept else iri.rsplit("/", 1)[-1]

    def notation(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        code = t.codes().get(iri)
        if code is not None:
            return code.notation
        concept = self.concepts.get(iri)
        return concept.notation if concept else iri.rsplit("/", 1)[-1]

    def document_of(self, obs: Observation) -> Document | None:
        return self.documents.get(obs.one("document") or "")

    def source(self, obs: Observation) -> str:
        """file:line of an observation."""
        doc = self.document_of(obs)
        return f"{doc.file if doc else obs.graph}:{obs.line}"


def _value(term: object) -> str:
    return term.value  # type: ignore[attr-defined]


def graph_clause(graph: str | None) -> str:
    """`GRAPH <iri>` for one named graph (escaped by pyoxigraph), `GRAPH ?g` for all."""
    return f"GRAPH {ox.NamedNode(graph)}" if graph else "GRAPH ?g"


def load_units(store: Store) -> dict[str, Unit]:
    """Every unit (org:Organization) of the store, by IRI."""
    # Each document states its units whole in its own graph: read graph by graph (DISTINCT), never
    # joining over the union, where a unit named in 1,000 documents multiplies its OPTIONALs 1,000-fold.
    return merge_units(store.select(t.SPARQL_PREFIXES + """
            SELECT DISTINCT ?u ?code ?name ?parent ?region WHERE { GRAPH ?g {
              ?u a org:Organization .
              OPTIONAL { ?u bk:code ?code } OPTIONAL { ?u skos:prefLabel ?name }
              OPTIONAL { ?u org:subOrganizationOf ?parent }
              OPTIONAL { ?u bk:region ?r . ?r skos:prefLabel ?region }
            } }""").values())


def merge_units(rows: Iterable[dict[str, str | None]]) -> dict[str, Unit]:
    """Units from rows of u, code, name, parent, region (a unit may come in several rows: its names add up)."""
    units: dict[str, Unit] = {}
    for row in rows:
        iri = row["u"] or ""
        unit = units.get(iri)
        names = set(unit.names if unit else ()) | ({row["name"]} if row["name"] else set())
        ordered = tuple(sorted(names, key=lambda n: (len(n), n)))
        units[iri] = Unit(
            iri,
            row["code"] or (unit.code if unit else None),
            ordered[-1] if ordered else iri.rsplit("/", 1)[-1],
            ordered,
            row["region"] or (unit.region if unit else ""),
            row["parent"] or (unit.parent if unit else None),
            "unit" if row["parent"] or (unit and unit.parent) else "department",
        )
    return units


def load(store: Store, graph: str | None = None) -> ObservationSet:
    """Every observation (of one named graph, if given) and what it refers to."""
    where = graph_clause(graph)
    bind = f"BIND({ox.NamedNode(graph)} AS ?g)" if graph else ""
    # one row per observation, each property's values joined by U+001F (no literal holds it)
    optionals = " ".join(f"OPTIONAL {{ ?o {ox.NamedNode(iri)} ?{name} }}" for iri, name in PROPERTIES.items())
    concats = " ".join(f'(GROUP_CONCAT(DISTINCT STR(?{name}); separator="\\u001f") AS ?{name}_)'
                       for name in PROPERTIES.values())
    result = store.select(t.SPARQL_PREFIXES + f"""
        SELECT ?g ?o {concats} WHERE {{ {where} {{ ?o a qb:Observation {optionals} }} {bind} }} GROUP BY ?g ?o""")
    observations = []
    for row in sorted(result.rows, key=lambda r: _value(r[1])):
        values = {name: tuple(sorted(set(cell.value.split(SEPARATOR)))) for name, cell in zip(PROPERTIES.values(), row[2:])
                  if cell is not None and cell.value}
        values.setdefault("document", (_value(row[0]),))  # a figure's document is its graph (ingest.graph writes no prov:wasDerivedFrom)
        observations.append(Observation(_value(row[1]), _value(row[0]), values))

    units = load_units(store)

    # as for units: graph by graph, then put together here (SAMPLE prefLabel, MIN altLabel)
    concepts: dict[str, Concept] = {}
    alt: dict[str, str] = {}
    for row in store.select(t.SPARQL_PREFIXES + """
            SELECT DISTINCT ?c ?scheme ?notation ?pref ?alt WHERE { GRAPH ?g {
              ?c skos:inScheme ?scheme ; skos:notation ?notation .
              FILTER(?scheme IN (bkid:scheme-func, bkid:scheme-econ))
              OPTIONAL { ?c skos:prefLabel ?pref } OPTIONAL { ?c skos:altLabel ?alt } } }""").values():
        iri = row["c"]
        if row["alt"] is not None and (iri not in alt or row["alt"] < alt[iri]):
            alt[iri] = row["alt"]
        known = concepts.get(iri)
        if known is None or (row["pref"] and not known.label):
            scheme = "func" if row["scheme"] == str(t.SCHEME_FUNC) else "econ"
            concepts[iri] = Concept(iri, scheme, row["notation"] or "", row["pref"] or "")
    for iri, concept in concepts.items():
        if not concept.label:
            concept.label = alt.get(iri, "")

    projects: dict[str, tuple[str, str | None]] = {}
    for row in store.select(t.SPARQL_PREFIXES + """
            SELECT DISTINCT ?p ?name ?unit WHERE { GRAPH ?g {
              ?p a bk:Project . OPTIONAL { ?p skos:prefLabel ?name } OPTIONAL { ?p bk:unit ?unit } } }""").values():
        name, unit = projects.get(row["p"], (None, None))
        projects[row["p"]] = (name or row["name"], unit or row["unit"])  # type: ignore[assignment]
    projects = {p: (name or p.rsplit("/", 1)[-1], unit) for p, (name, unit) in projects.items()}

    tables: dict[str, tuple[int, str]] = {}
    for row in store.select(t.SPARQL_PREFIXES + """
            SELECT DISTINCT ?t ?number ?title WHERE { GRAPH ?g {
              ?t a bk:Table . OPTIONAL { ?t bk:tableNumber ?number } OPTIONAL { ?t dcterms:title ?title } } }""").values():
        number = row["number"]
        known_number, known_title = tables.get(row["t"], (-1, ""))
        tables[row["t"]] = (int(number) if number and number.lstrip("-").isdigit() else known_number, known_title or row["title"] or "")

    documents: dict[str, Document] = {}
    for row in store.select(t.SPARQL_PREFIXES + """
            SELECT ?g ?d (SAMPLE(?file) AS ?f) (SAMPLE(?title) AS ?t) (SAMPLE(?sha) AS ?s) (SAMPLE(?unit) AS ?u)
                   (SAMPLE(?phase) AS ?p) (SAMPLE(?kind) AS ?k) WHERE {
              GRAPH ?g { ?d a bk:Document }
              OPTIONAL { ?d bk:sourceFile ?file } OPTIONAL { ?d dcterms:title ?title }
              OPTIONAL { ?d bk:sha256 ?sha } OPTIONAL { ?d bk:unit ?unit }
              OPTIONAL { ?d bk:phase ?phase } OPTIONAL { ?d bk:documentKind ?kind }
            } GROUP BY ?g ?d""").values():
        documents[row["d"]] = Document(row["d"], row["g"], row["f"] or "", row["t"] or "", row["s"] or "", row["u"],
                                       (row["p"] or "").rsplit("-", 1)[-1], (row["k"] or "")[:2])
    members: dict[str, set[str]] = {}
    for g, s in store.select(t.SPARQL_PREFIXES + f"""
            SELECT DISTINCT ?g ?s WHERE {{ {where} {{ ?s a ?type }} {bind}
              FILTER(?type IN (org:Organization, bk:Project, skos:Concept, bk:Document)) }}""").rows:
        members.setdefault(_value(g), set()).add(_value(s))
    return ObservationSet(observations, units, concepts, projects, tables, documents, members)


def descendants(units: dict[str, Unit], roots: set[str]) -> set[str]:
    """roots and every unit below them (org:subOrganizationOf, transitively)."""
    children: dict[str, set[str]] = {}
    for unit in units.values():
        if unit.parent:
            children.setdefault(unit.parent, set()).add(unit.iri)
    found, stack = set(), list(roots)
    while stack:
        iri = stack.pop()
        if iri not in found:
            found.add(iri)
            stack.extend(children.get(iri, ()))
    return found
