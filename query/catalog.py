"""What the question layer knows by name, loaded from the graph once at start-up."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from budgetkg.ontology import terms as t
from budgetkg.ontology.names import aliases, canonical, region_prefix
from budgetkg.store import Store


@dataclass
class UnitEntry:
    iri: str
    name: str
    code: str | None
    region: str
    region_name: str
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    own_documents: list[str] = field(default_factory=list)


@dataclass
class SubjectEntry:
    iri: str
    code: str
    scheme: str  # func / econ
    label: str
    labels: set[str]
    broader: str | None


@dataclass
class ProjectEntry:
    iri: str
    name: str
    unit: str
    year: int


@dataclass
class TermEntry:
    name: str
    definition: str
    document: str
    line: int


@dataclass
class DocumentEntry:
    iri: str
    title: str
    file: str
    unit: str
    year: int
    phase: str


class Catalog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.units: dict[str, UnitEntry] = {}
        self.subjects: dict[str, SubjectEntry] = {}
        self.projects: dict[str, ProjectEntry] = {}
        self.terms: dict[str, list[TermEntry]] = defaultdict(list)
        self.documents: dict[str, DocumentEntry] = {}
        self.tables: dict[str, tuple[int, str]] = {}
        self.regions: dict[str, str] = {}  # region name (without 市) → region IRI with documents
        self.load()

    def select(self, body: str):
        return self.store.select(t.SPARQL_PREFIXES + body)

    def load(self) -> None:
        for row in self.select("""
            SELECT ?u ?name ?code ?region ?rname ?parent WHERE {
              ?u a org:Organization ; skos:prefLabel ?name ; bk:region ?region .
              OPTIONAL { ?region skos:prefLabel ?rname }
              OPTIONAL { ?u bk:code ?code }
              OPTIONAL { ?u org:subOrganizationOf ?parent }
            }""").values():
            entry = self.units.get(row["u"])
            if entry is None:
                entry = self.units[row["u"]] = UnitEntry(row["u"], row["name"], row["code"], row["region"], row["rname"] or "")
            if row["parent"] and row["parent"] != row["u"]:
                entry.parent = row["parent"]
        for entry in self.units.values():
            if entry.parent in self.units:
                self.units[entry.parent].children.append(entry.iri)
            self.regions[entry.region_name.removesuffix("市")] = entry.region
        for entry in self.units.values():
            entry.children.sort(key=lambda iri: (self.units[iri].code or "", self.units[iri].name))
        for row in self.select("""
            SELECT ?d ?title ?file ?unit ?year ?phase WHERE {
              ?d a bk:Document ; dcterms:title ?title ; bk:sourceFile ?file ; bk:unit ?unit ;
                 bk:fiscalYear ?year ; bk:phase ?phase }""").values():
            self.documents[row["d"]] = DocumentEntry(row["d"], row["title"], row["file"], row["unit"], int(row["year"]),
                                                     row["phase"].rsplit("-", 1)[-1])
            if row["unit"] in self.units:
                self.units[row["unit"]].own_documents.append(row["d"])
        for row in self.select("""
            SELECT ?t ?n ?title WHERE { ?t a bk:Table ; bk:tableNumber ?n ; dcterms:title ?title }""").values():
            self.tables[row["t"]] = (int(row["n"]), row["title"])
        for row in self.select(f"""
            SELECT ?c ?code ?scheme ?pref ?alt ?broader WHERE {{
              ?c skos:notation ?code ; skos:inScheme ?scheme .
              FILTER(?scheme IN (bkid:scheme-func, bkid:scheme-econ))
              OPTIONAL {{ GRAPH <{t.DERIVED_GRAPH}> {{ ?c skos:prefLabel ?pref }} }}
              OPTIONAL {{ ?c skos:altLabel ?alt }}
              OPTIONAL {{ ?c skos:broader ?broader }}
            }}""").values():
            entry = self.subjects.get(row["c"])
            if entry is None:
                scheme = "func" if row["scheme"].endswith("func") else "econ"
                entry = self.subjects[row["c"]] = SubjectEntry(row["c"], row["code"], scheme, row["pref"] or row["alt"] or row["code"], set(), row["broader"])
            if row["alt"]:
                entry.labels.add(row["alt"])
            if row["pref"]:
                entry.label = row["pref"]
        for row in self.select("""
            SELECT ?p ?name ?unit ?year WHERE { ?p a bk:Project ; skos:prefLabel ?name ; bk:unit ?unit ; bk:fiscalYear ?year }""").values():
            self.projects.setdefault(row["p"], ProjectEntry(row["p"], row["name"], row["unit"], int(row["year"])))
        for row in self.select("""
            SELECT ?name ?definition ?doc ?line WHERE {
              ?term a bk:Term ; skos:prefLabel ?name ; skos:definition ?definition ; bk:line ?line ; prov:wasDerivedFrom ?doc }
            ORDER BY ?doc ?line""").values():
            self.terms[t.normalize(row["name"])].append(TermEntry(row["name"], row["definition"], row["doc"], int(row["line"])))

    # ------------------------------------------------------------ names for the gazetteer
    def unit_names(self) -> dict[str, set[str]]:
        """Canonical name or alias → unit IRIs."""
        names: dict[str, set[str]] = defaultdict(set)
        for entry in self.units.values():
            region = entry.region_name.removesuffix("市")
            forms = aliases(entry.name) | {canonical(entry.name)}
            parent = self.units.get(entry.parent) if entry.parent else None
            if parent is not None and parent.name == entry.name:
                # a department's own office (机关本级) shares its name: "…本级" means the office
                forms = {f + suffix for f in forms for suffix in ("本级", "机关本级")}
            for form in forms:
                names[form].add(entry.iri)
                if region and not form.startswith(region) and region_prefix(form) is None and len(form) >= 4:
                    names[region + form].add(entry.iri)
        return names

    def unit_label(self, iri: str) -> str:
        entry = self.units[iri]
        siblings = [u for u in self.units.values() if u.name == entry.name and u.iri != iri]
        if siblings and entry.parent and any(s.iri == entry.parent for s in siblings):
            return f"{entry.name}（本级）"
        return entry.name
