"""A unit's internal bodies (内设机构, 内设科室): “驻北京联络处有几个内设科室”, “区政府办都有哪些科室”.

The text says how many a unit has (bk:internalBodyCount) and usually names them (bk:internalBody);
when the two disagree the answer says both.  A department and its own office (机关本级, 本部) are one
body of people, so a question about either reads the other when it has nothing of its own.
"""
from __future__ import annotations

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding


def bodies_query(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?doc ?count ?body WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ {{ ?unit bk:internalBodyCount ?count }} UNION {{ ?unit bk:internalBody ?body }} }}
}}"""


def _alike(ctx: Context, unit: str) -> list[str]:
    """The unit, then its own office (for a department) or its department (for an own office)."""
    entry = ctx.catalog.units[unit]
    own = [c for c in entry.children if ctx.catalog.own_office(c)]
    parent = [entry.parent] if ctx.catalog.own_office(unit) and entry.parent else []
    return [unit, *own, *parent]


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    catalog = ctx.catalog
    alike = {unit: _alike(ctx, unit) for unit in u.units}
    query = bodies_query(list(dict.fromkeys(x for units in alike.values() for x in units)))
    rows = ctx.rows(query)
    noun = "内设科室" if "科室" in u.masked else "内设机构"
    found, table, sources = [], [], []
    for unit in u.units:
        name = catalog.unit_label(unit)
        # per document of the first of the alike units that has any: its count and names
        by_document: dict[str, dict] = {}
        holder = next((x for x in alike[unit] if any(r["unit"] == x for r in rows)), None)
        for r in rows:
            if r["unit"] == holder:
                entry = by_document.setdefault(r["doc"], {"count": None, "names": []})
                if r["count"]:
                    entry["count"] = int(r["count"])
                if r["body"] and r["body"] not in entry["names"]:
                    entry["names"].append(r["body"])
        if not by_document:
            found.append(say.not_disclosed(name, noun))
            continue
        documents = catalog.documents
        doc = max(by_document, key=lambda d: (documents[d].year if d in documents else 0, len(by_document[d]["names"])))
        count, names = by_document[doc]["count"], sorted(by_document[doc]["names"])
        src = ctx.source(doc)
        sources.append(src)
        whose = catalog.unit_label(holder) if holder != unit else name
        table += [[whose, count, body] for body in names] or [[whose, count, None]]
        listed = "、".join(names)
        if count is not None and names and count != len(names):
            text = f"文件称{whose}设{count}个{noun}，但只列出{len(names)}个名称：{listed}"
        elif count is not None and names:
            text = f"{whose}设{count}个{noun}：{listed}"
        elif count is not None:
            text = f"{whose}设{count}个{noun}，文件未列出名称"
        else:
            text = f"文件未说{whose}有几个{noun}，列出了{len(names)}个：{listed}"
        found.append(text + say.cite_document(src))
    return Result("ok" if table else "no_data", say.sentences(found), "bodies", [query], ["单位", f"{noun}数", noun], table, sources)


register(Intent("bodies", examples=("驻北京联络处有几个内设科室", "柳州市人民政府办公室有哪些内设科室"),
                cues=(words(r"内设|科室|处室|内部机构"),), templates=(bodies_query,), answer=answer, priority=45,
                when=lambda u, candidates: bool(u.units or u.follow_up), about_units=True))
