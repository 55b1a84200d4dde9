"""Namespaces, IRIs and the code lists of vocab.ttl as lookup tables.

vocab.ttl is the one source of truth: the lexicon below is built from its skos:altLabels, so
ingest (reading table titles, headers and row labels) and ask (reading questions) recognise
exactly the same wordings.
"""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote

import rdflib
from rdflib.namespace import SKOS

HERE = Path(__file__).parent
BK = rdflib.Namespace("https://w3id.org/budgetkg/def#")
ID = rdflib.Namespace("https://w3id.org/budgetkg/id/")
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SDMX_ATTR = rdflib.Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")

PREFIXES = {
    "bk": str(BK),
    "bkid": str(ID),
    "qb": str(QB),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

# The code-list dimensions of an observation, by the scheme that lists their values.
DIMENSION_SCHEMES = {
    "phase": BK.PhaseScheme,
    "measure": BK.MeasureScheme,
    "fund": BK.FundScheme,
    "exptype": BK.ExpenditureTypeScheme,
    "detail": BK.DetailScheme,
}
DIMENSION_PROPERTIES = {
    "phase": BK.phase,
    "measure": BK.measure,
    "fund": BK.fundSource,
    "exptype": BK.expenditureType,
    "detail": BK.detail,
}

_SPACES = re.compile(r"[\s\u3000]+")
_QUOTES = str.maketrans("", "", "“”\"'‘’*")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Compare form of a label: NFKC (full-width to half-width), no spaces, no quotes."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)


@dataclass(frozen=True)
class Code:
    """One value of a code list: its dimension, IRI, short notation and Chinese label."""

    dimension: str
    iri: str
    notation: str
    label: str


GENERAL_MEASURES = {"income", "expenditure"}


def merge(base: dict[str, Code], extra: dict[str, Code]) -> dict[str, Code]:
    """Refine dimensions; a specific measure (三公, 采购 …) is not undone by a plain 收入/支出."""
    result = dict(base)
    for dimension, value in extra.items():
        current = result.get(dimension)
        if dimension == "measure" and current and value.notation in GENERAL_MEASURES and current.notation not in GENERAL_MEASURES:
            continue
        result[dimension] = value
    return result


class Lexicon:
    """Longest-match recognition of code-list wordings inside a piece of text."""

    def __init__(self, entries: dict[str, Code]) -> None:
        self.entries = entries
        alternatives = sorted(entries, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(a) for a in alternatives))

    def find(self, text: str) -> list[tuple[int, int, Code]]:
        """(start, end, code) of every non-overlapping match in normalize(text), longest first."""
        return [(m.start(), m.end(), self.entries[m.group()]) for m in self._pattern.finditer(normalize(text))]

    def dimensions(self, text: str) -> dict[str, Code]:
        """The codes that text names, one per dimension; a later mention refines an earlier one."""
        found: dict[str, Code] = {}
        for _, _, code in self.find(text):
            found[code.dimension] = code
        return found


@cache
def vocabulary() -> rdflib.Graph:
    return rdflib.Graph().parse(HERE / "vocab.ttl", format="turtle")


@cache
def codes() -> dict[str, Code]:
    """Every code-list value by IRI."""
    graph = vocabulary()
    result: dict[str, Code] = {}
    for dimension, scheme in DIMENSION_SCHEMES.items():
        for concept in graph.subjects(SKOS.inScheme, scheme):
            result[str(concept)] = Code(
                dimension,
                str(concept),
                str(graph.value(concept, SKOS.notation)),
                str(graph.value(concept, SKOS.prefLabel)),
            )
    return result


@cache
def code(dimension: str, notation: str) -> Code:
    for item in codes().values():
        if item.dimension == dimension and item.notation == notation:
            return item
    raise KeyError(f"{dimension}:{notation}")


@cache
def lexicon() -> Lexicon:
    graph = vocabulary()
    entries: dict[str, Code] = {}
    for iri, item in codes().items():
        for label in [item.label, *graph.objects(rdflib.URIRef(iri), SKOS.altLabel)]:
            entries[normalize(str(label))] = item
    return Lexicon(entries)


@dataclass(frozen=True)
class Aspect:
    """What a bk:Statement states (车辆数, 绩效自评得分 …): vocab.ttl's AspectScheme."""

    iri: str
    notation: str
    label: str
    measure_unit: str


@cache
def aspects() -> dict[str, Aspect]:
    """The aspects by notation."""
    graph = vocabulary()
    found = {}
    for concept in graph.subjects(SKOS.inScheme, BK.AspectScheme):
        notation = str(graph.value(concept, SKOS.notation))
        found[notation] = Aspect(str(concept), notation, str(graph.value(concept, SKOS.prefLabel)),
                                 str(graph.value(concept, BK.measureUnit)))
    return found


@cache
def broader_codes() -> dict[str, str]:
    """Code IRI → its skos:broader code IRI (三公 parts → 三公, 一般公共预算 → 财政拨款, …)."""
    graph = vocabulary()
    return {str(s): str(o) for s, o in graph.subject_objects(SKOS.broader)}


@cache
def _labels_by_code() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for label, item in lexicon().entries.items():
        found.setdefault(item.iri, []).append(label)
    return found


def narrower(parent: Code, heading: str) -> Code | None:
    """The code under `parent` that a sub-heading names by the end of one of its wordings:
    '购置费' under 公务用车购置及运行费 is 公务用车购置费, '运行费' is 公务用车运行维护费."""
    heading = normalize(heading)
    if len(heading) < 2:
        return None
    broader = broader_codes()
    for item in codes().values():
        if broader.get(item.iri) == parent.iri and any(label.endswith(heading) for label in _labels_by_code()[item.iri]):
            return item
    return None


@dataclass(frozen=True)
class MoneyUnit:
    notation: str  # 元, 万元 …
    iri: str
    wanyuan: Decimal  # what one is in 万元


@cache
def money_units() -> dict[str, MoneyUnit]:
    """The units of money of vocab.ttl's MoneyUnitScheme, by notation and by IRI."""
    graph = vocabulary()
    found: dict[str, MoneyUnit] = {}
    for concept in graph.subjects(SKOS.inScheme, BK.MoneyUnitScheme):
        unit = MoneyUnit(str(graph.value(concept, SKOS.notation)), str(concept), Decimal(str(graph.value(concept, BK.wanyuan))))
        found[unit.notation] = found[unit.iri] = unit
    return found


@cache
def functional_classes() -> dict[str, str]:
    """Normalised 类 name → code, to place summary-table rows that give a name only."""
    with open(HERE / "func_classes.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {normalize(row["name"]): row["code"] for row in rows}


@cache
def regions() -> dict[str, str]:
    """Region name → GB/T 2260 code (provinces and prefecture-level cities)."""
    with open(HERE / "regions.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["name"]: row["code"] for row in rows}


# ---------------------------------------------------------------- instance IRIs
@lru_cache(maxsize=1 << 14)
def _segment(text: str) -> str:
    return quote(text, safe="")


ID_BASE = str(ID)


def region_iri(region_code: str) -> str:
    return f"{ID_BASE}region/{region_code}"


def unit_iri(region_code: str, code: str | None, name: str) -> str:
    """`unit/<region>/<code>`; a unit that prints no code gets `unit/<region>/name-<digest>`, a digest
    of its normalised name: short, readable in a URL and the same in every document that names the
    unit alike (the name itself is the unit's skos:prefLabel)."""
    if code:
        return f"{ID_BASE}unit/{region_code}/{code}"
    return f"{ID_BASE}unit/{region_code}/name-{hashlib.sha256(normalize(name).encode('utf-8')).hexdigest()[:12]}"


def document_iri(sha256: str) -> str:
    return f"{ID_BASE}doc/{sha256[:16]}"


def table_iri(doc: str, number: int) -> str:
    return f"{doc}/table/{number}"


def table_number(iri: str) -> int:
    """The number in a `table_iri`; 0 (the text) for anything else."""
    head, _, number = iri.rpartition("/table/")
    return int(number) if head and number.isdigit() else 0


def subject_iri(scheme: str, code: str) -> str:
    return f"{ID_BASE}{scheme}/{code}"


def project_iri(unit: str, year: int, name: str) -> str:
    return f"{unit}/project/{year}/{_segment(name)}"


def observation_iri(unit_key: str, year: int, phase: str, doc_sha: str, table: int, line: int, column: int) -> str:
    return f"{ID_BASE}obs/{_segment(unit_key)}/{year}/{phase}/{doc_sha[:8]}-t{table}-l{line}-c{column}"


def slice_iri(base: str, phase: str, measure: str) -> str:
    """The qb:Slice of the figures of one phase and measure of a unit (base = its IRI), of one of
    its subjects (base = unit IRI + /func/CODE or /econ/CODE) or of a project (base = project IRI)."""
    return f"{base}/slice/{phase}/{measure}"


def term_iri(name: str) -> str:
    return f"{ID_BASE}term/{_segment(normalize(name))}"


SCHEME_FUNC = ID["scheme-func"]
SCHEME_ECON = ID["scheme-econ"]
GLOSSARY_SCHEME = BK.GlossaryScheme
DERIVED_GRAPH = ID["graph/derived"]
VOCAB_GRAPH = ID["graph/vocabulary"]
