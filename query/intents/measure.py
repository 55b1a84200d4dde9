"""A unit's figure (“柳州热线中心三公经费多少”), and several at once: units, phases, subjects,
projects or figures (“柳州和长沙热线中心预算和决算分别是多少”, “基本支出和项目支出”)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import product

from budgetkg.ontology import terms as t
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.derived import common_unit, in_unit, previous_year
from budgetkg.query.figures import Figure, Wanted, find, fund_rank, parts, stated_facts
from budgetkg.query.groups import group_of
from budgetkg.query.intents.registry import Context, Intent, named, register, words
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    if not u.units and u.projects:
        return ctx.answer_as("project", u)
    if not u.units and u.subjects and not u.dims:
        return ctx.answer_as("code", u)
    sparql: list[str] = []
    group = group_of(ctx.store, ctx.catalog, u, sparql) if u.members else None
    if group is not None and group.units:  # "柳州市政府各驻外机构2024年预算分别多少": each of them
        u = replace(u, units=group.units)
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    found, sources, rows, silent = [], [], [], []
    stated: list[tuple] = []  # name, what, figure (None when derived), source (or the Derived), parts, its 年初预算 said
    projects = ctx.catalog.named_projects(u.projects, u.units) or [None]
    series = years_asked(ctx, u)
    # a series without 预算/决算 takes each year's outturn where a 决算 gives it, else its budget
    phases = u.phases if u.phase_stated or series == [None] else ["final"]
    periods = list(u.years.periods) or list(product(series, phases))  # "2024年决算、2025年预算": as listed
    kinds = u.kinds if len(u.kinds) > 1 else [u.kind]  # 部门预算和单位预算: each document's figure
    for dims, kind, (year, phase), subject, project in product(u.asks or [u.dims], kinds, periods, u.asked_subjects or [None], projects):
        wanted = replace(Wanted.of(u, dims), year=year if year is not None else u.year, kind=kind)
        units = [ctx.catalog.projects[project].unit] if project else u.units
        figures = find(ctx.store, ctx.catalog, wanted, units, phase, subject, project, sparql)
        if year is not None and not u.phase_stated and not u.years.periods:
            missing = [x for x in units if x not in figures]
            if missing:
                figures.update(find(ctx.store, ctx.catalog, wanted, missing, "budget", subject, project, sparql))
        what = say.describe(ctx.catalog, wanted, subject, project)
        for unit in units:
            name = ctx.catalog.unit_label(unit)
            figure = figures.get(unit)
            if figure is None:
                derived = previous_year(ctx.store, ctx.catalog, wanted, unit, year, subject, ctx.source, sparql, phase) if year else None
                if derived is not None:
                    sources.append(derived.source)
                    rows.append([name, year, PHASE_LABEL[phase], what, float(derived.amount), derived.source["document"], 0,
                                 derived.source["line"]])
                    stated.append((name, f"{year}年{PHASE_LABEL[phase]}{what}", None, derived, [], ""))
                    continue
                silent.append((name, phase, what, year))
                continue
            src = ctx.source(figure.doc, figure.table, figure.line)
            sources.append(src)
            rows.append([name, figure.year, PHASE_LABEL[figure.phase], what, float(figure.amount), src["document"], src["table"], src["line"]])
            # a 决算's figure with the 年初预算 its text states beside it
            budgeted = budget_stated(ctx, wanted, unit, figure, sparql, sources) if figure.phase == "final" and not (subject or project) else ""
            stated.append((name, f"{figure.year}年{kind if len(kinds) > 1 else ''}{PHASE_LABEL[figure.phase]}{what}", figure, src,
                           parts(ctx.store, ctx.catalog, wanted, figure, sparql) if len(u.asks) < 2 else [], budgeted))
    # one unit of money for all: the one asked, else the one the figures share, else 万元
    money = common_unit(u.money, *(entry[2] for entry in stated if entry[2] is not None)) \
        if all(entry[2] is not None for entry in stated) else (u.money or "万元")
    for name, label, figure, src, shares, budgeted in stated:
        if figure is None:  # worked out from a later year's text
            found.append(f"{name}{label}为{say.money(in_unit(src.amount, money))}{money}（{src.working}{say.cite(src.source)}）")
        else:
            found.append(f"{name}{label}为{say.say_amount(figure, money)}{say.of_which(shares, money)}{say.cite(src)}{budgeted}")
    if not rows and (none := said_none(ctx, u, sparql)) is not None:
        return none
    if not rows and not u.phase_stated and u.phases == ["budget"]:
        return answer(ctx, replace(u, phases=["final"], phase_stated=True))  # only a 决算 says it
    def when(year: int | None) -> str:
        return f"{year}年" if year else f"{u.year}年" if u.year else ("上一年度" if u.year_offset else "")

    found += [say.not_disclosed(name, f"{when(year)}{PHASE_LABEL[phase]}{what}") for name, phase, what, year in silent]
    if group is not None and group.count_note(ctx.catalog.unit_label):
        found.append(group.count_note(ctx.catalog.unit_label).rstrip("。"))
    chart = None
    if len(rows) > 1:
        chart = {"type": "bar", "labels": [f"{r[0]} {r[2]}" for r in rows], "values": [r[4] for r in rows], "unit": "万元"}
    return Result("ok" if rows else "no_data", say.sentences(found), u.intent or "measure", sparql,
                  ["单位", "年度", "阶段", "指标", "金额（万元）", "文件", "表", "行"], rows, sources, chart=chart)


def budget_stated(ctx: Context, wanted: Wanted, unit: str, figure: Figure, sparql: list[str], sources: list) -> str:
    """The 年初预算 a 决算's text states beside the outturn (“机关运行经费年初预算为20.75万元，支出决算为14.77万元”),
    said after it; nothing where the text states none."""
    def pick(mine: list[dict]) -> dict | None:
        return next((r for r in mine if r["budget"] and int(r["year"]) == figure.year and r["measure"] == wanted.measure
                     and (r["fund"] == wanted.fund or wanted.fund is None and fund_rank(r["fund"]) <= 1)  # 三公 is of 财政拨款
                     and r["exptype"] == wanted.exptype and not r["subject"] and not r["project"]), None)

    stated, queries = stated_facts(ctx.store, ctx.catalog, replace(wanted, year=figure.year), [unit], "Execution", "final", pick)
    said = stated.get(unit)
    if said is None:
        return ""
    sparql += queries
    src = ctx.source(said["doc"], None, int(said["line"]))
    sources.append(src)
    rate = f"，完成{Decimal(said['rate']):.2f}%" if said["rate"] else ""
    return f"，年初预算{say.money(said['budget'])}万元{rate}{say.cite(src)}"


def said_none(ctx: Context, u: Understanding, sparql: list[str]) -> Result | None:
    """What the units' text says they have none of, when no figure is found: “2024年无机关运行经费财政拨款预算”
    answers “…有机关运行经费吗” (of the year asked or the latest, and of the phase when one is named)."""
    wanted = Wanted.of(u)
    general = t.codes()[wanted.measure].notation in t.GENERAL_MEASURES | {"expenditure-total", "income-total"}
    if u.subjects or u.projects or (general and wanted.fund is None):
        return None  # no 政府性基金支出 says nothing of a subject's, a project's or all 支出
    any_measure = "measure" not in u.dims and wanted.fund is not None  # “有国有资本经营预算吗”: its 收入 or 支出
    documents = ctx.catalog.documents

    def of_phase(r: dict) -> bool:
        return not u.phase_stated or (r["doc"] in documents and documents[r["doc"]].phase in u.phases)

    query = q.facts(u.units, "Absence")
    rows = [r for r in q.pivot(ctx.store.select(query), q.FACT_FIELDS, ("label", "year", "line"))
            if (r["measure"] == wanted.measure or any_measure) and (r["fund"] == wanted.fund or wanted.fund is None and fund_rank(r["fund"]) <= 1)
            and (u.year is None or int(r["year"]) == u.year) and of_phase(r)]
    found, table, sources = [], [], []
    for unit in u.units:
        mine = sorted((r for r in rows if r["unit"] == unit), key=lambda r: (-int(r["year"]), int(r["line"])))
        if mine:
            r, name = mine[0], ctx.catalog.unit_label(unit)
            phase = PHASE_LABEL.get(documents[r["doc"]].phase, "") if r["doc"] in documents else ""
            src = ctx.source(r["doc"], None, int(r["line"]))
            sources.append(src)
            table.append([name, int(r["year"]), phase, r["label"]])
            found.append(f"{name}{r['year']}年{phase}：{r['label']}{say.cite(src)}")
    if not found:
        return None
    sparql.append(query)
    return Result("ok", say.sentences(found), u.intent or "measure", sparql, ["单位", "年度", "阶段", "文件所述"], table, sources)


def years_asked(ctx: Context, u: Understanding) -> list[int | None]:
    """The years of a series: those named, or the last few (or all) the units' documents hold; else one
    look-up of the year asked or the latest (None)."""
    if u.years.years:
        return list(u.years.years)
    if u.years.last or u.years.every:
        held = sorted({d.year for unit in u.units for d in ctx.catalog.documents_about(unit)}, reverse=True)
        return sorted(held[:u.years.last] if u.years.last else held)
    return [None]


register(Intent("measure", examples=("柳州热线中心三公经费多少", "池州市政务服务便民热线中心的基本支出"),
                cues=(named("units", "subjects", "dims", "projects", "follow_up"),), templates=(q.observations,),
                answer=answer, priority=1000, generic=True))
# several units or phases compared: the same look-up, one figure each
register(Intent("compare", examples=("柳州和长沙热线中心的人员经费对比", "柳州热线中心基本支出预算和决算分别是多少"),
                cues=(words(r"对比|比较|分别|相比|哪个多|哪个高"),), templates=(q.observations,),
                answer=answer, priority=110))
