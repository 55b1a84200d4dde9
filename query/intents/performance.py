"""Projects' performance targets: “柳州热线中心的绩效指标”, “…项目的满意度目标”."""
from __future__ import annotations

import re
from dataclasses import replace

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.figures import Wanted
from budgetkg.query.intents.project import figure_of
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

INDICATOR_FIELDS = q.bk_fields(level1="level1", level2="level2", level3="level3", targetValue="value", line="line")
ASPECTS = ("满意度", "办结率", "数量", "质量", "时效", "成本", "效益", "培训", "座席", "考核")  # narrow the indicators to those asked
SHOWN = 6  # indicators named when the question asks for no aspect
WHOLE = re.compile(r"整体")  # 部门整体绩效目标: the unit's, not its projects'


def indicators_query(project_iris: list[str]) -> str:
    """Performance indicators (一级/二级/三级指标, 指标值) of projects; ?owner is the project."""
    return q.by_property(q.values("owner", project_iris), "?owner bk:indicator ?x .")


def goals_query(project_iris: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?project ?name ?goal ?doc WHERE {{
  {q.values("project", project_iris)}
  GRAPH ?doc {{ ?project skos:prefLabel ?name ; bk:performanceGoal ?goal }}
}}"""


def unit_goals_query(units: list[str]) -> str:
    """Units' 整体绩效目标 (部门整体支出绩效目标表)."""
    return SPARQL_PREFIXES + f"""SELECT ?unit ?goal ?doc WHERE {{
  {q.values("unit", units)}
  GRAPH ?doc {{ ?unit a org:Organization ; bk:performanceGoal ?goal }}
}}"""


def unit_goals(ctx: Context, u: Understanding) -> Result:
    """“…的部门整体绩效目标是什么”: the goal of a unit's whole budget, from its latest document that states it."""
    query = unit_goals_query(u.units)
    rows = ctx.rows(query)
    documents = ctx.catalog.documents
    found, table, sources = [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        mine = sorted((r for r in rows if r["unit"] == unit and (u.year is None or r["doc"] in documents and documents[r["doc"]].year == u.year)),
                      key=lambda r: -(documents[r["doc"]].year if r["doc"] in documents else 0))
        if not mine:
            found.append(say.not_disclosed(name, "整体绩效目标"))
            continue
        src = ctx.source(mine[0]["doc"])
        sources.append(src)
        table.append([name, mine[0]["goal"]])
        found.append(f"{name}的整体绩效目标：{mine[0]['goal'].rstrip('。')}{say.cite_document(src)}")
    return Result("ok" if table else "no_data", say.sentences(found), "performance", [query], ["单位", "整体绩效目标"], table, sources)


def projects_asked(ctx: Context, u: Understanding) -> list[str]:
    """The projects named, else the units' projects; of the year asked or each unit's latest."""
    catalog = ctx.catalog
    return catalog.of_one_year(catalog.named_projects(u.projects, u.units) or catalog.projects_of(u.units), u.year)


def answer(ctx: Context, u: Understanding) -> Result:
    if u.units and not u.projects and WHOLE.search(u.masked):
        return unit_goals(ctx, u)
    projects = projects_asked(ctx, u)
    if not projects:
        return say.which_unit(ctx.catalog, u) or Result("no_data", "文件未公开这些单位的项目绩效目标。", "performance")
    query = indicators_query(projects)
    order = {p: i for i, p in enumerate(projects)}
    rows = sorted(q.pivot(ctx.store.select(query), INDICATOR_FIELDS, ("level3", "value", "line")),
                  key=lambda r: (order[r["owner"]], int(r["line"])))
    for r in rows:
        r["name"] = ctx.catalog.projects[r["owner"]].name if r["owner"] in ctx.catalog.projects else r["owner"]
    aspects = [a for a in ASPECTS if a in u.text]
    if aspects:
        rows = [r for r in rows if any(a in (r["level3"] or "") + (r["level2"] or "") + (r["level1"] or "") for a in aspects)]
    if not rows:
        goals = goals_query(projects)
        stated = ctx.rows(goals)
        if stated:
            g = stated[0]
            src = ctx.source(g["doc"])
            sparql = [query, goals]
            # its amount too (“重点项目…预算多少？绩效目标是啥”), from wherever the document states it
            project = g["project"] if g["project"] in projects else projects[0]
            figure = figure_of(ctx, project, replace(Wanted.of(u), year=u.year or ctx.catalog.projects[project].year),
                               u.phases[0], sparql)
            amount, sources = "", [src]
            if figure is not None:
                sources.append(ctx.source(figure.doc, figure.table, figure.line))
                amount = f"{PHASE_LABEL[figure.phase]}金额{say.say_amount(figure, u.money)}{say.cite(sources[-1])}，"
            return Result("ok", f"项目“{g['name']}”{amount}年度绩效目标：{g['goal'].rstrip('。')}{say.cite_document(src)}。", "performance",
                          sparql, ["项目", "绩效目标"], [[g["name"], g["goal"]]], sources)
        return Result("no_data", "文件未公开这个项目的绩效指标。", "performance", [query])
    if not aspects:
        rows = rows[:SHOWN]
    found, table, sources = [], [], []
    for r in rows:
        src = ctx.source(r["doc"], None, int(r["line"]))
        src["table_title"] = "绩效目标表"
        sources.append(src)
        table.append([r["name"], r["level1"], r["level2"], r["level3"], r["value"]])
        found.append(f"项目“{r['name']}”的{r['level3']}目标值为{r['value']}（{r['level2'] or r['level1'] or '指标'}，来源：《{src['document']}》第{r['line']}行）")
    return Result("ok", say.sentences(found), "performance", [query], ["项目", "一级指标", "二级指标", "三级指标", "指标值"], table, sources)


register(Intent("performance", examples=("长沙热线服务外包采购项目的满意度目标是多少", "柳州市人民政府办公室其他业务费用的绩效目标",
                                         "长沙热线中心的部门整体绩效目标是什么"),
                cues=(words(r"绩效|指标|满意度|目标|考核"),), templates=(indicators_query, goals_query, unit_goals_query), answer=answer,
                priority=60, when=lambda u, candidates: bool(u.projects or u.units or u.follow_up)))
