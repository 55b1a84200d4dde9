"""A unit's staff: “长沙热线中心编制多少人”."""
from __future__ import annotations

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding


def staffing_query(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?authorized ?actual ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit a org:Organization . OPTIONAL {{ ?unit bk:authorizedStaff ?authorized }} OPTIONAL {{ ?unit bk:actualStaff ?actual }} }}
  FILTER(BOUND(?authorized) || BOUND(?actual))
}}"""


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    query = staffing_query(u.units)
    rows = ctx.rows(query)
    found, table, sources = [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        r = next((r for r in rows if r["unit"] == unit), None)
        if r is None:
            found.append(say.not_disclosed(name, "编制数和实有人数"))
            continue
        counts = [f"{label}{r[key]}人" for key, label in (("authorized", "编制数"), ("actual", "实有人数")) if r[key]]
        src = ctx.source(r["doc"])
        sources.append(src)
        table.append([name, r["authorized"], r["actual"]])
        found.append(f"{name}{'，'.join(counts)}{say.cite_document(src)}")
    return Result("ok" if table else "no_data", say.sentences(found), "staffing", [query], ["单位", "编制数", "实有人数"], table, sources)


register(Intent("staffing", examples=("柳州热线中心的编制数是多少", "柳州热线中心实有人数"),
                cues=(words(r"编制|实有人数|在编|多少人|人员数|人数"),), templates=(staffing_query,), answer=answer,
                priority=50, when=lambda u, candidates: bool(u.units or u.follow_up), about_units=True))
