"""A part's share of a whole, computed from both figures and set against the share the document
states: “柳州热线中心预算中基本支出占比” → 844.09 ÷ 1,113.42 = 75.81%."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.derived import (
    Side,
    common_unit,
    dims_of,
    in_unit,
    mentions_between,
    number,
    operand,
    percent,
    split_at,
    whole_of,
)
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding


def stated_shares(units: list[str]) -> str:
    return q.SPARQL_PREFIXES + f"""SELECT ?unit ?year ?amount ?rate ?of ?doc ?line WHERE {{
  {q.values("unit", units)}
  GRAPH ?doc {{ ?x a bk:Share ; bk:unit ?unit ; bk:fiscalYear ?year ; bk:amount ?amount ; bk:shareRate ?rate ; bk:line ?line .
    OPTIONAL {{ ?x bk:ofLabel ?of }} }}
}}"""


def sides(u: Understanding) -> tuple[list, list, bool]:
    """The mentions of the part and of the whole: "A占B" (A, B), "B中A占比" (A, B), "A占比" (A, —)."""
    at = split_at(u, r"占")
    if at is not None and any(m.kind != "unit" or m.start > at for m in mentions_between(u, at, len(u.text))):
        return mentions_between(u, 0, at), mentions_between(u, at, len(u.text)), True
    at = split_at(u, r"中|里|当中|之中")  # "三公经费里公务用车运行维护费占多大比例"
    if at is not None:
        return mentions_between(u, at, len(u.text)), mentions_between(u, 0, at), True
    return u.mentions, [], False


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    part_mentions, whole_mentions, split = sides(u)
    part_dims, part_subjects, part_projects, part_units = dims_of(part_mentions)
    whole_dims, whole_subjects, whole_projects, whole_units = dims_of(whole_mentions)
    phase = u.phases[0]
    sparql: list[str] = []
    found, rows, sources = [], [], []
    units = part_units or u.units
    if whole_units and not part_units:
        units = [x for x in u.units if x not in whole_units] or units
    for unit in units[:8]:
        part = Side(unit, part_dims, (part_subjects or [None])[0], (part_projects or [None])[0], phase)
        # "柳州热线中心预算中基本支出占比": a whole naming only the part's own unit is the part's whole
        if whole_dims or whole_subjects or whole_projects or (whole_units and whole_units != [unit]):
            whole = Side(whole_units[0] if whole_units else unit,
                         whole_dims if (whole_dims or whole_subjects or whole_projects) else part_dims,
                         (whole_subjects or [None])[0], (whole_projects or [None])[0], phase)
        else:
            whole = whole_of(part, ctx.catalog)
        a = operand(ctx.store, ctx.catalog, u, part, ctx.source, sparql)
        if a is None:
            found.append(say.not_disclosed(ctx.catalog.unit_label(unit), f"{say.PHASE_LABEL[phase]}这一项"))
            continue
        b = operand(ctx.store, ctx.catalog, u, replace(whole, year=a.figure.year), ctx.source, sparql)
        if b is None or not b.figure.amount:
            found.append(f"{a.label()}为{a.said(u.money)}{say.cite(a.source)}，但文件未公开作为分母的总额")
            continue
        share = percent(a.figure.amount, b.figure.amount)
        money = common_unit(u.money, a.figure, b.figure)
        sources += [a.source, b.source]
        rows.append([a.name, a.figure.year, a.what, float(a.figure.amount), b.what, float(b.figure.amount), float(share)])
        stated = _stated(ctx, unit, a.figure.year, a.figure.amount, share)
        found.append(f"{a.label()}{a.said(money)}{say.cite(a.source)}，占{b.label() if b.name != a.name else b.what}"
                     f"{b.said(money)}{say.cite(b.source)}的{share}%（{number(in_unit(a.figure.amount, money))} ÷ "
                     f"{number(in_unit(b.figure.amount, money))} = {share}%）"
                     + stated)
    return Result("ok" if rows else "no_data", say.sentences(found), "share", sparql,
                  ["单位", "年度", "部分", "金额（万元）", "总额", "金额（万元）", "占比（%）"], rows, sources)


def _stated(ctx: Context, unit: str, year: int, amount: Decimal, computed: Decimal) -> str:
    """What the document says the share is, if it says so, and whether it agrees."""
    for row in ctx.rows(stated_shares([unit])):
        if int(row["year"]) == year and Decimal(row["amount"]) == amount.quantize(Decimal("0.01")):
            rate = Decimal(row["rate"])
            src = ctx.source(row["doc"], None, int(row["line"]))
            agree = "一致" if abs(rate - computed) <= Decimal("0.01") else f"与计算结果相差{abs(rate - computed):.2f}个百分点"
            return f"；文件中写明占{rate}%{say.cite(src)}，{agree}"
    return ""


def _a_share(u: Understanding, candidates: set[str]) -> bool:
    """"降了百分之几" asks a rate of change, not a share: 百分之几 alone with a word of change is not 占."""
    return bool(re.search(r"占|比重", u.masked)) or not re.search(r"增|减|降|涨|升|多|少", u.masked)


register(Intent("share", examples=("柳州热线中心预算中基本支出占比", "长沙热线中心三公经费中公务接待费占比多少"),
                cues=(words(r"占比|比重|占.{0,16}(?:比例|比重|百分之几|百分比|多少|几成|%)|百分之几|所占比例"),),
                templates=(stated_shares,), answer=answer, priority=85, when=_a_share))
