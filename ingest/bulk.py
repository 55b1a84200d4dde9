"""N-Quads files for an engine's bulk loader: one per document, and one of the cross-document graphs."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib.namespace import SKOS

from budgetkg.ingest.pipeline import NQ, DocumentReport, document_paths, parse_many, refresh_derived
from budgetkg.ontology import terms as t
from budgetkg.stores import open_store

VOCABULARY_FILE = "_vocabulary.nq"
_ALT_LABEL, _IN_SCHEME, _NOTATION, _BROADER, _PREF_LABEL = (
    f"<{term}>".encode() for term in (SKOS.altLabel, SKOS.inScheme, SKOS.notation, SKOS.broader, SKOS.prefLabel))
_ORGANIZATION = f"<{t.ORG.Organization}>".encode()
_DOCUMENT = f"<{t.BK.Document}>".encode()


def derived_input(nquads: bytes) -> bytes:
    """The quads that `refresh_derived` queries: concepts (code, scheme, labels, broader), unit types and
    names, document types."""
    lines = nquads.split(b"\n")
    units = {line.split(b" ", 1)[0] for line in lines if _ORGANIZATION in line}
    keep = [line for line in lines if any(p in line for p in (_ALT_LABEL, _IN_SCHEME, _NOTATION, _BROADER, _ORGANIZATION, _DOCUMENT))
            or (_PREF_LABEL in line and line.split(b" ", 1)[0] in units)]
    return b"\n".join(keep) + b"\n" if keep else b""


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
    derived = open_store("memory")
    for index, parsed in enumerate(parse_many(files, jobs, extract=derived_input), start=1):
        report = parsed.report
        reports.append(report)
        if report.graph:
            _write_atomic(out_dir / graph_file_name(report.graph), parsed.nquads)
            if parsed.extract:
                derived.load(parsed.extract)
        if progress:
            progress(f"[{index}/{len(files)}] {report.summary()}")
    if any(r.graph for r in reports):
        refresh_derived(derived)
        data = b"".join(derived.dump(NQ, graph=str(g)) for g in (t.VOCAB_GRAPH, t.DERIVED_GRAPH))
        _write_atomic(out_dir / VOCABULARY_FILE, data)
    return reports


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
