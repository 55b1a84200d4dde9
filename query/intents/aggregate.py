"""Totals and averages over several units: “三个热线中心2024年预算加起来多少，平均每家多少”,
“柳州市政府办4个驻外办事机构的三公经费合计”, “除机关本级以外，其他单位的政府采购预算合计”.

Each unit's figure is read by the one figure rule (query.figures) and shown with its source; the sum
and the average (sum ÷ the units that disclose the figure) are worked out in one unit of money.  When
the units are all of a department's, the sum is set against the department's own figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from budgetkg.query import aggregates
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.derived import CENT, common_unit, in_unit, number
from budgetkg.query.figures import Figure, Wanted, find
from budgetkg.query.groups import Group, group_of, members_query
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

SUM_WORDS = r"合计|加起来|加在一起|加总|汇总|一共|总共|总计|共计|总和|之和|平均|均值"
COUNTING = re.compile(r"几个|几家|几项|多少个|多少家|多少项|哪些|哪个|哪家|分别|各是|各为|各自|排名|排序")
PARTS = re.compile(r"分项|各项|季度|用款计划|明细|各部分")  # the parts of one project or figure


def _chosen_figure(ctx: Context, u: Understanding, dims: dict, units: list[str], phase: str, sparql: list[str]
                   ) -> tuple[Wanted, str | None, dict[str, Figure]]:
    """The figure asked, per unit.  A name shared by several subjects (行政运行 is 2010301, 2011301 …; 住房公积金
    is a functional and an economic subject) means the one most of the units disclose."""
    wanted = Wanted.of(u, dims)
    best: tuple[str | None, dict[str, Figure]] = (None, {})
    for subject in u.asked_subjects or [None]:
        figures = aggregates.pick(ctx.store, ctx.catalog, wanted, units, phase, subject, sparql)
        if len(figures) > len(best[1]):
            best = (subject, figures)
    return wanted, best[0], best[1]


def _heading(ctx: Context, group: Group) -> str:
    called = group.called(ctx.catalog.unit_label)
    return called if called.startswith("这") else f"{called}共{len(group.units)}个"


@dataclass
class Block:
    """The answer for one figure and phase: its sentences, table rows and sources, and the unit of money."""

    text: str
    rows: list[list] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    money: str = "万元"


def answer(ctx: Context, u: Understanding) -> Result:
    sparql: list[str] = []
    group = group_of(ctx.store, ctx.catalog, u, sparql)
    if group is None:
        if PARTS.search(u.masked) and u.units:
            names = "、".join(ctx.catalog.unit_label(x) for x in u.units)
            return Result("no_data", f"图谱中没有{names}这一项的分项（各部分、各季度）金额，无法合计；可以问整项的金额。", "aggregate", sparql)
        return Result("not_understood", "没有看出要合计哪些单位。可以这样问：“三个热线中心的基本支出合计多少，平均多少”。", "aggregate")
    label = ctx.catalog.unit_label
    if not group.units:
        where = label(group.department) if group.department else "、".join(u.regions) or "图谱"
        return Result("no_data", f"{where}中没有找到{group.chosen or '这些单位'}。", "aggregate", sparql)
    # "基本支出和项目支出合计", "预算和决算各合计多少": one sum per figure and phase asked
    blocks = [_block(ctx, u, group, dims, phase, sparql) for dims in (u.asks or [u.dims]) for phase in u.phases]
    answered = [b for b in blocks if b.rows]
    text = "".join(b.text for b in blocks) + group.count_note(label)
    if not answered:
        return Result("no_data", text, "aggregate", sparql, sources=[s for b in blocks for s in b.sources])
    money = answered[0].money if len({b.money for b in answered}) == 1 else "万元"
    return Result("ok", text, "aggregate", sparql, ["单位", "年度", "阶段", "指标", f"金额（{money}）", "文件", "表", "行"],
                  [r for b in answered for r in b.rows], [s for b in blocks for s in b.sources])


def _block(ctx: Context, u: Understanding, group: Group, dims: dict, phase: str, sparql: list[str]) -> Block:
    label = ctx.catalog.unit_label
    wanted, subject, figures = _chosen_figure(ctx, u, dims, group.units, phase, sparql)
    what = say.describe(ctx.catalog, wanted, subject)
    silent = [label(x) for x in group.units if x not in figures]
    if not figures:
        sources: list[dict] = []
        own = _against_department(ctx, group, wanted, subject, phase, u.year, None, sparql, sources)
        return Block(f"{_heading(ctx, group)}，文件都未分别公开{PHASE_LABEL[phase]}{what}。{own}", sources=sources)
    # a unit whose department is summed too is in the department's figure already ("各单位" of a region)
    inside = [x for x in group.units if x in figures and any(d in figures for d in ctx.catalog.lineage(x)[1:])]
    counted = set(figures).difference(inside)
    found = [figures[x] for x in group.units if x in counted]
    money = common_unit(u.money, *found)
    amounts = [in_unit(f.amount, money).quantize(CENT, ROUND_HALF_UP) for f in found]
    total = sum(amounts, Decimal(0))
    average = (total / len(amounts)).quantize(CENT, ROUND_HALF_UP)
    years = sorted({f.year for f in found})
    when = "、".join(f"{y}年" for y in years)
    block = Block("", money=money)
    parts = []
    for figure, amount in zip(found, amounts):
        src = ctx.source(figure.doc, figure.table, figure.line)
        block.sources.append(src)
        parts.append(f"{label(figure.unit)}{number(amount)}{money}{say.cite(src)}")
        block.rows.append([label(figure.unit), figure.year, PHASE_LABEL[figure.phase], what, float(amount), src["document"],
                           src["table"], src["line"]])
    working = " + ".join(number(a) for a in amounts)
    text = f"{_heading(ctx, group)}，{when}{PHASE_LABEL[phase]}{what}：" + "；".join(parts) + "。"
    if len(amounts) > 1:
        text += (f"合计{number(total)}{money}（{working} = {number(total)}），"
                 f"平均每个单位{number(average)}{money}（{number(total)} ÷ {len(amounts)} = {number(average)}）。")
    if len(years) > 1:
        text += f"注意：各单位的数字不是同一年度的（{when}），各取其最新一年。"
    if inside:
        text += f"{_some([label(x) for x in inside])}的数字已含在其部门的数字中，不重复相加。"
    if silent:
        text += f"{_some(silent)}的文件未列{what}，{'未计入合计和平均' if len(amounts) > 1 else '无法合计'}。"
    if len(years) == 1:
        text += _against_department(ctx, group, wanted, subject, phase, years[0], (money, total), sparql, block.sources)
    block.text = text
    block.rows += [["合计", None, None, what, float(total), None, None, None], ["平均", None, None, what, float(average), None, None, None]]
    return block


def _some(names: list[str], shown: int = 10) -> str:
    """Names in a sentence, the first ten of a long list."""
    return "、".join(names) if len(names) <= shown else f"{'、'.join(names[:shown])}等{len(names)}个单位"


def _against_department(ctx: Context, group: Group, wanted: Wanted, subject: str | None, phase: str, year: int | None,
                        total: tuple[str, Decimal] | None, sparql: list[str], sources: list[dict]) -> str:
    """The department's own figure when the units are all of its units: set against their sum (money, total),
    or given alone when the units' figures are not disclosed one by one."""
    if not (group.department and not group.left_out and group.chosen):
        return ""
    own = find(ctx.store, ctx.catalog, replace(wanted, year=year), [group.department], phase, subject, None, sparql)
    figure = own.get(group.department)
    if figure is None:
        return ""
    src = ctx.source(figure.doc, figure.table, figure.line)
    sources.append(src)
    name = ctx.catalog.unit_label(group.department)
    if total is None:
        return f"{name}部门合计为{say.say_amount(figure, None)}{say.cite(src)}。"
    money, amount = total
    stated = in_unit(figure.amount, money).quantize(CENT, ROUND_HALF_UP)
    agree = "一致" if stated == amount else f"相差{number(abs(stated - amount))}{money}"
    return f"部门合计为{number(stated)}{money}{say.cite(src)}，与各单位之和{agree}。"


def _sums_units(u: Understanding, candidates: set[str]) -> bool:
    """A sum over units (several named, or chosen by words), or over a figure's parts; not a count."""
    if COUNTING.search(u.masked):
        return False
    return bool(u.members or len(u.units) > 1 or (PARTS.search(u.masked) and u.units))


register(Intent("aggregate", examples=("三个热线中心2024年预算加起来多少，平均每家多少", "柳州市人民政府办公室各驻外机构的三公经费合计"),
                cues=(words(SUM_WORDS),), templates=(q.observations, members_query), answer=answer, priority=30,
                when=_sums_units))
