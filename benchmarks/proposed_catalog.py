"""A proposed `Catalog.load` for query/catalog.py, used by ask_bench.py only with --proposed-catalog.

Oxigraph's union default graph is a multiset: a triple stored in k document graphs matches k times,
so a pattern of n such triples about one resource yields k^n rows before any DISTINCT.  The current
catalog queries join 4-6 shared triples per unit and per classification code, which is 2×10^5 rows
at 10 synthetic documents and does not finish at 1,000.  Here each property is read with its own
SELECT DISTINCT (at most k rows per resource) and joined in Python; the entries are the same.
Delete this file once query/catalog.py reads the graph this way.
"""
from __future__ import annotations

from collections import defaultdict

from budgetkg.ontology import terms as t
from budgetkg.query.catalog import Catalog, DocumentEntry, ProjectEntry, SubjectEntry, TermEntry, UnitEntry


def _pairs(catalog: Catalog, body: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in catalog.select(f"SELECT DISTINCT ?a ?b WHERE {{ {body} }}").rows:
        out[a.value].append(b.value)
    return out


def load(self: Catalog) -> None:
    names = _pairs(self, "?a a org:Organization . ?a skos:prefLabel ?b")
    regions = _pairs(self, "?a a org:Organization . ?a bk:region ?b")
    region_names = _pairs(self, "?a a bk:Region . ?a skos:prefLabel ?b")
    codes = _pairs(self, "?a a org:Organization . ?a bk:code ?b")
    parents = _pairs(self, "?a org:subOrganizationOf ?b")
    for iri, unit_names in names.items():
        if iri not in regions:
            continue
        region = regions[iri][0]
        entry = self.units[iri] = UnitEntry(iri, unit_names[0], (codes.get(iri) or [None])[0], region,
                                            (region_names.get(region) or [""])[0])
        entry.parent = next((p for p in parents.get(iri, []) if p != iri), None)
    for entry in self.units.values():
        if entry.parent in self.units:
            self.units[entry.parent].children.append(entry.iri)
        self.regions[entry.region_name.removesuffix("市")] = entry.region
    for entry in self.units.values():
        entry.children.sort(key=lambda iri: (self.units[iri].code or "", self.units[iri].name))
    for row in self.select("""
        SELECT ?d ?title ?file ?unit ?year ?phase WHERE {
          GRAPH ?d { ?d a bk:Document ; dcterms:title ?title ; bk:sourceFile ?file ; bk:unit ?unit ;
             bk:fiscalYear ?year ; bk:phase ?phase } }""").values():
        self.documents[row["d"]] = DocumentEntry(row["d"], row["title"], row["file"], row["unit"], int(row["year"]),
                                                 row["phase"].rsplit("-", 1)[-1])
        if row["unit"] in self.units:
            self.units[row["unit"]].own_documents.append(row["d"])
    for row in self.select("""
        SELECT ?t ?n ?title WHERE { ?t a bk:Table ; bk:tableNumber ?n ; dcterms:title ?title }""").values():
        self.tables[row["t"]] = (int(row["n"]), row["title"])
    notations = _pairs(self, "?a skos:notation ?b")
    schemes = _pairs(self, "?a skos:inScheme ?b FILTER(?b IN (bkid:scheme-func, bkid:scheme-econ))")
    preferred = _pairs(self, f"GRAPH <{t.DERIVED_GRAPH}> {{ ?a skos:prefLabel ?b }}")
    alternatives = _pairs(self, "?a skos:altLabel ?b")
    broader = _pairs(self, "?a skos:broader ?b")
    for iri, scheme in schemes.items():
        if iri not in notations:
            continue
        code = notations[iri][0]
        alts = alternatives.get(iri, [])
        label = (preferred.get(iri) or alts or [code])[0]
        self.subjects[iri] = SubjectEntry(iri, code, "func" if scheme[0].endswith("func") else "econ", label, set(alts),
                                          (broader.get(iri) or [None])[0])
    for row in self.select("""
        SELECT DISTINCT ?p ?name ?unit ?year WHERE { GRAPH ?g { ?p a bk:Project ; skos:prefLabel ?name ; bk:unit ?unit ; bk:fiscalYear ?year } }""").values():
        self.projects.setdefault(row["p"], ProjectEntry(row["p"], row["name"], row["unit"], int(row["year"])))
    for row in self.select("""
        SELECT ?name ?definition ?doc ?line WHERE {
          ?term a bk:Term ; skos:prefLabel ?name ; skos:definition ?definition ; bk:line ?line ; prov:wasDerivedFrom ?doc }
        ORDER BY ?doc ?line""").values():
        self.terms[t.normalize(row["name"])].append(TermEntry(row["name"], row["definition"], row["doc"], int(row["line"])))


def install() -> None:
    Catalog.load = load  # type: ignore[method-assign]
