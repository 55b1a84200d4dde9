"""The one interface every store offers, and what its methods return."""
from __future__ import annotations

import shutil
import weakref
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Kind = Literal["memory", "disk", "remote"]


class StoreError(RuntimeError):
    """A store cannot be opened, read or written."""


class StoreBusy(StoreError):
    """Another process holds the store."""


class StoreTimeout(StoreError):
    """The store did not answer in time."""


@dataclass
class Select:
    """The result of a SELECT query: variable names and rows of terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def values(self) -> list[dict[str, str | None]]:
        """Rows as plain strings (a term's lexical value), for answers and tests."""
        return [{v: (t.value if t is not None else None) for v, t in zip(self.variables, row)} for row in self.rows]


class Snapshot:
    """A read-only copy of a store that another process can open: a directory or N-Quads bytes.

    A directory made for the snapshot (a RocksDB checkpoint) is removed by `release()`, or when the
    snapshot is garbage-collected.
    """

    def __init__(self, kind: Literal["path", "nquads"], data: str | bytes, made: Path | None = None) -> None:
        self.kind, self.data = kind, data
        self._remove = weakref.finalize(self, shutil.rmtree, made, True) if made is not None else None

    def source(self) -> tuple[str, str | bytes]:
        """What a worker process needs to open it (picklable)."""
        return self.kind, self.data

    def release(self) -> None:
        if self._remove is not None:
            self._remove()


class Store(Protocol):
    """A quad store whose default graph is the union of its named graphs; one named graph per document.

    Results are pyoxigraph terms whatever the backend, so callers never depend on which one they use.
    """

    spec: str  # what open_store was given: a directory, "memory" or an endpoint URL
    kind: Kind
    read_only: bool

    def select(self, sparql: str) -> Select: ...

    def ask(self, sparql: str) -> bool: ...

    def construct(self, sparql: str) -> list[ox.Triple]: ...

    def update(self, sparql: str) -> None:
        """A SPARQL Update request."""

    def load(self, nquads: bytes, *, bulk: bool = False) -> None:
        """Add N-Quads of graphs the store does not hold yet, in one transaction (`bulk`: faster, not atomic)."""

    def load_stream(self, pieces: Iterable[bytes]) -> None:
        """Bulk-add N-Quads of graphs the store does not hold yet, piece by piece as `pieces` makes them
        (not atomic, as `load(bulk=True)`); an engine with a bulk loader reads them as one stream."""

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]]) -> None:
        """Replace each named graph by its quads (an empty list drops it); each graph atomically."""

    def drop_graph(self, graph: str) -> None: ...

    def named_graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        """The store, or one graph, serialised; quad formats keep the graph names."""

    def is_empty(self) -> bool: ...

    def snapshot(self) -> Snapshot | None:
        """A copy that query worker processes can open, or None when the store runs queries itself
        (a remote endpoint): then run them with `stream`."""

    def stream(self, sparql: str, accept: str, timeout_s: float) -> AbstractContextManager[Iterator[bytes]]:
        """The answer to a query as chunks of bytes in the media type `accept` (SPARQL JSON results
        or N-Triples); raises StoreTimeout when `timeout_s` passes without an answer."""

    def sidecar(self) -> Path | None:
        """A directory kept with the store for files budgetkg derives from it (the aggregate table,
        query.aggregates), or None when the store has no directory of its own (memory, remote)."""

    def flush(self) -> None:
        """Make what was written visible to processes that open the store afterwards."""

    def close(self) -> None: ...

