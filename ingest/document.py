"""Who and what a document is about: its unit, year, phase, kind and region, and its units."""
from __future__ import annotations

import re
from collections import Counter

from budgetkg.ingest.model import ParsedDocument, Unit
from budgetkg.ingest.reader import DocumentError, Source
from budgetkg.ontology.terms import normalize, regions

_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\d])[ \u3000]+(?=[\u4e00-\u9fff\d])")
_TITLE = re.compile(
    r"(?P<code>\d{3,9})?(?P<name>[^\d\s：:，。、#*\-][^\s：:，。、#*]*?)"
    r"(?P<year>20\d{2})年度?(?P<kind>部门|单位)(?P<phase>预算|决算)"
)
_NAME_LINE = re.compile(r"(?:单位|部门)名称[:：]\s*(?P<name>[^\s\t]+)")
_CODE_NAME = re.compile(r"^(?P<code>\d{3,9})(?P<name>\D.*)$")
_PROVINCE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区)")


def squeeze(text: str) -> str:
    """Drop the spaces PDF and Word exports put between Chinese words and numbers."""
    return _CJK_SPACE.sub("", text)


def split_code(text: str) -> tuple[str | None, str]:
    """'103007柳州市…' → ('103007', '柳州市…'); '[501]池州市…' and '103-柳州市…' too."""
    text = text.strip()
    match = re.match(r"^[\[［【(（]?(?P<code>\d{3,9})[\]］】)）\-－]?\s*(?P<name>\D.*)$", text)
    if match:
        return match["code"], match["name"].strip()
    return None, text


def region_of(name: str) -> tuple[str, str] | None:
    """The prefecture-level city (or province) a unit name starts with."""
    text = _PROVINCE_PREFIX.sub("", name) if not name.startswith(tuple(regions())) else name
    best = None
    for region, code in regions().items():
        for form in (region, region.rstrip("市")) if region.endswith("市") and len(region) > 2 else (region,):
            if text.startswith(form) and (best is None or len(form) > len(best[0])):
                best = (form, code, region)
    return (best[2], best[1]) if best else None


def identify(source: Source, layout: str) -> ParsedDocument:
    lines = source.lines
    head = squeeze("".join(line.strip() for line in lines[:60] if line.strip()))
    match = None
    for candidate in _TITLE.finditer(head):
        if not re.search(r"部分|目录|目\s*录", candidate["name"]):
            match = candidate
            break
    if match is None:
        match = next((m for m in _TITLE.finditer(squeeze("".join(l.strip() for l in lines))) if "部分" not in m["name"]), None)
    if match is None:
        raise DocumentError(f"{source.path}: no title such as 'XX单位2024年部门预算' found; not a budget disclosure")

    named = Counter(squeeze(m["name"]) for line in lines for m in _NAME_LINE.finditer(line))
    code, name = split_code(named.most_common(1)[0][0]) if named else (None, "")
    title_name = re.sub(r"^第[一二三四五六七八九十]+部分", "", match["name"])
    if not name:
        name = title_name
    code = code or match["code"]
    region = region_of(name) or region_of(title_name)
    if region is None:
        raise DocumentError(f"{source.path}: cannot tell the region of '{name}' (no city or province name)")
    unit = Unit(name=name, code=code)
    title = squeeze(f"{match['code'] or ''}{title_name}{match['year']}年{match['kind']}{match['phase']}")
    document = ParsedDocument(
        source_name=source.name,
        sha256=source.sha256,
        layout=layout,
        title=title,
        unit=unit,
        year=int(match["year"]),
        phase="budget" if match["phase"] == "预算" else "final",
        kind=match["kind"],
        region_name=region[0],
        region_code=region[1],
    )
    document.units[unit.key] = unit
    return document


class Units:
    """The units a document names, matched by code first and by name otherwise."""

    def __init__(self, document: ParsedDocument) -> None:
        self.document = document

    def same_name(self, a: str, b: str) -> bool:
        a, b = normalize(a), normalize(b)
        return a == b or a.endswith(b) or b.endswith(a)

    def get(self, code: str | None, name: str, line: int | None = None) -> Unit:
        doc = self.document
        units = doc.units
        name = squeeze(name.strip()) or (code or "")
        if code and code in units:
            return units[code]
        if code:
            for key, unit in list(units.items()):
                if unit.code is None and unit is not doc.unit and normalize(unit.name) == normalize(name):
                    del units[key]
                    unit.code = code
                    units[code] = unit
                    return unit
        if code and doc.unit.code is None and self.same_name(name, doc.unit.name):
            units.pop(doc.unit.key, None)
            doc.unit.code = code
            units[code] = doc.unit
            return doc.unit
        if not code:
            for unit in units.values():
                if self.same_name(unit.name, name) and (unit is doc.unit or unit.code is None):
                    return unit
            for unit in units.values():
                if normalize(unit.name) == normalize(name):
                    return unit
        unit = Unit(name=name, code=code, line=line)
        units[unit.key] = unit
        return unit

    def is_ancestor(self, unit: Unit) -> bool:
        """A unit listed in a table of the document's unit that stands above it."""
        doc_unit = self.document.unit
        if unit is doc_unit:
            return False
        if unit.code and doc_unit.code:
            return doc_unit.code.startswith(unit.code) and len(unit.code) < len(doc_unit.code)
        if doc_unit.parent is not None and (doc_unit.parent is unit or self.same_name(doc_unit.parent.name, unit.name)):
            return True
        return self.document.kind == "单位"

    def relate(self, unit: Unit) -> None:
        """Record the parent link a table row implies."""
        doc_unit = self.document.unit
        if unit is doc_unit:
            return
        if self.is_ancestor(unit):
            if doc_unit.parent is None:
                doc_unit.parent = unit
        elif unit.parent is None:
            unit.parent = doc_unit
