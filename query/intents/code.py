"""A subject code or a unit code: “2010301是什么科目”."""
from __future__ import annotations

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.intents.definition import DEFINITION_WORDS
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding

LEVELS = {3: "类", 5: "款", 7: "项"}  # by the length of a functional code


def concept_query(concepts: list[str]) -> str:
    """A code, its label and two levels above (labels from the derived graph)."""
    return SPARQL_PREFIXES + f"""SELECT ?c ?code ?label ?scheme ?b1 ?b1label ?b2 ?b2label WHERE {{
  {values("c", concepts)}
  ?c skos:notation ?code ; skos:inScheme ?scheme .
  OPTIONAL {{ GRAPH ?derived {{ ?c skos:prefLabel ?label }} }}
  OPTIONAL {{ ?c skos:broader ?b1 . OPTIONAL {{ GRAPH ?d1 {{ ?b1 skos:prefLabel ?b1label }} }}
             OPTIONAL {{ ?b1 skos:broader ?b2 . OPTIONAL {{ GRAPH ?d2 {{ ?b2 skos:prefLabel ?b2label }} }} }} }}
}} LIMIT 20"""


def answer(ctx: Context, u: Understanding) -> Result:
    if not u.subjects:
        if u.units:
            unit = ctx.catalog.units[u.units[0]]
            return Result("ok", f"{unit.code or ''}是单位代码：{ctx.catalog.unit_label(unit.iri)}。", "code")
        return Result("not_found", "图谱中没有这个科目编码。", "code")
    query = concept_query(u.subjects)
    found, table = [], []
    seen = set()
    for r in ctx.rows(query):
        if r["c"] in seen:
            continue
        seen.add(r["c"])
        entry = ctx.catalog.subjects[r["c"]]
        path = [x for x in (r["b2label"], r["b1label"]) if x]
        scheme = "支出功能分类" if entry.scheme == "func" else "支出经济分类"
        within = f"，属于{' > '.join(path)}" if path else ""
        found.append(f"{entry.code}是{scheme}科目“{entry.label}”（{LEVELS.get(len(entry.code), '')}级{within}）")
        table.append([entry.code, entry.label, scheme, " > ".join(path)])
    return Result("ok" if table else "not_found", say.sentences(found), "code", [query], ["编码", "名称", "分类", "上级"], table)


# “2010301是什么” asks what a code is, in the words of a definition question too
register(Intent("code", examples=("2010301是什么科目", "30101是什么"),
                cues=(words(r"(?:是|指)(?:什么|哪个|哪一个)(?:科目|分类|编码|代码)?|什么科目|哪个科目|科目名称|对应(?:什么|哪个)"),
                      words(DEFINITION_WORDS)),
                templates=(concept_query,), answer=answer, priority=10, when=lambda u, candidates: u.names_a_code,
                continued=False))
