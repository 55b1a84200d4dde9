"""Parameterised SPARQL, one template per kind of question.

Only IRIs from the catalog and numbers are ever put into a query; a question's own words never
are.  `iri()` refuses anything that is not a plain absolute IRI.
"""
from __future__ import annotations

import re

from rdflib.namespace import RDFS, SKOS

from budgetkg.ontology.terms import BK, DERIVED_GRAPH, SPARQL_PREFIXES, VOCAB_GRAPH
from budgetkg.stores import Select

_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def iri(value: str) -> str:
    if not _SAFE_IRI.match(value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def values(variable: str, iris: list[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(iri(i) for i in iris)} }}"


def _within(documents: list[str]) -> str:
    """Only matches in these graphs.  A FILTER, not VALUES: next to another VALUES block Oxigraph
    joined the two first (30 s for 9 slices × 6 documents)."""
    return f"FILTER(?doc IN ({', '.join(iri(d) for d in documents)}))"


def observations(slices: list[str], fund: str | None, exptype: str | None, year: int | None,
                 documents: list[str] | None = None) -> str:
    """Candidate figures from qb:Slices (one per unit or project, subject, phase and measure), from
    the given documents only if any; the caller picks the most aggregate figure per unit and year."""
    lines = [values("slice", slices), "GRAPH ?doc { ?slice qb:observation ?o ; bk:unit ?unit ."]
    if documents:
        lines.append("  " + _within(documents))
    lines.append("  ?o bk:fiscalYear ?year ; bk:amount ?amount ; bk:line ?line ; bk:table ?table .")
    if year is not None:
        lines.append(f"  FILTER(?year = {int(year)})")
    # optional patterns filtered afterwards: the slice stays the starting point of the join
    lines.append("  OPTIONAL { ?o bk:fundSource ?fund } OPTIONAL { ?o bk:expenditureType ?exptype }")
    lines.append("  OPTIONAL { ?o bk:detail ?detail } OPTIONAL { ?o bk:printedAmount ?printed ; bk:moneyUnit ?money }")
    if fund:
        lines.append(f"  FILTER(?fund = {iri(fund)})")
    if exptype:
        lines.append(f"  FILTER(?exptype = {iri(exptype)})")
    lines.append("}")
    body = "\n  ".join(lines)
    return SPARQL_PREFIXES + "SELECT ?o ?unit ?year ?amount ?printed ?money ?fund ?exptype ?detail ?doc ?table ?line WHERE {\n  " + body + "\n}"


# Units are described again in every document that names them: parent and children are read with
# their names within the one document that states the relation (over the union of all documents
# each copy would multiply the rows, 2,268 rows for one parent at 10,000 documents).
def parent(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?parent ?name ?code ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit org:subOrganizationOf ?parent .
    OPTIONAL {{ ?parent skos:prefLabel ?name }} OPTIONAL {{ ?parent bk:code ?code }} }}
}}"""


def children(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?child ?name ?code WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?child org:subOrganizationOf ?unit ; skos:prefLabel ?name . OPTIONAL {{ ?child bk:code ?code }} }}
}} ORDER BY ?code ?name"""


def staffing(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?authorized ?actual ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit a org:Organization . OPTIONAL {{ ?unit bk:authorizedStaff ?authorized }} OPTIONAL {{ ?unit bk:actualStaff ?actual }} }}
  FILTER(BOUND(?authorized) || BOUND(?actual))
}}"""


def slice_amounts(slices: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?slice (MAX(?amount) AS ?amount) WHERE {{
  {values("slice", slices)}
  GRAPH ?doc {{ ?slice qb:observation ?o . ?o bk:amount ?amount }}
}} GROUP BY ?slice"""


def goals(project_iris: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?project ?name ?goal ?doc WHERE {{
  {values("project", project_iris)}
  GRAPH ?doc {{ ?project skos:prefLabel ?name ; bk:performanceGoal ?goal }}
}}"""


# ------------------------------------------------------------ resources read property by property
# Oxigraph evaluates an OPTIONAL over everything its pattern matches in the store (hundreds of ms at
# 1,000 documents), so these read every property of the resources they find (?x ?p ?o, one index
# lookup each) and `pivot` turns the rows into one dict per resource.

def _by_property(values_clause: str, where: str) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?x ?doc ?p ?o ?owner WHERE {{
  {values_clause}
  GRAPH ?doc {{ {where} ?x ?p ?o . }}
}}"""


def facts(units: list[str], kind: str, documents: list[str] | None = None) -> str:
    """The units' narrative facts of one kind: Change (year-on-year) or Execution (执行率), from the
    given documents only if any."""
    assert kind in ("Change", "Execution")
    within = _within(documents) + " " if documents else ""
    return _by_property(values("owner", units), f"?x bk:unit ?owner . {within}FILTER EXISTS {{ ?x a bk:{kind} }}")


def projects(project_iris: list[str]) -> str:
    return _by_property(values("x", project_iris), "")


def indicators(project_iris: list[str]) -> str:
    """Performance indicators (一级/二级/三级指标, 指标值) of projects; ?owner is the project."""
    return _by_property(values("owner", project_iris), "?owner bk:indicator ?x .")


def _bk(**names: str) -> dict[str, str]:
    """bk: property IRI → the column name an answer reads it under."""
    return {str(BK[p]): name for p, name in names.items()}


FACT_FIELDS = _bk(unit="unit", fiscalYear="year", line="line", measure="measure", fundSource="fund",
                  expenditureType="exptype", functionalSubject="subject", economicSubject="subject",
                  project="project", amount="amount", change="change", changeRate="rate",
                  previousAmount="previous", budgetAmount="budget", finalAmount="final",
                  executionRate="rate", reason="reason") | {str(RDFS.label): "label"}
PROJECT_FIELDS = _bk(unit="unit", fiscalYear="year", line="line") | {str(SKOS.prefLabel): "name"}
INDICATOR_FIELDS = _bk(level1="level1", level2="level2", level3="level3", targetValue="value", line="line")


def pivot(result: Select, fields: dict[str, str], required: tuple[str, ...] = ("line",)) -> list[dict[str, str | None]]:
    """Rows of a `_by_property` query as one dict per resource (x, doc, owner and `fields`), in line order;
    resources without every `required` field are left out."""
    found: dict[tuple[str, str], dict[str, str | None]] = {}
    for x, doc, prop, value, owner in result.rows:
        row = found.setdefault((x.value, doc.value), {"x": x.value, "doc": doc.value, "owner": owner.value if owner else None,
                                                       **dict.fromkeys(fields.values())})
        if prop.value in fields:
            row[fields[prop.value]] = value.value
    return sorted((r for r in found.values() if all(r[f] for f in required)), key=lambda r: int(r["line"] or 0))


def concept(concepts: list[str]) -> str:
    """A code, its label and two levels above (labels from the derived graph)."""
    return SPARQL_PREFIXES + f"""SELECT ?c ?code ?label ?scheme ?b1 ?b1label ?b2 ?b2label WHERE {{
  {values("c", concepts)}
  ?c skos:notation ?code ; skos:inScheme ?scheme .
  OPTIONAL {{ GRAPH ?derived {{ ?c skos:prefLabel ?label }} }}
  OPTIONAL {{ ?c skos:broader ?b1 . OPTIONAL {{ GRAPH ?d1 {{ ?b1 skos:prefLabel ?b1label }} }}
             OPTIONAL {{ ?b1 skos:broader ?b2 . OPTIONAL {{ GRAPH ?d2 {{ ?b2 skos:prefLabel ?b2label }} }} }} }}
}} LIMIT 20"""


def _term_names(names: list[str]) -> str:
    """Glossary labels (from the catalog) as escaped literals."""
    return " ".join('"' + n.replace("\\", "\\\\").replace('"', '\\"') + '"@zh' for n in names)


def definitions(names: list[str], limit: int = 20) -> str:
    """Glossary entries by label.  Every document may repeat its glossary: a few are enough."""
    return SPARQL_PREFIXES + f"""SELECT ?term ?name ?definition ?line ?doc WHERE {{
  VALUES ?name {{ {_term_names(names)} }}
  GRAPH ?doc {{ ?term skos:prefLabel ?name ; a bk:Term ; skos:definition ?definition ; bk:line ?line }}
}} LIMIT {int(limit)}"""


def definition_documents(names: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT (COUNT(DISTINCT ?doc) AS ?documents) WHERE {{
  VALUES ?name {{ {_term_names(names)} }}
  GRAPH ?doc {{ ?term skos:prefLabel ?name }}  # a type check here would cost a join per document
  FILTER(?doc NOT IN (<{VOCAB_GRAPH}>, <{DERIVED_GRAPH}>))
}}"""
