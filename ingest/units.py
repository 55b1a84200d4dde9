"""The units a document names, matched by code first and by name otherwise."""
from __future__ import annotations

import re

from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import ParsedDocument, Unit
from budgetkg.ontology.terms import normalize


def split_code(text: str) -> tuple[str | None, str]:
    """'103007柳州市…' → ('103007', '柳州市…'); '[501]池州市…' and '103-柳州市…' too."""
    text = text.strip()
    match = re.match(r"^[\[［【(（]?(?P<code>\d{3,9})[\]］】)）\-－]?\s*(?P<name>\D.*)$", text)
    if match:
        return match["code"], match["name"].strip()
    return None, text


class Units:
    """The units of one document, matched by code first and by name otherwise."""

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
