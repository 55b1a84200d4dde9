"""`budgetkg check` as a disclosure auditor: rules, each a declared entry (query/audit/registry.py), that
compare what the documents claim — a total and its parts, one figure in two tables, the text against
the tables, a 决算 against its 预算, this year's "比上年" against last year's document, a department
against its units, the templates' required tables, the unit's name — and report each disagreement
with a rule id, a severity and the places that disagree.

    report = audit(store)                 # every default rule
    report = audit(store, ["text-table"]) # the rules chosen ("shacl" only when chosen)
"""
from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from collections.abc import Iterable
from time import perf_counter

from budgetkg.query.audit import rules as _rules  # noqa: F401 (declares the rules)
from budgetkg.query.audit.evidence import gather
from budgetkg.query.audit.findings import AuditReport, Finding, Place
from budgetkg.query.audit.registry import RULES, Rule
from budgetkg.stores import Store

MAX_PLACES = 10
__all__ = ["RULES", "AuditReport", "Finding", "Place", "Rule", "UnknownRule", "audit", "default_rules"]


class UnknownRule(ValueError):
    pass


def default_rules() -> list[str]:
    return [r.id for r in RULES.values() if r.default]


def audit(store: Store, rules: Iterable[str] | None = None) -> AuditReport:
    chosen = list(dict.fromkeys(rules)) if rules else default_rules()
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise UnknownRule(f"unknown rule {', '.join(unknown)}; the rules are {', '.join(RULES)}")
    started = perf_counter()
    report = AuditReport(chosen, {r: RULES[r].title for r in chosen})
    # hundreds of thousands of figures are made and kept, none in a reference cycle: the cyclic
    # collector, run again and again as they are made, would take most of the time (14 of 17 s
    # unpickling the evidence of 1,000 documents)
    collecting = gc.isenabled()
    gc.disable()
    try:
        evidence = gather(store)
        report.documents = len(evidence.documents)
        report.timings["evidence"] = perf_counter() - started
        for rule_id in chosen:
            mark = perf_counter()
            try:
                report.findings.extend(RULES[rule_id].run(evidence, report.checked))
            except Exception as error:  # a rule that cannot run is reported, and the report is not ok
                report.errors.append(f"rule {rule_id} could not run: {type(error).__name__}: {error}")
            report.timings[rule_id] = perf_counter() - mark
        report.findings = merge_duplicates(report.findings)
    finally:
        if collecting:
            gc.enable()
    order = {"error": 0, "warning": 1, "hint": 2}
    report.findings.sort(key=lambda f: (f.places[0].file, order[f.severity], f.places[0].table, f.places[0].line, f.rule))
    report.seconds = perf_counter() - started
    return report


# ---------------------------------------------------------------- one problem, one finding
def _where(place: Place) -> tuple:
    return place.document, place.table, place.line, place.text


def merge_duplicates(findings: list[Finding]) -> list[Finding]:
    """One wrong figure breaks every equality it takes part in: report it once.

    A same-figure finding about the total of a total-parts finding that is off by as much (a 合计
    column printing 0.00 beside the 合计 of the same row and the sum of its 小计 columns) joins it; and
    the total-parts findings of one table that are off by the same amount and share a figure (司法 = Σ项
    and 行政运行 = 基本 + 项目, both through 行政运行's 项目支出) become one, led by the figure they share."""
    totals: dict[tuple, int] = {_where(f.places[0]): i for i, f in enumerate(findings) if f.rule == "total-parts"}
    merged = list(findings)
    dropped: set[int] = set()
    for index, found in enumerate(findings):
        if found.rule != "same-figure" or found.difference is None:
            continue
        for place in found.places:
            target = totals.get(_where(place))
            total = merged[target] if target is not None else None
            if total is not None and total.difference is not None and abs(total.difference) == abs(found.difference):
                others = [p for p in found.places if _where(p) != _where(place)]
                merged[target] = dataclasses.replace(  # type: ignore[index]
                    total, places=(*total.places, *others),
                    message=total.message + "".join(f"; {p.text} prints {p.figure} ({p.where()})" for p in others))
                dropped.add(index)
                break
    kept = [f for i, f in enumerate(merged) if i not in dropped]
    return _join_shared(kept)


def _join_shared(findings: list[Finding]) -> list[Finding]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, found in enumerate(findings):
        if found.rule == "total-parts" and found.difference is not None:
            groups[(found.places[0].document, found.places[0].table, abs(found.difference))].append(index)
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in groups.values():
        owner: dict[tuple, int] = {}
        for index in members:
            for place in findings[index].places:
                key = _where(place)
                if key in owner and root(owner[key]) != root(index):
                    parent[root(index)] = root(owner[key])
                owner.setdefault(key, index)
    clusters: dict[int, list[int]] = defaultdict(list)
    for index in range(len(findings)):
        clusters[root(index)].append(index)
    out: list[Finding] = []
    for head, members in clusters.items():
        if len(members) == 1:
            out.append(findings[head])
            continue
        members.sort(key=lambda i: (findings[i].places[0].line, i))
        first = findings[members[0]]
        places = [p for i in members for p in findings[i].places]
        common = [p for p in places if sum(1 for i in members if any(_where(q) == _where(p) for q in findings[i].places)) == len(members)]
        lead = common[0] if common else None
        ordered: dict[tuple, Place] = {}
        for place in ([lead] if lead else []) + places:
            ordered.setdefault(_where(place), place)
        more = f"{len(members) - 1} more sum{'s' if len(members) > 2 else ''} in this table"
        shared = f"; {more} off by as much through the figure they share, {lead.text} ({lead.figure})" if lead else \
                 f"; {more} off by as much through shared figures"
        out.append(dataclasses.replace(first, message=first.message + shared, places=tuple(list(ordered.values())[:MAX_PLACES]),
                                       severity=min((findings[i].severity for i in members),
                                                    key=("error", "warning", "hint").index)))
    return out
