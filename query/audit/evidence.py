"""Everything the audit rules look at, read from the store once: the figures of every table and of the
text (with their dimensions and places), the documents, their tables and notes, the text's stated
changes, 执行率 and shares, and where each document names its unit."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib.namespace import RDFS

from budgetkg.ontology import terms as t
from budgetkg.query import observations
from budgetkg.query.audit.findings import Place
from budgetkg.query.check import Cell, CheckResult, _cells, reconcile
from budgetkg.stores import Store


@dataclass
class DocumentFacts:
    iri: str  # the graph
    file: str
    title: str
    unit: str
    year: int
    phase: str  # budget / final
    kind: str  # 部门 / 单位
    tables: dict[int, tuple[str, int, str]] = field(default_factory=dict)  # number → (title, figures, note)
    names: list[tuple[str, str, int]] = field(default_factory=list)  # (where, name, line)


@dataclass
class Evidence:
    catalog: observations.ObservationSet
    cells: list[Cell]
    reconciled: CheckResult
    documents: dict[str, DocumentFacts]
    changes: list[dict[str, str | None]]
    executions: list[dict[str, str | None]]
    shares: list[dict[str, str | None]]
    absences: dict[str, list[str]]  # document → what its text says it has none of ("本部门无政府性基金预算支出")
    share_wholes: dict[str, dict[str, str]]  # a share's bk:of node → the whole's measure, fund, type

    def place(self, cell: Cell) -> Place:
        page = cell.obs.one("page")
        return Place(cell.file, cell.line, cell.table, cell.table_title, _printed(cell), cell.describe(), cell.graph,
                     int(page) if page and page.isdigit() else None)

    def document_of(self, cell: Cell) -> DocumentFacts | None:
        return self.documents.get(cell.graph)


def _printed(cell: Cell) -> Decimal:
    """The figure as the document prints it (in its own money unit)."""
    printed = cell.obs.one("printed")
    try:
        return Decimal(printed) if printed else cell.amount
    except InvalidOperation:
        return cell.amount


def _select(store: Store, body: str) -> list[dict[str, str | None]]:
    return store.select(t.SPARQL_PREFIXES + body).values()


def _narrative(store: Store, kind: str, fields: dict[str, str]) -> list[dict[str, str | None]]:
    """Every resource of a narrative kind (Change, Execution, Share) with the given properties, one dict each."""
    rows: dict[str, dict[str, str | None]] = {}
    predicates = " ".join(f"<{p}>" for p in fields)
    for row in _select(store, f"""SELECT ?x ?doc ?p ?o WHERE {{ GRAPH ?doc {{ ?x a bk:{kind} ; ?p ?o .
            VALUES ?p {{ {predicates} }} }} }}"""):
        entry = rows.setdefault(row["x"], {"x": row["x"], "doc": row["doc"], **dict.fromkeys(fields.values())})
        entry[fields[row["p"]]] = row["o"]
    return list(rows.values())


FIELDS = {str(t.BK[p]): p for p in ("unit", "fiscalYear", "line", "measure", "fundSource", "expenditureType",
                                     "functionalSubject", "economicSubject", "project", "amount", "change", "changeRate",
                                     "previousAmount", "budgetAmount", "finalAmount", "executionRate", "shareRate",
                                     "ofLabel", "of", "phase")}
FIELDS[str(RDFS.label)] = "label"


def gather(store: Store) -> Evidence:
    catalog = observations.load(store)
    cells, _ = _cells(catalog)
    reconciled = reconcile(catalog)
    documents: dict[str, DocumentFacts] = {}
    for row in _select(store, """SELECT ?d ?file ?title ?unit ?year ?phase ?kind WHERE { GRAPH ?d {
            ?d a bk:Document ; bk:sourceFile ?file ; dcterms:title ?title ; bk:unit ?unit ; bk:fiscalYear ?year ;
               bk:phase ?phase ; bk:documentKind ?kind } }"""):
        documents[row["d"]] = DocumentFacts(row["d"], row["file"], row["title"], row["unit"], int(row["year"]),
                                            row["phase"].rsplit("-", 1)[-1], row["kind"][:2])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for cell in cells:
        counts[(cell.graph, cell.obs.one("table") or "")] += 1
    for row in _select(store, """SELECT ?d ?table ?number ?title ?note WHERE { GRAPH ?d {
            ?table a bk:Table ; bk:tableNumber ?number ; dcterms:title ?title . OPTIONAL { ?table bk:note ?note } } }"""):
        if row["d"] in documents:
            documents[row["d"]].tables[int(row["number"])] = (row["title"], counts[(row["d"], row["table"])], row["note"] or "")
    for row in _select(store, """SELECT ?d ?name ?where ?line WHERE { GRAPH ?d {
            ?d bk:nameMention ?m . ?m rdfs:label ?name ; bk:where ?where ; bk:line ?line } }"""):
        if row["d"] in documents:
            documents[row["d"]].names.append((row["where"], row["name"], int(row["line"])))
    absences: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, """SELECT ?d ?label WHERE { GRAPH ?d { ?x a bk:Absence ; rdfs:label ?label } }"""):
        absences[row["d"]].append(row["label"])
    wholes: dict[str, dict[str, str]] = defaultdict(dict)
    names = {str(t.BK.measure): "measure", str(t.BK.fundSource): "fund", str(t.BK.expenditureType): "exptype"}
    for row in _select(store, """SELECT ?of ?p ?o WHERE { GRAPH ?d { ?x a bk:Share ; bk:of ?of . ?of ?p ?o } }"""):
        if row["p"] in names:
            wholes[row["of"]][names[row["p"]]] = row["o"]
    return Evidence(
        catalog, cells, reconciled, documents,
        changes=_narrative(store, "Change", FIELDS),
        executions=_narrative(store, "Execution", FIELDS),
        shares=_narrative(store, "Share", FIELDS),
        absences=dict(absences),
        share_wholes=dict(wholes),
    )
