"""A unit's parent department: “柳州热线中心的上级部门是哪个”."""
from __future__ import annotations

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding


def parent_query(units: list[str]) -> str:
    """The parent, with its name and code, within the one document that states the relation (a unit
    is described again in every document that names it: over all of them the copies multiply the
    rows, 2,268 for one parent at 10,000 documents)."""
    return SPARQL_PREFIXES + f"""SELECT ?unit ?parent ?name ?code ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit org:subOrganizationOf ?parent .
    OPTIONAL {{ ?parent skos:prefLabel ?name }} OPTIONAL {{ ?parent bk:code ?code }} }}
}}"""


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    query = parent_query(u.units)
    rows = ctx.rows(query)
    found, sources, table = [], [], []
    for unit in u.units:
        mine = [r for r in rows if r["unit"] == unit]
        name = ctx.catalog.unit_label(unit)
        if not mine:
            found.append(f"文件中没有{name}的上级部门")
            continue
        parent = min(mine, key=lambda r: not r["name"])  # a document that also names the parent
        if not parent["name"]:
            entry = ctx.catalog.units.get(parent["parent"])
            parent = {**parent, "name": entry.name if entry else parent["parent"], "code": entry.code if entry else None}
        code = f"（代码{parent['code']}）" if parent["code"] else ""
        src = ctx.source(parent["doc"])
        sources.append(src)
        table.append([name, parent["name"], parent["code"]])
        found.append(f"{name}的上级部门是{parent['name']}{code}{say.cite_document(src)}")
    return Result("ok" if table else "no_data", say.sentences(found), "parent", [query], ["单位", "上级部门", "代码"], table, sources)


register(Intent("parent", examples=("103007的上级部门是哪个", "池州热线中心的主管部门是谁"),
                cues=(words(r"上级|主管部门|主管单位|隶属|归属|属于哪个|所属部门|上一级|归哪个|由哪个部门|是哪个部门的|哪个部门的下属"),),
                templates=(parent_query,), answer=answer, priority=30, about_units=True))
