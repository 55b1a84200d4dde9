"""Several units asked about together: named one by one (“柳州、长沙、池州三家热线中心”), or a
department's units chosen by words (“柳州市政府办4个驻外办事机构”, “除机关本级以外的其他单位”,
“各单位”).

A department's units are those its own document lists (org:subOrganizationOf within that graph),
so a department whose documents of two years list different units is read in the year asked.  Which
of them are stationed elsewhere (驻外, 派出) is read from the graph too: a name that says where the unit
is stationed (…驻北京联络处), or the text describing it (…派出行政办事机构).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetkg.ontology.names import aliases
from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query.catalog import Catalog, DocumentEntry
from budgetkg.query.templates import values
from budgetkg.query.understand import MEMBER_WORDS, Understanding
from budgetkg.stores import Store

STATIONED_NAME = re.compile(r"驻[\u4e00-\u9fff（）()]{2,}")  # 驻北京联络处, 驻广州（深圳）办事处
STATIONED_TEXT = re.compile(r"派出|派驻")
STATIONED_WORDS = MEMBER_WORDS["stationed"]
CHOSEN = {"stationed": "驻外（派出）机构", "except": "本级以外的单位", "others": "本级以外的单位", "every": "各单位"}


@dataclass
class Group:
    """The units asked about, and how they were chosen."""

    units: list[str]
    department: str | None = None  # whose units they are, when chosen from a department's
    chosen: str = ""  # how, in words (CHOSEN), or "" when named one by one
    stated: int | None = None  # how many the question says
    documents: list[str] = field(default_factory=list)  # the documents whose lists of units were read
    left_out: list[str] = field(default_factory=list)  # the department's units the words did not choose
    region: str | None = None  # where they were chosen from, when no department is named

    def called(self, label) -> str:
        """The units as the answer calls them: “柳州市人民政府办公室驻外（派出）机构”, “普陀区的街道”, “这3个单位”."""
        if self.chosen and self.department:
            plain = self.chosen in CHOSEN.values() or self.chosen.startswith("除")  # else a kind: “…的中心”
            return f"{label(self.department)}{'' if plain else '的'}{self.chosen}"
        if self.chosen and self.region:
            return f"{self.region}的{self.chosen}"
        if self.chosen == CHOSEN["every"]:
            return "图谱中的各单位"
        return self.chosen or f"这{len(self.units)}个单位"

    def count_note(self, label) -> str:
        """What to say when the question counts the units differently from the graph."""
        if self.stated is None or self.stated == len(self.units):
            return ""
        return f"问题说{self.stated}个，图谱中找到{len(self.units)}个：{'、'.join(label(x) for x in self.units)}。"


def members_query(departments: list[str]) -> str:
    """The units each document lists under the departments, with what the text says they are."""
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?doc ?department ?unit ?functions WHERE {{
  {values("department", departments)}
  GRAPH ?doc {{ ?unit org:subOrganizationOf ?department . OPTIONAL {{ ?unit bk:functions ?functions }} }}
}}"""


def functions_query(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"""SELECT DISTINCT ?unit ?functions WHERE {{
  {values("unit", units)}
  GRAPH ?doc {{ ?unit bk:functions ?functions }}
}}"""


def chosen_document(documents: list[DocumentEntry], year: int | None, phase: str | None) -> DocumentEntry | None:
    """Of a department's documents that list its units, the one of the year (and phase) asked, else
    the latest, a budget before a 决算 of the same year."""
    if year is not None:
        documents = [d for d in documents if d.year == year] or documents
    if phase is not None:
        documents = [d for d in documents if d.phase == phase] or documents
    return max(documents, key=lambda d: (d.year, d.phase == "budget"), default=None)


def members(store: Store, catalog: Catalog, department: str, year: int | None = None, phase: str | None = None,
            sparql: list[str] | None = None, listed_only: bool = False) -> tuple[list[str], list[str]]:
    """The units a department's own document lists (of the year and phase asked, else the latest), and that
    document; with them, unless `listed_only`, the units whose own documents of that year name the department
    but none of its documents lists (a 单位预算 whose department's 部门预算 the store does not hold).  In the
    catalog's order.  The units any document lists when none of the department's own does."""
    query = members_query([department])
    if sparql is not None:
        sparql.append(query)
    rows = store.select(query).values()
    by_document: dict[str, set[str]] = {}
    for row in rows:
        by_document.setdefault(row["doc"], set()).add(row["unit"])
    own = [catalog.documents[d] for d in by_document if d in catalog.documents and catalog.documents[d].unit == department]
    document = chosen_document(own, year, phase)
    children = catalog.units[department].children if department in catalog.units else []
    if document is None:
        return list(children), []
    listed = set(by_document[document.iri])
    if not listed_only:
        anywhere = {x for d in own for x in by_document[d.iri]}
        listed |= {x for x in children if x not in anywhere
                   and any(catalog.documents[d].year == document.year for d in catalog.units[x].own_documents)}
    order = {iri: index for index, iri in enumerate(children)}
    return sorted((x for x in listed if x in catalog.units), key=lambda x: order.get(x, len(order))), [document.iri]


def stationed(store: Store, catalog: Catalog, units: list[str], sparql: list[str] | None = None) -> list[str]:
    """A department's units stationed away from their government (驻外, 派出): by name, else by the text
    describing them.  A department (or its own office) is none: a 街道办事处 is its district's 派出机关, not a
    unit of one."""
    units = [x for x in units if catalog.units[x].parent and not catalog.own_office(x)]
    by_name = [x for x in units if STATIONED_NAME.search(catalog.units[x].name)]
    rest = [x for x in units if x not in by_name]
    described: set[str] = set()
    if rest:
        query = functions_query(rest)
        if sparql is not None:
            sparql.append(query)
        described = {r["unit"] for r in store.select(query).values() if STATIONED_TEXT.search(r["functions"] or "")}
    return [x for x in units if x in by_name or x in described]


def of_kind(catalog: Catalog, units: list[str], head: str) -> list[str]:
    """The units whose name, or a shortening of it, ends with `head` (“街道”, “中心”); not own offices."""
    return [x for x in units if not catalog.own_office(x) and any(form.endswith(head) for form in aliases(catalog.units[x].name))]


def group_of(store: Store, catalog: Catalog, u: Understanding, sparql: list[str] | None = None) -> Group | None:
    """The units a question asks about together, or None when it asks about one (or names none and
    chooses none by words)."""
    if u.members:
        pool, documents = [], []
        # "除热线中心以外", "本级以外": the units named are left out of their department's
        excluded = [x for x in u.units if u.members == "except" and not catalog.units[x].children and catalog.units[x].parent]
        departments = list(dict.fromkeys([x for x in u.units if catalog.units[x].children]
                                         + [catalog.units[x].parent for x in excluded]))
        for department in departments:
            found, read = members(store, catalog, department, u.year, u.phases[0] if u.phase_stated else None, sparql)
            pool += [x for x in found if x not in pool]
            documents += read
        if not u.units and u.members in ("stationed", "kind", "every"):
            # "柳州市政府四个驻外办事处", "普陀区各街道", "苏州各单位": the units of the region named (or of any region)
            pool = [x for x, entry in catalog.units.items() if not u.regions or any(r in entry.region_name for r in u.regions)]
        if pool:
            if u.members == "stationed":
                chosen = stationed(store, catalog, pool, sparql)
            elif u.members == "kind":
                chosen = of_kind(catalog, pool, u.member_head or "")
            elif u.members == "except" and excluded:
                chosen = [x for x in pool if x not in excluded]
            elif u.members == "except" and STATIONED_WORDS.search(u.member_words):  # "除驻外机构以外"
                away = stationed(store, catalog, pool, sparql)
                chosen = [x for x in pool if x not in away]
            elif u.members in ("except", "others"):  # "除机关本级以外", "下属单位": all but the own office
                chosen = [x for x in pool if not catalog.own_office(x)]
            else:
                chosen = pool
            if departments:
                department = departments[0] if len(departments) == 1 else None
            else:  # the units stationed elsewhere are one department's when they share their parent
                parents = {catalog.units[x].parent for x in chosen}
                department = parents.pop() if len(parents) == 1 and u.members == "stationed" else None
            words = CHOSEN.get(u.members, u.member_head or "")
            if excluded and not all(catalog.own_office(x) for x in excluded):
                words = f"除{'、'.join(catalog.unit_label(x) for x in excluded)}以外的单位"
            elif u.members == "except" and STATIONED_WORDS.search(u.member_words):
                words = "驻外（派出）机构以外的单位"
            return Group(chosen, department, words, u.stated_count, documents,
                         [x for x in pool if x not in chosen] if departments else [],
                         u.regions[0] if u.regions and not departments else None)
    if len(u.units) > 1:
        return Group(list(u.units), None, "", u.stated_count)
    return None
