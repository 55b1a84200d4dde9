"""The audit's rules as declared entries: each a function of the evidence that yields findings."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from budgetkg.query.audit.evidence import Evidence
from budgetkg.query.audit.findings import Finding


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # what it checks, in a line
    run: Callable[[Evidence, Counter], Iterator[Finding]]  # counts its comparisons in the Counter
    default: bool = True  # run when no rules are named (SHACL is asked for: it checks the graph, not the documents)


RULES: dict[str, Rule] = {}


def rule(id: str, title: str, default: bool = True) -> Callable:
    """Declare an audit rule: a function of the evidence that yields findings and counts its comparisons."""
    def register(function: Callable) -> Callable:
        RULES[id] = Rule(id, title, function, default)
        return function
    return register
