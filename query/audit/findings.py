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
    difference: Decimal | None = None  # 万元 (or percentage points), when the finding is two figures apart

    @property
    def document(self) -> str:
        return self.places[0].document if self.places else ""

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "unit": self.unit,
                "difference": _fmt(self.difference), "places": [p.as_dict() for p in self.places]}


@dataclass
class AuditReport:
    rules: list[str]
    titles: dict[str, str] = field(default_factory=dict)  # rule → what it checks
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)  # by rule: how many comparisons were made
    errors: list[str] = field(default_factory=list)  # rules that could not run
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # evidence, then each rule

    @property
    def has_errors(self) -> bool:
        """What makes `budgetkg check` exit 1: an error-level finding, or a rule that could not run."""
        return bool(self.errors) or any(f.severity == "error" for f in self.findings)

    def counts(self, findings: list[Finding] | None = None) -> Counter:
        return Counter(f.severity for f in (self.findings if findings is None else findings))

    def for_unit(self, unit: str, documents: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
        """The findings about a unit's figures, and those in its own documents."""
        return [f for f in self.findings if f.unit == unit or f.document in documents]

    def by_rule(self) -> dict[str, dict[str, int]]:
        table = {rule: {"checked": self.checked[rule], **dict.fromkeys(SEVERITIES, 0)} for rule in self.rules}
        for finding in self.findings:
            table.setdefault(finding.rule, {"checked": 0, **dict.fromkeys(SEVERITIES, 0)})[finding.severity] += 1
        return table

    def verdict(self) -> str:
        """"OK" when nothing is an error, else what was found: "FOUND 3 errors"."""
        if not self.has_errors:
            return "OK"
        counts = self.counts()
        found = [f"{counts['error']} error{'' if counts['error'] == 1 else 's'}"] if counts["error"] else []
        found += [f"{len(self.errors)} rule{'' if len(self.errors) == 1 else 's'} that could not run"] if self.errors else []
        return "FOUND " + ", ".join(found)

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {"ok": not self.has_errors, "verdict": self.verdict(), "documents": self.documents, "rules": self.rules,
                "summary": {s: counts[s] for s in SEVERITIES}, "checked": dict(self.checked), "by_rule": self.by_rule(),
                "findings": [f.as_dict() for f in self.findings], "errors": self.errors, "seconds": round(self.seconds, 3),
                "timings": {k: round(v, 3) for k, v in self.timings.items()}}

    def text(self, max_places: int = 4) -> str:
        counts = self.counts()
        documents = f"{self.documents} document{'' if self.documents == 1 else 's'}"
        lines = [f"budgetkg check: {self.verdict()} — {documents}; {counts['error']} errors, {counts['warning']} warnings, "
                 f"{counts['hint']} hints ({sum(self.checked.values())} comparisons, {len(self.rules)} rules, {self.seconds:.2f} s)"]
        for rule, row in self.by_rule().items():
            lines.append(f"  {rule:<17} {row['checked']:>7} checked {row['error']:>4} errors {row['warning']:>4} warnings "
                         f"{row['hint']:>4} hints  {self.titles.get(rule, '')}".rstrip())
        by_file: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_file.setdefault(finding.places[0].file, []).append(finding)
        for file, found in by_file.items():
            counted = self.counts(found)
            lines.append(f"\n{file or '(the graph)'}: {counted['error']} errors, {counted['warning']} warnings, {counted['hint']} hints")
            for finding in found:
                lines.append(f"{finding.severity.upper():7} [{finding.rule}] {finding.message}")
                for place in finding.places[:max_places]:
                    figure = f" {_fmt(place.figure)}" if place.figure is not None else ""
                    lines.append(f"        {place.where()}:{figure} {place.text}".rstrip())
                if len(finding.places) > max_places:
                    lines.append(f"        … and {len(finding.places) - max_places} more places")
        for error in self.errors:
            lines.append(f"error: {error}")
        return "\n".join(lines)

    def csv(self) -> str:
        """One row per finding: its rule, severity and message, the two places that disagree, and the others."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["rule", "severity", "message", "difference", "unit",
                         "file", "line", "page", "table", "table_title", "figure", "text",
                         "other_file", "other_line", "other_page", "other_table", "other_table_title", "other_figure", "other_text",
                         "more_places"])
        for finding in self.findings:
            first, other = finding.places[0], finding.places[1] if len(finding.places) > 1 else None
            row = [finding.rule, finding.severity, finding.message, _fmt(finding.difference), finding.unit]
            for place in (first, other):
                row += ([place.file, place.line, place.page or "", place.table, place.table_title, _fmt(place.figure), place.text]
                        if place else [""] * 7)
            row.append("; ".join(f"{p.file}:{p.line} {_fmt(p.figure)}".rstrip() for p in finding.places[2:]))
            writer.writerow(row)
        return out.getvalue()


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize() if value == value.to_integral() else value, "f")
