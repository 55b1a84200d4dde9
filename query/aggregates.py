"""The aggregate table: per unit (or a unit's subject), phase, measure, fund source and expenditure
type asked, and year, the figure `figures.find` would pick, precomputed when documents are ingested.

A ranking over every unit (“哪个单位三公经费最多”) read each unit's candidate figures from the
graph: 26,000 observations and seconds of RocksDB look-ups at 10,000 documents.  The pick of one
unit, phase, measure and year is the minimum of `figures.preference` over its candidates, and a
candidate's preference depends only on itself and its own document, so it is computed where the
document is parsed: each document contributes its best candidate per group (`document_rows`), and
the table keeps the best over documents (`Table.build`: one numpy sort).  Queries then read a
contiguous range of a few numpy columns (`Table.find`).

The table is kept with the store (`Store.sidecar()`: a directory inside an on-disk store; the
cache directory for others), one file per store generation, and renewed by every ingest: from the
rows of the previous generation when there are some, minus the documents replaced, plus the new
ones; else from the documents in the store.  A question the table does not cover (details asked,
a kind of document asked, a project) is answered from the graph as before.

Columns are numpy arrays (a file of 2.5 million picks at 10,000 documents is ~80 MB and loads in a
fraction of a second): a question looks up a range of keys, which a sorted column answers without an
analytical engine beside the store (rankings over all units at 10,000 documents in docs/benchmarks.md).
"""
from __future__ import annotations

import logging
import os
import pickle
import struct
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox

from budgetkg import settings
from budgetkg.ontology import terms as t
from budgetkg.query import templates as q
from budgetkg.query.figures import Figure, Wanted, measures, preference
from budgetkg.query.figures import find as find_in_graph
from budgetkg.stores import Store

log = logging.getLogger(__name__)
VERSION = "1"  # of the file format and of what a row holds
KEEP = 2  # generations kept per store
Key = tuple[str, str, str, str, str]  # phase, measure notation, subject ("" or "func/2010301"), fund IRI or "", exptype IRI or ""
Row = tuple[str, str, str, str, str, str, int, bytes, str, int, int]  # Key, unit, year, preference, amount, table number, line

QB_OBSERVATION = str(t.QB.observation)
BK = str(t.BK)
_PROPS = {BK + name: name for name in ("unit", "fiscalYear", "amount", "table", "line", "fundSource", "expenditureType",
                                       "detail", "printedAmount", "moneyUnit")}
_DOC_PROPS = {BK + "phase": "phase", BK + "documentKind": "kind", BK + "unit": "unit"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class DocumentFacts:
    """What `figures.preference` reads of a figure's document (as query.catalog.DocumentEntry has it)."""

    phase: str
    kind: str
    unit: str | None


def pack(key: tuple) -> bytes:
    """A preference tuple as bytes that sort as the tuple does (each member a whole number ≥ 0)."""
    values = [int(v) for v in key]
    if any(v < 0 or v >= 2**32 or v != k for v, k in zip(values, key)):
        raise ValueError(f"preference {key!r} has a member that is not a whole number from 0 to 2^32")
    return struct.pack(f">{len(values)}I", *values)


# ------------------------------------------------------------ one document's rows (in the parsing process)
def document_rows(quads: Iterable[ox.Quad], graph: str) -> list[Row]:
    """The rows of a document read from its quads (a document already in the store)."""
    observations: dict[str, dict[str, Any]] = {}
    members: list[tuple[str, str]] = []
    slice_units: dict[str, str] = {}
    doc: dict[str, str] = {}
    for quad in quads:
        s, p = quad.subject.value, quad.predicate.value
        if p == QB_OBSERVATION:
            members.append((s, quad.object.value))
        elif s == graph and p in _DOC_PROPS:
            doc[_DOC_PROPS[p]] = quad.object.value
        elif p in _PROPS:
            name = _PROPS[p]
            if "/slice/" in s:
                if name == "unit":
                    slice_units[s] = quad.object.value
                continue
            found = observations.setdefault(s, {})
            if name == "detail":
                found.setdefault("details", set()).add(quad.object.value)
            else:
                found[name] = quad.object.value
    candidates = []
    for slice_iri, o in members:
        unit, props = slice_units.get(slice_iri), observations.get(o)
        if unit is None or props is None or not all(k in props for k in ("fiscalYear", "amount", "line", "table")):
            continue
        candidates.append((slice_iri, unit, o, int(props["fiscalYear"]), props["amount"], props["table"], int(props["line"]),
                           props.get("fundSource"), props.get("expenditureType"), frozenset(props.get("details", ())),
                           props.get("printedAmount"), props.get("moneyUnit")))
    return candidate_rows(candidates, graph, doc)


def candidate_rows(candidates: Iterable[tuple], graph: str, doc: dict[str, str | None]) -> list[Row]:
    """The document's best candidate per unit or unit subject, phase, measure, year and fund source /
    expenditure type asked (none, or the candidate's own), by `figures.preference`.

    `candidates`: (slice, unit, observation, year, amount, table, line, fund, exptype, details, printed
    amount, money unit IRI) of the figures in the units' slices (ingest.graph.DocumentGraph makes them
    as it writes the quads); `doc`: the document's phase IRI, kind (部门预算 …) and unit."""
    if not doc.get("phase"):
        return []
    documents = {graph: DocumentFacts(doc["phase"].rsplit("-", 1)[-1], (doc.get("kind") or "")[:2], doc.get("unit"))}
    money_units = {unit.iri: unit.notation for unit in t.money_units().values()}
    best: dict[tuple[Key, str, int], tuple[bytes, Row]] = {}
    for slice_iri, unit, o, year, amount, table, line, fund, exptype, details, printed, money in candidates:
        base, _, tail = slice_iri.rpartition("/slice/")
        if base == unit:
            subject = ""
        elif base.startswith(unit + "/") and "/project/" not in base:
            subject = base[len(unit) + 1:]
        else:
            continue
        phase, _, measure = tail.partition("/")
        figure = Figure(unit, year, phase, measure, Decimal(amount), graph, table, line, o, fund, exptype, details,
                        Decimal(printed) if printed else None, money_units.get(money, "万元") if money else "万元")
        rank = pack(preference(figure, unit, phase, documents))
        number = t.table_number(table)
        for fund_asked in {"", fund or ""}:
            for exptype_asked in {"", exptype or ""}:
                key = (phase, measure, subject, fund_asked, exptype_asked)
                group = (key, unit, year)
                if group not in best or rank < best[group][0]:
                    best[group] = (rank, (*key, unit, year, rank, amount, number, line))
    return [row for _, row in best.values()]


def canonical(amount: str) -> Decimal:
    """An xsd:decimal as the store gives it back (Oxigraph keeps the value, not the digits: 0.00 → 0, 12.50 → 12.5)."""
    value = Decimal(amount).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


# ------------------------------------------------------------ the table
class _Strings:
    """Strings numbered in the order first seen."""

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.values: list[Any] = []
        self.ids: dict[Any, int] = {}
        for value in values:
            self.id(value)

    def id(self, value: Any) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found


class Rows:
    """Every document's rows, as columns (what a renewal starts from)."""

    COLUMNS = ("key", "unit", "year", "doc", "table", "line", "mantissa", "exponent")

    def __init__(self) -> None:
        self.keys, self.units, self.docs = _Strings(), _Strings(), _Strings()
        self.columns = {name: array("q") for name in self.COLUMNS}
        self.ranks = bytearray()
        self.rank_width = 0
        self.dropped: set[int] = set()  # doc ids whose rows no longer count

    def add(self, graph: str, rows: list[Row]) -> None:
        self.drop(graph)
        doc = self.docs.id(graph)
        self.dropped.discard(doc)
        c = self.columns
        for phase, measure, subject, fund, exptype, unit, year, rank, amount, table, line in rows:
            if self.rank_width == 0:
                self.rank_width = len(rank)
            if len(rank) != self.rank_width:
                raise ValueError("preference tuples of different lengths")
            sign, digits, exponent = canonical(amount).as_tuple()
            mantissa = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
            c["key"].append(self.keys.id((phase, measure, subject, fund, exptype)))
            c["unit"].append(self.units.id(unit))
            c["year"].append(year)
            c["doc"].append(doc)
            c["table"].append(table)
            c["line"].append(line)
            c["mantissa"].append(mantissa)
            c["exponent"].append(int(exponent))
            self.ranks += rank

    def drop(self, graph: str) -> None:
        if graph in self.docs.ids:
            self.dropped.add(self.docs.ids[graph])

    def arrays(self) -> dict[str, np.ndarray]:
        out = {name: np.frombuffer(col, dtype=np.int64) if len(col) else np.zeros(0, np.int64) for name, col in self.columns.items()}
        keep = ~np.isin(out["doc"], np.fromiter(self.dropped, np.int64, len(self.dropped))) if self.dropped else None
        ranks = np.frombuffer(bytes(self.ranks), dtype=f"S{self.rank_width}") if self.rank_width else np.zeros(0, "S1")
        if keep is not None:
            out = {name: col[keep] for name, col in out.items()}
            ranks = ranks[keep]
        out["rank"] = ranks
        return out

    def state(self) -> dict[str, Any]:
        return {"keys": self.keys.values, "units": self.units.values, "docs": self.docs.values,
                "arrays": self.arrays(), "rank_width": self.rank_width}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Rows:
        rows = cls()
        rows.keys, rows.units, rows.docs = _Strings(state["keys"]), _Strings(state["units"]), _Strings(state["docs"])
        rows.rank_width = state["rank_width"]
        arrays = state["arrays"]
        for name in cls.COLUMNS:
            rows.columns[name] = array("q", arrays[name].astype(np.int64).tobytes())
        rows.ranks = bytearray(arrays["rank"].tobytes())
        return rows


class Table:
    """The picks: one row per key, unit and year, sorted so that a key's rows are one range."""

    def __init__(self, keys: list[Key], units: list[str], docs: list[str], columns: dict[str, np.ndarray]) -> None:
        self.keys, self.units, self.docs, self.columns = keys, units, docs, columns
        self.key_ids = {key: i for i, key in enumerate(keys)}
        self.unit_ids = {unit: i for i, unit in enumerate(units)}
        key_column = columns["key"]
        starts = np.searchsorted(key_column, np.arange(len(keys) + 1))
        self.spans = {i: (int(starts[i]), int(starts[i + 1])) for i in range(len(keys)) if starts[i + 1] > starts[i]}

    def __len__(self) -> int:
        return len(self.columns["key"])

    @classmethod
    def build(cls, rows: Rows) -> Table:
        """The best row (lowest preference) per key, unit and year."""
        a = rows.arrays()
        order = np.lexsort((a["rank"], a["year"], a["unit"], a["key"]))
        key, unit, year = a["key"][order], a["unit"][order], a["year"][order]
        first = np.ones(len(order), dtype=bool)
        if len(order):
            first[1:] = (key[1:] != key[:-1]) | (unit[1:] != unit[:-1]) | (year[1:] != year[:-1])
        chosen = order[first]
        columns = {"key": a["key"][chosen].astype(np.int32), "unit": a["unit"][chosen].astype(np.int32),
                   "year": a["year"][chosen].astype(np.int16), "doc": a["doc"][chosen].astype(np.int32),
                   "table": a["table"][chosen].astype(np.int32), "line": a["line"][chosen].astype(np.int32),
                   "mantissa": a["mantissa"][chosen], "exponent": a["exponent"][chosen].astype(np.int8)}
        return cls(list(rows.keys.values), list(rows.units.values), list(rows.docs.values), columns)

    def find(self, wanted: Wanted, units: list[str], phase: str, subject: str = "",
             all_units: bool = False) -> dict[str, Figure]:
        """As `figures.find` for a question without details or a kind of document: per unit, its
        figure of the latest year disclosed (or the year asked), measure by measure."""
        best: dict[str, Figure] = {}
        scope = None if all_units else np.array([self.unit_ids[u] for u in units if u in self.unit_ids], dtype=np.int32)
        c = self.columns
        for measure in measures(wanted):
            notation = t.codes()[measure].notation
            key_id = self.key_ids.get((phase, notation, subject, wanted.fund or "", wanted.exptype or ""))
            if key_id is None or key_id not in self.spans:
                continue
            start, end = self.spans[key_id]
            unit, year = c["unit"][start:end], c["year"][start:end]
            rows = np.arange(start, end)
            if wanted.year is not None:
                keep = year == wanted.year
                unit, year, rows = unit[keep], year[keep], rows[keep]
            if not len(rows):
                continue
            # rows are sorted by unit, then year: a unit's latest year is the last of its run
            last = np.ones(len(rows), dtype=bool)
            last[:-1] = unit[1:] != unit[:-1]
            if wanted.year_offset:
                run = np.cumsum(np.r_[True, unit[1:] != unit[:-1]]) - 1
                target = (year[last].astype(np.int32) + wanted.year_offset)[run]
                chosen = rows[year == target]
            else:
                chosen = rows[last]
            if scope is not None:
                chosen = chosen[np.isin(c["unit"][chosen], scope)]
            for i in chosen.tolist():
                name = self.units[c["unit"][i]]
                if name in best:
                    continue
                doc = self.docs[c["doc"][i]]
                amount = Decimal(int(c["mantissa"][i])).scaleb(int(c["exponent"][i]))
                best[name] = Figure(name, int(c["year"][i]), phase, notation, amount, doc, t.table_iri(doc, int(c["table"][i])),
                                    int(c["line"][i]))
        return best

    def state(self) -> dict[str, Any]:
        return {"version": VERSION, "keys": self.keys, "units": self.units, "docs": self.docs, "columns": self.columns}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Table:
        return cls(state["keys"], state["units"], state["docs"], state["columns"])


# ------------------------------------------------------------ kept with the store
def folder(store: Store) -> Path:
    return store.sidecar() or settings.active().cache_dir / "aggregates" / _digest(store.spec)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _file(store: Store, kind: str, generation: str) -> Path:
    return folder(store) / f"{kind}-v{VERSION}-{generation[:32]}.pickle"


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)
    kind = path.name.split("-", 1)[0]
    files = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)


def _read(path: Path) -> Any | None:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
        return None


def generation(store: Store) -> str | None:
    rows = store.select(f"SELECT ?v WHERE {{ GRAPH <{t.DERIVED_GRAPH}> {{ <{t.DERIVED_GRAPH}> <{t.BK.generation}> ?v }} }}").rows
    return rows[0][0].value if rows else None


def exists(store: Store, generation_: str | None = None) -> bool:
    generation_ = generation_ or generation(store)
    return generation_ is not None and _file(store, "picks", generation_).exists()


def save(store: Store, generation_: str, rows: Rows) -> Table:
    table = Table.build(rows)
    _write(_file(store, "rows", generation_), rows.state())
    _write(_file(store, "picks", generation_), table.state())
    _loaded.pop((store.spec, generation_), None)
    return table


def previous_rows(store: Store, generation_: str | None) -> Rows | None:
    """The rows of the store's generation before an ingest, if they were kept."""
    if generation_ is None:
        return None
    state = _read(_file(store, "rows", generation_))
    return Rows.from_state(state) if state else None


def rows_from_store(store: Store, graphs: Iterable[str], rows: Rows | None = None) -> Rows:
    """Rows of documents already in the store, read graph by graph (about 30 ms a document)."""
    rows = rows or Rows()
    for graph in graphs:
        data = store.dump(ox.RdfFormat.N_QUADS, graph)
        rows.add(graph, document_rows(ox.parse(data, format=ox.RdfFormat.N_QUADS), graph))
    return rows


def document_graphs(store: Store) -> list[str]:
    found = store.select(t.SPARQL_PREFIXES + "SELECT ?d WHERE { GRAPH ?d { ?d a bk:Document } }")
    return sorted(row[0].value for row in found.rows)


def rebuild(store: Store) -> Table | None:
    """The table of the store as it is, from its documents (when no ingest kept one)."""
    generation_ = generation(store)
    if generation_ is None:
        return None
    return save(store, generation_, rows_from_store(store, document_graphs(store)))


_loaded: dict[tuple[str, str], Table | None] = {}
_lock = threading.Lock()


def for_store(store: Store, generation_: str | None) -> Table | None:
    """The table of the store's generation, loaded once per process; None when there is none."""
    if generation_ is None:
        return None
    key = (store.spec, generation_)
    if key not in _loaded:
        with _lock:
            if key not in _loaded:
                state = _read(_file(store, "picks", generation_))
                _loaded[key] = Table.from_state(state) if state and state.get("version") == VERSION else None
    return _loaded[key]


def find(store: Store, catalog: Any, wanted: Wanted, units: list[str], phase: str, subject: str | None = None) -> dict[str, Figure] | None:
    """Per unit, the figure `figures.find` would pick, from the table; None when the table does not
    cover the question (no table, details or a kind of document asked)."""
    if wanted.details or wanted.kind:
        return None
    table = for_store(store, catalog.generation)
    if table is None:
        return None
    suffix = ""
    if subject is not None:
        entry = catalog.subjects[subject]
        suffix = f"{entry.scheme}/{entry.code}"
    return table.find(wanted, units, phase, suffix, all_units=len(units) == len(catalog.units))



def pick(store: Store, catalog: Any, wanted: Wanted, units: list[str], phase: str, subject: str | None,
         sparql: list[str]) -> dict[str, Figure]:
    """Per unit, the figure `figures.find` picks: from the aggregate table when it covers the question
    (with the query that reads the same figures from the graph, for whoever wants to check them),
    else from the graph."""
    figures = find(store, catalog, wanted, units, phase, subject)
    if figures is None:
        return find_in_graph(store, catalog, wanted, units, phase, subject, None, sparql)
    bases = units
    if subject is not None:
        entry = catalog.subjects[subject]
        bases = [f"{unit}/{entry.scheme}/{entry.code}" for unit in units]
    slices = [t.slice_iri(base, phase, t.codes()[m].notation) for m in measures(wanted) for base in bases]
    sparql.append("# 由聚合表（入库时按 query.figures 的规则预先选定）得出；以下查询从图谱读出同样的数字\n"
                  + q.observations(slices, wanted.fund, wanted.exptype, wanted.year))
    return figures
