"""Embedded Oxigraph: a store on disk (a RocksDB directory) or in memory."""
from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from budgetkg.stores.base import Kind, Select, Snapshot, StoreBusy, StoreError

log = logging.getLogger(__name__)
NQ = ox.RdfFormat.N_QUADS
_RESULT_MEDIA = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                 "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}


def _to_select(result: ox.QuerySolutions) -> Select:
    variables = [v.value for v in result.variables]
    rows = [tuple(solution[i] for i in range(len(variables))) for solution in result]
    return Select(variables, rows)


class PiecesReader(io.RawIOBase):
    """Pieces of bytes read as one file; an exception raised while making a piece is kept in `error`
    (the reader then ends the file) for the caller to raise."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces: Iterator[bytes] = iter(pieces)
        self._data = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._data:
            try:
                piece = next(self._pieces, None)
            except BaseException as error:  # noqa: BLE001 - handed back to the caller by load_stream
                self.error, piece = error, None
            if piece is None:
                return 0
            self._data = memoryview(piece)
        n = min(len(buffer), len(self._data))
        buffer[:n], self._data = self._data[:n], self._data[n:]
        return n


class EmbeddedStore:
    """Oxigraph in this process, on disk (`path`) or in memory (`path` None)."""

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = path
        self.spec = str(path) if path else "memory"
        self.kind: Kind = "disk" if path else "memory"
        self.read_only = read_only and path is not None
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreBusy(f"store is busy: another budgetkg process is using {path}") from error
            raise StoreError(f"cannot open store {path}: {error}") from error

    def _query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return self._store.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> Select:
        result = self._query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        return _to_select(result)

    def ask(self, sparql: str) -> bool:
        result = self._query(sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        result = self._query(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def load(self, nquads: bytes, *, bulk: bool = False) -> None:
        # bulk_load skips the transaction: ~3x faster and a third of the disk, but a crash can
        # leave a graph half-written (docs/benchmarks.md)
        (self._store.bulk_load if bulk else self._store.load)(nquads, format=NQ, lenient=True)

    def load_stream(self, pieces: Iterable[bytes]) -> None:
        # one bulk_load for all: at 10,000 documents 18 % less time and 25 % less CPU than one a batch
        # (RocksDB sorts and compacts once), for ~1.4 GB more memory (docs/benchmarks.md)
        stream = PiecesReader(pieces)
        try:
            self._store.bulk_load(io.BufferedReader(stream, 1 << 20), format=NQ, lenient=True)
        except OSError:
            if stream.error is not None:  # raised while making a piece: that, not the loader's wrapping of it
                raise stream.error from None
            raise
        if stream.error is not None:
            raise stream.error

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]]) -> None:
        """Replace each named graph by its quads; each call is one transaction per kind of write.

        New graphs go in with `Store.extend`, which is transactional and fast.  Graphs already in
        the store are dropped and re-inserted by one SPARQL Update, which Oxigraph also runs
        atomically; INSERT DATA is fed terms that serialise themselves in SPARQL syntax, so
        nothing from a document is pasted in unescaped.  Either way a crash leaves the old or the
        new content of a graph, never a mixture.
        """
        existing = {name for name in graphs if self._store.contains_named_graph(ox.NamedNode(name))}
        fresh = [q for name, quads in graphs.items() if name not in existing for q in quads]
        if fresh:
            self._store.extend(fresh)
        if existing:
            parts = [f"DROP SILENT GRAPH <{name}>" for name in existing]
            lines: list[str] = []
            for name in existing:
                lines.append(f"GRAPH <{name}> {{")
                lines.extend(f"{q.subject} {q.predicate} {q.object} ." for q in graphs[name])
                lines.append("}")
            parts.append("INSERT DATA {\n" + "\n".join(lines) + "\n}")
            self._store.update(" ;\n".join(parts))

    def drop_graph(self, graph: str) -> None:
        self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        result = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(result))[0].value)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is None:
            return self._store.dump(format=fmt)
        if fmt.supports_datasets:
            return ox.serialize(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)), format=fmt)
        return self._store.dump(format=fmt, from_graph=ox.NamedNode(graph))

    def is_empty(self) -> bool:
        # len() would count every quad (20 s at 68 million); the first one is enough
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def snapshot(self) -> Snapshot:
        if self.path is None:  # in memory: a copy of the data
            return Snapshot("nquads", self._store.dump(format=NQ))
        # A RocksDB checkpoint (hard links to immutable files, so cheap) rather than the live
        # directory: opening that read-only while this process writes to it is undefined
        # behaviour, and was seen to fail ("Corruption: ... No such file") after a compaction.
        holder: Path | None = None
        try:
            holder = Path(tempfile.mkdtemp(prefix=".budgetkg-snapshot-", dir=self.path.parent))
            self._store.backup(str(holder / "store"))
        except Exception as error:
            log.warning("cannot checkpoint %s (%s); readers open it directly", self.path, error)
            if holder is not None:
                Snapshot("path", "", made=holder).release()
            return Snapshot("path", str(self.path))
        return Snapshot("path", str(holder / "store"), made=holder)

    @contextmanager
    def stream(self, sparql: str, accept: str, timeout_s: float) -> Iterator[Iterator[bytes]]:
        # In process a query cannot be stopped; the sandbox runs public queries in workers instead.
        result = self._query(sparql)
        if isinstance(result, ox.QueryTriples):
            yield iter([ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)])
        else:
            yield iter([result.serialize(format=_RESULT_MEDIA.get(accept, ox.QueryResultsFormat.JSON))])

    def sidecar(self) -> Path | None:
        # inside the RocksDB directory, which ignores files it did not write: moved and removed with the store
        return self.path / "budgetkg" if self.path is not None else None

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store
