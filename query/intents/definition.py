"""A word of the documents' glossaries: “什么是三公经费”."""
from __future__ import annotations

from budgetkg.ontology import terms as t
from budgetkg.ontology.terms import DERIVED_GRAPH, SPARQL_PREFIXES, VOCAB_GRAPH
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding

DEFINITION_WORDS = r"什么是|是什么意思|指什么|的含义|含义是|的定义|定义是|名词解释|解释一下|是指"
SHOWN = 20  # every document may repeat its glossary: a few entries are enough


def _literals(names: list[str]) -> str:
    """Glossary labels (from the catalog) as escaped literals."""
    return " ".join('"' + n.replace("\\", "\\\\").replace('"', '\\"') + '"@zh' for n in names)


def definitions_query(names: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?term ?name ?definition ?line ?doc WHERE {{
  VALUES ?name {{ {_literals(names)} }}
  GRAPH ?doc {{ ?term skos:prefLabel ?name ; a bk:Term ; skos:definition ?definition ; bk:line ?line }}
}} LIMIT {SHOWN}"""


def documents_query(names: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT (COUNT(DISTINCT ?doc) AS ?documents) WHERE {{
  VALUES ?name {{ {_literals(names)} }}
  GRAPH ?doc {{ ?term skos:prefLabel ?name }}  # a type check here would cost a join per document
  FILTER(?doc NOT IN (<{VOCAB_GRAPH}>, <{DERIVED_GRAPH}>))
}}"""


def answer(ctx: Context, u: Understanding) -> Result:
    names = list(dict.fromkeys(u.terms))
    if not names:
        asked = [t.normalize(m.text) for m in u.mentions if m.kind == "measure"]
        names = [n for n in ctx.catalog.terms if any(w in n or n in w for w in asked)]
    if not names:
        if u.subjects:
            return ctx.answer_as("code", u)
        return Result("no_data", "文件的名词解释中没有这个词。", "definition")
    labels = [ctx.catalog.terms[n] for n in names]
    query, count_query = definitions_query(labels), documents_query(labels)
    rows = sorted(ctx.rows(query), key=lambda r: (r["doc"], int(r["line"])))
    if not rows:
        return Result("no_data", "文件的名词解释中没有这个词。", "definition", [query])
    first = rows[0]
    src = ctx.source(first["doc"], None, int(first["line"]))
    src["table_title"] = "名词解释"
    others = int(ctx.store.select(count_query).rows[0][0].value) - 1
    more = f"另有{others}份文件给出了相同或相近的解释。" if others > 0 else ""
    return Result("ok", f"{first['name']}：{first['definition']}（来源：《{src['document']}》名词解释，第{first['line']}行）。{more}",
                  "definition", [query, count_query], ["名词", "解释", "文件", "行"],
                  [[r["name"], r["definition"], ctx.source(r["doc"])["document"], int(r["line"])] for r in rows], [src])


register(Intent("definition", examples=("什么是三公经费", "机关运行经费是什么意思"),
                cues=(words(DEFINITION_WORDS),), templates=(definitions_query, documents_query), answer=answer,
                priority=20, when=lambda u, candidates: bool(u.terms or u.dims or u.subjects) and not u.names_a_code,
                continued=False))
