"""Questions → answers: understand the question, pick its kind, complete it from the conversation,
run the kind's SPARQL and say what it found.

`Asker(store).ask(question, session_id)` returns one JSON-ready dict (the same for the CLI and the
web API).  Every figure in an answer is read from the graph, with its document, table and line; a
question that cannot be answered gets an honest status instead of a guess.
"""
from __future__ import annotations

import time
from typing import Any

from budgetkg import settings as config
from budgetkg.query import answers as say
from budgetkg.query import intents
from budgetkg.query.answers import Result, Sources
from budgetkg.query.catalog import Catalog
from budgetkg.query.dialogue import Sessions, follow_up
from budgetkg.query.understand import Understander, Understanding
from budgetkg.stores import Store


class Asker:
    def __init__(self, store: Store) -> None:
        started = time.perf_counter()
        self.store = store
        self.catalog = Catalog(store)
        self.understander = Understander(self.catalog)
        self.context = intents.Context(store, self.catalog, Sources(self.catalog))
        self.sessions = Sessions()
        self.startup_s = time.perf_counter() - started
        self.timings: dict[str, float] = {}

    def ask(self, question: str, session_id: str | None = None) -> dict[str, Any]:
        question = question if isinstance(question, str) else ""
        if len(question) > config.MAX_QUESTION_CHARS:
            return _payload(question, say.too_long(len(question)), None, session_id)
        t0 = time.perf_counter()
        understood = self.understander.understand(question)
        understood.intent = intents.select(understood)
        t1 = time.perf_counter()
        previous = self.sessions.last(session_id)
        if previous is not None:
            understood = follow_up(understood, previous, self.understander.relocate)
        try:
            result = intents.answer(self.context, understood)
        except Exception as error:  # a template or engine failure must not look like an answer
            result = say.failed(error, understood)
        t2 = time.perf_counter()
        tokenize = self.understander.tokenize_ms
        self.timings = {"tokenize_ms": tokenize, "match_ms": (t1 - t0) * 1000 - tokenize,
                        "understand_ms": (t1 - t0) * 1000, "answer_ms": (t2 - t1) * 1000}
        if session_id is not None and result.status in {"ok", "no_data"}:
            self.sessions.remember(session_id, understood)
        return _payload(question, result, understood, session_id)


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
