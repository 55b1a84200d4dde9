"""Everything the audit rules look at: the figures of every table and of the text (with their
dimensions and places), the documents, their tables and notes, the text's stated changes, 执行率 and
shares, and where each document names its unit.

A document's evidence is read from its own graph alone (one read of its quads, never a join over
the union of 1,000 graphs) together with its reconciliation (query/check.py), and kept in the cache
directory under the graph's IRI (a digest of the source file) and a digest of this code.  `budgetkg
ingest` writes it from the quads it has just made (`extract`, in its parser processes), so a check
after an ingest reads 1,000 small files instead of 400,000 observations; a document without one is
read from the store and its evidence written then.  The figures are indexed once (by document, by
key) so that each rule is one pass over what it compares.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from budgetkg import __version__, settings
from budgetkg.ontology import terms as t
from budgetkg.query import observations
from budgetkg.query.audit.findings import Place
from budgetkg.query.check import Cell, CheckResult, _cells, reconcile
from budgetkg.stores import Store

HALF = Decimal("0.5")
NQ = ox.RdfFormat.N_QUADS
HERE = Path(__file__).resolve().parent
# the code a document's evidence is made by: another version of it makes other evidence
SOURCES = (HERE / "evidence.py", HERE.parent / "check.py", HERE.parent / "observations.py")
CODE = hashlib.sha256(__version__.encode() + b"".join(p.read_bytes() for p in SOURCES)).hexdigest()[:16]
STALE_DAYS = 30  # evidence files unread this long are removed

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_TITLE = "http://purl.org/dc/terms/title"
# an observation's properties: those observations.load reads, and the figure as printed and its page
OBSERVATION = {**observations.PROPERTIES, str(t.BK.printedAmount): "printed", str(t.BK.page): "page"}
OBSERVATION_COLUMN = str(t.BK.column)
COUNT_COLUMN = re.compile(r"数量|人数|个数|户数|次数")  # columns of counts
KEEP = ("table", "printed", "page")  # what a cached observation keeps beside its cell's key
FIELDS = {str(t.BK[p]): p for p in ("unit", "fiscalYear", "line", "measure", "fundSource", "expenditureType",
                                     "functionalSubject", "economicSubject", "project", "amount", "change", "changeRate",
                                     "previousAmount", "budgetAmount", "finalAmount", "executionRate", "shareRate",
                                     "ofLabel", "of", "phase", "basisPhase")}
FIELDS[RDFS_LABEL] = "label"
WHOLE = {str(t.BK.measure): "measure", str(t.BK.fundSource): "fund", str(t.BK.expenditureType): "exptype"}


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
class DocumentEvidence:
    """One document's part of the evidence, made from its graph alone."""

    facts: DocumentFacts
    cells: list[Cell]
    reconciled: CheckResult  # its totals and parts, its figures printed twice
    changes: list[dict[str, str | None]]
    executions: list[dict[str, str | None]]
    shares: list[dict[str, str | None]]
    absences: list[str]  # what its text says it has none of ("本部门无政府性基金预算支出")
    share_wholes: dict[str, dict[str, str]]  # a share's bk:of node → the whole's measure, fund, type


@dataclass
class Evidence:
    store: Store
    units: dict[str, observations.Unit]
    cells: list[Cell]
    reconciled: CheckResult
    documents: dict[str, DocumentFacts]
    changes: list[dict[str, str | None]]
    executions: list[dict[str, str | None]]
    shares: list[dict[str, str | None]]
    absences: dict[str, list[str]]
    share_wholes: dict[str, dict[str, str]]
    decimals: dict[tuple[str, int], int] = field(default_factory=dict)  # (graph, table) → decimals its figures print
    by_graph: dict[str, list[Cell]] = field(default_factory=dict)
    by_key: dict[tuple, list[Cell]] = field(default_factory=dict)  # every figure by its key, across documents
    read: int = 0  # documents read from the store in this process (the others were kept, or read by workers)

    def place(self, cell: Cell) -> Place:
        page = cell.obs.one("page")
        return Place(cell.file, cell.line, cell.table, cell.table_title, _printed(cell), cell.describe(), cell.graph,
                     int(page) if page and page.isdigit() else None)

    def document_of(self, cell: Cell) -> DocumentFacts | None:
        return self.documents.get(cell.graph)

    def resolution(self, cell: Cell) -> Decimal:
        """Half a unit of the last digit its table prints (in 万元): a difference below it is how the
        figure was rounded for printing (9,101.68 in the text for 91,016,775.35 元 in a table), not a
        disagreement.  A table's precision is that of its most precise figure: "57.8" is 57.80.  The text
        prints each figure to its own precision: one given in whole 万元 ("一般公共预算拨款支出预算49,376万元"
        for 493,761,082.20 元) is rounded to the 万元."""
        if cell.table == 0 and cell.amount == cell.amount.to_integral_value():
            return HALF
        places = self.decimals.get((cell.graph, cell.table), 2)
        return HALF.scaleb(-places)


def notation(iri: str | None) -> str | None:
    """A subject's code from its IRI (…/func/2010301), as the cells' keys hold it."""
    return iri.rsplit("/", 1)[-1] if iri else None


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


# ---------------------------------------------------------------- one document, from its quads
def _lexical(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term's value as the store gives it back: xsd:decimal in its canonical form (0.50 is kept as 0.5)."""
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#decimal"):
        try:
            return format(Decimal(term.value).normalize(), "f")
        except InvalidOperation:
            return term.value
    return term.value


def from_quads(graph: str, quads: Iterable[ox.Quad]) -> DocumentEvidence | None:
    """A document's evidence from the quads of its graph (None for a graph that is no document)."""
    pool: dict[str, str] = {}
    subjects: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for quad in quads:
        value = _lexical(quad.object)
        subjects[quad.subject.value][quad.predicate.value].append(pool.setdefault(value, value))
    types: dict[str, list[str]] = defaultdict(list)
    for subject, properties in subjects.items():
        for kind in properties.get(RDF_TYPE, ()):
            types[kind].append(subject)

    def one(subject: str, predicate: str) -> str | None:
        found = subjects.get(subject, {}).get(predicate)
        return found[0] if found else None

    bk = {name: str(t.BK[name]) for name in ("sourceFile", "unit", "fiscalYear", "phase", "documentKind", "tableNumber",
                                             "note", "line", "nameMention", "where", "of")}
    document = next((d for d in types[str(t.BK.Document)] if d == graph), None)
    if document is None or one(document, bk["fiscalYear"]) is None:
        return None
    facts = DocumentFacts(graph, one(document, bk["sourceFile"]) or "", one(document, DCT_TITLE) or "",
                          one(document, bk["unit"]) or "", int(one(document, bk["fiscalYear"]) or 0),
                          (one(document, bk["phase"]) or "").rsplit("-", 1)[-1], (one(document, bk["documentKind"]) or "")[:2])

    units = observations.merge_units(
        {"u": u, "code": one(u, str(t.BK.code)), "name": name, "parent": one(u, str(t.ORG.subOrganizationOf)),
         "region": one(one(u, str(t.BK.region)) or "", SKOS + "prefLabel")}
        for u in types[str(t.ORG.Organization)] for name in subjects[u].get(SKOS + "prefLabel") or [None])
    concepts: dict[str, observations.Concept] = {}
    for scheme_iri in {str(t.SCHEME_FUNC), str(t.SCHEME_ECON)}:
        for subject, properties in subjects.items():
            if scheme_iri in properties.get(SKOS + "inScheme", ()):
                label = one(subject, SKOS + "prefLabel") or min(properties.get(SKOS + "altLabel") or [""])
                concepts[subject] = observations.Concept(subject, "func" if scheme_iri == str(t.SCHEME_FUNC) else "econ",
                                                         one(subject, SKOS + "notation") or "", label)
    tables: dict[str, tuple[int, str]] = {}
    for table in types[str(t.BK.Table)]:
        number = int(one(table, bk["tableNumber"]) or -1)
        tables[table] = (number, one(table, DCT_TITLE) or "")
        facts.table_lines[number] = int(one(table, bk["line"]) or 0)
    found = []
    for o in types[str(t.QB.Observation)]:
        properties = subjects[o]
        if any(COUNT_COLUMN.search(column) for column in properties.get(OBSERVATION_COLUMN, ())):
            continue  # 购买数量 beside 购买金额: a count, not money, though read as a figure of the same key
        values = {name: tuple(sorted(set(properties[iri]))) for iri, name in OBSERVATION.items() if properties.get(iri)}
        values.setdefault("document", (graph,))  # a figure's document is its graph
        found.append(observations.Observation(o, graph, values))
    found.sort(key=lambda obs: obs.iri)
    info = observations.Document(graph, graph, facts.file, facts.title, one(document, str(t.BK.sha256)) or "", facts.unit,
                                 facts.phase, facts.kind)
    observed = observations.ObservationSet(found, units, concepts, {}, tables, {graph: info})
    cells, _ = _cells(observed)
    reconciled = reconcile(observed)
    reconciled.documents = []

    counts: dict[str, int] = defaultdict(int)
    for cell in cells:
        counts[cell.obs.one("table") or ""] += 1
    for table, (number, title) in tables.items():
        facts.tables[number] = (title, counts[table], one(table, bk["note"]) or "")
    for kind in (str(t.BK.Project), str(t.BK.Indicator)):
        facts.content_lines.extend(int(line) for x in types[kind] if (line := one(x, bk["line"])))
    for mention in subjects[document].get(bk["nameMention"], ()):
        facts.names.append((one(mention, bk["where"]) or "", one(mention, RDFS_LABEL) or "", int(one(mention, bk["line"]) or 0)))
    facts.names.sort(key=lambda n: (n[2], n[0], n[1]))

    def narrative(kind: str) -> list[dict[str, str | None]]:
        rows = []
        for x in sorted(types[str(t.BK[kind])]):
            row: dict[str, str | None] = {"x": x, "doc": graph, **dict.fromkeys(FIELDS.values())}
            for iri, name in FIELDS.items():
                row[name] = one(x, iri)
            rows.append(row)
        return rows

    shares = narrative("Share")
    wholes = {row["of"]: {name: value for iri, name in WHOLE.items() if (value := one(row["of"], iri))}
              for row in shares if row["of"]}
    for cell in cells:  # a cached cell keeps its key and place; the observation only what the rules read of it
        cell.obs.values = {name: value for name, value in cell.obs.values.items() if name in KEEP}
    return DocumentEvidence(facts, cells, reconciled, narrative("Change"), narrative("Execution"), shares,
                            sorted(one(a, RDFS_LABEL) or "" for a in types[str(t.BK.Absence)]), wholes)  # type: ignore[arg-type]


def extract(nquads: bytes) -> bytes:
    """For ingest's parser processes: a document's evidence, pickled, from the N-Quads just made of it."""
    quads = list(ox.parse(nquads, format=NQ))
    if not quads:
        return b""
    graph = quads[0].graph_name.value  # type: ignore[union-attr]
    evidence = from_quads(graph, quads)
    return pickle.dumps(evidence, pickle.HIGHEST_PROTOCOL) if evidence is not None else b""


# ---------------------------------------------------------------- the cache
def _folder() -> Path:
    return settings.active().cache_dir / f"audit-{CODE}"


def _file(graph: str) -> Path:
    return _folder() / f"{hashlib.sha256(graph.encode()).hexdigest()[:32]}.pickle"


def remember(graph: str, data: bytes) -> None:
    """Keep a document's pickled evidence (best effort: without it the next check reads the store)."""
    if not data:
        return
    path = _file(graph)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass


def _recall(graph: str) -> DocumentEvidence | None:
    path = _file(graph)
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
        os.utime(path)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
        return None
    return found if isinstance(found, DocumentEvidence) and found.facts.iri == graph else None


def _prune() -> None:
    """Remove evidence made by other versions of the code, and files nobody has read for a month."""
    base = settings.active().cache_dir
    cutoff = time.time() - STALE_DAYS * 86400
    try:
        for folder in base.glob("audit-*"):
            for path in folder.glob("*.pickle"):
                if folder.name != f"audit-{CODE}" or path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
    except OSError:
        pass


def document_evidence(store: Store, graph: str) -> DocumentEvidence | None:
    """A document's evidence: from the cache, else from its graph in the store (and then cached)."""
    found = _recall(graph)
    if found is None:
        found = from_quads(graph, ox.parse(store.dump(NQ, graph), format=NQ))
        if found is not None:
            remember(graph, pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
    return found


def documents_of(store: Store) -> list[str]:
    rows = store.select(t.SPARQL_PREFIXES + "SELECT DISTINCT ?d WHERE { GRAPH ?d { ?d a bk:Document } }")
    return sorted(row[0].value for row in rows.rows)  # type: ignore[union-attr]


# ---------------------------------------------------------------- every document
def _read_graphs(spec: str, graphs: list[str], active: settings.Settings) -> None:
    """In a worker process: read these documents from the store (opened read-only) and keep their evidence."""
    from budgetkg.stores import open_store

    settings.activate(active)
    store = open_store(spec, read_only=True, settings=active)
    for graph in graphs:
        document_evidence(store, graph)
    store.close()


def _read_in_processes(store: Store, graphs: list[str]) -> None:
    """Documents without kept evidence, read by as many processes as there are cores (an on-disk store
    only: several processes can open it; reading 1,000 documents takes minutes in one)."""
    jobs = min(os.cpu_count() or 1, 4)
    if store.kind != "disk" or jobs < 2 or len(graphs) < 20:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    store.flush()
    chunks = [graphs[i::jobs * 4] for i in range(jobs * 4)]
    # spawn, not fork: this process holds the store open, with RocksDB threads a fork would copy mid-lock
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done in [pool.submit(_read_graphs, store.spec, chunk, settings.active()) for chunk in chunks if chunk]:
            try:
                done.result()
            except Exception:  # what a worker could not read is read here, one by one
                pass


def gather(store: Store) -> Evidence:
    units = observations.load_units(store)
    graphs = documents_of(store)
    missing = [g for g in graphs if not _file(g).exists()]
    if missing:
        _read_in_processes(store, missing)
    parts: list[DocumentEvidence] = []
    read = 0
    for graph in graphs:
        cached = _recall(graph)
        if cached is None:
            read += 1
            cached = document_evidence(store, graph)
        if cached is not None:
            parts.append(cached)
    if missing:
        _prune()
    reconciled = CheckResult()
    evidence = Evidence(store, units, [], reconciled, {}, [], [], [], {}, {}, read=read)
    decimals: dict[tuple[str, int], int] = {}
    by_graph: dict[str, list[Cell]] = {}
    by_key: dict[tuple, list[Cell]] = defaultdict(list)
    for part in parts:
        graph = part.facts.iri
        evidence.documents[graph] = part.facts
        evidence.cells.extend(part.cells)
        by_graph[graph] = part.cells
        for cell in part.cells:
            where = (graph, cell.table)
            decimals[where] = max(decimals.get(where, 0), _places(cell))
            by_key[cell.key].append(cell)
        reconciled.discrepancies.extend(part.reconciled.discrepancies)
        reconciled.rounding.extend(part.reconciled.rounding)
        reconciled.checks.update(part.reconciled.checks)
        reconciled.errors.extend(part.reconciled.errors)
        evidence.changes.extend(part.changes)
        evidence.executions.extend(part.executions)
        evidence.shares.extend(part.shares)
        if part.absences:
            evidence.absences[graph] = part.absences
        evidence.share_wholes.update(part.share_wholes)
    evidence.decimals, evidence.by_graph, evidence.by_key = decimals, by_graph, dict(by_key)
    return evidence
