"""Which units have a figure and which do not: “柳州市政府办下属单位里哪些没有安排公务用车运行维护费”,
“2026年的预算里，哪些单位安排了公务用车购置费”, “三个热线中心里，哪个没有公开三公经费”.

The units are those the question chooses (named, or a department's by words), a department's own
units when it is the one named, or else every unit with a document of the year and phase asked.  Not
安排 means no figure or a zero one; not 公开 means no figure (a zero is disclosed).
"""
from __future__ import annotations

import re

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Figure, Wanted, find
from budgetkg.query.groups import group_of, members
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

WHICH = r"哪些|哪个|哪几|哪家|谁"
NOT = r"没有|没|未|无"
VERB = r"安排|公开|披露|列支|编列|列入|预算"
ZERO = r"(?:为|是|等于)(?:零|0)(?![.\d])"  # “哪些单位的公务接待费为零”: a zero or no figure
CUE = (rf"(?:{WHICH})[^,，。?？]{{0,20}}(?:(?:{NOT})(?:{VERB})?|(?:{VERB})了|有(?:{VERB})|{ZERO})"
       rf"|(?:{NOT})(?:{VERB})[^,，。?？]{{0,20}}(?:{WHICH})")
NEGATIVE = re.compile(rf"(?:{NOT})(?:{VERB})?|{ZERO}")
DISCLOSED = re.compile(r"公开|披露")  # asked whether the figure is disclosed: a zero is


def scope(ctx: Context, u: Understanding, sparql: list[str]) -> tuple[list[str], str]:
    """The units looked at, and how to call them in the answer."""
    label = ctx.catalog.unit_label
    group = group_of(ctx.store, ctx.catalog, u, sparql)
    if group is not None and group.units:
        return group.units, group.called(label)
    if len(u.units) == 1 and ctx.catalog.units[u.units[0]].children:
        found, _ = members(ctx.store, ctx.catalog, u.units[0], u.year, u.phases[0] if u.phase_stated else None, sparql)
        return found, f"{label(u.units[0])}各单位"
    if u.units:
        return u.units, "这些单位"
    # no unit named: the units whose own documents are of the year (and phase) asked
    documents = [d for d in ctx.catalog.documents.values() if (u.year is None or d.year == u.year)
                 and (not u.phase_stated or d.phase == u.phases[0]) and (u.kind is None or d.kind == u.kind)]
    units = list(dict.fromkeys(d.unit for d in documents if d.unit in ctx.catalog.units))
    return units, f"{u.year}年有文件的单位" if u.year else "各单位"


def answer(ctx: Context, u: Understanding) -> Result:
    sparql: list[str] = []
    units, called = scope(ctx, u, sparql)
    if not units:
        return Result("no_data", "图谱中没有符合条件的单位。", "lacking", sparql)
    phase = u.phases[0]
    wanted = Wanted.of(u)
    subject = (u.asked_subjects or [None])[0]
    what = say.describe(ctx.catalog, wanted, subject)
    figures = find(ctx.store, ctx.catalog, wanted, units, phase, subject, None, sparql)
    negative = bool(NEGATIVE.search(u.masked))
    disclosed = bool(DISCLOSED.search(u.masked))
    verb = "公开" if disclosed else "安排"

    def has(unit: str) -> bool:
        figure = figures.get(unit)
        return figure is not None and (disclosed or figure.amount != 0)

    label = ctx.catalog.unit_label
    sources, rows = [], []

    def said(unit: str) -> str:
        figure: Figure | None = figures.get(unit)
        if figure is None:
            rows.append([label(unit), None, None, None, None])
            return f"{label(unit)}（文件未列{what}）"
        src = ctx.source(figure.doc, figure.table, figure.line)
        sources.append(src)
        rows.append([label(unit), figure.year, float(figure.amount), src["document"], src["line"]])
        return f"{label(unit)}{figure.year}年{PHASE_LABEL[figure.phase]}{say.say_amount(figure, u.money)}{say.cite(src)}"

    def named(unit: str) -> str:
        """A unit of the rest, without its figure: whether it has one, and whether it is zero."""
        figure = figures.get(unit)
        return label(unit) + ("（文件未列）" if figure is None else "（为0）" if figure.amount == 0 else "")

    asked = [x for x in units if has(x) != negative]
    rest = [x for x in units if x not in asked]
    counted = called if called.startswith("这") else f"{called}（{len(units)}个）"
    head = f"{counted}中，{'没有' if negative else ''}{verb}{what}的"
    if not asked:  # all of them, or none, have it
        done = f"都{verb}了{what}" if negative else f"都没有{verb}{what}"
        text = f"{counted}{done}：{'、'.join(named(x) for x in rest)}。"
    else:
        text = head + f"是：{'；'.join(said(x) for x in asked)}。"
        if rest:
            all_of = "都" if len(rest) > 1 else ""
            text += f"其余{len(rest)}个{all_of + verb + '了' if negative else '未' + verb}：{'、'.join(named(x) for x in rest)}。"
    return Result("ok", text, "lacking", sparql, ["单位", "年度", "金额（万元）", "文件", "行"], rows, sources)


register(Intent("lacking", examples=("柳州市人民政府办公室下属单位里哪些没有安排公务用车运行维护费", "三个热线中心里，哪个没有公开三公经费"),
                cues=(words(CUE),), templates=(q.observations,), answer=answer, priority=38,
                when=lambda u, candidates: bool(u.dims or u.subjects)))
