"""A unit's figures: which observation is *the* figure of a unit, and finding it through the slices.

Every document that names a unit repeats some of its figures (a department's document lists its
units' rows, a 决算 repeats the year's budget, the text restates what a table holds), so a look-up
finds several candidates for one unit, phase and year.  `preference` orders them; it is the one
rule that answers (query.intents), unit pages (api.units) and network exports (query.export) use.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol

from budgetkg.ontology import terms as t
from budgetkg.query import templates as q
from budgetkg.query.catalog import Catalog
from budgetkg.query.understand import Understanding
from budgetkg.stores import Store

FUND_RANK = {None: 0, "fiscal": 1, "general": 2}  # no fund named (the total) before 财政拨款 before 一般公共预算
EXPTYPE_RANK = {None: 0, "basic": 1}
FEW_UNITS = 10  # up to this many units, figures are first looked for in the units' latest documents
_COLUMN = re.compile(r"-c(\d+)$")  # observation IRIs end with their column


class DocumentFacts(Protocol):
    """What the rule needs to know of a figure's document."""

    phase: str  # budget / final
    kind: str  # 部门 / 单位
    unit: str | None  # whose document it is


@dataclass(frozen=True)
class Figure:
    """One observation as a candidate figure; amounts in 万元, `printed` as the document prints it."""

    unit: str
    year: int
    phase: str  # budget / final (of the figure, not of its document)
    measure: str  # notation (expenditure-total, sangong …)
    amount: Decimal
    doc: str
    table: str | None
    line: int
    observation: str = ""
    fund: str | None = None  # code-list IRIs
    exptype: str | None = None
    details: frozenset[str] = frozenset()
    printed: Decimal | None = None  # as the document prints it, in `money`
    money: str = "万元"


@dataclass(frozen=True)
class Wanted:
    """Which figure a question asks for: code-list IRIs of measure, fund source, expenditure type and
    details; a year, or how many years before the latest; the kind of document (部门/单位) if named."""

    measure: str
    fund: str | None = None
    exptype: str | None = None
    details: tuple[str, ...] = ()  # in the order asked
    year: int | None = None
    year_offset: int = 0
    kind: str | None = None

    @classmethod
    def of(cls, u: Understanding, dims: Mapping[str, t.Code] | None = None) -> Wanted:
        """What the question (or one of the several figures it asks, `dims`) wants; without a measure,
        支出 when it names an expenditure type, a subject or a project, 收入 when a fund, else the total."""
        dims = u.dims if dims is None else dims
        measure, fund, exptype = dims.get("measure"), dims.get("fund"), dims.get("exptype")
        if measure is None:
            if exptype is not None or u.subjects or u.projects:
                measure = t.code("measure", "expenditure")
            elif fund is not None:
                measure = t.code("measure", "income")
            else:
                measure = t.code("measure", "expenditure-total")
        return cls(measure.iri, fund.iri if fund else None, exptype.iri if exptype else None,
                   tuple(d.iri for d in u.details), u.year, u.year_offset, u.kind)


def _notation(iri: str | None) -> str | None:
    return iri.rsplit("-", 1)[-1] if iri else None


def fund_rank(fund: str | None) -> int:
    """How broad a fund source is: none named (the total), then 财政拨款, then 一般公共预算, then the others."""
    return FUND_RANK.get(_notation(fund), 3)


def preference(figure: Figure, unit: str, phase: str, documents: Mapping[str, DocumentFacts],
               wanted_details: frozenset[str] = frozenset(), kind: str | None = None) -> tuple:
    """The order of a unit's candidate figures, best first: the most aggregate (no detail beyond those
    asked), from a table rather than the text, from a document of the phase asked (a 决算 repeats the
    budget) and of the kind asked (else a 部门 document), the total before a fund source or type, from
    the unit's own document; then the lowest table, line and column."""
    own = documents.get(figure.doc)
    table_number = t.table_number(figure.table or "") or 999
    column = _COLUMN.search(figure.observation)
    return (len(figure.details - wanted_details), table_number == 999, own is None or own.phase != phase,
            own is None or own.kind != (kind or "部门"), fund_rank(figure.fund),
            EXPTYPE_RANK.get(_notation(figure.exptype), 2), 0 if own and own.unit == unit else 1,
            table_number, figure.line, int(column.group(1)) if column else 0)


def the_figure(candidates: Iterable[Figure], unit: str, phase: str, documents: Mapping[str, DocumentFacts],
               wanted_details: frozenset[str] = frozenset(), kind: str | None = None) -> Figure:
    return min(candidates, key=lambda f: preference(f, unit, phase, documents, wanted_details, kind))


def read(store: Store, query: str) -> list[Figure]:
    """The figures a `templates.observations` query finds, one per observation with all its details."""
    found: dict[str, Figure] = {}
    for row in store.select(query).values():
        figure = found.get(row["o"])
        if figure is not None:
            if row["detail"]:
                found[row["o"]] = replace(figure, details=figure.details | {row["detail"]})
            continue
        _, phase, measure = row["slice"].rsplit("/", 2)
        found[row["o"]] = Figure(
            row["unit"], int(row["year"]), phase, measure, Decimal(row["amount"]), row["doc"], row["table"], int(row["line"]),
            row["o"], row["fund"], row["exptype"], frozenset({row["detail"]} if row["detail"] else ()),
            Decimal(row["printed"]) if row["printed"] else None,
            t.money_units()[row["money"]].notation if row["money"] else "万元")
    return list(found.values())


def measures(wanted: Wanted) -> list[str]:
    """The measures looked for, in turn: a total (预算总额) is else read from the 合计 of 支出 or 收入."""
    found = [wanted.measure]
    if wanted.measure.endswith("expenditure-total"):
        found.append(str(t.ID["measure-expenditure"]))
    if wanted.measure.endswith("income-total"):
        found.append(str(t.ID["measure-income"]))
    return found


def find(store: Store, catalog: Catalog, wanted: Wanted, units: list[str], phase: str, subject: str | None = None,
         project: str | None = None, sparql: list[str] | None = None) -> dict[str, Figure]:
    """Per unit, its figure of the phase (of a subject or a project, if given) of the latest year
    disclosed or the year asked; the SPARQL run is appended to `sparql`."""
    if project:
        bases = {project: units[0]}
    elif subject:
        entry = catalog.subjects[subject]
        bases = {f"{unit}/{entry.scheme}/{entry.code}": unit for unit in units}
    else:
        bases = {unit: unit for unit in units}
    details = frozenset(wanted.details)
    best: dict[str, Figure] = {}
    # a few units' latest figures are looked for in their latest documents first: a unit's slice
    # holds every year of every document that names it (dozens at 10,000 documents)
    latest = [] if project else latest_documents(catalog, wanted, units, phase)
    searches = [latest] if latest and wanted.kind else [latest, None] if latest else [None]  # a kind asked is never widened
    for documents, measure in ((d, m) for d in searches for m in measures(wanted)):
        notation = t.codes()[measure].notation
        slices = [t.slice_iri(base, phase, notation) for base, unit in bases.items() if unit not in best]
        if not slices:
            break
        query = q.observations(slices, wanted.fund, wanted.exptype, wanted.year, documents)
        if sparql is not None:
            sparql.append(query)
        by_unit: dict[str, list[Figure]] = {}
        for figure in read(store, query):
            if details <= figure.details and figure.unit in units and figure.unit not in best:
                by_unit.setdefault(figure.unit, []).append(figure)
        for unit, mine in by_unit.items():
            year = max(f.year for f in mine) + wanted.year_offset
            candidates = [f for f in mine if f.year == year]
            if candidates:
                best[unit] = the_figure(candidates, unit, phase, catalog.documents, details, wanted.kind)
    return best


def parts(store: Store, catalog: Catalog, wanted: Wanted, figure: Figure, sparql: list[str] | None = None) -> list[Figure]:
    """The figures the measure is the sum of (三公经费: 因公出国（境）费, 公务接待费, 公务用车购置及运行费),
    as the figure's own document gives them, in the code list's order."""
    narrower = [code for code, broader in t.broader_codes().items()
                if broader == wanted.measure and t.codes()[code].dimension == "measure"]
    if not narrower:
        return []
    slices = [t.slice_iri(figure.unit, figure.phase, t.codes()[code].notation) for code in narrower]
    query = q.observations(slices, wanted.fund, wanted.exptype, figure.year, [figure.doc])
    if sparql is not None:
        sparql.append(query)
    by_measure: dict[str, list[Figure]] = {}
    for found in read(store, query):
        by_measure.setdefault(found.measure, []).append(found)
    order = [t.codes()[code].notation for code in narrower]
    return [the_figure(by_measure[m], figure.unit, figure.phase, catalog.documents, kind=wanted.kind)
            for m in order if m in by_measure]


def latest_documents(catalog: Catalog, wanted: Wanted, units: list[str], phase: str) -> list[str]:
    """Per unit, the documents of the phase (and kind, when asked) that describe it (its own and its
    departments'), of the latest year among them or the year asked; none (no restriction) when
    neither a kind nor a few units narrow the search."""
    if wanted.kind is None and (wanted.year is not None or wanted.year_offset or len(units) > FEW_UNITS):
        return []
    found: list[str] = []
    for unit in units:
        documents = [d for d in catalog.documents_about(unit) if d.phase == phase
                     and (wanted.kind is None or d.kind == wanted.kind) and (wanted.year is None or d.year == wanted.year)]
        if documents:
            year = max(d.year for d in documents)
            found += [d.iri for d in documents if d.year == year]
    if wanted.kind is not None and not found:
        return [str(t.ID["doc/none"])]  # no document of the kind asked: nothing, not everything
    return list(dict.fromkeys(found))


FACT_ROWS_KEPT = 512  # narrative-fact query results kept per process (an answer asks the same one up to three times)
_fact_rows_kept: OrderedDict[tuple[str, str], list[dict[str, str | None]]] = OrderedDict()
_fact_rows_lock = threading.Lock()


def _fact_rows(store: Store, catalog: Catalog, query: str) -> list[dict[str, str | None]]:
    """The rows of a narrative-fact query, kept per store generation (the same documents give the same
    rows); the rows are shared: read them, never change them."""
    key = (catalog.generation, query) if catalog.generation else None
    with _fact_rows_lock:
        kept = _fact_rows_kept.get(key) if key else None
    if kept is not None:
        return kept
    rows = q.pivot(store.select(query), q.FACT_FIELDS, ("label", "year", "line"))
    if key:
        with _fact_rows_lock:
            _fact_rows_kept[key] = rows
            while len(_fact_rows_kept) > FACT_ROWS_KEPT:
                _fact_rows_kept.popitem(last=False)
    return rows


NARRATING_MOST = 60  # documents named graph by graph; beyond, the facts are looked for in every graph


def narrating(catalog: Catalog, units: list[str]) -> list[str] | None:
    """The documents that can state the units' facts: their own, their departments' and their own
    units' (None when there are too many to name them)."""
    found = {d.iri for unit in units for d in catalog.documents_about(unit)}
    found |= {d for unit in units for child in catalog.units[unit].children if child in catalog.units
              for d in catalog.units[child].own_documents}
    return sorted(found) if 0 < len(found) <= NARRATING_MOST else None


def stated_facts(store: Store, catalog: Catalog, wanted: Wanted, units: list[str], kind: str, phase: str,
                 pick: Callable[[list[dict]], dict | None]) -> tuple[dict[str, dict], list[str]]:
    """Per unit, the fact of the text (Change: year-on-year, Execution: 执行率) `pick` chooses among
    the unit's facts.  A unit's narrative is repeated in every document that names it, every year, so
    without a year asked its latest documents of the phase are read first, then all for the units
    `pick` left out.  Returns the facts and the SPARQL run."""
    latest = latest_documents(catalog, wanted, units, phase)
    chosen: dict[str, dict] = {}
    queries: list[str] = []
    for documents in ([latest, None] if latest else [None]):
        todo = [unit for unit in units if unit not in chosen]
        if not todo:
            break
        queries.append(q.facts(todo, kind, documents or narrating(catalog, todo)))
        rows = _fact_rows(store, catalog, queries[-1])
        for unit in todo:
            found = pick([r for r in rows if r["unit"] == unit and (wanted.year is None or int(r["year"]) == wanted.year)])
            if found is not None:
                chosen[unit] = found
    return chosen, queries
