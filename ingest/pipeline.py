"""Ingest documents into a store: parse (in parallel processes if asked), build each document's
graph, replace it atomically.

Workers return each document's graph as N-Quads bytes (serialised in Rust): pickling pyoxigraph
terms costs ~18 µs a quad, N-Quads ~0.4 µs, and the parent hands the bytes straight to
`Store.load`.  At most a few chunks are in flight, so a slow writer never lets results pile up
in memory (a synthetic document is ~1.6 MB of N-Quads).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from budgetkg import __version__
from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.graph import DocumentGraph, document_graph, reader_version
from budgetkg.ingest.parse import parse_file
from budgetkg.ingest.readers import SUFFIXES
from budgetkg.ontology import terms as t
from budgetkg.ontology.names import aliases
from budgetkg.query import aggregates
from budgetkg.settings import CORPUS_DIR
from budgetkg.stores import Store, open_store

SKOS = "http://www.w3.org/2004/02/skos/core#"
NQ = ox.RdfFormat.N_QUADS
BATCH_BYTES = 32 * 1024 * 1024  # N-Quads per write: Store.load holds a whole transaction in memory


@dataclass
class DocumentReport:
    path: Path
    graph: str | None = None
    title: str = ""
    tables: int = 0
    observations: int = 0
    triples: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    identity: tuple[str, int, str, str] | None = None  # unit IRI, year, phase, kind: one document each
    replaced: list[str] = field(default_factory=list)  # source files of the versions this one replaced

    def summary(self) -> str:
        if self.error:
            return f"FAILED {self.path.name}: {self.error}"
        replaced = f"; replaces the earlier version from {', '.join(self.replaced)}" if self.replaced else ""
        return (f"{self.path.name}: {self.title} — {self.tables} tables, {self.observations} observations, "
                f"{self.triples} triples, {len(self.warnings)} warnings{replaced}")


def document_paths(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        else:
            found.append(path)
    return found


def parse_to_graph(path: Path) -> tuple[DocumentReport, DocumentGraph | None]:
    """Parse one document; errors are reported, never raised (so a batch goes on)."""
    report = DocumentReport(path)
    try:
        document = parse_file(path)
    except DocumentError as error:
        report.error = str(error)
        return report, None
    built = document_graph(document)
    report.graph, report.title = built.graph, document.title
    report.tables = len([t for t in document.tables if t.number > 0])
    report.observations = len(document.facts)
    report.triples = built.count
    report.warnings = [f"{path}:{w.line}: {w.message}" if w.line else f"{path}: {w.message}" for w in document.warnings]
    report.identity = (t.unit_iri(document.region_code, document.unit.code, document.unit.name), document.year,
                       document.phase, document.kind)
    return report, built


def parse_to_quads(path: Path) -> tuple[DocumentReport, list[ox.Quad]]:
    report, built = parse_to_graph(path)
    return report, built.quads() if built else []


class Parsed:
    """One parsed document as the parent sees it: report, N-Quads, what `extract` took from them,
    and its rows of the aggregate table (query.aggregates)."""

    __slots__ = ("report", "nquads", "extract", "rows", "derived")

    def __init__(self, report: DocumentReport, nquads: bytes, extract: bytes, rows: list | None = None,
                 derived: bytes = b"") -> None:
        self.report, self.nquads, self.extract, self.rows, self.derived = report, nquads, extract, rows or [], derived


Extract = Callable[[bytes], bytes]  # a module-level function, so that worker processes can be handed it


def parse_one(path: Path, extract: Extract | None = None) -> Parsed:
    report, built = parse_to_graph(path)
    if built is None:
        return Parsed(report, b"", b"")
    rows = aggregates.candidate_rows(built.candidates, built.graph, built.facts)
    return Parsed(report, built.nquads, extract(built.nquads) if extract else b"", rows, built.derived)


def _parse_chunk(paths: list[Path], extract: Extract | None) -> list[Parsed]:
    return [parse_one(p, extract) for p in paths]


def parse_many(paths: Iterable[Path], jobs: int = 1, extract: Extract | None = None,
               chunksize: int | None = None) -> Iterator[Parsed]:
    """Parsed documents in input order; `jobs` > 1 parses in that many processes."""
    files = document_paths(paths)
    jobs = max(1, min(jobs, len(files))) if files else 1
    if jobs == 1:
        yield from (parse_one(f, extract) for f in files)
        return
    size = chunksize or max(1, min(8, len(files) // (jobs * 4)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    # spawn, not fork: the parent may hold an open store whose RocksDB threads a fork would copy mid-lock
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[list[Parsed]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_parse_chunk, chunk, extract))
            if len(pending) >= jobs * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def document_identities(store: Store) -> dict[tuple[str, int, str, str], dict[str, str]]:
    """Each (unit, year, phase, kind) the store holds a document of → {graph: source file}."""
    rows = store.select(t.SPARQL_PREFIXES + """
        SELECT ?d ?unit ?year ?phase ?kind ?file WHERE { GRAPH ?d {
          ?d a bk:Document ; bk:unit ?unit ; bk:fiscalYear ?year ; bk:phase ?phase ; bk:documentKind ?kind ; bk:sourceFile ?file } }""")
    found: dict[tuple[str, int, str, str], dict[str, str]] = {}
    for graph, unit, year, phase, kind, file in rows.rows:
        key = (unit.value, int(year.value), phase.value.rsplit("-", 1)[-1], kind.value[:2])
        found.setdefault(key, {})[graph.value] = file.value
    return found


def ingest(store: Store, paths: Iterable[Path], progress: Callable[[str], None] | None = None,
           batch_size: int = 50, jobs: int = 1, bulk: bool = False, extract: Extract | None = None,
           extracted: Callable[[str, bytes], None] | None = None) -> list[DocumentReport]:
    """Ingest documents; each is replaced as a whole, others are untouched.

    `jobs` > 1 parses in that many processes while this one writes.  A document whose graph is
    not in the store yet is added with `Store.load` (one transaction per batch: a crash keeps or
    loses whole documents); a graph that exists is replaced with `Store.replace_graphs`.
    `bulk=True` lets the store add new documents without a transaction (Oxigraph's bulk loader:
    ~3× faster and a third of the disk, but a crash can leave a document half-written; ingesting
    it again repairs it); into a store without documents, one bulk load then reads every document
    as it is parsed (`Store.load_stream`).  docs/benchmarks.md has the figures.  `extract` runs on
    each document's N-Quads where it is parsed (so in the parser processes), and
    `extracted(graph, result)` is handed what it made once the document is handed to the store
    (the audit keeps its evidence so).
    """
    files = document_paths(paths)
    reports: list[DocumentReport] = []
    present = set(store.named_graphs())
    identities = document_identities(store)
    # the aggregate table is renewed from the previous generation's rows, or from the store's documents
    before = aggregates.generation(store) if present else None
    rows = aggregates.previous_rows(store, before)
    unread = rows is None and any(versions for versions in identities.values())  # documents whose rows are not at hand
    rows = rows or aggregates.Rows()
    # into a store without documents, the cross-document graph is computed from what each document
    # contributes to it (a memory store of ~100 quads a document) instead of querying the whole store
    derived_source = open_store("memory") if not any(identities.values()) else None
    batch: dict[str, bytes] = {}
    made: dict[str, bytes] = {}  # what `extract` made of each document of the batch
    superseded: set[str] = set()  # graphs of earlier versions, dropped once their successors are written

    def hand_over() -> None:
        """What `extract` made of the documents written, to `extracted`."""
        if extracted is not None:
            for graph, data in made.items():
                extracted(graph, data)
        made.clear()

    def write() -> None:
        new = [data for graph, data in batch.items() if graph not in present]
        if new:
            store.load(b"".join(new), bulk=bulk)
        old = {graph: list(ox.parse(data, format=NQ)) for graph, data in batch.items() if graph in present}
        if old:
            store.replace_graphs(old)
        present.update(batch)
        hand_over()
        if superseded:  # after the new versions are in: a crash in between leaves both, never neither
            for graph in superseded:
                rows.drop(graph)
                if derived_source is not None:
                    derived_source.drop_graph(graph)
            store.replace_graphs({graph: [] for graph in superseded})
            present.difference_update(superseded)
            superseded.clear()
        batch.clear()

    def accept(index: int, parsed: Parsed) -> None:
        """One parsed document: its report, the versions it supersedes, its quads into the batch."""
        report = parsed.report
        reports.append(report)
        if report.graph:
            versions = identities.setdefault(report.identity, {}) if report.identity else {}
            for graph, file in list(versions.items()):
                if graph != report.graph:
                    report.replaced.append(file)
                    superseded.add(graph)
                    batch.pop(graph, None)
                    del versions[graph]
            versions[report.graph] = report.path.name
            batch[report.graph] = parsed.nquads
            rows.add(report.graph, parsed.rows)
            if derived_source is not None and parsed.derived:
                derived_source.drop_graph(report.graph)
                derived_source.load(parsed.derived)
            if parsed.extract:
                made[report.graph] = parsed.extract
        if progress:
            progress(f"[{index}/{len(files)}] {report.summary()}")

    parsed_documents = enumerate(parse_many(files, jobs, extract), start=1)
    if bulk and derived_source is not None:
        # a store without documents: one bulk load reads every document as it is parsed
        def pieces() -> Iterator[bytes]:
            for index, parsed in parsed_documents:
                accept(index, parsed)
                if batch:
                    yield b"".join(batch.values())
                    present.update(batch)
                    batch.clear()
                    hand_over()

        store.load_stream(pieces())
    else:
        size = 0
        for index, parsed in parsed_documents:
            accept(index, parsed)
            size += len(parsed.nquads)
            if len(batch) >= batch_size or size >= BATCH_BYTES:
                write()
                size = 0
    if batch or superseded:
        write()
    if any(r.graph for r in reports):
        refresh_derived(store, derived_source)
        if unread:
            known = set(rows.docs.ids) - {rows.docs.values[i] for i in rows.dropped}
            aggregates.rows_from_store(store, [g for g in aggregates.document_graphs(store) if g not in known], rows)
        generation = aggregates.generation(store)
        if generation is not None:
            aggregates.save(store, generation, rows)
    return reports


# what refresh_derived writes; a store whose derived graph has another version is refreshed on open
DERIVED_VERSION = "3"  # 2: the code lists are written into the derived graph; 3: bk:generation


def derived_is_current(store: Store) -> bool:
    return store.ask(f'ASK {{ GRAPH <{t.DERIVED_GRAPH}> {{ <{t.DERIVED_GRAPH}> <{t.BK.derivedVersion}> "{DERIVED_VERSION}" }} }}')


def ensure_data(store: Store, progress: Callable[[str], None] | None = None) -> None:
    """An empty store gets the bundled corpus; one written by an older budgetkg gets a fresh derived graph."""
    if store.is_empty():
        if progress:
            progress(f"store {store.spec} is empty: ingesting the bundled corpus")
        ingest(store, [CORPUS_DIR], progress)
    elif stale := stale_bundled_documents(store):
        if progress:
            progress(f"store {store.spec} holds {len(stale)} bundled documents read by other budgetkg code: reading them again")
        ingest(store, stale, progress)
    elif not derived_is_current(store):
        if progress:
            progress(f"store {store.spec} was written by an older budgetkg: refreshing its cross-document graph")
        refresh_derived(store)
    if not aggregates.exists(store):
        if progress:
            progress(f"store {store.spec} has no aggregate table for rankings yet: computing it from its documents")
        aggregates.rebuild(store)


def stale_bundled_documents(store: Store) -> list[Path]:
    """The files of the bundled corpus whose documents the store holds as read by other code than this
    (an upgrade keeps the store: the bundled documents are at hand to read again; a user's are not)."""
    files = {path.name: path for path in document_paths([CORPUS_DIR])}
    names = " ".join(f'"{name}"' for name in files)  # file names of the package's own corpus: no quoting needed
    rows = store.select(t.SPARQL_PREFIXES + f"""SELECT ?file ?reader WHERE {{ VALUES ?file {{ {names} }}
        GRAPH ?d {{ ?d a bk:Document ; bk:sourceFile ?file OPTIONAL {{ ?d bk:reader ?reader }} }} }}""")
    current = reader_version()
    return sorted({files[file.value] for file, reader in rows.rows if reader is None or reader.value != current})


def is_ready(store: Store) -> bool:
    """Nothing for `ensure_data` to do: documents, none of the bundled read by other code, a current
    cross-document graph and aggregate table."""
    return (not store.is_empty() and not stale_bundled_documents(store) and derived_is_current(store)
            and aggregates.exists(store))


def refresh_derived(store: Store, source: Store | None = None) -> None:
    """Facts that span documents: the vocabulary, the code lists with one prefLabel per code, unit aliases.

    Every document repeats the concepts it uses, so the code lists are also written here once: the
    question layer reads them from this one graph instead of joining copies across thousands.
    `source`: a store holding every document's concepts and unit names in the documents' graphs
    (DocumentGraph.derived), read instead of `store` (107 s at 10,000 documents).
    """
    source = source or store
    vocab_graph = ox.NamedNode(str(t.VOCAB_GRAPH))
    vocab_quads = [ox.Quad(q.subject, q.predicate, q.object, vocab_graph)
                   for q in ox.parse(path=str(t.HERE / "vocab.ttl"), format=ox.RdfFormat.TURTLE)]
    derived = ox.NamedNode(str(t.DERIVED_GRAPH))
    quads = [ox.Quad(derived, ox.NamedNode(str(t.BK.derivedVersion)), ox.Literal(DERIVED_VERSION), derived)]
    concepts = source.select(t.SPARQL_PREFIXES + f"""
        SELECT ?concept ?code ?scheme ?broader ?label (COUNT(DISTINCT ?g) AS ?n) WHERE {{
          GRAPH ?g {{ ?concept skos:inScheme ?scheme ; skos:notation ?code .
                     OPTIONAL {{ ?concept skos:altLabel ?label }} OPTIONAL {{ ?concept skos:broader ?broader }} }}
          FILTER(?scheme IN (bkid:scheme-func, bkid:scheme-econ) && ?g != <{t.DERIVED_GRAPH}>)
        }} GROUP BY ?concept ?code ?scheme ?broader ?label""")
    facts: set[tuple[ox.NamedNode, str, ox.Term]] = set()
    best: dict[ox.NamedNode, tuple[int, int, str]] = {}
    for concept, code, scheme, broader, label, count in concepts.rows:
        facts.update({(concept, "notation", code), (concept, "inScheme", scheme)})
        if broader is not None:
            facts.add((concept, "broader", broader))
        if label is not None:
            facts.add((concept, "altLabel", label))
            key = (int(count.value), -len(label.value), label.value)  # the label most documents use
            if concept not in best or key > best[concept]:
                best[concept] = key
    quads += [ox.Quad(s, ox.NamedNode(SKOS + p), o, derived) for s, p, o in facts]
    quads += [ox.Quad(c, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(v[2], language="zh"), derived) for c, v in best.items()]
    names = source.select(t.SPARQL_PREFIXES + """
        SELECT DISTINCT ?unit ?name WHERE { GRAPH ?g { ?unit a org:Organization ; skos:prefLabel ?name } }""")
    for unit, name in names.rows:
        for alias in sorted(aliases(name.value)):
            quads.append(ox.Quad(unit, ox.NamedNode(str(t.BK.alias)), ox.Literal(alias, language="zh"), derived))
    quads.append(ox.Quad(derived, ox.NamedNode(str(t.BK.generation)), ox.Literal(_generation(store, quads)), derived))
    store.replace_graphs({str(t.VOCAB_GRAPH): vocab_quads, str(t.DERIVED_GRAPH): quads})


def _generation(store: Store, derived: list[ox.Quad]) -> str:
    """Same documents (their IRIs are content digests), same budgetkg and same derived graph → same value,
    so re-ingesting a document changes nothing, and anything else gives caches a new key."""
    documents = store.select(t.SPARQL_PREFIXES + "SELECT ?d WHERE { GRAPH ?d { ?d a bk:Document } }")
    digest = hashlib.sha256(f"{__version__}\n{DERIVED_VERSION}\n".encode())
    for line in sorted(row[0].value for row in documents.rows) + sorted(str(q) for q in derived):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
