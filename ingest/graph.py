"""ParsedDocument → the quads of its named graph (documents → parsed tables → graph)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from budgetkg import cache
from budgetkg.ingest.facts import Fact, ParsedDocument, Project, Subject, Unit
from budgetkg.ontology import terms as t

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

DOCUMENT_KINDS = {("部门", "budget"): "部门预算", ("单位", "budget"): "单位预算", ("部门", "final"): "部门决算", ("单位", "final"): "单位决算"}
LEVELS = {3: "类", 5: "款", 7: "项"}


def N(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def text(value: str) -> ox.Literal:
    return ox.Literal(value, language="zh")


def plain(value: str) -> ox.Literal:
    return ox.Literal(value)


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def decimal(value: Decimal) -> ox.Literal:
    return ox.Literal(format(value, "f"), datatype=ox.NamedNode(XSD + "decimal"))


def optional_decimal(value: Decimal | None) -> ox.Literal | None:
    return decimal(value) if value is not None else None


BK = {name: N(t.BK[name]) for name in (
    "Document", "Table", "Project", "Indicator", "Change", "Execution", "Term", "Region",
    "sha256", "sourceFile", "layout", "reader", "documentKind", "fiscalYear", "tableNumber", "table", "line", "column",
    "rowLabel", "code", "region", "adminCode", "kind", "authorizedStaff", "actualStaff", "functions", "internalBody", "internalBodyCount", "unit",
    "phase", "measure", "fundSource", "expenditureType", "functionalSubject", "economicSubject", "project",
    "detail", "amount", "performanceGoal", "indicator", "level1", "level2", "level3", "targetValue",
    "targetNumber", "measureUnit", "change", "changeRate", "previousAmount", "basisPhase", "reason", "executionRate",
    "budgetAmount", "finalAmount", "level", "subject", "dsd", "GlossaryScheme", "printedAmount", "moneyUnit", "page", "note", "nameMention", "NameMention", "where", "Share", "shareRate", "ofLabel", "of", "Absence",
    "Statement", "aspect", "statedValue", "projectOverview", "projectContent",
)}
DIMENSION_PREDICATES = {"measure": BK["measure"], "fund": BK["fundSource"], "exptype": BK["expenditureType"]}
QB_OBSERVATION, QB_DATASET, QB_SLICE, QB_MEMBER = (N(t.QB.Observation), N(t.QB.dataSet), N(t.QB.Slice), N(t.QB.observation))
PROV_DERIVED = N(t.PROV.wasDerivedFrom)
# what refresh_derived reads: concepts (code, scheme, labels, broader), units and their names, the document
DERIVED_INPUT = {N(SKOS + p) for p in ("altLabel", "inScheme", "notation", "broader")}
ORGANIZATION, PREF_LABEL = N(t.ORG.Organization), N(SKOS + "prefLabel")
DERIVED_TYPES = {ORGANIZATION, BK["Document"]}
# the same terms as N-Quads tokens, for the lines add_fact writes
P_TYPE, P_SLICE, P_MEMBER = (f"<{p.value}> " for p in (RDF_TYPE, N(t.QB.slice), QB_MEMBER))
O_OBSERVATION, O_SLICE = f"<{QB_OBSERVATION.value}>", f"<{QB_SLICE.value}>"
(P_UNIT, P_YEAR, P_PHASE, P_MEASURE, P_DETAIL, P_FUNC, P_ECON, P_PROJECT, P_AMOUNT, P_TABLE, P_LINE, P_PRINTED, P_MONEY,
 P_PAGE, P_COLUMN, P_ROW) = (f"<{BK[name].value}> " for name in (
    "unit", "fiscalYear", "phase", "measure", "detail", "functionalSubject", "economicSubject", "project", "amount", "table",
    "line", "printedAmount", "moneyUnit", "page", "column", "rowLabel"))
DIMENSION_TOKENS = {dimension: f"<{predicate.value}> " for dimension, predicate in DIMENSION_PREDICATES.items()}
INTEGER, DECIMAL = f"^^<{XSD}integer>", f"^^<{XSD}decimal>"
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]} | {ord("\\"): "\\\\", ord('"'): '\\"', 10: "\\n", 13: "\\r", 9: "\\t"}


READER_PACKAGES = ("budgetkg.ingest", "budgetkg.ingest.readers", "budgetkg.ontology")  # what reads a document into quads


def reader_version() -> str:
    """A digest of the code that reads a document into quads (bk:reader): the bundled documents a store
    holds as read by other code are read again (ingest.pipeline.ensure_data)."""
    return cache.code_digest(READER_PACKAGES)


def escape(value: str) -> str:
    """A literal's text as N-Quads writes it between quotes."""
    return value.translate(_ESCAPES)
_NODES: dict[str, ox.NamedNode] = {}


def node(iri: str) -> ox.NamedNode:
    """Code-list and other often-repeated IRIs, made once."""
    found = _NODES.get(iri)
    if found is None:
        found = _NODES[iri] = ox.NamedNode(iri)
    return found


class GraphBuilder:
    def __init__(self, document: ParsedDocument) -> None:
        self.doc = document
        self.doc_iri = N(t.document_iri(document.sha256))
        self.quads: list[ox.Quad] = []  # quads from the start: converting triples afterwards cost 15% of parsing
        self.lines: list[str] = []  # the observations' quads, as N-Quads (add_fact)
        self.graph_tail = f" <{self.doc_iri.value}> .\n"
        self.candidates: list[tuple] = []  # the figures of units' slices, for the aggregate table
        self.unit_iris: dict[int, ox.NamedNode] = {}
        self.slices: dict[str, None] = {}
        self.tables: dict[int, ox.NamedNode] = {}
        self.subject_nodes: dict[tuple[str, str], ox.NamedNode] = {}
        self.project_nodes: dict[int, ox.NamedNode] = {}

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal | None) -> None:
        if o is not None:
            self.quads.append(ox.Quad(s, p, o, self.doc_iri))

    def unit(self, unit: Unit) -> ox.NamedNode:
        key = id(unit)
        if key not in self.unit_iris:
            self.unit_iris[key] = N(t.unit_iri(self.doc.region_code, unit.code, unit.name))
        return self.unit_iris[key]

    def build(self) -> list[ox.Quad]:
        doc = self.doc
        d = self.doc_iri
        add = self.add
        add(d, RDF_TYPE, BK["Document"])
        add(d, RDF_TYPE, N(t.PROV.Entity))
        add(d, N(DCT + "title"), text(doc.title))
        add(d, BK["sha256"], plain(doc.sha256))
        add(d, BK["sourceFile"], plain(doc.source_name))
        add(d, BK["layout"], plain(doc.layout))
        add(d, BK["reader"], plain(reader_version()))
        add(d, BK["documentKind"], text(DOCUMENT_KINDS[(doc.kind, doc.phase)]))
        add(d, BK["fiscalYear"], integer(doc.year))
        add(d, BK["phase"], N(t.code("phase", doc.phase).iri))
        add(d, BK["unit"], self.unit(doc.unit))
        region = N(t.region_iri(doc.region_code))
        add(d, BK["region"], region)
        add(region, RDF_TYPE, BK["Region"])
        add(region, N(SKOS + "prefLabel"), text(doc.region_name))
        add(region, BK["adminCode"], plain(doc.region_code))
        dataset = N(f"{d.value}/dataset")
        add(dataset, RDF_TYPE, N(t.QB.DataSet))
        add(dataset, N(t.QB.structure), BK["dsd"])
        add(dataset, N(t.SDMX_ATTR.unitMeasure), N(t.ID["unit-wanyuan"]))
        add(dataset, N(t.PROV.wasDerivedFrom), d)
        for info in doc.tables:
            table = N(t.table_iri(t.document_iri(doc.sha256), info.number))
            add(table, RDF_TYPE, BK["Table"])
            add(table, N(DCT + "title"), text(info.title))
            add(table, BK["tableNumber"], integer(info.number))
            add(table, BK["line"], integer(info.line))
            add(table, N(DCT + "isPartOf"), d)
            add(table, BK["page"], integer(info.page) if info.page else None)
            add(table, BK["note"], text(info.note) if info.note else None)
            add(table, BK["moneyUnit"], node(t.money_units()[info.money].iri) if info.money != "万元" else None)
        for unit in doc.units.values():
            self.add_unit(unit, region)
        for subject in doc.subjects.values():
            self.add_subject(subject)
        for project in doc.projects.values():
            self.add_project(project)
        for fact in doc.facts:
            self.add_fact(fact, dataset)
        self.add_narrative()
        return self.quads

    def add_unit(self, unit: Unit, region: ox.NamedNode) -> None:
        u = self.unit(unit)
        add = self.add
        add(u, RDF_TYPE, N(t.ORG.Organization))
        add(u, N(SKOS + "prefLabel"), text(unit.name))
        add(u, BK["code"], plain(unit.code) if unit.code else None)
        add(u, BK["region"], region)
        kind = "department" if unit.parent is None else "unit"
        add(u, BK["kind"], N(t.ID[f"kind-{kind}"]))
        if unit.parent is not None:
            add(u, N(t.ORG.subOrganizationOf), self.unit(unit.parent))
            add(self.unit(unit.parent), N(t.ORG.hasSubOrganization), u)
        add(u, BK["authorizedStaff"], integer(unit.authorized_staff) if unit.authorized_staff is not None else None)
        add(u, BK["actualStaff"], integer(unit.actual_staff) if unit.actual_staff is not None else None)
        add(u, BK["functions"], text(unit.functions) if unit.functions else None)
        add(u, BK["internalBodyCount"], integer(unit.internal_count) if unit.internal_count is not None else None)
        for body in unit.internal_bodies:
            add(u, BK["internalBody"], text(body))
        add(u, BK["performanceGoal"], text(unit.goal) if unit.goal else None)
        add(u, N(t.PROV.wasDerivedFrom), self.doc_iri)

    def subject_iri(self, subject: Subject) -> ox.NamedNode:
        key = (subject.scheme, subject.code)
        if key not in self.subject_nodes:
            self.subject_nodes[key] = N(t.subject_iri(subject.scheme, subject.code))
        return self.subject_nodes[key]

    def add_subject(self, subject: Subject) -> None:
        s = self.subject_iri(subject)
        add = self.add
        add(s, RDF_TYPE, N(SKOS + "Concept"))
        add(s, N(SKOS + "notation"), plain(subject.code))
        add(s, N(SKOS + "inScheme"), N(t.SCHEME_FUNC if subject.scheme == "func" else t.SCHEME_ECON))
        if subject.label:
            add(s, N(SKOS + "altLabel"), text(subject.label))
        parent = _parent_code(subject)
        if parent:
            add(s, N(SKOS + "broader"), N(t.subject_iri(subject.scheme, parent)))
        level = LEVELS.get(len(subject.code)) if subject.scheme == "func" else {3: "类", 5: "款"}.get(len(subject.code))
        add(s, BK["level"], text(level) if level else None)

    def project_iri(self, project: Project) -> ox.NamedNode:
        key = id(project)
        if key not in self.project_nodes:
            unit = t.unit_iri(self.doc.region_code, project.unit.code, project.unit.name)
            self.project_nodes[key] = N(t.project_iri(unit, self.doc.year, project.name))
        return self.project_nodes[key]

    def add_project(self, project: Project) -> None:
        p = self.project_iri(project)
        add = self.add
        add(p, RDF_TYPE, BK["Project"])
        add(p, N(SKOS + "prefLabel"), text(project.name))
        add(p, BK["unit"], self.unit(project.unit))
        add(p, BK["fiscalYear"], integer(self.doc.year))
        add(p, BK["performanceGoal"], text(project.goal) if project.goal else None)
        add(p, BK["projectOverview"], text(project.overview) if project.overview else None)
        add(p, BK["projectContent"], text(project.content) if project.content else None)
        add(p, BK["line"], integer(project.line) if project.line else None)
        for index, indicator in enumerate(project.indicators, start=1):
            i = N(f"{p.value}/indicator/{index}")
            add(p, BK["indicator"], i)
            add(i, RDF_TYPE, BK["Indicator"])
            add(i, BK["level1"], text(indicator.level1) if indicator.level1 else None)
            add(i, BK["level2"], text(indicator.level2) if indicator.level2 else None)
            add(i, BK["level3"], text(indicator.level3))
            add(i, BK["targetValue"], text(indicator.value))
            number = _first_number(indicator.value)
            add(i, BK["targetNumber"], decimal(number) if number is not None else None)
            add(i, BK["measureUnit"], text(indicator.unit_of_measure) if indicator.unit_of_measure else None)
            add(i, BK["line"], integer(indicator.line))
            add(i, N(t.PROV.wasDerivedFrom), self.doc_iri)

    def add_fact(self, fact: Fact, dataset: ox.NamedNode) -> None:
        """An observation and its slice membership, written as N-Quads lines (a figure is ~15 quads and
        most of a document's 7,000: making pyoxigraph terms for each cost ~5 µs a quad, the text ~0.3 µs),
        and the candidate figure the aggregate table reads (query.aggregates)."""
        doc = self.doc
        unit_key = f"{doc.region_code}-{fact.unit.key}"
        o = t.observation_iri(unit_key, fact.year, fact.phase, doc.sha256, fact.table, fact.line, fact.column)
        g = self.graph_tail
        unit = self.unit(fact.unit).value
        phase = t.code("phase", fact.phase).iri
        year, line, table = str(fact.year), str(fact.line), self.table(fact.table).value
        amount = format(fact.amount, "f")
        s = f"<{o}> "
        # neither qb:dataSet nor prov:wasDerivedFrom: both would repeat, for each figure, what its graph says
        # (the document); the document's qb:DataSet lists its slices (qb:slice) instead
        lines = [f"{s}{P_TYPE}{O_OBSERVATION}{g}", f"{s}{P_UNIT}<{unit}>{g}",
                 f"{s}{P_YEAR}\"{year}\"{INTEGER}{g}", f"{s}{P_PHASE}<{phase}>{g}"]
        dims = fact.dims
        fund = dims["fund"].iri if "fund" in dims else None
        exptype = dims["exptype"].iri if "exptype" in dims else None
        for dimension, predicate in DIMENSION_TOKENS.items():
            if dimension in dims:
                lines.append(f"{s}{predicate}<{dims[dimension].iri}>{g}")
        details = [detail.iri for detail in fact.details]
        for detail in details:
            lines.append(f"{s}{P_DETAIL}<{detail}>{g}")
        if fact.subject is not None:
            predicate = P_FUNC if fact.subject.scheme == "func" else P_ECON
            lines.append(f"{s}{predicate}<{self.subject_iri(fact.subject).value}>{g}")
        if fact.project is not None:
            lines.append(f"{s}{P_PROJECT}<{self.project_iri(fact.project).value}>{g}")
        lines += [f"{s}{P_AMOUNT}\"{amount}\"{DECIMAL}{g}", f"{s}{P_TABLE}<{table}>{g}", f"{s}{P_LINE}\"{line}\"{INTEGER}{g}"]
        printed = money = None
        if fact.money != "万元" and fact.printed is not None:  # the figure as printed, in its own unit
            printed, money = format(fact.printed, "f"), t.money_units()[fact.money].iri
            lines += [f"{s}{P_PRINTED}\"{printed}\"{DECIMAL}{g}", f"{s}{P_MONEY}<{money}>{g}"]
        if fact.page is not None:
            lines.append(f"{s}{P_PAGE}\"{fact.page}\"{INTEGER}{g}")
        if fact.column_label:
            lines.append(f"{s}{P_COLUMN}\"{escape(fact.column_label)}\"@zh{g}")
        if fact.row_label:
            lines.append(f"{s}{P_ROW}\"{escape(fact.row_label)}\"@zh{g}")
        # the slice fixes unit (or project), subject, phase and measure: a look-up reads only its members
        measure = dims["measure"]
        if fact.project is not None:
            base = self.project_iri(fact.project).value
        elif fact.subject is not None:
            base = f"{unit}/{fact.subject.scheme}/{fact.subject.code}"
        else:
            base = unit
        slice_iri = t.slice_iri(base, fact.phase, measure.notation)
        if slice_iri not in self.slices:
            self.slices[slice_iri] = None
            sl = f"<{slice_iri}> "
            lines += [f"{sl}{P_TYPE}{O_SLICE}{g}", f"{sl}{P_UNIT}<{unit}>{g}", f"{sl}{P_PHASE}<{phase}>{g}",
                      f"{sl}{P_MEASURE}<{measure.iri}>{g}", f"<{dataset.value}> {P_SLICE}<{slice_iri}>{g}"]
        lines.append(f"<{slice_iri}> {P_MEMBER}<{o}>{g}")
        self.lines += lines
        if fact.project is None:
            self.candidates.append((slice_iri, unit, o, fact.year, amount, table, fact.line, fund, exptype,
                                    frozenset(details), printed, money))

    def table(self, number: int) -> ox.NamedNode:
        found = self.tables.get(number)
        if found is None:
            found = self.tables[number] = N(t.table_iri(t.document_iri(self.doc.sha256), number))
        return found

    def fact(self, kind: str, index: int, label: str, unit: Unit, dims: Mapping[str, t.Code],
             subject: Subject | None = None, phase: bool = True) -> ox.NamedNode:
        """A fact of the text with what every kind has: its words, unit, year (and phase), dimensions
        and subject."""
        node = N(f"{self.doc_iri.value}/{kind.lower()}/{index}")
        add = self.add
        add(node, RDF_TYPE, BK[kind])
        add(node, RDFS_LABEL, text(label))
        add(node, BK["unit"], self.unit(unit))
        add(node, BK["fiscalYear"], integer(self.doc.year))
        if phase:
            add(node, BK["phase"], N(t.code("phase", self.doc.phase).iri))
        self.add_dims(node, dims)
        if subject is not None:
            add(node, BK["functionalSubject"] if subject.scheme == "func" else BK["economicSubject"], self.subject_iri(subject))
        return node

    def add_dims(self, node: ox.NamedNode, dims: Mapping[str, t.Code]) -> None:
        for dimension, predicate in DIMENSION_PREDICATES.items():
            if dimension in dims:
                self.add(node, predicate, N(dims[dimension].iri))

    def add_narrative(self) -> None:
        doc = self.doc
        add = self.add
        base = self.doc_iri.value
        for index, change in enumerate(doc.changes, start=1):
            c = self.fact("Change", index, change.topic, change.unit, change.dims, change.subject)
            add(c, BK["amount"], optional_decimal(change.amount))
            add(c, BK["change"], optional_decimal(change.change))
            add(c, BK["changeRate"], optional_decimal(change.rate))
            add(c, BK["previousAmount"], optional_decimal(change.previous))
            add(c, BK["basisPhase"], N(t.code("phase", change.basis).iri) if change.basis else None)
            add(c, BK["reason"], text(change.reason) if change.reason else None)
            add(c, BK["line"], integer(change.line))
            add(c, N(t.PROV.wasDerivedFrom), self.doc_iri)
        for index, execution in enumerate(doc.executions, start=1):
            e = self.fact("Execution", index, execution.topic, execution.unit, execution.dims, execution.subject, phase=False)
            if execution.project is not None:
                add(e, BK["project"], self.project_iri(execution.project))
            add(e, BK["budgetAmount"], optional_decimal(execution.budget))
            add(e, BK["finalAmount"], optional_decimal(execution.final))
            add(e, BK["executionRate"], optional_decimal(execution.rate))
            add(e, BK["reason"], text(execution.reason) if execution.reason else None)
            add(e, BK["line"], integer(execution.line))
            add(e, N(t.PROV.wasDerivedFrom), self.doc_iri)
        for index, share in enumerate(doc.shares, start=1):
            sh = self.fact("Share", index, share.topic, share.unit, share.dims, share.subject)
            add(sh, BK["amount"], decimal(share.amount))
            add(sh, BK["shareRate"], decimal(share.rate))
            add(sh, BK["ofLabel"], text(share.of) if share.of else None)
            if share.of_dims:
                of = N(f"{sh.value}/of")
                add(sh, BK["of"], of)
                self.add_dims(of, share.of_dims)
            add(sh, BK["line"], integer(share.line))
            add(sh, N(t.PROV.wasDerivedFrom), self.doc_iri)
        for index, absence in enumerate(doc.absences, start=1):
            a = self.fact("Absence", index, absence.text, doc.unit, absence.dims)
            add(a, BK["line"], integer(absence.line))
        aspects = t.aspects()
        for index, statement in enumerate(doc.statements, start=1):
            st = N(f"{base}/statement/{index}")
            add(st, RDF_TYPE, BK["Statement"])
            add(st, BK["aspect"], node(aspects[statement.aspect].iri))
            add(st, RDFS_LABEL, text(statement.text))
            add(st, BK["statedValue"], decimal(statement.value))
            add(st, BK["measureUnit"], text(statement.measure_unit or aspects[statement.aspect].measure_unit))
            add(st, BK["unit"], self.unit(statement.unit))
            add(st, BK["project"], self.project_iri(statement.project) if statement.project is not None else None)
            add(st, BK["fiscalYear"], integer(doc.year))
            add(st, BK["phase"], N(t.code("phase", doc.phase).iri))
            add(st, BK["line"], integer(statement.line))
            add(st, N(t.PROV.wasDerivedFrom), self.doc_iri)
        seen: set[tuple[str, str]] = set()
        for mention in doc.name_mentions:  # each spelling once per place, at its first line
            if (mention.where, mention.name) in seen:
                continue
            seen.add((mention.where, mention.name))
            m = N(f"{base}/name/{len(seen)}")
            add(self.doc_iri, BK["nameMention"], m)
            add(m, RDF_TYPE, BK["NameMention"])
            add(m, RDFS_LABEL, text(mention.name))
            add(m, BK["where"], plain(mention.where))
            add(m, BK["line"], integer(mention.line))
        for index, term in enumerate(doc.glossary, start=1):
            g = N(f"{base}/term/{index}")
            add(g, RDF_TYPE, BK["Term"])
            add(g, N(SKOS + "inScheme"), BK["GlossaryScheme"])
            add(g, N(SKOS + "prefLabel"), text(term.term))
            add(g, N(SKOS + "definition"), text(term.definition))
            add(g, BK["line"], integer(term.line))
            add(g, N(t.PROV.wasDerivedFrom), self.doc_iri)


def _parent_code(subject: Subject) -> str | None:
    code = subject.code
    if subject.scheme == "func":
        return {7: code[:5], 5: code[:3]}.get(len(code))
    return code[:3] if len(code) == 5 else None


def _first_number(value: str) -> Decimal | None:
    import re

    match = re.search(r"\d+(?:\.\d+)?", value.replace(",", ""))
    return Decimal(match.group()) if match else None


@dataclass
class DocumentGraph:
    """A document's named graph as N-Quads, how many quads, and its units' candidate figures."""

    graph: str
    nquads: bytes
    count: int
    candidates: list[tuple]  # (slice, unit, observation, year, amount, table, line, fund, exptype, details, printed, money)
    facts: dict[str, str | None]  # the document's phase, kind and unit, as the catalog reads them
    derived: bytes = b""  # N-Quads of what ingest.pipeline.refresh_derived reads (concepts, units, the document)

    def quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS))


def document_graph(document: ParsedDocument) -> DocumentGraph:
    builder = GraphBuilder(document)
    quads = list(dict.fromkeys(builder.build()))  # a unit or subject named twice is stated once
    lines = list(dict.fromkeys(builder.lines))
    data = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b"") + "".join(lines).encode()
    facts = {"phase": t.code("phase", document.phase).iri, "kind": DOCUMENT_KINDS[(document.kind, document.phase)],
             "unit": builder.unit(document.unit).value}
    derived = [q for q in quads if q.predicate in DERIVED_INPUT or (q.predicate == RDF_TYPE and q.object in DERIVED_TYPES)]
    units = {q.subject for q in derived if q.predicate == RDF_TYPE and q.object == ORGANIZATION}
    derived += [q for q in quads if q.predicate == PREF_LABEL and q.subject in units]
    return DocumentGraph(builder.doc_iri.value, data, len(quads) + len(lines), builder.candidates, facts,
                         ox.serialize(derived, format=ox.RdfFormat.N_QUADS) if derived else b"")


def document_quads(document: ParsedDocument) -> tuple[str, list[ox.Quad]]:
    built = document_graph(document)
    return built.graph, built.quads()
