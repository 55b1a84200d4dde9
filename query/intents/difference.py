"""How much one figure exceeds another: two units, two phases, two figures or two years of one unit
(“柳州热线中心2024年决算比预算多多少”, “长沙热线比柳州热线预算多多少”, “项目支出比基本支出多多少”)."""
from __future__ import annotations

import re

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.derived import Side, common_unit, dims_of, in_unit, mentions_between, number, operand
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import BUDGET_WORDS, FINAL_WORDS, KIND_WORDS, YEAR, Understanding

WORDS = r"多多少|(?<![减])少多少|多出多少|少出多少|差额|相差|差多少|差距|(?<![增])多了多少|(?<![减])少了多少|高多少|低多少|高出多少|超出多少|节约了?多少|结余多少|差了多少"


def _phase(text: str) -> str | None:
    if FINAL_WORDS.search(text) and not re.search(r"年初预算", text):
        return "final"
    if BUDGET_WORDS.search(text):
        return "budget"
    return None


def _side(u: Understanding, start: int, end: int, default_unit: str | None) -> dict:
    """What one side of the comparison names: unit, dims, subject, phase and year (None where silent)."""
    dims, subjects, _, units = dims_of(mentions_between(u, start, end))
    masked = u.masked[start:end]
    year = YEAR.search(u.text[start:end])
    kind = KIND_WORDS.search(masked)
    return {"unit": units[-1] if units else None, "dims": dims, "subject": subjects[0] if subjects else None,
            "phase": _phase(masked), "year": int(year.group(1)) if year else None, "kind": kind.group(1) if kind else None}


def operands(u: Understanding) -> tuple[dict, dict] | None:
    """The two sides: "A比B", "A和B相差", or 决算 against 预算 when the question names both phases."""
    first_name = min((m.end for m in u.mentions), default=0)
    pivot = re.compile(r"比|较").search(u.masked, first_name) or re.compile(r"比|较").search(u.masked)
    if pivot is None:
        pivot = re.compile(r"和|与|跟|同").search(u.masked, first_name)
    if pivot is not None:
        a, b = _side(u, 0, pivot.start(), None), _side(u, pivot.end(), len(u.text), None)
    elif u.phases == ["budget", "final"] or (FINAL_WORDS.search(u.masked) and BUDGET_WORDS.search(u.masked)):
        a = _side(u, 0, len(u.text), None)
        a["phase"], b = "final", {**a, "phase": "budget"}
    else:
        return None
    for key in ("unit", "dims", "subject", "phase", "year", "kind"):  # a side that does not say takes the other's
        if not a[key] and b[key]:
            a[key] = b[key]
        elif not b[key] and a[key]:
            b[key] = a[key]
    return a, b


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    sides = operands(u)
    if sides is None:
        return Result("not_understood", "没有看出要比较哪两个数。可以这样问：“柳州热线中心2024年决算比预算多多少”。", "difference")
    sparql: list[str] = []
    figures = []
    for side in sides:
        unit = side["unit"] or u.units[0]
        phase = side["phase"] or u.phases[0]
        found = operand(ctx.store, ctx.catalog, u, Side(unit, side["dims"], side["subject"], None, phase, side["year"],
                                                        side["kind"]), ctx.source, sparql)
        if found is None:
            what = "、".join(filter(None, [str(side["year"]) + "年" if side["year"] else "", say.PHASE_LABEL[phase]]))
            return Result("no_data", say.sentences([say.not_disclosed(ctx.catalog.unit_label(unit), what + "这一项")]),
                          "difference", sparql)
        figures.append(found)
    a, b = figures
    money = common_unit(u.money, a.figure, b.figure)
    left, right = in_unit(a.figure.amount, money), in_unit(b.figure.amount, money)
    difference = left - right
    verb = "多" if difference >= 0 else "少"
    text = (f"{a.label()}为{a.said(money)}{say.cite(a.source)}，{b.label()}为{b.said(money)}{say.cite(b.source)}；"
            f"前者比后者{verb}{number(abs(difference))}{money}（{number(left)} − {number(right)} = {number(difference)}）")
    rows = [[a.label(), float(left)], [b.label(), float(right)], ["差额", float(difference)]]
    return Result("ok", text + "。", "difference", sparql, ["项", f"金额（{money}）"], rows, [a.source, b.source])


def _not_last_year(u: Understanding, candidates: set[str]) -> bool:
    """"比上年多多少", "比2025年决算多多少" ask for a change on an earlier year (query.intents.change)."""
    return not LAST_YEAR.search(u.masked)


LAST_YEAR = re.compile(r"比上年|较上年|比去年|较去年|同比|上一年|上年度|(?:比|较|与|跟)20\d{2}年")

register(Intent("difference", examples=("柳州热线中心2024年决算比预算多多少", "池州热线中心项目支出比基本支出多多少"),
                cues=(words(WORDS),), templates=(q.observations,), answer=answer, priority=84, when=_not_last_year))
