"""Figures computed from figures: shares, differences, ratios and growth, totals and averages.

A derived answer names its operands, each a figure of the graph with its source, and writes its
working ("844.09 ÷ 1,113.42 = 75.81%").  A question about two things ("项目支出占总预算的比重",
"决算比预算多多少", "长沙热线比柳州热线多多少") is split where its words say so (占, 比, 中, 和) into the
two sides, each read from the names the side mentions; a side that names nothing more is the
other side's whole (项目支出 → 支出总计, 公务接待费 → 三公经费, a unit → its department).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from budgetkg.ontology import terms as t
from budgetkg.query import answers as say
from budgetkg.query.answers import PHASE_LABEL
from budgetkg.query.catalog import Catalog
from budgetkg.query.figures import Figure, Wanted, find
from budgetkg.query.understand import Mention, Understanding
from budgetkg.stores import Store

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Side:
    """One operand as asked: whose figure (unit), which (dims, subject, project), of which phase and year."""

    unit: str
    dims: dict[str, t.Code]
    subject: str | None = None
    project: str | None = None
    phase: str = "budget"
    year: int | None = None
    kind: str | None = None  # 部门 / 单位 document, when the side names one


@dataclass(frozen=True)
class Operand:
    side: Side
    figure: Figure
    name: str  # the unit's name
    what: str  # the figure's name
    source: dict

    def label(self) -> str:
        return f"{self.name}{self.figure.year}年{PHASE_LABEL[self.figure.phase]}{self.what}"

    def said(self, money: str | None) -> str:
        return say.say_amount(self.figure, money)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def number(value: Decimal) -> str:
    return f"{value:,.2f}"


def common_unit(asked: str | None, *figures: Figure) -> str:
    """The unit an answer's amounts are all shown in: the one asked; else the one its figures are
    printed in, if they share one; else 万元 (in which documents' text states their figures)."""
    if asked:
        return asked
    units = {f.money for f in figures}
    return units.pop() if len(units) == 1 else "万元"


def in_unit(amount: Decimal, money: str) -> Decimal:
    """A 万元 amount in another unit of money."""
    return amount / t.money_units()[money].wanyuan


def operand(store: Store, catalog: Catalog, u: Understanding, side: Side, sources, sparql: list[str]) -> Operand | None:
    wanted = replace(Wanted.of(u, side.dims), year=side.year if side.year is not None else u.year,
                     kind=side.kind or u.kind)
    if side.subject is None and side.project is None and "measure" not in side.dims and not side.dims.get("exptype"):
        wanted = replace(wanted, measure=str(t.ID["measure-expenditure-total"]) if not side.dims.get("fund")
                         else wanted.measure)
    unit = side.unit
    figure = find(store, catalog, wanted, [unit], side.phase, side.subject, side.project, sparql).get(unit)
    office = catalog.office_of(unit) if figure is None and side.year is not None and unit in catalog.units else None
    if office is not None:  # a year only the department's own office (本级) disclosed: its figure, named as its
        unit = office
        figure = find(store, catalog, wanted, [unit], side.phase, side.subject, side.project, sparql).get(unit)
    if figure is None:
        return None
    return Operand(replace(side, unit=unit), figure, catalog.unit_label(unit), say.describe(catalog, wanted, side.subject, side.project),
                   sources(figure.doc, figure.table, figure.line))


# ------------------------------------------------------------ reading the two sides of a question
def mentions_between(u: Understanding, start: int, end: int) -> list[Mention]:
    return [m for m in u.mentions if start <= m.start and m.end <= end]


def dims_of(mentions: list[Mention]) -> tuple[dict[str, t.Code], list[str], list[str], list[str]]:
    """What mentions name: dimensions (measure, fund, type), subjects, projects, units."""
    dims: dict[str, t.Code] = {}
    subjects, projects, units = [], [], []
    for mention in mentions:
        if mention.kind == "measure":
            code = t.codes().get(mention.targets[0])
            if code is not None and code.dimension != "detail":
                dims = t.merge(dims, {code.dimension: code})
        elif mention.kind == "subject":
            subjects += [s for s in mention.targets if s not in subjects]
        elif mention.kind == "project":
            projects += [p for p in mention.targets if p not in projects]
        elif mention.kind == "unit":
            units += [x for x in mention.targets if x not in units]
    return dims, subjects, projects, units


def split_at(u: Understanding, pattern: str) -> int | None:
    """Where the question turns from one side to the other: the first match of `pattern` after a name."""
    first = min((m.end for m in u.mentions), default=0)
    match = re.compile(pattern).search(u.masked, first) or re.compile(pattern).search(u.masked)
    return match.start() if match else None


def whole_of(part: Side, catalog: Catalog) -> Side:
    """What a part is a share of when the question does not say: 公务接待费 → 三公经费, 人员经费 → 基本支出,
    基本支出 / a subject / a project → 支出总计."""
    broader = t.broader_codes()
    measure, exptype = part.dims.get("measure"), part.dims.get("exptype")
    if exptype is not None:
        above = broader.get(exptype.iri)
        dims = {k: v for k, v in part.dims.items() if k != "exptype"}
        if above:
            dims["exptype"] = t.codes()[above]
        return replace(part, dims=dims, subject=None, project=None)
    if measure is not None and broader.get(measure.iri):
        return replace(part, dims={**part.dims, "measure": t.codes()[broader[measure.iri]]}, subject=None, project=None)
    if part.subject or part.project or (measure is not None and measure.notation not in t.GENERAL_MEASURES):
        return replace(part, dims={k: v for k, v in part.dims.items() if k == "fund"}, subject=None, project=None)
    parent = catalog.units[part.unit].parent if part.unit in catalog.units else None
    return replace(part, unit=parent) if parent else replace(part, dims={})


# ------------------------------------------------------------ last year's figure from this year's text
def basis_of(row: dict) -> str | None:
    """The phase a stated change compares with (budget / final), when the text says."""
    return row["basis"].rsplit("-", 1)[-1] if row.get("basis") else None


def basis_words(row: dict, phase: str | None) -> str:
    """What last year's figure of a stated change is, when not of the phase of its document's: a budget
    compared with last year's outturn is “比上年预算执行数”."""
    basis = basis_of(row)
    return {"final": "预算执行数", "budget": "预算数"}[basis] if basis is not None and basis != phase else ""


@dataclass(frozen=True)
class Derived:
    """A figure no table gives, worked out from one the text states: last year's amount from this
    year's figure and its stated change."""

    amount: Decimal  # 万元
    working: str
    source: dict


def _matches(row: dict, wanted: Wanted, subject: str | None) -> bool:
    measures = {wanted.measure} | ({str(t.ID["measure-expenditure"]), str(t.ID["measure-income"])}
                                   if wanted.measure.endswith("-total") else set())
    if subject:
        return row["subject"] == subject
    # 三公经费 and the like are spent from 财政拨款 whether or not the sentence says so; 支出 of a fund is not 支出
    specific = t.codes()[wanted.measure].notation not in t.GENERAL_MEASURES and not wanted.measure.endswith("-total")
    return (not row["subject"] and row["measure"] in measures and row["exptype"] == wanted.exptype
            and (row["fund"] == wanted.fund or specific and wanted.fund is None))


def previous_year(store: Store, catalog: Catalog, wanted: Wanted, unit: str, year: int, subject: str | None,
                  sources, sparql: list[str], phase: str = "budget", basis: str | None = None) -> Derived | None:
    """`year`'s figure of the phase as the next year's document of that phase gives it: stated
    ("比2023年预算0.28万元"), or its figure less its stated change (1,113.42 − 79.80 = 1,033.62); a 决算
    compares with the year before's 决算.  `basis`: the phase the question compares with, when it names
    one (比2025年预算): a change stated on another (比2025年预算执行数) does not give that figure."""
    from budgetkg.query.figures import stated_facts

    def pick(rows: list[dict]) -> dict | None:
        rows = [r for r in rows if int(r["year"]) == year + 1 and _matches(r, wanted, subject)
                and (r["previous"] or (r["amount"] and r["change"])) and (basis is None or basis_of(r) in (None, basis))]
        # a document of the phase first: a 决算's change is on last year's 决算, a budget's on last year's budget
        return min(rows, key=lambda r: (r["doc"] not in catalog.documents or catalog.documents[r["doc"]].phase != phase,
                                        r["fund"] != wanted.fund, basis_of(r) not in (None, phase))) if rows else None

    later = replace(wanted, year=year + 1)
    chosen, queries = stated_facts(store, catalog, later, [unit], "Change", phase, pick)
    sparql += queries
    row = chosen.get(unit)
    if row is None:
        return None
    src = sources(row["doc"], None, int(row["line"]))
    of = basis_words(row, phase)
    if row["previous"]:
        value = Decimal(row["previous"])
        return Derived(value, f"{year + 1}年文件所述上年{of or '数'}{number(value)}", src)
    amount, change = Decimal(row["amount"]), Decimal(row["change"])
    value = amount - change
    verb, sign = ("增加", "−") if change >= 0 else ("减少", "+")
    return Derived(value, f"{year + 1}年文件称{number(amount)}万元比上年{of}{verb}{number(abs(change))}万元："
                          f"{number(amount)} {sign} {number(abs(change))} = {number(value)}", src)
