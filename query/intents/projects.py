"""A unit's projects: “长沙热线中心有哪些项目”."""
from __future__ import annotations

from rdflib.namespace import SKOS

from budgetkg.ontology import terms as t
from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

PROJECT_FIELDS = q.bk_fields(unit="unit", fiscalYear="year", line="line") | {str(SKOS.prefLabel): "name"}
LISTED_AMOUNTS = 8  # beyond this many amounts the sentence names the projects and the table keeps the amounts


def projects_query(project_iris: list[str]) -> str:
    return q.by_property(q.values("x", project_iris), "")


def amounts_query(slices: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?slice (MAX(?amount) AS ?amount) WHERE {{
  {q.values("slice", slices)}
  GRAPH ?doc {{ ?slice qb:observation ?o . ?o bk:amount ?amount }}
}} GROUP BY ?slice"""


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    iris = ctx.catalog.of_one_year(ctx.catalog.projects_of(u.units), u.year)
    query = projects_query(iris) if iris else ""
    rows = q.pivot(ctx.store.select(query), PROJECT_FIELDS, ("name", "unit")) if iris else []
    slices = {t.slice_iri(r["x"], "budget", "expenditure"): r["x"] for r in rows}
    amounts = amounts_query(list(slices)) if slices else ""
    budget = {slices[r["slice"]]: r["amount"] for r in ctx.rows(amounts)} if slices else {}
    for r in rows:
        r["budget"] = budget.get(r["x"])
    found, short, table, sources = [], [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        seen: dict[str, dict] = {}
        for r in rows:
            if r["unit"] == unit:
                key = t.normalize(r["name"])
                if key not in seen or (r["budget"] and not seen[key]["budget"]):
                    seen[key] = r
        if not seen:
            found.append(f"{name}的文件未列出项目")
            short.append(found[-1])
            continue
        for r in seen.values():
            table.append([name, r["name"], float(r["budget"]) if r["budget"] else None])
        sources.extend(ctx.source(d) for d in sorted({r["doc"] for r in seen.values()}))
        head = f"{name}{next(iter(seen.values()))['year']}年共有{len(seen)}个项目："
        found.append(head + "、".join(f"{r['name']}（{say.money(r['budget'])}万元）" if r["budget"] else r["name"] for r in seen.values()))
        short.append(head + "、".join(r["name"] for r in seen.values()))
    many = len({row[2] for row in table if row[2] is not None}) > LISTED_AMOUNTS
    return Result("ok" if table else "no_data", say.sentences(short if many else found), "projects", [x for x in (query, amounts) if x],
                  ["单位", "项目", "预算（万元）"], table, sources)


register(Intent("projects", examples=("长沙热线中心有什么项目", "池州热线有哪些项目"),
                cues=(words(r"哪些项目|项目有哪些|什么项目|项目清单|项目列表|几个项目|多少个项目"),),
                templates=(projects_query, amounts_query), answer=answer, priority=70, about_units=True))
