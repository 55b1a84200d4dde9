"""A unit's figure (“柳州热线中心三公经费多少”), and several at once: units, phases, subjects,
projects or figures (“柳州和长沙热线中心预算和决算分别是多少”, “基本支出和项目支出”)."""
from __future__ import annotations

from dataclasses import replace
from itertools import product

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Wanted, find
from budgetkg.query.intents.registry import Context, Intent, named, register, words
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    if not u.units and u.projects:
        return ctx.answer_as("project", u)
    if not u.units and u.subjects and not u.dims:
        return ctx.answer_as("code", u)
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    sparql: list[str] = []
    found, sources, rows, silent = [], [], [], []
    projects = ctx.catalog.named_projects(u.projects, u.units) or [None]
    for dims, phase, subject, project in product(u.asks or [u.dims], u.phases, u.asked_subjects or [None], projects):
        wanted = Wanted.of(u, dims)
        units = [ctx.catalog.projects[project].unit] if project else u.units
        figures = find(ctx.store, ctx.catalog, wanted, units, phase, subject, project, sparql)
        what = say.describe(ctx.catalog, wanted, subject, project)
        for unit in units:
            name = ctx.catalog.unit_label(unit)
            figure = figures.get(unit)
            if figure is None:
                silent.append((name, phase, what))
                continue
            src = ctx.source(figure.doc, figure.table, figure.line)
            sources.append(src)
            rows.append([name, figure.year, PHASE_LABEL[phase], what, float(figure.amount), src["document"], src["table"], src["line"]])
            found.append(f"{name}{figure.year}年{PHASE_LABEL[phase]}{what}为{say.say_amount(figure, u.money)}{say.cite(src)}")
    if not rows and not u.phase_stated and u.phases == ["budget"]:
        return answer(ctx, replace(u, phases=["final"], phase_stated=True))  # only a 决算 says it
    year = f"{u.year}年" if u.year else ("上一年度" if u.year_offset else "")
    found += [say.not_disclosed(name, f"{year}{PHASE_LABEL[phase]}{what}") for name, phase, what in silent]
    chart = None
    if len(rows) > 1:
        chart = {"type": "bar", "labels": [f"{r[0]} {r[2]}" for r in rows], "values": [r[4] for r in rows], "unit": "万元"}
    return Result("ok" if rows else "no_data", say.sentences(found), u.intent or "measure", sparql,
                  ["单位", "年度", "阶段", "指标", "金额（万元）", "文件", "表", "行"], rows, sources, chart=chart)


register(Intent("measure", examples=("柳州热线中心三公经费多少", "池州市政务服务便民热线中心的基本支出"),
                cues=(named("units", "subjects", "dims", "projects", "follow_up"),), templates=(q.observations,),
                answer=answer, priority=1000, generic=True))
# several units or phases compared: the same look-up, one figure each
register(Intent("compare", examples=("柳州和长沙热线中心的人员经费对比", "柳州热线中心基本支出预算和决算分别是多少"),
                cues=(words(r"对比|比较|分别|相比|哪个多|哪个高"),), templates=(q.observations,),
                answer=answer, priority=110))
