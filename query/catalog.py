"""What the question layer knows by name, loaded from the graph once at start-up."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from budgetkg import cache
from budgetkg.ontology import terms as t
from budgetkg.ontology.names import OWN_LEVEL, aliases, canonical, region_prefix
from budgetkg.ontology.regions import region_chain, region_spellings
from budgetkg.query.templates import iri as sparql_iri
from budgetkg.stores import Store


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
    projects: list[str] = field(default_factory=list)


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
class DocumentEntry:
    iri: str
    title: str
    file: str
    unit: str
    year: int
    phase: str
    kind: str = ""  # 部门 or 单位


class Catalog:
    """Units, documents, code lists, projects and glossary names.

    A unit, concept or project is repeated in every document that mentions it, and Oxigraph's
    union default graph keeps each copy, so joining n properties of one resource across k copies
    yields k^n rows.  Each query here therefore matches within one graph (GRAPH ?g) and keeps
    DISTINCT rows; the code lists come from the derived graph, where they are written once.

    Even so, reading them takes seconds at 10,000 documents, so what is read is also cached
    (budgetkg.cache), keyed by the store's `bk:generation` and by this module's code.
    """

    CACHED = ("units", "subjects", "projects", "terms", "documents", "regions")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.units: dict[str, UnitEntry] = {}
        self.subjects: dict[str, SubjectEntry] = {}
        self.projects: dict[str, ProjectEntry] = {}
        self.terms: dict[str, str] = {}  # normalised glossary term → its label
        self.documents: dict[str, DocumentEntry] = {}
        self.regions: dict[str, str] = {}  # region name (without 市) → region IRI with documents
        self._table_titles: dict[str, str] = {}
        self._unit_names: dict[str, set[str]] | None = None
        self._projects_by_name: dict[tuple[str, int | None], list[str]] | None = None
        self.generation = self._generation()  # the store's bk:generation (None: written before generations)
        key = self._cache_key()
        state = cache.read("catalog", key) if key else None
        if state is None:
            self.load()
            if key:
                cache.write("catalog", key, {name: getattr(self, name) for name in self.CACHED})
        else:
            for name in self.CACHED:
                setattr(self, name, state[name])

    def select(self, body: str):
        return self.store.select(t.SPARQL_PREFIXES + body)

    def load(self) -> None:
        region_names = {row["r"]: row["name"] for row in self.select("""
            SELECT DISTINCT ?r ?name WHERE { GRAPH ?g { ?r a bk:Region ; skos:prefLabel ?name } }""").values()}
        region_codes = {row["r"]: row["code"] for row in self.select("""
            SELECT DISTINCT ?r ?code WHERE { GRAPH ?g { ?r a bk:Region ; bk:adminCode ?code } }""").values()}
        for row in self.select("""
            SELECT DISTINCT ?u ?name ?code ?region ?parent WHERE { GRAPH ?g {
              ?u a org:Organization ; skos:prefLabel ?name ; bk:region ?region .
              OPTIONAL { ?u bk:code ?code } OPTIONAL { ?u org:subOrganizationOf ?parent } } }
            ORDER BY ?u ?name""").values():
            entry = self.units.get(row["u"])
            if entry is None:
                entry = self.units[row["u"]] = UnitEntry(row["u"], row["name"], row["code"], row["region"],
                                                         region_names.get(row["region"], ""))
            if row["parent"] and row["parent"] != row["u"]:
                entry.parent = row["parent"]
        for entry in self.units.values():
            if entry.parent in self.units:
                self.units[entry.parent].children.append(entry.iri)
            # a region is known by its own spellings and its ancestors' (上海市普陀区: 普陀区, 上海)
            code = region_codes.get(entry.region)
            for region in region_chain(code) if code else []:
                for spelled in region_spellings(region):
                    self.regions.setdefault(spelled, entry.region if region.code == code else t.region_iri(region.code))
            self.regions[entry.region_name.removesuffix("市")] = entry.region
        for entry in self.units.values():
            entry.children.sort(key=lambda iri: (self.units[iri].code or "", self.units[iri].name))
        for row in self.select("""
            SELECT ?d ?title ?file ?unit ?year ?phase ?kind WHERE { GRAPH ?d {
              ?d a bk:Document ; dcterms:title ?title ; bk:sourceFile ?file ; bk:unit ?unit ;
                 bk:fiscalYear ?year ; bk:phase ?phase ; bk:documentKind ?kind } }""").values():
            self.documents[row["d"]] = DocumentEntry(row["d"], row["title"], row["file"], row["unit"], int(row["year"]),
                                                     row["phase"].rsplit("-", 1)[-1], row["kind"][:2])
            if row["unit"] in self.units:
                self.units[row["unit"]].own_documents.append(row["d"])
        for row in self.select(f"""
            SELECT ?c ?code ?scheme ?pref ?alt ?broader WHERE {{ GRAPH <{t.DERIVED_GRAPH}> {{
              ?c skos:notation ?code ; skos:inScheme ?scheme .
              OPTIONAL {{ ?c skos:prefLabel ?pref }} OPTIONAL {{ ?c skos:altLabel ?alt }} OPTIONAL {{ ?c skos:broader ?broader }} }} }}
            ORDER BY ?c""").values():
            entry = self.subjects.get(row["c"])
            if entry is None:
                scheme = "func" if row["scheme"].endswith("func") else "econ"
                entry = self.subjects[row["c"]] = SubjectEntry(row["c"], row["code"], scheme, row["pref"] or row["alt"] or row["code"], set(), row["broader"])
            if row["alt"]:
                entry.labels.add(row["alt"])
        for row in self.select("""
            SELECT DISTINCT ?p ?name ?unit ?year WHERE { GRAPH ?g { ?p a bk:Project ; skos:prefLabel ?name ; bk:unit ?unit ; bk:fiscalYear ?year } }
            ORDER BY ?p""").values():
            if row["p"] not in self.projects:
                self.projects[row["p"]] = ProjectEntry(row["p"], row["name"], row["unit"], int(row["year"]))
                if row["unit"] in self.units:
                    self.units[row["unit"]].projects.append(row["p"])
        for row in self.select("""
            SELECT DISTINCT ?name WHERE { GRAPH ?g { ?term a bk:Term ; skos:prefLabel ?name } } ORDER BY ?name""").values():
            self.terms.setdefault(t.normalize(row["name"]), row["name"])

    # ------------------------------------------------------------ cache
    def _generation(self) -> str | None:
        rows = self.store.select(f"SELECT ?v WHERE {{ GRAPH <{t.DERIVED_GRAPH}> {{ <{t.DERIVED_GRAPH}> <{t.BK.generation}> ?v }} }}").rows
        return rows[0][0].value if rows else None

    def _cache_key(self) -> str | None:
        if self.generation is None:
            return None  # written before generations were recorded: read from the graph every time
        return cache.digest(self.generation)

    # ------------------------------------------------------------ tables, read when first cited
    def table(self, iri: str | None) -> tuple[int, str]:
        """(number, title) of a table; (0, "正文") for the text.  Titles are read on first use:
        a large store has tens of thousands of tables and an answer cites a few."""
        number = t.table_number(iri) if iri else 0
        if not number:
            return 0, "正文"
        if iri not in self._table_titles:
            rows = self.select(f"SELECT ?title WHERE {{ GRAPH ?g {{ {sparql_iri(iri)} dcterms:title ?title }} }} LIMIT 1").rows
            self._table_titles[iri] = rows[0][0].value if rows else ""
        return number, self._table_titles[iri]

    # ------------------------------------------------------------ names for the gazetteer
    def unit_names(self) -> dict[str, set[str]]:
        """Canonical name or alias → unit IRIs."""
        if self._unit_names is None:
            self._unit_names = self._read_unit_names()
        return self._unit_names

    def _read_unit_names(self) -> dict[str, set[str]]:
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

    def lineage(self, unit: str) -> list[str]:
        """The unit and its departments upwards (the units the catalog holds)."""
        found: list[str] = []
        while unit in self.units and unit not in found:
            found.append(unit)
            unit = self.units[unit].parent or ""
        return found

    def documents_about(self, unit: str) -> list[DocumentEntry]:
        """The unit's own documents and those of its departments (which list their units' rows)."""
        return [self.documents[d] for x in self.lineage(unit) for d in self.units[x].own_documents]

    def phase_held(self, unit: str, year: int | None) -> str | None:
        """The phase of the documents about the unit of that year (else of its latest year), when they
        are all of one: a year only a 决算 describes is asked about in its 决算."""
        documents = self.documents_about(unit)
        year = year or max((d.year for d in documents), default=None)
        phases = {d.phase for d in documents if d.year == year}
        return phases.pop() if len(phases) == 1 else None

    # ------------------------------------------------------------ subjects
    def subjects_held(self, units: list[str], subjects: list[str]) -> list[str]:
        """Of the subjects a name may mean (行政运行 is a 项 of six 类), those the units have figures of,
        functional before economic: one name, one subject, where the documents allow."""
        ordered = sorted(subjects, key=lambda s: (self.subjects[s].scheme != "func", self.subjects[s].code))
        if len(ordered) < 2 or not units:
            return ordered
        pairs = " ".join(f"({sparql_iri(t.slice_iri(f'{unit}/{entry.scheme}/{entry.code}', phase, measure))} {sparql_iri(entry.iri)})"
                         for unit in units for entry in (self.subjects[s] for s in ordered)
                         for phase in ("budget", "final") for measure in ("expenditure", "income"))
        held = {row["s"] for row in self.select(
            f"SELECT DISTINCT ?s WHERE {{ VALUES (?slice ?s) {{ {pairs} }} GRAPH ?g {{ ?slice a qb:Slice }} }}").values()}
        return [s for s in ordered if s in held]

    # ------------------------------------------------------------ projects
    def projects_of(self, units: list[str]) -> list[str]:
        return [p for unit in units for p in self.units[unit].projects]

    def named_projects(self, projects: list[str], units: list[str]) -> list[str]:
        """Of the projects a question names, those of the units it names, when it names both."""
        return [p for p in projects if self.projects[p].unit in units] or projects

    def namesakes(self, project: str) -> list[str]:
        """The project and those of the same name and year of its unit's department or units: a department's
        document may list a unit's project under the department (its goal) and the unit (its amount)."""
        entry = self.projects[project]
        unit = self.units.get(entry.unit)
        related = {entry.unit} | ({unit.parent} if unit and unit.parent else set()) | set(unit.children if unit else ())
        if self._projects_by_name is None:  # built on first use: 21,000 projects at 10,000 documents
            by_name: dict[tuple[str, int | None], list[str]] = {}
            for p in self.projects.values():
                by_name.setdefault((t.normalize(p.name), p.year), []).append(p.iri)
            self._projects_by_name = by_name
        same = self._projects_by_name.get((t.normalize(entry.name), entry.year), [])
        return [project] + [p for p in same if p != project and self.projects[p].unit in related]

    def of_one_year(self, projects: list[str], year: int | None) -> list[str]:
        """Of each unit's projects, those of the year given, or of the unit's latest year among them
        (a unit has a project of the same name every year)."""
        by_unit: dict[str, list[ProjectEntry]] = {}
        for iri in projects:
            entry = self.projects[iri]
            by_unit.setdefault(entry.unit, []).append(entry)
        found = []
        for mine in by_unit.values():
            latest = year or max(p.year for p in mine)
            found += [p.iri for p in mine if p.year == latest]
        return found

    # ------------------------------------------------------------ names people write
    def short_name(self, iri: str) -> str:
        """The shortest name that means this unit alone ("柳州热线中心"), else its full name."""
        names = self.unit_names()
        forms = [f for f in aliases(self.units[iri].name) if len(f) >= 4 and names.get(f) == {iri}]
        # a name with its place in it reads right to someone who holds documents of several places
        return min(forms, key=lambda f: (region_prefix(f) is None, len(f), f)) if forms else self.unit_label(iri)

    def examples(self, count: int = 2) -> list[str]:
        """Units of this store to show how a unit may be named: departments first."""
        departments = [i for i, e in self.units.items() if e.parent is None]
        chosen = (departments + [i for i in self.units if i not in departments])[:count]
        return [self.short_name(i) for i in chosen]

    def similar_units(self, name: str, limit: int = 3, cutoff: float = 60) -> list[str]:
        """The units whose names or aliases are nearest a name the store does not hold (rapidfuzz
        ratio, also with the region left out of both, so 长宁区司法局 finds 普陀区司法局)."""
        wanted = canonical(name)
        body = _without_region(wanted)
        best: dict[str, float] = {}
        for form, iris in self.unit_names().items():
            score = max(fuzz.ratio(wanted, form), fuzz.ratio(body, _without_region(form)))
            for iri in iris:
                if score >= cutoff and score > best.get(iri, 0):
                    best[iri] = score
        kept = [i for i in best if not self.own_office(i)]  # the department is the suggestion
        return sorted(kept, key=lambda i: (-best[i], self.units[i].name))[:limit]

    def own_office(self, iri: str) -> bool:
        """A department's own office (机关本级, 本部): named like the department, or so by its name's end
        (“上海市普陀区生态环境局（本级）”, “商务委本部”)."""
        entry = self.units[iri]
        parent = self.units.get(entry.parent) if entry.parent else None
        return parent is not None and (parent.name == entry.name or OWN_LEVEL.search(t.normalize(entry.name)) is not None)

    def office_of(self, department: str) -> str | None:
        """The department's own office (机关本级), if the store holds it as a unit of its own."""
        return next((child for child in self.units[department].children if self.own_office(child)), None)

    def unit_label(self, iri: str) -> str:
        """The unit's name; a department's own office, named like the department, is "…（本级）"."""
        entry = self.units[iri]
        parent = self.units.get(entry.parent) if entry.parent else None
        return f"{entry.name}（本级）" if parent is not None and parent.name == entry.name else entry.name


def _without_region(name: str) -> str:
    region = region_prefix(name)
    return name[len(region):] if region else name
