"""Everything the audit rules look at, read from the store once: the figures of every table and of the
text (with their dimensions and places), the documents, their tables and notes, the text's stated
changes, 执行率 and shares, and where each document names its unit.

The figures are indexed once here (by document, by key) so that each rule is one pass over what it
compares: a store of 1,000 documents holds about 400,000 figures, and a rule that scanned them all
for each claim it checks would not finish.
"""
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

HALF = Decimal("0.5")


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
    table_lines: dict[int, int] = field(default_factory=dict)  # number → the line of its title
    names: list[tuple[str, str, int]] = field(default_factory=list)  # (where, name, line)
    content_lines: list[int] = field(default_factory=list)  # lines of projects and targets (rows that are not figures)

    def table_span(self, number: int) -> tuple[int, int]:
        """The lines a table runs over: from its title to the next table's title."""
        start = self.table_lines.get(number, 0)
        later = [line for n, line in self.table_lines.items() if line > start and n != number]
        return start, min(later, default=10**9)


@dataclass
class Evidence:
    store: Store
    catalog: observations.ObservationSet
    cells: list[Cell]
    reconciled: CheckResult
    documents: dict[str, DocumentFacts]
    changes: list[dict[str, str | None]]
    executions: list[dict[str, str | None]]
    shares: list[dict[str, str | None]]
    absences: dict[str, list[str]]  # document → what its text says it has none of ("本部门无政府性基金预算支出")
    share_wholes: dict[str, dict[str, str]]  # a share's bk:of node → the whole's measure, fund, type
    decimals: dict[tuple[str, int], int] = field(default_factory=dict)  # (graph, table) → decimals its figures print
    by_graph: dict[str, list[Cell]] = field(default_factory=dict)
    by_key: dict[tuple, list[Cell]] = field(default_factory=dict)  # every figure by its key, across documents

    def place(self, cell: Cell) -> Place:
        page = cell.obs.one("page")
        return Place(cell.file, cell.line, cell.table, cell.table_title, _printed(cell), cell.describe(), cell.graph,
                     int(page) if page and page.isdigit() else None)

    def document_of(self, cell: Cell) -> DocumentFacts | None:
        return self.documents.get(cell.graph)

    def resolution(self, cell: Cell) -> Decimal:
        """Half a unit of the last digit its table prints (in 万元): a difference below it is how the
        figure was rounded for printing (9,101.68 in the text for 91,016,775.35 元 in a table), not a
        disagreement.  A table's precision is that of its most precise figure: "57.8" is 57.80."""
        places = self.decimals.get((cell.graph, cell.table), 2)
        return HALF.scaleb(-places)


def _printed(cell: Cell) -> Decimal:
    """The figure as the document prints it (in its own money unit)."""
    printed = cell.obs.one("printed")
    try:
        return Decimal(printed) if printed else cell.amount
    except InvalidOperation:
        return cell.amount


def _places(cell: Cell) -> int:
    exponent = cell.amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


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
    decimals: dict[tuple[str, int], int] = {}
    by_graph: dict[str, list[Cell]] = defaultdict(list)
    by_key: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        counts[(cell.graph, cell.obs.one("table") or "")] += 1
        where = (cell.graph, cell.table)
        decimals[where] = max(decimals.get(where, 0), _places(cell))
        by_graph[cell.graph].append(cell)
        by_key[cell.key].append(cell)
    for row in _select(store, """SELECT ?d ?table ?number ?title ?note ?line WHERE { GRAPH ?d {
            ?table a bk:Table ; bk:tableNumber ?number ; dcterms:title ?title .
            OPTIONAL { ?table bk:note ?note } OPTIONAL { ?table bk:line ?line } } }"""):
        if row["d"] in documents:
            number = int(row["number"])
            documents[row["d"]].tables[number] = (row["title"], counts[(row["d"], row["table"])], row["note"] or "")
            documents[row["d"]].table_lines[number] = int(row["line"] or 0)
    for row in _select(store, """SELECT ?d ?line WHERE { GRAPH ?d {
            { ?x a bk:Project ; bk:line ?line } UNION { ?x a bk:Indicator ; bk:line ?line } } }"""):
        if row["d"] in documents:
            documents[row["d"]].content_lines.append(int(row["line"]))
    for row in _select(store, """SELECT ?d ?name ?where ?line WHERE { GRAPH ?d {
            ?d bk:nameMention ?m . ?m rdfs:label ?name ; bk:where ?where ; bk:line ?line } }"""):
        if row["d"] in documents:
            documents[row["d"]].names.append((row["where"], row["name"], int(row["line"])))
    for document in documents.values():
        document.names.sort(key=lambda n: (n[2], n[0], n[1]))
    absences: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, """SELECT ?d ?label WHERE { GRAPH ?d { ?x a bk:Absence ; rdfs:label ?label } }"""):
        absences[row["d"]].append(row["label"])
    wholes: dict[str, dict[str, str]] = defaultdict(dict)
    names = {str(t.BK.measure): "measure", str(t.BK.fundSource): "fund", str(t.BK.expenditureType): "exptype"}
    for row in _select(store, """SELECT ?of ?p ?o WHERE { GRAPH ?d { ?x a bk:Share ; bk:of ?of . ?of ?p ?o } }"""):
        if row["p"] in names:
            wholes[row["of"]][names[row["p"]]] = row["o"]
    return Evidence(
        store, catalog, cells, reconciled, documents,
        changes=_narrative(store, "Change", FIELDS),
        executions=_narrative(store, "Execution", FIELDS),
        shares=_narrative(store, "Share", FIELDS),
        absences=dict(absences),
        share_wholes=dict(wholes),
        decimals=decimals,
        by_graph=dict(by_graph),
        by_key=dict(by_key),
    )
