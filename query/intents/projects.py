"""A unit's projects, and how many: “长沙热线中心有哪些项目”, “柳州市政府办2024年部门预算一共多少个项目”.

A department's projects are its own and its units' (those its document lists).  A project is named
in several tables of a document, sometimes worded a little differently (一个号码管服务运行管理费 /
一个号码管理服务运行管理费), so each unit's names are merged when they are near duplicates (rapidfuzz), and
the answer says which were merged.  A name met only in the 政府采购 table, with no performance goal and
no other figure, is something bought, not a project of the unit: it is named apart and not counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rdflib.namespace import SKOS

from budgetkg.ontology import terms as t
from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.groups import members, members_query
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

PROJECT_FIELDS = q.bk_fields(unit="unit", fiscalYear="year", line="line", performanceGoal="goal") | {str(SKOS.prefLabel): "name"}
LISTED_AMOUNTS = 8  # beyond this many amounts the sentence names the projects and the table keeps the amounts
NEAR = 90  # rapidfuzz ratio from which two names of one unit's projects are one project
PROCUREMENT = str(t.ID["measure-procurement"])
NUMERALS = re.compile(r"[\d〇零一二三四五六七八九十百千]")


def projects_query(project_iris: list[str]) -> str:
    return q.by_property(q.values("x", project_iris), "")


def amounts_query(slices: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?slice (MAX(?amount) AS ?amount) WHERE {{
  {q.values("slice", slices)}
  GRAPH ?doc {{ ?slice qb:observation ?o . ?o bk:amount ?amount }}
}} GROUP BY ?slice"""


def measures_query(project_iris: list[str]) -> str:
    """Which kinds of figure each project has (a 政府采购 item has only procurement figures)."""
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?project ?measure WHERE {{
  {q.values("project", project_iris)}
  GRAPH ?doc {{ ?o bk:project ?project ; bk:measure ?measure }}
}}"""


@dataclass
class Project:
    """One project of a unit: the name kept, and the other wordings merged into it."""

    name: str
    row: dict
    merged: list[str] = field(default_factory=list)


@dataclass
class Projects:
    """A unit's projects, and the names only its 政府采购 table gives."""

    unit: str
    kept: list[Project] = field(default_factory=list)
    bought: list[str] = field(default_factory=list)


def _near(a: str, b: str) -> bool:
    """The same project's name written twice: alike enough, and with the same numbers (第一批 is not 第二批)."""
    a, b = t.normalize(a), t.normalize(b)
    return a == b or NUMERALS.findall(a) == NUMERALS.findall(b) and fuzz.ratio(a, b) >= NEAR


def distinct(unit: str, rows: list[dict], is_project) -> Projects:
    """One unit's rows (in line order) as distinct projects: projects first, then the names that merely
    repeat one of them (merged) or are met only as things bought (named apart)."""
    found = Projects(unit)
    for row in sorted(rows, key=lambda r: not is_project(r)):
        same = next((p for p in found.kept if _near(p.name, row["name"])), None)
        if same is not None:
            if t.normalize(same.name) != t.normalize(row["name"]) and row["name"] not in same.merged:
                same.merged.append(row["name"])
            if row.get("budget") and not same.row.get("budget"):
                same.row = {**row, "name": same.name}
        elif is_project(row):
            found.kept.append(Project(row["name"], row))
        elif row["name"] not in found.bought:
            found.bought.append(row["name"])
    return found


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    catalog = ctx.catalog
    sparql: list[str] = []
    # a department's projects are its units' too; its own office (named like it) is the department itself
    scope: dict[str, list[str]] = {}
    for unit in u.units:
        found = members(ctx.store, catalog, unit, u.year, u.phases[0] if u.phase_stated else None, sparql)[0] \
            if catalog.units[unit].children else []
        scope[unit] = [unit] + [x for x in found if x != unit]
    owner = {x: (catalog.units[x].parent if catalog.own_office(x) and catalog.units[x].parent in scope else x)
             for units in scope.values() for x in units}
    iris = catalog.of_one_year(catalog.projects_of(list(owner)), u.year)
    query = projects_query(iris) if iris else ""
    rows = q.pivot(ctx.store.select(query), PROJECT_FIELDS, ("name", "unit")) if iris else []
    kinds: dict[str, set[str]] = {}  # project → the measures of its figures
    if iris:
        sparql += [query, measures_query(iris)]
        for r in ctx.rows(sparql[-1]):
            kinds.setdefault(r["project"], set()).add(r["measure"])
    slices = {t.slice_iri(r["x"], "budget", "expenditure"): r["x"] for r in rows}
    amounts = amounts_query(list(slices)) if slices else ""
    budget = {slices[r["slice"]]: r["amount"] for r in ctx.rows(amounts)} if slices else {}
    if amounts:
        sparql.append(amounts)
    for r in rows:
        r["budget"] = budget.get(r["x"])

    def is_project(r: dict) -> bool:
        return bool(r["goal"]) or bool(kinds.get(r["x"], set()) - {PROCUREMENT}) or not kinds.get(r["x"])

    found, short, table, sources = [], [], [], []
    label = catalog.unit_label
    for unit in u.units:
        name = label(unit)
        per_unit = [distinct(x, [r for r in rows if owner.get(r["unit"]) == x], is_project) for x in scope[unit]]
        per_unit = [p for p in per_unit if p.kept or p.bought]
        count = sum(len(p.kept) for p in per_unit)
        if not count:
            found.append(f"{name}的文件未列出项目")
            short.append(found[-1])
            continue
        year = next(p.kept[0].row["year"] for p in per_unit if p.kept)
        sources.extend(ctx.source(d) for d in sorted({p.row["doc"] for g in per_unit for p in g.kept}))
        notes = []
        for group in per_unit:
            for p in group.kept:
                table.append([label(group.unit), p.name, float(p.row["budget"]) if p.row["budget"] else None])
                notes += [f"“{m}”与“{p.name}”是同一项目的不同写法，合并计为1个" for m in p.merged]
            if group.bought:
                notes.append(f"{label(group.unit)}的“{'”“'.join(group.bought)}”只见于政府采购表，是采购事项，未计为项目")

        def listed(p: Project, amounts: bool) -> str:
            return f"{p.name}（{say.money(p.row['budget'])}万元）" if amounts and p.row["budget"] else p.name

        several = len(per_unit) > 1
        head = f"{name}{year}年共有{count}个项目" + ("（含下属单位）" if several else "") + "："
        for target, amounts in ((found, True), (short, False)):
            if several:
                body = "；".join(f"{label(g.unit)}{len(g.kept)}个：" + "、".join(listed(p, amounts) for p in g.kept)
                                for g in per_unit if g.kept)
            else:
                body = "、".join(listed(p, amounts) for p in per_unit[0].kept)
            target.append(head + body + ("。" + "；".join(notes) if notes else ""))
    many = len({row[2] for row in table if row[2] is not None}) > LISTED_AMOUNTS
    return Result("ok" if table else "no_data", say.sentences(short if many else found), "projects", sparql,
                  ["单位", "项目", "预算（万元）"], table, sources)


register(Intent("projects", examples=("长沙热线中心有什么项目", "池州热线有哪些项目", "柳州热线中心2024年预算安排了几个项目"),
                cues=(words(r"(?:哪些项目|项目有哪些|(?<!为)什么项目|项目清单|项目列表|几个项目|多少个项目|多少项目)(?!支出|经费)"),),
                templates=(projects_query, measures_query, amounts_query, members_query), answer=answer, priority=70,
                about_units=True))
