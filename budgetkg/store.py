"""Triple stores behind one small interface.

`open_store(spec)` picks the backend from a spec string:

* ``"memory"``: an in-memory Oxigraph store (tests);
* ``"http://…"`` / ``"https://…"``: a remote SPARQL 1.1 endpoint (see `budgetkg.remote`);
* anything else: a path to an embedded, on-disk Oxigraph store (the default).

Every backend answers SPARQL with the default graph as the union of all named graphs, stores
each document in its own named graph and replaces a graph in one transaction.  Results come
back as pyoxigraph terms whatever the backend, so callers never depend on which one they use.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

import pyoxigraph as ox

from budgetkg import config

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class StoreError(RuntimeError):
    """A store cannot be opened or written."""


class StoreBusy(StoreError):
    """Another process holds the store."""


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


class Store(Protocol):
    spec: str

    def select(self, sparql: str) -> Select: ...

    def ask(self, sparql: str) -> bool: ...

    def construct(self, sparql: str) -> list[ox.Triple]: ...

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]]) -> None: ...

    def drop_graph(self, graph: str) -> None: ...

    def named_graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes: ...

    def is_empty(self) -> bool: ...

    def close(self) -> None: ...


def _to_select(result: ox.QuerySolutions) -> Select:
    variables = [v.value for v in result.variables]
    rows = [tuple(solution[i] for i in range(len(variables))) for solution in result]
    return Select(variables, rows)


class OxigraphStore:
    """Embedded Oxigraph, on disk (path) or in memory (path None)."""

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = path
        self.spec = str(path) if path else "memory"
        self.read_only = read_only
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

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def select(self, sparql: str) -> Select:
        result = self._store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        return _to_select(result)

    def ask(self, sparql: str) -> bool:
        result = self._store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        result = self._store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

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

    def update(self, sparql: str) -> None:
        """A SPARQL Update (only `budgetkg sparql --allow-update` sends one)."""
        self._store.update(sparql)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        result = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(result))[0].value)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return self._store.dump(format=fmt, from_graph=ox.NamedNode(graph))
        return self._store.dump(format=fmt)

    def is_empty(self) -> bool:
        # len() would count every quad (20 s at 68 million); the first one is enough
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store


def default_store_spec() -> str:
    return os.environ.get("BUDGETKG_STORE") or str(config.data_dir() / "store")


def open_store(spec: str | None = None, read_only: bool = False) -> Store:
    spec = spec or default_store_spec()
    if spec == "memory":
        return OxigraphStore(None)
    if spec.startswith(("http://", "https://")):
        from budgetkg.remote import RemoteStore

        return RemoteStore(spec)
    return OxigraphStore(Path(spec).expanduser(), read_only=read_only)


def quads(graph: str, triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    g = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
