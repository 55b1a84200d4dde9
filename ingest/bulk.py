"""Parse many documents in parallel processes; write N-Quads files for an engine's bulk loader.

Workers return each document's graph as N-Quads bytes (serialised in Rust): pickling pyoxigraph
terms costs ~18 µs a quad, N-Quads ~0.4 µs, and the parent can hand the bytes straight to
`Store.load`.  At most a few chunks are in flight, so a slow writer never lets results pile up
in memory (a synthetic document is ~1.6 MB of N-Quads).
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib.namespace import SKOS

from budgetkg.ingest.pipeline import DocumentReport, document_paths, parse_to_quads, refresh_derived
from budgetkg.ontology import terms as t
from budgetkg.store import OxigraphStore

NQ = ox.RdfFormat.N_QUADS
VOCABULARY_FILE = "_vocabulary.nq"
_ALT_LABEL, _IN_SCHEME, _NOTATION, _BROADER, _PREF_LABEL = (
    f"<{term}>".encode() for term in (SKOS.altLabel, SKOS.inScheme, SKOS.notation, SKOS.broader, SKOS.prefLabel))
_ORGANIZATION = f"<{t.ORG.Organization}>".encode()
_DOCUMENT = f"<{t.BK.Document}>".encode()


class Parsed:
    """One parsed document as the parent sees it: report, N-Quads, and the lines `refresh_derived` reads."""

    __slots__ = ("report", "nquads", "derived_input")

    def __init__(self, report: DocumentReport, nquads: bytes, derived_input: bytes) -> None:
        self.report, self.nquads, self.derived_input = report, nquads, derived_input


def _derived_input(nquads: bytes) -> bytes:
    """The quads that `refresh_derived` queries: concepts (code, scheme, labels, broader), unit types and
    names, document types."""
    lines = nquads.split(b"\n")
    units = {line.split(b" ", 1)[0] for line in lines if _ORGANIZATION in line}
    keep = [line for line in lines if any(p in line for p in (_ALT_LABEL, _IN_SCHEME, _NOTATION, _BROADER, _ORGANIZATION, _DOCUMENT))
            or (_PREF_LABEL in line and line.split(b" ", 1)[0] in units)]
    return b"\n".join(keep) + b"\n" if keep else b""


def parse_one(path: Path, derived: bool = False) -> Parsed:
    report, quads = parse_to_quads(path)
    data = ox.serialize(quads, format=NQ) if quads else b""
    return Parsed(report, data, _derived_input(data) if derived else b"")


def _parse_chunk(paths: list[Path], derived: bool) -> list[Parsed]:
    return [parse_one(p, derived) for p in paths]


def parse_many(paths: Iterable[Path], jobs: int = 1, derived: bool = False, chunksize: int | None = None) -> Iterator[Parsed]:
    """Parsed documents in input order; `jobs` > 1 parses in that many processes."""
    files = document_paths(paths)
    jobs = max(1, min(jobs, len(files))) if files else 1
    if jobs == 1:
        yield from (parse_one(f, derived) for f in files)
        return
    size = chunksize or max(1, min(8, len(files) // (jobs * 4)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    # spawn, not fork: the parent may hold an open store whose RocksDB threads a fork would copy mid-lock
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[list[Parsed]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_parse_chunk, chunk, derived))
            if len(pending) >= jobs * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def graph_file_name(graph: str) -> str:
    """`…/doc/<sha256 prefix>` → `<sha256 prefix>.nq`."""
    return graph.rstrip("/").rsplit("/", 1)[-1] + ".nq"


def write_bulk(paths: Iterable[Path], out_dir: Path, jobs: int = 1,
               progress: Callable[[str], None] | None = None) -> list[DocumentReport]:
    """One N-Quads file per document (named by its graph hash) plus `_vocabulary.nq` (vocabulary
    and derived graphs, computed as `ingest` would from the same documents)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = document_paths(paths)
    reports: list[DocumentReport] = []
    derived = OxigraphStore(None)
    for index, parsed in enumerate(parse_many(files, jobs, derived=True), start=1):
        report = parsed.report
        reports.append(report)
        if report.graph:
            _write_atomic(out_dir / graph_file_name(report.graph), parsed.nquads)
            if parsed.derived_input:
                derived.oxigraph.load(parsed.derived_input, format=NQ)
        if progress:
            progress(f"[{index}/{len(files)}] {report.summary()}")
    if any(r.graph for r in reports):
        refresh_derived(derived)
        data = b"".join(ox.serialize(derived.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(g))), format=NQ)
                        for g in (t.VOCAB_GRAPH, t.DERIVED_GRAPH))
        _write_atomic(out_dir / VOCABULARY_FILE, data)
    return reports


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
