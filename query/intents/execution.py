"""完成率 / 执行率: a figure's 决算 over its 年初预算, computed from both figures and set against the rate
the 决算 states: “柳州热线中心一般行政管理事务预算执行率” → 121.23 ÷ 93.13 = 130.17%."""
from __future__ import annotations

import re
from decimal import Decimal

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.derived import Side, common_unit, in_unit, number, operand, percent
from budgetkg.query.figures import Wanted, stated_facts
from budgetkg.query.intents.registry import Context, Cue, Intent, register, words
from budgetkg.query.understand import Understanding

OFF_BUDGET = re.compile(r"超(?:过|出)?了?(?:年初)?预算|超支|(?:高于|低于|少于|大于|小于)(?:年初)?预算|没(?:有)?花完|偏高|偏低")


def _stated(ctx: Context, u: Understanding, units: list[str], year: int | None) -> tuple[dict[str, dict], list[str]]:
    """Per unit, the rate its 决算 states for the figure asked (its project, subject, or measure)."""
    wanted = Wanted.of(u)
    subjects = set(u.asked_subjects)

    def pick(mine: list[dict]) -> dict | None:
        # a rate stated, or the 年初预算 and 决算 it is worked out from (with the reason the 决算 gives)
        mine = [r for r in mine if (r["rate"] or r["budget"] and r["final"]) and (year is None or int(r["year"]) == year)]
        if u.projects:
            mine = [r for r in mine if r["project"] in u.projects]
        elif subjects:
            mine = [r for r in mine if r["subject"] in subjects]
        else:
            mine = [r for r in mine if not r["subject"] and not r["project"] and
                    (not u.dims or (r["measure"] == wanted.measure and r["fund"] == wanted.fund and r["exptype"] == wanted.exptype))]
        return max(mine, key=lambda r: int(r["year"]), default=None)  # the latest 决算 (the first of a year)

    return stated_facts(ctx.store, ctx.catalog, wanted, units, "Execution", "final", pick)


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u) if not u.projects else None
    if missing:
        return missing
    units = u.units or [ctx.catalog.projects[p].unit for p in u.projects]
    subject = (u.asked_subjects or [None])[0]
    project = (u.projects or [None])[0]
    sparql: list[str] = []
    found, table, sources = [], [], []
    stated, queries = _stated(ctx, u, units, u.year)
    sparql += queries
    for unit in units:
        name = ctx.catalog.unit_label(unit)
        final = operand(ctx.store, ctx.catalog, u, Side(unit, u.dims, subject, project, "final", u.year), ctx.source, sparql)
        budget = operand(ctx.store, ctx.catalog, u, Side(unit, u.dims, subject, project, "budget",
                                                         final.figure.year if final else u.year), ctx.source, sparql) if final else None
        said = stated.get(unit)
        why = f"。主要原因：{said['reason']}" if said is not None and said["reason"] else ""  # as the 决算 explains it
        if final is not None and budget is not None and budget.figure.amount:
            rate = percent(final.figure.amount, budget.figure.amount)
            money = common_unit(u.money, final.figure, budget.figure)
            sources += [budget.source, final.source]
            table.append([name, final.what, float(budget.figure.amount), float(final.figure.amount), float(rate)])
            check = ""
            if said is not None and said["rate"]:
                src = ctx.source(said["doc"], None, int(said["line"]))
                sources.append(src)
                given = Decimal(said["rate"])
                check = f"；决算文件中写明完成{given}%{say.cite(src)}，" + (
                    "一致" if abs(given - rate) <= Decimal("0.01") else f"与计算结果相差{abs(given - rate):.2f}个百分点")
            found.append(f"{name}{final.figure.year}年{final.what}年初预算{budget.said(money)}{say.cite(budget.source)}，"
                         f"决算{final.said(money)}{say.cite(final.source)}，完成率{rate}%（{number(in_unit(final.figure.amount, money))} ÷ "
                         f"{number(in_unit(budget.figure.amount, money))} = {rate}%）{check}{why}")
        elif said is not None:
            src = ctx.source(said["doc"], None, int(said["line"]))
            sources.append(src)
            if said["rate"]:
                rate, working = Decimal(said["rate"]), ""
            else:  # the text gives both figures, not the rate
                rate = percent(Decimal(said["final"]), Decimal(said["budget"])) if Decimal(said["budget"]) else None
                working = f"（{number(Decimal(said['final']))} ÷ {number(Decimal(said['budget']))} = {rate}%）" if rate is not None else ""
            table.append([name, said["label"], float(said["budget"]) if said["budget"] else None,
                          float(said["final"]) if said["final"] else None, float(rate) if rate is not None else None])
            found.append(f"{name}{said['year']}年{said['label']}年初预算{say.money(said['budget'] or 0)}万元，"
                         f"决算{say.money(said['final'] or 0)}万元" + (f"，执行率{rate:.2f}%{working}" if rate is not None else "")
                         + f"{say.cite(src)}{why}")
        else:
            found.append(f"{name}的文件未同时公开这一项的年初预算和决算，无法计算执行率")
    return Result("ok" if table else "no_data", say.sentences(found), "execution", sparql,
                  ["单位", "项目", "年初预算（万元）", "决算（万元）", "执行率（%）"], table, sources)


register(Intent("execution", examples=("柳州热线中心行政运行预算执行率", "柳州市12345政务服务热线管理中心决算执行率"),
                cues=(words(r"执行率|完成率|执行情况|完成年初预算|完成了?(?:年初)?预算的|执行了多少|决算是预算的|预算完成"),
                      # “…决算为什么超过预算”: the outturn against its budget, and the reason the 决算 gives
                      Cue("why over or under budget", lambda u: u.asks_why and OFF_BUDGET.search(u.masked) is not None)),
                templates=(q.facts, q.observations), answer=answer, priority=80))
