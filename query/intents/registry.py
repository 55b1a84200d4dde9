"""The kinds of question, each one declared entry: the cues that recognise it, its SPARQL templates
and its writer.  `select` picks the kind of an understood question; `answer` answers it.

A question's cues are read on the understanding (query.understand): words of the question with the
names it mentions masked, and the kinds of names it mentions.  Every entry whose cues are found is
a candidate; the candidate of lowest priority whose own conditions (`when`) hold is chosen.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from budgetkg.query import answers as say
from budgetkg.query.answers import Result, Sources
from budgetkg.query.catalog import Catalog
from budgetkg.query.understand import BUDGET_QUESTION, Understanding
from budgetkg.stores import Store


@dataclass(frozen=True)
class Cue:
    """Something in a question that says which kind it is."""

    label: str  # what it looks for, for the reader
    found: Callable[[Understanding], bool]


def words(pattern: str) -> Cue:
    """Words of the question outside the names it mentions (“柳州市人民政府办公室” asks no 办公)."""
    compiled = re.compile(pattern)
    return Cue(pattern, lambda u: compiled.search(u.masked) is not None)


def named(*kinds: str) -> Cue:
    """Kinds of names the question mentions: Understanding fields such as units, subjects, projects,
    dims (figures named by their wording), or follow_up (“那…呢”)."""
    return Cue("named: " + ", ".join(kinds), lambda u: any(getattr(u, kind) for kind in kinds))


def _always(u: Understanding, candidates: set[str]) -> bool:
    return True


@dataclass
class Context:
    """What a writer reads with: the store, the catalog of names and where things come from."""

    store: Store
    catalog: Catalog
    source: Sources

    def rows(self, query: str) -> list[dict[str, str | None]]:
        return self.store.select(query).values()

    def answer_as(self, name: str, u: Understanding) -> Result:
        """Another kind's answer (a measure question that names only a project is a project question)."""
        return REGISTRY[name].answer(self, u)


@dataclass(frozen=True)
class Intent:
    name: str
    cues: tuple[Cue, ...]  # any one found makes the entry a candidate
    templates: tuple[Callable[..., str], ...]  # the SPARQL it runs
    answer: Callable[[Context, Understanding], Result]  # runs its templates and writes the answer
    priority: int  # among the candidates, the lowest whose `when` holds is chosen
    examples: tuple[str, ...]  # questions of this kind about the bundled corpus (tests/test_intents.py asks them)
    when: Callable[[Understanding, set[str]], bool] = _always  # given the names of all candidates
    # how a follow-up question (query.dialogue) treats the kind
    about_units: bool = False  # asked without a unit, it is about the previous question's units
    continued: bool = True  # a follow-up naming no figure of its own asks the same kind again
    generic: bool = False  # recognised by names alone, so a follow-up may continue the previous kind


REGISTRY: dict[str, Intent] = {}  # by name, in order of priority


def register(intent: Intent) -> Intent:
    if not (intent.cues and intent.templates and callable(intent.answer) and intent.examples):
        raise ValueError(f"intent {intent.name!r} needs cues, templates, a writer and examples")
    entries = [i for i in REGISTRY.values() if i.name != intent.name] + [intent]
    REGISTRY.clear()
    REGISTRY.update((i.name, i) for i in sorted(entries, key=lambda i: i.priority))
    return intent


def select(u: Understanding) -> str | None:
    candidates = [intent for intent in REGISTRY.values() if any(cue.found(u) for cue in intent.cues)]
    names = {intent.name for intent in candidates}
    return next((intent.name for intent in candidates if intent.when(u, names)), None)


def generic() -> str:
    """The kind a question is of when it only names things (a unit's figure)."""
    return next(intent.name for intent in REGISTRY.values() if intent.generic)


def answer(context: Context, u: Understanding) -> Result:
    """The answer of the question's kind, or why there is none."""
    if not u.text or not BUDGET_QUESTION.search(u.text) and not (u.units or u.subjects or u.projects or u.terms or u.follow_up):
        return say.not_understood(context.catalog)
    if u.unknown_unit and not u.units:
        return say.unknown_unit(context.catalog, u)
    if u.unknown_region and not u.units:
        return say.unknown_region(context.catalog, u)
    if u.unknown_code and not (u.units or u.subjects):
        return say.unknown_code(u)
    intent = REGISTRY.get(u.intent) if u.intent else None
    if intent is None:
        return say.not_what(context.catalog, u)
    return intent.answer(context, u)
