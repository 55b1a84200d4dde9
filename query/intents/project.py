"""A project's amount: “柳州热线中心12345热线运行维护项目多少钱”; and what it is for, as its section of
the text says (“…专项经费主要用来干什么”)."""
from __future__ import annotations

import re
from dataclasses import replace

from rdflib.namespace import SKOS

from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Figure, Wanted, find
from budgetkg.query.intents.registry import Context, Intent, named, register
from budgetkg.query.understand import Understanding

PURPOSE = re.compile(r"干什么|做什么|干嘛|干啥|用途|用来|用于|用在|主要内容|内容是什么|什么内容|是什么项目|概述|介绍")
ABOUT_FIELDS = q.bk_fields(projectContent="content", projectOverview="overview", performanceGoal="goal", line="line") | {str(SKOS.prefLabel): "name"}


def about_query(projects: list[str]) -> str:
    """What the text says of projects: content (项目内容, 实施方案), overview (项目概述), goal."""
    return q.by_property(q.values("x", projects), "")


def figure_of(ctx: Context, project: str, wanted: Wanted, phase: str, sparql: list[str]) -> Figure | None:
    """A project's figure of the phase, else its namesake's (a department's document may state the goal
    under the department and the amount under its unit)."""
    for candidate in ctx.catalog.namesakes(project):
        unit = ctx.catalog.projects[candidate].unit
        figure = find(ctx.store, ctx.catalog, wanted, [unit], phase, None, candidate, sparql).get(unit)
        if figure is not None:
            return figure
    return None


def about(ctx: Context, projects: list[str], sparql: list[str]) -> dict[str, dict]:
    """Per project, what its own text and its namesakes' say of it (content, overview, goal) and where."""
    family = {candidate: project for project in projects for candidate in ctx.catalog.namesakes(project)}
    query = about_query(list(family))
    sparql.append(query)
    found: dict[str, dict] = {}
    for r in q.pivot(ctx.store.select(query), ABOUT_FIELDS, ("name",)):
        mine = found.setdefault(family[r["x"]], {"doc": r["doc"]})
        for key in ("content", "overview", "goal"):
            if r[key] and not mine.get(key):
                mine[key], mine[f"{key}_doc"] = r[key], r["doc"]
    return found


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
            figure = figure_of(ctx, project, wanted, phase, sparql)
            if figure is None:
                continue
            name = catalog.unit_label(entry.unit)
            src = ctx.source(figure.doc, figure.table, figure.line)
            sources.append(src)
            rows.append([name, entry.name, figure.year, PHASE_LABEL[phase], float(figure.amount), src["document"], src["line"]])
            found.append(f"{name}项目“{entry.name}”{figure.year}年{PHASE_LABEL[phase]}金额为{say.say_amount(figure, u.money)}{say.cite(src)}")
    if PURPOSE.search(u.masked):
        for project, said in about(ctx, chosen, sparql).items():
            for key, label in (("content", "项目内容"), ("overview", "项目概述")):
                if said.get(key):
                    src = ctx.source(said[f"{key}_doc"])
                    sources.append(src)
                    found.append(f"项目“{catalog.projects[project].name}”的{label}：{said[key].rstrip('。')}{say.cite_document(src)}")
                    break
    if not found:
        return Result("no_data", f"文件未公开项目“{'、'.join(sorted(names))}”的{PHASE_LABEL[u.phases[0]]}金额。", "project", sparql)
    return Result("ok", say.sentences(found), "project", sparql, ["单位", "项目", "年度", "阶段", "金额（万元）", "文件", "行"], rows, sources)


# a project named without a figure; with one (“…项目的基本支出”) it is a measure question
register(Intent("project", examples=("政务便民服务热线专项经费多少钱", "一个号码管服务运行管理费", "政务便民服务热线专项经费主要用来干什么"),
                cues=(named("projects"),), templates=(q.observations, about_query), answer=answer, priority=900,
                when=lambda u, candidates: not u.dims))
