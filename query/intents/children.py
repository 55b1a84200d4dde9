"""A department's units: “柳州市人民政府办公室有哪些下属单位”, “建管委下属有几家预算单位”,
“文旅局的部门预算包括几家单位”.

The units are those the department's own document lists (of the year and phase asked, else the latest).
Its own office (机关本级, 本部) is one of them: “下属单位” are the others, while the units a 部门预算
“包括” or “由…组成” count it too.  The answer gives both counts.
"""
from __future__ import annotations

import re

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.groups import group_of, members, members_query
from budgetkg.query.intents.registry import Context, Cue, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding

CHOSEN_BY_WORDS = ("stationed", "kind", "except")  # “有几个驻外机构”, “有几个街道”: the units the words choose
COUNTING = re.compile(r"几个|几家|多少个|多少家|哪些|哪几|分别是|有谁|名单")
# the units a document covers, its own office included (“包括几家单位”, “由几个单位组成”)
COVERED = re.compile(r"包括|包含|涵盖|覆盖|组成|构成|共有?几|一共|总共|纳入")


def children_query(units: list[str]) -> str:
    """The units below, named within the document that states the relation (see parent_query)."""
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?child ?name ?code WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?child org:subOrganizationOf ?unit ; skos:prefLabel ?name . OPTIONAL {{ ?child bk:code ?code }} }}
}} ORDER BY ?code ?name"""


def answer(ctx: Context, u: Understanding) -> Result:
    catalog = ctx.catalog
    sparql: list[str] = []
    if u.members in CHOSEN_BY_WORDS:
        return _chosen(ctx, u, sparql)
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing

    def named(x: str) -> str:
        code = catalog.units[x].code
        return f"{catalog.unit_label(x)}（{code}）" if code else catalog.unit_label(x)

    covered = bool(COVERED.search(u.masked)) and not re.search(r"下属|下级|所属", u.masked)
    found, table, sources = [], [], []
    for unit in u.units:
        name = catalog.unit_label(unit)
        # what a document 包括 is its own list; a department's units are also those only their own documents name
        listed, documents = members(ctx.store, catalog, unit, u.year, u.phases[0] if u.phase_stated else None, sparql,
                                    listed_only=covered)
        if not listed:
            found.append(f"文件中没有{name}的下属单位")
            continue
        own = [x for x in listed if catalog.own_office(x)]
        others = [x for x in listed if x not in own]
        listed = own + others  # the own office first, as documents list it
        table.extend([name, catalog.unit_label(x), catalog.units[x].code] for x in listed)
        sources += [ctx.source(d) for d in documents]
        where = f"《{sources[-1]['document']}》" if documents else "文件"
        if covered:
            text = f"{where}包括{len(listed)}个单位：{'、'.join(named(x) for x in listed)}"
            if own:
                text += f"，其中{'、'.join(named(x) for x in own)}是本级，下属单位{len(others)}个"
        else:
            text = f"{name}有{len(others)}个下属单位：{'、'.join(named(x) for x in others)}"
            if own:
                text += f"；连同本级{'、'.join(named(x) for x in own)}，共{len(listed)}个单位"
        found.append(text)
    return Result("ok" if table else "no_data", say.sentences(found), "children", [children_query(u.units), *sparql],
                  ["单位", "下属单位", "代码"], table, sources)


def _chosen(ctx: Context, u: Understanding, sparql: list[str]) -> Result:
    """“柳州市人民政府办公室有几个驻外机构”, “普陀区有几个街道”: the units the words choose."""
    label = ctx.catalog.unit_label
    group = group_of(ctx.store, ctx.catalog, u, sparql)
    if group is None or not group.units:
        where = "、".join(label(x) for x in u.units) or "、".join(u.regions) or "图谱"
        return Result("no_data", f"{where}中没有找到这样的单位。", "children", sparql)
    sources = [ctx.source(d) for d in group.documents]
    text = f"{group.called(label)}有{len(group.units)}个：{'、'.join(label(x) for x in group.units)}。{group.count_note(label)}"
    return Result("ok", text, "children", sparql, ["单位", "代码"], [[label(x), ctx.catalog.units[x].code] for x in group.units], sources)


def _not_a_ranking(u: Understanding, candidates: set[str]) -> bool:
    """“各下属单位的三公经费”, “下属单位中哪个支出最多” and “哪些单位安排了X” ask for the units' figures, not their names."""
    return not ((u.all_children or u.members) and ("ranking" in candidates or u.dims or u.subjects)) \
        and not (u.dims and re.search(r"哪些单位|哪个单位|哪家", u.masked))


register(Intent("children", examples=("柳州市人民政府办公室有哪些下属单位", "103的下属单位有哪些", "柳州市人民政府办公室的部门预算包括几家单位"),
                cues=(words(r"下属|下级|所属单位|二级单位|有哪些单位|包括哪些单位|各单位|哪些单位|子单位|单位构成|几个单位|几家单位|"
                            r"几家预算单位|多少个单位|多少家单位|单位组成|由几|包括几|涵盖几|包含几"),
                      Cue("units chosen by words, counted or listed",
                          lambda u: u.members in CHOSEN_BY_WORDS and COUNTING.search(u.masked) is not None)),
                templates=(children_query, members_query), answer=answer, priority=40, when=_not_a_ranking, about_units=True))
