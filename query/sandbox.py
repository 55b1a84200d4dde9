"""Run user-written SPARQL with a real time limit, a row cap and a memory cap.

`Store.query` in pyoxigraph cannot be cancelled, so queries run in worker processes, and a worker
whose time is up is killed and replaced.  The server keeps serving other requests meanwhile: each
worker serves one query at a time, and a caller waits only for a free worker.

Workers come from a forkserver (a fresh interpreter that preloads pyoxigraph), so they never
inherit the server's open RocksDB handles, and a replacement starts in ~15 ms (plus the import
time of the server's main script, see `_context`) instead of the ~0.3 s of a spawned interpreter.
Each worker, before it opens anything:

* enters a private user + network namespace where it can (Linux), so even a SERVICE or LOAD that
  slipped past `guard` has no network to reach;
* caps its address space (RLIMIT_AS, BUDGETKG_QUERY_MEMORY_MB) and disables core dumps;
* opens the store's snapshot (`Store.snapshot`): a checkpoint of an on-disk store read-only, or
  the N-Quads of an in-memory store.

A store that has no snapshot (a remote endpoint) answers queries itself: they are sent through its
`Store.stream`, with the same time limit and row cap, and no worker is started.

Before each query it also lowers its CPU-time limit to a little more than twice the time limit,
so a runaway query dies even if the server that should kill it has itself died.

Results are serialised in the worker, so only bytes cross the pipe.
"""
from __future__ import annotations

import ctypes
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from budgetkg.settings import DEFAULTS, Settings
from budgetkg.stores.base import Snapshot, Store, StoreError, StoreTimeout

# Everything here must stay cheap to import: the forkserver preloads this module (not rdflib).
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


class SandboxError(RuntimeError):
    """A checked query could not be answered; ``str(error)`` is a message for the user."""


class QueryTimeout(SandboxError):
    """The query ran out of time and was stopped."""


class QueryFailed(SandboxError):
    """The engine refused or failed the query, or the worker running it died."""


class ServerBusy(SandboxError):
    """No worker became free in time (HTTP 503)."""


class NotAcceptable(SandboxError):
    """No result format both the client and the query form allow (HTTP 406)."""


@dataclass(frozen=True)
class QueryOutcome:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    media_type: str  # body is UTF-8
    body: bytes
    truncated: bool  # the row cap was hit: rows after max_rows were not read
    row_count: int  # rows (SELECT), triples (CONSTRUCT/DESCRIBE), 1 (ASK)
    elapsed_s: float  # from handing the query to a worker to having the serialised result


# --- formats and content negotiation -------------------------------------------------------

# name -> (media type, other media types accepted for it); the first entry is the default.
RESULT_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "json": ("application/sparql-results+json", ("application/json",)),
    "xml": ("application/sparql-results+xml", ("application/xml", "text/xml")),
    "csv": ("text/csv", ()),
    "tsv": ("text/tab-separated-values", ()),
}
GRAPH_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "turtle": ("text/turtle", ("application/x-turtle",)),
    "nt": ("application/n-triples", ()),
    "jsonld": ("application/ld+json", ("application/json",)),
}
_SHORT_NAMES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld"}
_RESULTS_FORMAT = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def negotiate(form: str, accept: str | None) -> tuple[str, str]:
    """(format name, media type) for a query form, from an Accept header or a short name (json, csv, ...)."""
    table = GRAPH_FORMATS if form in _GRAPH_FORMS else RESULT_FORMATS
    default = next(iter(table))
    if not accept or not accept.strip():
        return default, table[default][0]
    wanted = accept.strip().lower()
    if "/" not in wanted:  # a `format=` short name
        name = _SHORT_NAMES.get(wanted, wanted)
        if name == "json" and table is GRAPH_FORMATS:
            name = "jsonld"
        if name in table:
            return name, table[name][0]
        raise NotAcceptable(f"format {accept.strip()!r} is not available for {form} queries; use one of {', '.join(table)}")
    ranges = _parse_accept(wanted)
    best: tuple[float, int, str] | None = None
    for index, (name, (media_type, aliases)) in enumerate(table.items()):
        # Aliases count only when named exactly: `text/*` must not pick XML through text/xml, and
        # `*/*` must not revive a type refused with q=0 through its alias.
        q = max([_quality(media_type, ranges)] + [q for m, q in ranges if m in aliases])
        if q > 0 and (best is None or (q, -index) > best[:2]):
            best = (q, -index, name)
    if best is None:
        offered = ", ".join(media for media, _ in table.values())
        raise NotAcceptable(f"cannot answer a {form} query in {accept.strip()!r}; available: {offered}")
    return best[2], table[best[2]][0]


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if "/" not in media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    pass
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching media_type (RFC 9110 12.5.1); 0 when none does."""
    kind = media_type.split("/")[0]
    best_rank, best_q = -1, 0.0
    for media_range, q in ranges:
        rank = 2 if media_range == media_type else 1 if media_range == f"{kind}/*" else 0 if media_range == "*/*" else -1
        if rank > best_rank:
            best_rank, best_q = rank, q
    return best_q


# --- serialisation (in the worker, or in the server for a remote store) ---------------------


def term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    raise TypeError(f"unexpected term {term!r}")


def serialise_result(
    result: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple],
    fmt: str,
    max_rows: int,
    prefixes: dict[str, str] | None = None,
) -> tuple[bytes, bool, int]:
    """(body, truncated, row count): reads at most max_rows + 1 rows, whatever the result size."""
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=_RESULTS_FORMAT[fmt]), False, 1
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        truncated = len(rows) > max_rows
        del rows[max_rows:]
        # pyoxigraph cannot build a QuerySolutions from a list, so the capped rows are written as
        # SPARQL JSON here and, for other formats, read back and re-serialised by pyoxigraph.
        bindings = [
            {name: term_json(row[i]) for i, name in enumerate(variables) if row[i] is not None} for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if fmt != "json":
            body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=_RESULTS_FORMAT[fmt])
        return body, truncated, len(rows)
    triples = list(islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    del triples[max_rows:]
    try:
        body = ox.serialize(triples, format=_RDF_FORMAT[fmt], prefixes=prefixes if fmt == "turtle" else None)
    except ValueError:  # e.g. a query PREFIX the Turtle writer rejects: fall back to full IRIs
        body = ox.serialize(triples, format=_RDF_FORMAT[fmt])
    return body, truncated, len(triples)


# --- the worker process -------------------------------------------------------------------

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _isolate_network() -> bool:
    """Enter a private user + network namespace (only loopback, down). Best effort; Linux only."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0  # needs a single-threaded process
    except (OSError, AttributeError):
        return False


def _worker_main(
    conn: multiprocessing.connection.Connection,
    source: tuple[str, str | bytes],
    memory_bytes: int,
    cpu_backstop_s: float,
    isolate: bool,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    os.environ["RUST_BACKTRACE"] = "0"  # a symbolised backtrace on out-of-memory takes seconds
    isolated = _isolate_network() if isolate else False
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    kind, data = source
    try:
        if kind == "path":
            store = ox.Store.read_only(str(data))
        else:
            store = ox.Store()
            store.load(data, format=ox.RdfFormat.N_QUADS)  # bulk_load preallocates ~200 MB
    except BaseException as error:  # MemoryError included: report, then exit
        conn.send(("error", f"the query worker cannot open the store: {error}"))
        return
    conn.send(("ready", {"pid": os.getpid(), "network_isolated": isolated}))
    hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)[1]
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the server went away
            return
        if request is None:
            return
        query, union, fmt, max_rows, prefixes = request
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(usage.ru_utime + usage.ru_stime + cpu_backstop_s) + 1
        if hard_cpu == resource.RLIM_INFINITY or soft < hard_cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard_cpu))
        try:
            result = store.query(query, use_default_graph_as_union=union)
            reply: tuple[Any, ...] = ("ok", *serialise_result(result, fmt, max_rows, dict(prefixes)))
        except MemoryError:
            conn.send(("crash", "out of memory"))
            return  # a fresh worker replaces this one
        except Exception as error:
            reply = ("error", str(error) or type(error).__name__)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("crash", "out of memory"))
            return


class _Worker:
    """One worker process and its pipe; used by one caller at a time (it is taken from a queue)."""

    def __init__(self) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: multiprocessing.connection.Connection | None = None
        self.generation = -1
        self.info: dict[str, Any] = {}

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def start(self, runner: QueryRunner, generation: int, source: tuple[str, str | bytes]) -> None:
        self.kill()
        parent_conn, child_conn = runner._ctx.Pipe()
        args = (child_conn, source, runner.memory_bytes, 2 * runner.timeout_s + 5, runner.isolate_network)
        process = runner._ctx.Process(target=_worker_main, args=args, daemon=True, name="budgetkg-query-worker")
        process.start()
        child_conn.close()
        self.process, self.conn, self.generation = process, parent_conn, generation
        try:
            ready = parent_conn.poll(runner.start_timeout_s)
            message = parent_conn.recv() if ready else ("error", "the query worker did not start in time")
        except (EOFError, OSError):
            message = ("error", f"the query worker exited while starting ({_exit_reason(process)})")
        if message[0] != "ready":
            self.kill()
            raise QueryFailed(message[1])
        self.info = message[1]

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
        if self.conn is not None:
            self.conn.close()
        self.process, self.conn = None, None

    def stop(self) -> None:
        if self.alive() and self.conn is not None:
            try:
                self.conn.send(None)
                self.process.join(1.0)  # type: ignore[union-attr]
            except OSError:
                pass
        self.kill()


def _exit_reason(process: multiprocessing.process.BaseProcess) -> str:
    process.join(1.0)
    code = process.exitcode
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


# --- the runner ---------------------------------------------------------------------------


class QueryRunner:
    """Runs checked, read-only SPARQL against a store with time, row and memory limits.

    Thread-safe: `run` may be called from many threads; at most `workers` queries run at once and
    other callers wait (up to `timeout_s`) for a free worker.  Workers see the store as it was
    when the runner started (a checkpoint for an on-disk store, a dump for an in-memory one):
    call `refresh()` after writing to it.
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout_s: float = DEFAULTS.query_timeout_s,
        max_rows: int = DEFAULTS.max_rows,
        memory_bytes: int = DEFAULTS.query_memory_bytes,
        workers: int = 1,
        known_graphs: set[str] | None = None,
        isolate_network: bool = True,
        start_method: str = "forkserver",
        start_timeout_s: float = 30.0,
    ) -> None:
        self.store = store
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.memory_bytes = memory_bytes
        self.isolate_network = isolate_network
        self.start_timeout_s = start_timeout_s
        self.worker_start_s: float | None = None  # how long starting the pool took (all workers in parallel)
        self._fixed_graphs = set(known_graphs) if known_graphs is not None else None
        self._lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._workers: list[_Worker] = []
        self._snapshots: dict[int, Snapshot] = {}  # generation -> the snapshot its workers opened
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self.known_graphs = self._fixed_graphs if self._fixed_graphs is not None else set(store.named_graphs())
        snapshot = store.snapshot()
        self.remote = snapshot is None
        if snapshot is None:
            return  # the store runs queries itself; see _run_remote
        self._ctx = _context(start_method)
        self._source = self._keep(snapshot)
        started = time.monotonic()
        self._workers = [_Worker() for _ in range(max(1, workers))]
        errors: list[BaseException] = []

        def start(worker: _Worker) -> None:
            try:
                worker.start(self, self._generation, self._source)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=start, args=(w,)) for w in self._workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            self.close()
            raise errors[0]
        self.worker_start_s = time.monotonic() - started
        for worker in self._workers:
            self._idle.put(worker)

    @classmethod
    def for_settings(cls, store: Store, settings: Settings, **options: Any) -> QueryRunner:
        """A runner with the settings' time limit, row cap, memory cap and number of workers."""
        return cls(store, timeout_s=settings.query_timeout_s, max_rows=settings.max_rows,
                   memory_bytes=settings.query_memory_bytes, workers=settings.query_workers, **options)

    # Public API ------------------------------------------------------------------------

    def run(self, query: str, accept: str | None = None) -> QueryOutcome:
        """Check, run and serialise one query.

        Raises guard.QueryRejected (refused before running), NotAcceptable, ServerBusy,
        QueryTimeout or QueryFailed.
        """
        from budgetkg.query import guard  # here, not at the top: workers never need rdflib

        form = guard.check_query(query, known_graphs=self.known_graphs)
        info = guard.inspect_query(query)  # cached by check_query
        fmt, media_type = negotiate(form, accept)
        # A FROM / FROM NAMED dataset only applies when the union default graph is off.
        request = (query, not info.has_dataset, fmt, self.max_rows, info.prefixes)
        if self.remote:
            body, truncated, rows, elapsed = self._run_remote(query, form, fmt, dict(info.prefixes))
        else:
            body, truncated, rows, elapsed = self._run_local(request)
        return QueryOutcome(form, media_type, body, truncated, rows, elapsed)

    def refresh(self) -> None:
        """Let workers see the store as it is now (they restart before their next query)."""
        with self._lock:
            self._generation += 1
            snapshot = self.store.snapshot()
            if snapshot is not None:
                self._source = self._keep(snapshot)
            if self._fixed_graphs is None:
                self.known_graphs = set(self.store.named_graphs())
            self._prune_snapshots()

    @property
    def network_isolated(self) -> bool:
        """True when every running worker has no network at all (not even for SERVICE)."""
        return bool(self._workers) and all(w.info.get("network_isolated") for w in self._workers)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        # Workers busy in run() are stopped when they are handed back.
        for snapshot in list(self._snapshots.values()):
            snapshot.release()

    def __enter__(self) -> QueryRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Internals --------------------------------------------------------------------------

    def _keep(self, snapshot: Snapshot) -> tuple[str, str | bytes]:
        """Keep the current generation's snapshot until no worker uses it; what workers are sent."""
        self._snapshots[self._generation] = snapshot
        return snapshot.source()

    def _start(self, worker: _Worker) -> None:
        """(Re)start a worker on the current snapshot, then drop checkpoints nobody uses any more."""
        with self._lock:  # generation and source change together in refresh()
            generation, source = self._generation, self._source
        try:
            worker.start(self, generation, source)
        finally:
            with self._lock:
                self._prune_snapshots()

    def _prune_snapshots(self) -> None:
        """Remove checkpoints that neither the current generation nor a live worker uses."""
        used = {self._generation} | {w.generation for w in self._workers if w.alive()}
        for generation in [g for g in self._snapshots if g not in used]:
            self._snapshots.pop(generation).release()

    def _run_local(self, request: tuple[Any, ...]) -> tuple[bytes, bool, int, float]:
        if self._closed:
            raise SandboxError("the query runner is closed")
        try:
            worker = self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            raise ServerBusy(f"all {len(self._workers)} query workers stayed busy for {self.timeout_s:g} s; try again shortly") from None
        replace = False
        try:
            if worker.generation != self._generation or not worker.alive():
                self._start(worker)
            assert worker.conn is not None
            started = time.monotonic()
            worker.conn.send(request)
            if not worker.conn.poll(self.timeout_s):
                worker.kill()
                replace = True
                raise QueryTimeout(
                    f"the query was stopped after {self.timeout_s:g} s, this server's time limit. "
                    "Narrow it (fewer unbound patterns, a LIMIT) or, on your own server, raise the limit with "
                    f"{Settings.variable('query_timeout_s')} (seconds)."
                )
            try:
                reply = worker.conn.recv()
            except (EOFError, OSError):
                reply = ("crash", _exit_reason(worker.process))  # type: ignore[arg-type]
            elapsed = time.monotonic() - started
            if reply[0] == "crash":
                worker.kill()
                replace = True
                raise QueryFailed(
                    f"the query worker died ({reply[1]}); the query probably needed more memory than this "
                    f"server's limit of {self.memory_bytes // 2**20} MB ({Settings.variable('query_memory_mb')})."
                )
            if reply[0] == "error":
                raise QueryFailed(reply[1])
            _, body, truncated, rows = reply
            return body, truncated, rows, elapsed
        except (OSError, EOFError) as error:  # the pipe broke: the worker is gone
            worker.kill()
            replace = True
            raise QueryFailed(f"the query worker failed: {error}") from None
        finally:
            self._hand_back(worker, replace)

    def _hand_back(self, worker: _Worker, replace: bool) -> None:
        if replace:
            # Restart off the caller's thread: the timed-out caller answers at once, and the next
            # caller gets the fresh worker as soon as it is up (or restarts it itself on failure).
            threading.Thread(target=self._restart, args=(worker,), daemon=True).start()
            return
        with self._lock:
            if not self._closed:
                self._idle.put(worker)
                return
        worker.stop()

    def _restart(self, worker: _Worker) -> None:
        try:
            if not self._closed:
                self._start(worker)
        except Exception:
            pass  # left dead: the next caller to take it restarts it and reports the error
        self._hand_back(worker, False)

    def _run_remote(self, query: str, form: str, fmt: str, prefixes: dict[str, str]) -> tuple[bytes, bool, int, float]:
        """The store runs the query (`Store.stream`); no worker is needed.

        The wait is bounded by the store's request timeout and an overall deadline, and the answer
        is streamed through pyoxigraph's parser, so the row cap applies while reading.
        """
        graph = form in _GRAPH_FORMS
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        started = time.monotonic()
        deadline = started + self.timeout_s
        timeout_message = (f"the SPARQL endpoint did not answer within {self.timeout_s:g} s "
                           f"({Settings.variable('query_timeout_s')})")
        try:
            with self.store.stream(query, accept, self.timeout_s) as chunks:
                reader = io.BufferedReader(_DeadlineReader(chunks, deadline, self.memory_bytes))
                result: Any
                if graph:
                    result = (quad.triple for quad in ox.parse(reader, format=ox.RdfFormat.N_TRIPLES))
                else:
                    result = ox.parse_query_results(reader, format=ox.QueryResultsFormat.JSON)
                body, truncated, rows = serialise_result(result, fmt, self.max_rows, prefixes)
        except (StoreTimeout, _DeadlineExceeded):
            raise QueryTimeout(timeout_message) from None
        except (StoreError, SyntaxError, OSError, ValueError) as error:
            if time.monotonic() > deadline:
                raise QueryTimeout(timeout_message) from None
            raise QueryFailed(f"the SPARQL endpoint failed: {error}") from None
        return body, truncated, rows, time.monotonic() - started


class _DeadlineExceeded(OSError):
    pass


class _DeadlineReader(io.RawIOBase):
    """A readable stream over HTTP chunks that stops at a deadline or after max_bytes."""

    def __init__(self, chunks: Iterator[bytes], deadline: float, max_bytes: int) -> None:
        self._chunks, self._deadline, self._left = chunks, deadline, max_bytes
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if time.monotonic() > self._deadline:
            raise _DeadlineExceeded("deadline")
        if not self._buffer:
            self._buffer = next(self._chunks, b"")
            self._left -= len(self._buffer)
            if self._left < 0:
                raise OSError("the answer is larger than the memory limit")
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _context(method: str) -> multiprocessing.context.BaseContext:
    if method == "forkserver" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Preload the interpreter the workers are forked from (only effective before it starts).
        # Not "__main__": CPython 3.11-3.12 never preload it anyway (forkserver looks for a
        # `main_path` key that spawn never sets), so every worker re-runs the server's main
        # script's imports as __mp_main__; keep that script light (a console script is).
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")
