"""A project's amount: “柳州热线中心12345热线运行维护项目多少钱”."""
from __future__ import annotations

from dataclasses import replace

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Wanted, find
from budgetkg.query.intents.registry import Context, Intent, named, register
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    if not u.projects:
        return ctx.answer_as("measure", u)
    catalog = ctx.catalog
    chosen = catalog.of_one_year(catalog.named_projects(u.projects, u.units), u.year)
    names = {catalog.projects[p].name for p in chosen}
    if len(chosen) > say.MAX_UNITS:
        return Result("ambiguous", f"有{len(chosen)}个同名项目，请说明单位。", "project",
                      suggestions=[f"{catalog.unit_label(catalog.projects[p].unit)}{catalog.projects[p].name}" for p in chosen[:10]])
    sparql: list[str] = []
    found, sources, rows = [], [], []
    for phase in u.phases:
        for project in chosen:
            entry = catalog.projects[project]
            wanted = replace(Wanted.of(u), year=u.year or entry.year)
            figure = find(ctx.store, catalog, wanted, [entry.unit], phase, None, project, sparql).get(entry.unit)
            if figure is None:
                continue
            name = catalog.unit_label(entry.unit)
            src = ctx.source(figure.doc, figure.table, figure.line)
            sources.append(src)
            rows.append([name, entry.name, figure.year, PHASE_LABEL[phase], float(figure.amount), src["document"], src["line"]])
            found.append(f"{name}项目“{entry.name}”{figure.year}年{PHASE_LABEL[phase]}金额为{say.say_amount(figure, u.money)}{say.cite(src)}")
    if not rows:
        return Result("no_data", f"文件未公开项目“{'、'.join(sorted(names))}”的{PHASE_LABEL[u.phases[0]]}金额。", "project", sparql)
    return Result("ok", say.sentences(found), "project", sparql, ["单位", "项目", "年度", "阶段", "金额（万元）", "文件", "行"], rows, sources)


# a project named without a figure; with one (“…项目的基本支出”) it is a measure question
register(Intent("project", examples=("政务便民服务热线专项经费多少钱", "一个号码管服务运行管理费"),
                cues=(named("projects"),), templates=(q.observations,), answer=answer, priority=900,
                when=lambda u, candidates: not u.dims))
