"""What an audit finds: a rule's finding, the places that disagree, and the report in text, JSON and CSV."""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SEVERITIES = ("error", "warning", "hint")


@dataclass(frozen=True)
class Place:
    """Where a document says something: file and line (and table, page), and the figure or words it says."""

    file: str
    line: int
    table: int = 0  # 0: the text
    table_title: str = "正文"
    figure: Decimal | None = None
    text: str = ""  # the row and column, or the sentence
    document: str = ""  # the document's graph IRI
    page: int | None = None

    def where(self) -> str:
        table = f"表{self.table}“{self.table_title}”" if self.table else "正文"
        page = f" 第{self.page}页" if self.page else ""
        return f"{self.file}:{self.line}{page} {table}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "page": self.page, "table": self.table, "table_title": self.table_title,
                "figure": _fmt(self.figure), "text": self.text, "document": self.document}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error, warning, hint
    message: str  # one line: what disagrees and by how much
    places: tuple[Place, ...]  # the places that disagree (the first is the one the finding is about)
    unit: str = ""  # the unit's IRI, for a unit's page

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "unit": self.unit,
                "places": [p.as_dict() for p in self.places]}


@dataclass
class AuditReport:
    rules: list[str]
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)  # by rule: how many comparisons were made
    errors: list[str] = field(default_factory=list)  # rules that could not run
    seconds: float = 0.0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.severity == "error" for f in self.findings)

    def counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)

    def for_unit(self, unit: str) -> list[Finding]:
        return [f for f in self.findings if f.unit == unit]

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {"ok": not self.has_errors, "documents": self.documents, "rules": self.rules,
                "summary": {s: counts[s] for s in SEVERITIES}, "checked": dict(self.checked),
                "findings": [f.as_dict() for f in self.findings], "errors": self.errors, "seconds": round(self.seconds, 3)}

    def text(self) -> str:
        counts = self.counts()
        verdict = "errors found" if self.has_errors else "no errors"
        lines = [f"budgetkg check: {verdict} — {counts['error']} errors, {counts['warning']} warnings, "
                 f"{counts['hint']} hints in {self.documents} documents ({sum(self.checked.values())} comparisons, "
                 f"{self.seconds:.2f} s)"]
        for severity in SEVERITIES:
            for finding in (f for f in self.findings if f.severity == severity):
                lines.append(f"{severity.upper():7} [{finding.rule}] {finding.message}")
                for place in finding.places:
                    figure = f" {_fmt(place.figure)}" if place.figure is not None else ""
                    lines.append(f"        {place.where()}:{figure} {place.text}".rstrip())
        for error in self.errors:
            lines.append(f"error: {error}")
        return "\n".join(lines)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["rule", "severity", "message", "file", "line", "page", "table", "table_title", "figure", "text",
                         "other_file", "other_line", "other_table", "other_figure", "other_text"])
        for finding in self.findings:
            first = finding.places[0]
            for other in finding.places[1:] or (None,):
                writer.writerow([finding.rule, finding.severity, finding.message, first.file, first.line, first.page or "",
                                 first.table, first.table_title, _fmt(first.figure), first.text,
                                 other.file if other else "", other.line if other else "", other.table if other else "",
                                 _fmt(other.figure) if other else "", other.text if other else ""])
        return out.getvalue()


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize() if value == value.to_integral() else value, "f")
