"""Answers kept for repeated questions (the chat page's example chips, a question going viral).

An answer depends on the store's contents (its generation), on the question's normalised words
(query.language.normalize_question: the understanding reads nothing else) and, for a question that
borrows from the conversation (“那长沙呢”), on what the session asked before.  Those three make the
key; a new store generation or another conversation misses.  What is kept is the answer without
the question as typed and without the session id, which every hit puts back.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

Key = tuple[str | None, str, str | None]  # generation, normalised question, session context (None: none borrowed)


@dataclass(frozen=True)
class Cached:
    payload: dict[str, Any]  # the answer, without "question" and "session_id"
    remembered: Any  # what the session remembers after this question (an Understanding), or None
    extra: dict[str, Any]  # what the caller added on a miss (the API's unit links)


def context_key(previous: Any) -> str:
    """A digest of what a session asked before (an Understanding: a dataclass whose repr shows every field)."""
    return hashlib.blake2b(repr(previous).encode(), digest_size=16).hexdigest()


class AnswerCache:
    """A thread-safe LRU of answers; `entries` 0 keeps nothing."""

    def __init__(self, entries: int) -> None:
        self.entries = max(0, entries)
        self._kept: OrderedDict[Key, Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        # per generation and normalised question: does its answer borrow from the session?
        self._borrows: OrderedDict[tuple[str | None, str], bool] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def borrows(self, generation: str | None, text: str) -> bool | None:
        """Whether the question's answer depends on the session (None: not asked yet, a miss)."""
        found = self._borrows.get((generation, text))
        if found is None and self.entries:
            with self._lock:
                self.misses += 1
        return found

    def get(self, key: Key) -> Cached | None:
        if not self.entries:
            return None
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Key, value: Cached, borrows: bool) -> None:
        if not self.entries:
            return
        with self._lock:
            self._borrows[key[:2]] = borrows
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
            while len(self._borrows) > self.entries:
                self._borrows.popitem(last=False)

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._kept), "capacity": self.entries, "hits": self.hits, "misses": self.misses}
