"""执行率 as a 决算 states it: “柳州热线中心决算执行率”."""
from __future__ import annotations

from decimal import Decimal

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.figures import Wanted, stated_facts
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u) if not u.projects else None
    if missing:
        return missing
    units = u.units or [ctx.catalog.projects[p].unit for p in u.projects]
    subjects = set(u.asked_subjects)

    def pick(mine: list[dict]) -> dict | None:
        mine = [r for r in mine if r["rate"]]
        if u.projects:
            mine = [r for r in mine if r["project"] in u.projects]
        elif subjects:
            mine = [r for r in mine if r["subject"] in subjects]
        else:
            mine = [r for r in mine if not r["subject"] and not r["project"]]
        return max(mine, key=lambda r: int(r["year"]), default=None)  # the latest 决算 (the first of a year)

    chosen, queries = stated_facts(ctx.store, ctx.catalog, Wanted.of(u), units, "Execution", "final", pick)
    found, table, sources = [], [], []
    for unit in units:
        name = ctx.catalog.unit_label(unit)
        r = chosen.get(unit)
        if r is None:
            found.append(f"{name}的决算文件未说明这一项的执行率")
            continue
        src = ctx.source(r["doc"], None, int(r["line"]))
        sources.append(src)
        table.append([name, r["label"], float(r["budget"]) if r["budget"] else None, float(r["final"]) if r["final"] else None, float(r["rate"])])
        found.append(f"{name}{r['year']}年{r['label']}年初预算{say.money(r['budget'])}万元，决算{say.money(r['final'])}万元，"
                     f"执行率{Decimal(r['rate']):.2f}%{say.cite(src)}")
    return Result("ok" if table else "no_data", say.sentences(found), "execution", queries,
                  ["单位", "项目", "年初预算（万元）", "决算（万元）", "执行率（%）"], table, sources)


register(Intent("execution", examples=("柳州热线中心行政运行预算执行率", "柳州市12345政务服务热线管理中心决算执行率"),
                cues=(words(r"执行率|完成率|执行情况|完成年初预算|执行了多少"),), templates=(q.facts,), answer=answer,
                priority=80))
