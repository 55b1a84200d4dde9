"""Questions → answers: understand the question, pick its kind, complete it from the conversation,
run the kind's SPARQL and say what it found.

`Asker(store).ask(question, session_id)` returns one JSON-ready dict (the same for the CLI and the
web API).  Every figure in an answer is read from the graph, with its document, table and line; a
question that cannot be answered gets an honest status instead of a guess.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from budgetkg import settings as config
from budgetkg.query import aggregates, intents
from budgetkg.query import answers as say
from budgetkg.query.answer_cache import AnswerCache, Cached, Key, context_key
from budgetkg.query.answers import Result, Sources
from budgetkg.query.catalog import Catalog
from budgetkg.query.dialogue import Sessions, borrows_context, follow_up
from budgetkg.query.language import normalize_question
from budgetkg.query.understand import Understander, Understanding
from budgetkg.stores import Store


class Asker:
    def __init__(self, store: Store, answer_cache: AnswerCache | None = None) -> None:
        """`answer_cache`: answers kept for repeated questions (none by default; the web API keeps them)."""
        started = time.perf_counter()
        self.store = store
        self.catalog = Catalog(store)
        self.understander = Understander(self.catalog)
        self.context = intents.Context(store, self.catalog, Sources(self.catalog))
        self.sessions = Sessions()
        self.answers = answer_cache
        self.startup_s = time.perf_counter() - started
        self.timings: dict[str, float] = {}

    def warm(self) -> None:
        """Load what questions load on first use, for a process that will answer many: the aggregate table
        (~0.35 s at 10,000 documents, otherwise paid by the first ranking or total), and what understanding
        a question builds the first time (the OpenCC converter, jieba's and the intents' patterns), by
        understanding each intent's examples."""
        aggregates.for_store(self.store, self.catalog.generation)
        for intent in intents.REGISTRY.values():
            for example in intent.examples:
                intents.select(self.understander.understand(example))

    def cached(self, question: str, session_id: str | None = None) -> dict[str, Any] | None:
        """The answer from the cache, as `ask` would give it (the session remembers the question), or None."""
        found = self._lookup(question, session_id)
        if found is None:
            return None
        entry = found[1]
        if session_id is not None and entry.remembered is not None:
            self.sessions.remember(session_id, entry.remembered)
        return {"question": question, **entry.payload, "session_id": session_id, **entry.extra}

    def _lookup(self, question: str, session_id: str | None) -> tuple[Key, Cached] | None:
        """The cache key of the question in this session and what the cache holds for it; None when
        the question must be answered afresh anyway (no cache, too long, not asked before)."""
        if self.answers is None or not self.answers.entries or not isinstance(question, str) \
                or len(question) > config.MAX_QUESTION_CHARS:
            return None
        text = normalize_question(question)
        borrows = self.answers.borrows(self.catalog.generation, text)
        if borrows is None:
            return None
        previous = self.sessions.last(session_id) if borrows else None
        key = (self.catalog.generation, text, context_key(previous) if previous is not None else None)
        found = self.answers.get(key)
        return (key, found) if found is not None else None

    def ask(self, question: str, session_id: str | None = None,
            extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None, look_up: bool = True) -> dict[str, Any]:
        """The answer; `extra(answer)` adds fields that are cached with it (the API's unit links);
        `look_up` False when the caller has just asked the cache."""
        found = self.cached(question, session_id) if look_up else None
        if found is not None:
            return found
        payload, remembered, borrows, key = self._answer(question, session_id)
        added = extra(payload) if extra else {}
        if self.answers is not None and key is not None:
            kept = {k: v for k, v in payload.items() if k not in ("question", "session_id")}
            self.answers.put(key, Cached(kept, remembered, added), borrows)
        return {**payload, **added}

    def _answer(self, question: str, session_id: str | None) -> tuple[dict[str, Any], Any, bool, Key | None]:
        """The answer, what the session now remembers, whether it borrowed from the session, its cache key."""
        question = question if isinstance(question, str) else ""
        if len(question) > config.MAX_QUESTION_CHARS:
            return _payload(question, say.too_long(len(question)), None, session_id), None, False, None
        t0 = time.perf_counter()
        understood = self.understander.understand(question)
        understood.intent = intents.select(understood)
        t1 = time.perf_counter()
        borrows = borrows_context(understood)
        previous = self.sessions.last(session_id) if borrows else None
        if previous is not None:
            understood = follow_up(understood, previous, self.understander.relocate)
        failed = False
        try:
            result = intents.answer(self.context, understood)
        except Exception as error:  # a template or engine failure must not look like an answer
            result, failed = say.failed(error, understood), True
        t2 = time.perf_counter()
        tokenize = self.understander.tokenize_ms
        self.timings = {"tokenize_ms": tokenize, "match_ms": (t1 - t0) * 1000 - tokenize,
                        "understand_ms": (t1 - t0) * 1000, "answer_ms": (t2 - t1) * 1000}
        remembered = understood if result.status in {"ok", "no_data"} else None
        if session_id is not None and remembered is not None:
            self.sessions.remember(session_id, remembered)
        key = (self.catalog.generation, understood.text, context_key(previous) if previous is not None else None)
        if failed or not understood.text:
            key = None  # an engine failure may pass; an empty question costs nothing
        return _payload(question, result, understood, session_id), remembered, borrows, key


def _payload(question: str, result: Result, u: Understanding | None, session_id: str | None) -> dict[str, Any]:
    return {
        "question": question,
        "status": result.status,
        "answer": result.answer,
        "intent": result.intent,
        "entities": [{"type": m.kind, "text": m.text, "start": m.start, "end": m.end, "ids": m.targets}
                     for m in (u.mentions if u else [])],
        "tokens": u.tokens if u else [],
        "year": u.year if u else None,
        "phase": u.phases if u else [],
        "sparql": "\n\n".join(result.sparql),
        "columns": result.columns,
        "rows": result.rows,
        "sources": result.sources,
        "suggestions": result.suggestions,
        "chart": result.chart,
        "session_id": session_id,
    }
