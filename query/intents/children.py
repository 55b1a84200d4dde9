"""A department's units: “柳州市人民政府办公室有哪些下属单位”."""
from __future__ import annotations

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding


def children_query(units: list[str]) -> str:
    """The units below, named within the document that states the relation (see parent_query)."""
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?child ?name ?code WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?child org:subOrganizationOf ?unit ; skos:prefLabel ?name . OPTIONAL {{ ?child bk:code ?code }} }}
}} ORDER BY ?code ?name"""


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    label = ctx.catalog.unit_label
    query = children_query(u.units)
    rows = ctx.rows(query)
    found, table = [], []
    for unit in u.units:
        mine = [r for r in rows if r["unit"] == unit]
        name = label(unit)
        if not mine:
            found.append(f"文件中没有{name}的下属单位")
            continue
        listed = [f"{label(r['child'])}（{r['code']}）" if r["code"] else label(r["child"]) for r in mine]
        table.extend([name, label(r["child"]), r["code"]] for r in mine)
        found.append(f"{name}有{len(mine)}个下属单位：{'、'.join(listed)}")
    documents = {d for unit in u.units for d in ctx.catalog.units[unit].own_documents}
    sources = [ctx.source(d) for d in sorted(documents)]
    return Result("ok" if table else "no_data", say.sentences(found), "children", [query], ["单位", "下属单位", "代码"], table, sources)


def _not_a_ranking(u: Understanding, candidates: set[str]) -> bool:
    """“各下属单位的三公经费” and “下属单位中哪个支出最多” ask for the units' figures, not their names."""
    return not (u.all_children and ("ranking" in candidates or u.dims or u.subjects))


register(Intent("children", examples=("柳州市人民政府办公室有哪些下属单位", "103的下属单位有哪些"),
                cues=(words(r"下属|下级|所属单位|二级单位|有哪些单位|包括哪些单位|各单位|哪些单位|子单位|单位构成"),),
                templates=(children_query,), answer=answer, priority=40, when=_not_a_ranking, about_units=True))
