"""Conversations: what each session asked last, and how a follow-up question borrows from it
(“柳州热线中心三公经费多少” → “那长沙呢” asks the same of 长沙热线中心)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from budgetkg.query.intents.registry import REGISTRY, generic
from budgetkg.query.understand import BUDGET_QUESTION, BUDGET_WORDS, FINAL_WORDS, Understanding

SESSIONS_KEPT = 10_000  # the least recently used are forgotten beyond this


class Sessions:
    """The last question understood in each session (one Asker serves several threads)."""

    def __init__(self, limit: int = SESSIONS_KEPT) -> None:
        self._last: OrderedDict[str, Understanding] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def last(self, session_id: str | None) -> Understanding | None:
        if session_id is None:
            return None
        with self._lock:
            return self._last.get(session_id)

    def remember(self, session_id: str, u: Understanding) -> None:
        with self._lock:
            self._last[session_id] = u
            self._last.move_to_end(session_id)
            while len(self._last) > self._limit:
                self._last.popitem(last=False)


def borrows_context(u: Understanding) -> bool:
    """Whether `follow_up` may complete the question from the one before (else it is answered alone,
    whatever the session asked: query.answer_cache relies on this)."""
    if not BUDGET_QUESTION.search(u.text) and not u.follow_up:
        return False
    asks_little = not (u.dims or u.subjects or u.projects or u.terms)
    intent = REGISTRY.get(u.intent or "")
    names_units = bool(u.units or u.members)  # "柳州市政府各驻外机构": units chosen by words are named too
    return bool(u.follow_up or (asks_little and not names_units) or (not names_units and intent is not None and intent.about_units))


def follow_up(u: Understanding, previous: Understanding, relocate: Callable[[list[str], str], list[str]]) -> Understanding:
    """The question completed from the previous one when it is a follow-up: “那长沙呢” (another
    region's unit of the same name), “决算呢” (the same figure), “它的上级部门” (the same units).
    `relocate` finds the units of another region that go by the same name."""
    if not borrows_context(u):
        return u
    asks_little = not (u.dims or u.subjects or u.projects or u.terms)
    intent = REGISTRY.get(u.intent or "")
    names_units = bool(u.units or u.members)
    merged = replace(u)
    if not names_units and not u.unknown_region:
        merged.units = list(previous.units)
        if u.regions:  # "那长沙呢": the same kind of unit in another region
            moved = relocate(previous.units, u.regions[-1])
            if not moved:
                return u
            merged.units = moved
    if asks_little:
        merged.dims, merged.details = dict(previous.dims), list(previous.details)
        merged.subjects, merged.projects = list(previous.subjects), list(previous.projects)
        merged.wants_total = previous.wants_total
    if not (BUDGET_WORDS.search(u.text) or FINAL_WORDS.search(u.text)):  # "那长沙呢" keeps 预算/决算
        merged.phases = list(previous.phases)
    if merged.year is None:
        merged.year = previous.year
    before = REGISTRY.get(previous.intent or "")
    if (intent is None or intent.generic) and before is not None and before.continued:
        merged.intent = previous.intent if asks_little else (u.intent or generic())
    merged.intent = merged.intent or previous.intent
    merged.all_children = u.all_children or (previous.all_children and not u.units)
    return merged
