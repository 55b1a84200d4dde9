"""Units by key, their pages' links and headline figures (each the unit's figure as an answer
would choose it: query.figures)."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any
from urllib.parse import quote, unquote

from budgetkg.ontology import terms as t
from budgetkg.query import figures as f
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL
from budgetkg.query.ask import Asker
from budgetkg.query.audit import AuditReport, audit
from budgetkg.query.catalog import UnitEntry

UNIT_BASE = str(t.ID["unit/"])
LINK_SCAN_UNITS = 200  # up to this many units, links() looks for each name in the answer
# (label, measure, expenditure type) of the figures on a unit page, in display order.
HEADLINES = [
    ("预算总额", "expenditure-total", None),
    ("支出合计", "expenditure", None),
    ("基本支出", "expenditure", "basic"),
    ("项目支出", "expenditure", "project"),
    ("三公经费", "sangong", None),
]


def unit_key(unit_iri: str) -> str:
    """The part of a unit IRI after …/id/unit/ (already percent-encoded, so usable in a URL path)."""
    return unit_iri[len(UNIT_BASE):] if unit_iri.startswith(UNIT_BASE) else quote(unit_iri, safe="")


class Units:
    def __init__(self, asker: Asker) -> None:
        self.asker = asker
        self.catalog = asker.catalog
        self._by_key = {unquote(unit_key(i)): i for i in self.catalog.units}
        self._by_code: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        for entry in self.catalog.units.values():
            if entry.code:
                self._by_code.setdefault(entry.code, []).append(entry.iri)
            self._by_name.setdefault(entry.name, []).append(entry.iri)
        labels = {self.catalog.unit_label(i): i for i in self.catalog.units}
        self._labels = sorted(labels.items(), key=lambda item: -len(item[0]))
        self._hrefs = {unit: f"/units/{unit_key(unit)}" for unit in labels.values()}
        # labels by their first two characters: with thousands of units, looking for each label in an
        # answer costs milliseconds, reading the answer once and trying the labels that start there does not
        self._by_start: dict[str, list[tuple[int, str]]] = {}
        for index, (label, _) in enumerate(self._labels):
            self._by_start.setdefault(label[:2], []).append((index, label))
        self._report: AuditReport | None = None
        self._audit_lock = threading.Lock()

    def find(self, key: str) -> UnitEntry | None:
        """By key (region/code, region/name-digest), or by a code or name that only one unit has."""
        key = unquote(key).strip("/")
        found = self._by_key.get(key)
        if found is None:
            matches = self._by_code.get(key) or self._by_name.get(key) or []
            found = matches[0] if len(matches) == 1 else None
        return self.catalog.units[found] if found else None

    def named(self, text: str) -> list[str]:
        """The units a name names as the chat reads it (“池州热线中心”): by key, code or name, else as a question would."""
        entry = self.find(text)
        return [entry.iri] if entry else self.asker.understander.understand(text).units

    def ref(self, unit_iri: str) -> dict[str, Any]:
        entry = self.catalog.units[unit_iri]
        key = unit_key(unit_iri)
        return {"key": key, "name": self.catalog.unit_label(unit_iri), "code": entry.code, "href": f"/units/{key}"}

    def summary(self, entry: UnitEntry) -> dict[str, Any]:
        parent = self.ref(entry.parent) if entry.parent in self.catalog.units else None
        return {**self.ref(entry.iri), "region": entry.region_name, "parent": parent, "children": len(entry.children)}

    def all(self) -> list[dict[str, Any]]:
        entries = sorted(self.catalog.units.values(), key=lambda e: (e.region_name, e.code or "~", e.name))
        return [self.summary(e) for e in entries]

    def links(self, *texts: str) -> list[dict[str, str]]:
        """Unit labels that occur in the texts, longest first, with their pages."""
        joined = "\n".join(texts)
        if len(self._labels) <= LINK_SCAN_UNITS:
            found = [index for index, (label, _) in enumerate(self._labels) if label in joined]
        else:
            hits: set[int] = {index for index, (label, _) in enumerate(self._labels) if len(label) < 2 and label in joined}
            by_start = self._by_start
            for i in range(len(joined) - 1):
                for index, label in by_start.get(joined[i:i + 2], ()):
                    if joined.startswith(label, i):
                        hits.add(index)
            found = sorted(hits)
        return [{"text": self._labels[i][0], "href": self._hrefs[self._labels[i][1]]} for i in found]

    def detail(self, entry: UnitEntry) -> dict[str, Any]:
        docs = sorted((self.catalog.documents[d] for d in entry.own_documents if d in self.catalog.documents),
                      key=lambda d: (d.year, d.phase))
        query = figures_query(entry.iri)
        return {
            **self.summary(entry),
            "iri": entry.iri,
            "children": [self.ref(c) for c in entry.children],
            "documents": [{"iri": d.iri, "title": d.title, "file": d.file, "year": d.year, "phase": PHASE_LABEL.get(d.phase, d.phase)}
                          for d in docs],
            "figures": self.figures(entry.iri, query),
            "sparql": query,
        }

    def report(self) -> AuditReport:
        """The audit of the whole store, run once per process when a unit's findings are first asked
        for (the store a server reads does not change while it runs)."""
        with self._audit_lock:
            if self._report is None:
                self._report = audit(self.asker.store)
            return self._report

    def findings(self, entry: UnitEntry) -> dict[str, Any]:
        """What the audit found about the unit's figures and in its own documents, errors first."""
        report = self.report()
        found = report.for_unit(entry.iri, set(entry.own_documents))
        order = {"error": 0, "warning": 1, "hint": 2}
        found.sort(key=lambda f: order[f.severity])
        counts = Counter(f.severity for f in found)
        return {**self.ref(entry.iri), "summary": {s: counts[s] for s in order}, "findings": [f.as_dict() for f in found],
                "rules": report.rules, "documents": report.documents}

    def figures(self, unit: str, query: str) -> list[dict[str, Any]]:
        """One figure per headline, phase and year, latest year first."""
        by_slot: dict[tuple[int, str, int], list[f.Figure]] = {}
        for figure in f.read(self.asker.store, query):
            for index, (_, measure, exptype) in enumerate(HEADLINES):
                if figure.measure == measure and (exptype is None or figure.exptype == t.code("exptype", exptype).iri):
                    by_slot.setdefault((index, figure.phase, figure.year), []).append(figure)
        shown = []
        for (index, phase, year), candidates in sorted(by_slot.items(), key=lambda item: (-item[0][2], item[0][1], item[0][0])):
            figure = f.the_figure(candidates, unit, phase, self.catalog.documents)
            shown.append({"label": HEADLINES[index][0], "phase": PHASE_LABEL[phase], "year": year, "amount": float(figure.amount),
                          "unit": "万元", "source": self.asker.context.source(figure.doc, figure.table, figure.line)})
        return shown


def figures_query(unit: str) -> str:
    """The unit's own figures (not of a subject or project) of the headline measures, every phase and year."""
    measures = sorted({h[1] for h in HEADLINES})
    return q.observations([t.slice_iri(unit, phase, m) for phase in PHASE_LABEL for m in measures])
