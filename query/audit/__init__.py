"""`budgetkg check` as a disclosure auditor: rules, each a declared entry (query/audit/registry.py), that
compare what the documents claim — a total and its parts, one figure in two tables, the text against
the tables, a 决算 against its 预算, this year's "比上年" against last year's document, a department
against its units, the templates' required tables, the unit's name — and report each disagreement
with a rule id, a severity and the places that disagree.

    report = audit(store)                 # every rule
    report = audit(store, ["text-table"]) # the rules chosen
"""
from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter

from budgetkg.query.audit import rules as _rules  # noqa: F401 (declares the rules)
from budgetkg.query.audit.evidence import gather
from budgetkg.query.audit.findings import AuditReport
from budgetkg.query.audit.registry import RULES
from budgetkg.stores import Store


class UnknownRule(ValueError):
    pass


def audit(store: Store, rules: Iterable[str] | None = None) -> AuditReport:
    chosen = list(rules) if rules else list(RULES)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise UnknownRule(f"unknown rule {', '.join(unknown)}; the rules are {', '.join(RULES)}")
    started = perf_counter()
    report = AuditReport(chosen)
    evidence = gather(store)
    report.documents = len(evidence.documents)
    for rule_id in chosen:
        try:
            report.findings.extend(RULES[rule_id].run(evidence, report.checked))
        except Exception as error:  # a rule that cannot run is reported, and the report is not ok
            report.errors.append(f"rule {rule_id} could not run: {type(error).__name__}: {error}")
    order = {"error": 0, "warning": 1, "hint": 2}
    report.findings.sort(key=lambda f: (order[f.severity], f.places[0].file, f.places[0].line, f.rule))
    report.seconds = perf_counter() - started
    return report
