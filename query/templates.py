"""SPARQL building blocks, and the templates several kinds of question share (each kind's own
templates are in its module under query/intents/).

Only IRIs from the catalog and numbers are ever put into a query; a question's own words never
are.  `iri()` refuses anything that is not a plain absolute IRI.
"""
from __future__ import annotations

import re

from rdflib.namespace import RDFS

from budgetkg.ontology.terms import BK, SPARQL_PREFIXES
from budgetkg.stores import Select

_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def iri(value: str) -> str:
    if not _SAFE_IRI.match(value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def values(variable: str, iris: list[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(iri(i) for i in iris)} }}"


def within(documents: list[str]) -> str:
    """Only matches in these graphs.  A FILTER, not VALUES: next to another VALUES block Oxigraph
    joined the two first (30 s for 9 slices × 6 documents)."""
    return f"FILTER(?doc IN ({', '.join(iri(d) for d in documents)}))"


def observations(slices: list[str], fund: str | None = None, exptype: str | None = None, year: int | None = None,
                 documents: list[str] | None = None) -> str:
    """Candidate figures from qb:Slices (one per unit or project, subject, phase and measure), from
    the given documents only if any; `figures.the_figure` picks one per unit and year."""
    lines = [values("slice", slices), "GRAPH ?doc { ?slice qb:observation ?o ; bk:unit ?unit ."]
    if documents:
        lines.append("  " + within(documents))
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
    return SPARQL_PREFIXES + "SELECT ?slice ?o ?unit ?year ?amount ?printed ?money ?fund ?exptype ?detail ?doc ?table ?line WHERE {\n  " + body + "\n}"


# ------------------------------------------------------------ resources read property by property
# Oxigraph evaluates an OPTIONAL over everything its pattern matches in the store (hundreds of ms at
# 1,000 documents), so these read every property of the resources they find (?x ?p ?o, one index
# lookup each) and `pivot` turns the rows into one dict per resource.

def by_property(values_clause: str, where: str) -> str:
    return SPARQL_PREFIXES + f"""SELECT ?x ?doc ?p ?o ?owner WHERE {{
  {values_clause}
  GRAPH ?doc {{ {where} ?x ?p ?o . }}
}}"""


def facts(owners: list[str], kind: str, documents: list[str] | None = None, by: str = "unit") -> str:
    """The narrative facts of one kind of units (or, `by="project"`, of projects): Change (year-on-year),
    Execution (执行率), Statement (a count or score) or Absence (what there is none of), from the given
    documents only if any."""
    assert kind in ("Change", "Execution", "Statement", "Absence") and by in ("unit", "project")
    if not documents:
        return by_property(values("owner", owners), f"?x bk:{by} ?owner . FILTER EXISTS {{ ?x a bk:{kind} }}")
    # one GRAPH block a document: Oxigraph then reads the owner's resources of that graph alone
    # (a FILTER on ?doc reads them in every graph first: 3-4× slower at 10,000 documents)
    blocks = " UNION ".join(f"{{ GRAPH {iri(d)} {{ ?x bk:{by} ?owner . ?x a bk:{kind} . ?x ?p ?o . }} BIND({iri(d)} AS ?doc) }}"
                            for d in documents)
    return SPARQL_PREFIXES + f"""SELECT ?x ?doc ?p ?o ?owner WHERE {{
  {values("owner", owners)}
  {blocks}
}}"""


def bk_fields(**names: str) -> dict[str, str]:
    """bk: property IRI → the column name an answer reads it under."""
    return {str(BK[p]): name for p, name in names.items()}


FACT_FIELDS = bk_fields(unit="unit", fiscalYear="year", line="line", measure="measure", fundSource="fund",
                        expenditureType="exptype", functionalSubject="subject", economicSubject="subject",
                        project="project", amount="amount", change="change", changeRate="rate",
                        previousAmount="previous", basisPhase="basis", budgetAmount="budget", finalAmount="final",
                        executionRate="rate", reason="reason", aspect="aspect", statedValue="value",
                        measureUnit="measure_unit") | {str(RDFS.label): "label"}


def pivot(result: Select, fields: dict[str, str], required: tuple[str, ...] = ("line",)) -> list[dict[str, str | None]]:
    """Rows of a `by_property` query as one dict per resource (x, doc, owner and `fields`), in line order;
    resources without every `required` field are left out."""
    found: dict[tuple[str, str], dict[str, str | None]] = {}
    for x, doc, prop, value, owner in result.rows:
        row = found.setdefault((x.value, doc.value), {"x": x.value, "doc": doc.value, "owner": owner.value if owner else None,
                                                       **dict.fromkeys(fields.values())})
        if prop.value in fields:
            row[fields[prop.value]] = value.value
    return sorted((r for r in found.values() if all(r[f] for f in required)), key=lambda r: int(r["line"] or 0))
