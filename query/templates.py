"""Parameterised SPARQL, one template per kind of question.

Only IRIs from the catalog and numbers are ever put into a query; a question's own words never
are.  `iri()` refuses anything that is not a plain absolute IRI.
"""
from __future__ import annotations

import re

from budgetkg.ontology.terms import DERIVED_GRAPH, SPARQL_PREFIXES

_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def iri(value: str) -> str:
    if not _SAFE_IRI.match(value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def values(variable: str, iris: list[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(iri(i) for i in iris)} }}"


def observations(slices: list[str], fund: str | None, exptype: str | None, year: int | None) -> str:
    """Candidate figures from qb:Slices (one per unit or project, subject, phase and measure);
    the caller picks the most aggregate figure per unit and year."""
    lines = [values("slice", slices),
             "GRAPH ?doc { ?slice qb:observation ?o ; bk:unit ?unit .",
             "  ?o bk:fiscalYear ?year ; bk:amount ?amount ; bk:line ?line ; bk:table ?table ."]
    if year is not None:
        lines.append(f"  FILTER(?year = {int(year)})")
    # optional patterns filtered afterwards: the slice stays the starting point of the join
    lines.append("  OPTIONAL { ?o bk:fundSource ?fund } OPTIONAL { ?o bk:expenditureType ?exptype }")
    lines.append("  OPTIONAL { ?o bk:detail ?detail }")
    if fund:
        lines.append(f"  FILTER(?fund = {iri(fund)})")
    if exptype:
        lines.append(f"  FILTER(?exptype = {iri(exptype)})")
    lines.append("}")
    body = "\n  ".join(lines)
    return SPARQL_PREFIXES + "SELECT ?o ?unit ?year ?amount ?fund ?exptype ?detail ?doc ?table ?line WHERE {\n  " + body + "\n}"


def parent(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?parent ?name ?code ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit org:subOrganizationOf ?parent }}
  ?parent skos:prefLabel ?name .
  OPTIONAL {{ ?parent bk:code ?code }}
}}"""


def children(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?child ?name ?code WHERE {{
  {values("unit", units)}
  ?child org:subOrganizationOf ?unit ; skos:prefLabel ?name .
  OPTIONAL {{ ?child bk:code ?code }}
}} ORDER BY ?code ?name"""


def staffing(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?authorized ?actual ?doc WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit a org:Organization . OPTIONAL {{ ?unit bk:authorizedStaff ?authorized }} OPTIONAL {{ ?unit bk:actualStaff ?actual }} }}
  FILTER(BOUND(?authorized) || BOUND(?actual))
}}"""


def projects(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?unit ?project ?name ?year ?doc ?line WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?project bk:unit ?unit ; a bk:Project ; skos:prefLabel ?name ; bk:fiscalYear ?year . OPTIONAL {{ ?project bk:line ?line }} }}
}} ORDER BY ?unit ?name"""


def slice_amounts(slices: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?slice (MAX(?amount) AS ?amount) WHERE {{
  {values("slice", slices)}
  GRAPH ?doc {{ ?slice qb:observation ?o . ?o bk:amount ?amount }}
}} GROUP BY ?slice"""


def indicators(project_iris: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?project ?name ?level1 ?level2 ?level3 ?value ?line ?doc WHERE {{
  {values("project", project_iris)}
  ?project skos:prefLabel ?name ; bk:indicator ?i .
  ?i bk:level3 ?level3 ; bk:targetValue ?value ; bk:line ?line ; prov:wasDerivedFrom ?doc .
  OPTIONAL {{ ?i bk:level1 ?level1 }} OPTIONAL {{ ?i bk:level2 ?level2 }}
}} ORDER BY ?project ?line"""


def goals(project_iris: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?project ?name ?goal ?doc WHERE {{
  {values("project", project_iris)}
  GRAPH ?doc {{ ?project skos:prefLabel ?name ; bk:performanceGoal ?goal }}
}}"""


def described(units: list[str], kind: str) -> str:
    """Every property of the units' narrative facts of one kind (bk:Change, bk:Execution), a row
    per property, for `pivot`.  One OPTIONAL per property would each scan the facts of every
    document (200 ms at 1,000 documents); looking the properties up from the fact takes 15."""
    return SPARQL_PREFIXES + f"""SELECT ?x ?doc ?p ?o WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?x bk:unit ?unit . ?x ?p ?o . FILTER EXISTS {{ ?x a bk:{kind} }} }}
}}"""


def changes(units: list[str]) -> str:
    return described(units, "Change")


def executions(units: list[str]) -> str:
    return described(units, "Execution")


def concept(concepts: list[str]) -> str:
    """A code, its label and two levels above, from the code lists in the derived graph."""
    return SPARQL_PREFIXES + f"""SELECT ?c ?code ?label ?scheme ?b1 ?b1label ?b2 ?b2label WHERE {{
  {values("c", concepts)}
  GRAPH <{DERIVED_GRAPH}> {{
    ?c skos:notation ?code ; skos:inScheme ?scheme . OPTIONAL {{ ?c skos:prefLabel ?label }}
    OPTIONAL {{ ?c skos:broader ?b1 . OPTIONAL {{ ?b1 skos:prefLabel ?b1label }}
               OPTIONAL {{ ?b1 skos:broader ?b2 . OPTIONAL {{ ?b2 skos:prefLabel ?b2label }} }} }} }}
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
  GRAPH ?doc {{ ?term skos:prefLabel ?name ; a bk:Term }}
}}"""
