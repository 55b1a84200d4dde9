"""Units ranked by a figure: “哪个热线中心的预算最多”, “下属单位中哪个支出最多，前3名”.

The figures come from the aggregate table (query.aggregates: each unit's figure as `figures.find`
would pick it, precomputed at ingest) when it covers the question, else from the graph."""
from __future__ import annotations

from budgetkg.query import aggregates
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Wanted
from budgetkg.query.groups import group_of, members
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

RANKING_SHOWN = 10  # places named when the question does not say how many


def scope(ctx: Context, u: Understanding, sparql: list[str]) -> list[str]:
    """The units ranked: those the words choose (“各驻外机构”, “下属单位”), a department's own units when
    it is the one unit named (“…部门预算里预算最多的前三个单位”), the units named, or all."""
    group = group_of(ctx.store, ctx.catalog, u, sparql)
    if group is not None and group.units:
        return group.units
    if len(u.units) == 1 and ctx.catalog.units[u.units[0]].children:
        found, _ = members(ctx.store, ctx.catalog, u.units[0], u.year, u.phases[0] if u.phase_stated else None, sparql)
        return found or u.units
    if u.units and u.all_children:
        return [c for unit in u.units for c in ctx.catalog.units[unit].children] or u.units
    return u.units or list(ctx.catalog.units)


def answer(ctx: Context, u: Understanding) -> Result:
    sparql: list[str] = []
    units = scope(ctx, u, sparql)
    if not units:
        return Result("not_found", "没有可以排名的单位。", "ranking")
    subject = (u.asked_subjects or [None])[0]
    phase = u.phases[0]
    wanted = Wanted.of(u)
    what = say.describe(ctx.catalog, wanted, subject)
    figures = aggregates.pick(ctx.store, ctx.catalog, wanted, units, phase, subject, sparql)
    if not figures:
        return Result("no_data", f"这些单位的文件都未公开{PHASE_LABEL[phase]}{what}。", "ranking", sparql)
    # equal amounts in the order of their units' IRIs: the same order whichever way the figures were found
    ordered = sorted(figures.values(), key=lambda f: (f.amount if u.ascending else -f.amount, f.unit))
    shown = u.top_n or RANKING_SHOWN
    more = f"共{len(ordered)}个单位公开了该项，列出前{shown}名。" if len(ordered) > shown and not u.top_n else ""
    ordered = ordered[:shown]
    rows, sources, places = [], [], []
    for rank, figure in enumerate(ordered, start=1):
        name = ctx.catalog.unit_label(figure.unit)
        src = ctx.source(figure.doc, figure.table, figure.line)
        sources.append(src)
        rows.append([rank, name, figure.year, float(figure.amount), src["document"], src["line"]])
        places.append(f"第{rank}名 {name} {say.money(figure.amount)}万元{say.cite(src)}")
    top = ordered[0]
    head = f"{'最少' if u.ascending else '最多'}的是{ctx.catalog.unit_label(top.unit)}，{top.year}年{PHASE_LABEL[phase]}{what}{say.money(top.amount)}万元。"
    silent = [ctx.catalog.unit_label(x) for x in units if x not in figures]
    tail = f"未公开该项的单位：{'、'.join(silent)}。" if silent and len(silent) <= 10 else ""
    chart = {"type": "bar", "labels": [r[1] for r in rows], "values": [r[3] for r in rows], "unit": "万元"}
    return Result("ok", head + more + "排名：" + say.sentences(places) + tail, "ranking", sparql,
                  ["名次", "单位", "年度", "金额（万元）", "文件", "行"], rows, sources, chart=chart)


register(Intent("ranking", examples=("哪个热线中心的预算最多", "柳州市人民政府办公室下属单位三公经费最少的是哪个"),
                cues=(words(r"最多|最少|最高|最低|最大|最小|排名|排序|排行|前\s*\d+|前[一二三四五六七八九十]|哪个.*最|谁.*最"),),
                templates=(q.observations,), answer=answer, priority=100))
