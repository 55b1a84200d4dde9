"""Serving under load: the answer cache (keyed by store generation, normalised question and session
context), bounded queues that answer 503 with Retry-After at once, and the health route's load."""
from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace

import pytest
from conftest import SETTINGS
from fastapi.testclient import TestClient
from test_api import load_questions

from budgetkg.api.app import create_app
from budgetkg.api.models import AskResponse
from budgetkg.api.overload import Gate, Overloaded
from budgetkg.query.answer_cache import AnswerCache
from budgetkg.query.ask import Asker


@pytest.fixture(scope="module")
def cached_asker(corpus_store):
    return Asker(corpus_store, AnswerCache(100))


# ------------------------------------------------------------------ the answer cache
def test_a_repeated_question_comes_from_the_cache(cached_asker):
    cache = cached_asker.answers
    first = cached_asker.ask("池州热线中心的基本支出", "cache-a")
    hits = cache.hits
    again = cached_asker.ask("池州热线中心的基本支出", "cache-b")
    assert cache.hits == hits + 1
    assert again["answer"] == first["answer"] and "199.85" in again["answer"]
    assert (again["session_id"], again["question"]) == ("cache-b", "池州热线中心的基本支出")
    # the same normalised question (full-width, spaces, traditional characters) is the same entry
    variant = cached_asker.ask("池州熱線中心的 基本支出", "cache-c")
    assert cache.hits == hits + 2 and variant["answer"] == first["answer"] and variant["question"] == "池州熱線中心的 基本支出"


def test_a_new_store_generation_misses(corpus_store, cached_asker):
    cached_asker.ask("长沙热线中心的人员经费", "gen-1")
    other = Asker(corpus_store, cached_asker.answers)  # another Asker sharing the cache, on another generation
    other.catalog.generation = "another-generation"
    misses = cached_asker.answers.misses
    assert other.cached("长沙热线中心的人员经费", "gen-2") is None
    answer = other.ask("长沙热线中心的人员经费", "gen-2")
    assert "341.53" in answer["answer"] and cached_asker.answers.misses >= misses + 1
    assert other.cached("长沙热线中心的人员经费", "gen-3") is not None  # now kept for that generation too


def test_a_different_session_context_misses(cached_asker):
    cached_asker.ask("柳州热线中心的人员经费", "ctx-a")
    after_liuzhou = cached_asker.ask("那长沙呢", "ctx-a")
    assert "341.53" in after_liuzhou["answer"]
    cached_asker.ask("池州热线中心三公经费多少", "ctx-b")
    assert cached_asker.cached("那长沙呢", "ctx-b") is None  # same words, another conversation
    after_chizhou = cached_asker.ask("那长沙呢", "ctx-b")
    assert "341.53" not in after_chizhou["answer"] and "3.93" in after_chizhou["answer"]  # 长沙's 三公经费, not its 人员经费
    # the same conversation in another session is the same entry, and the session remembers it
    cached_asker.ask("柳州热线中心的人员经费", "ctx-c")
    hit = cached_asker.cached("那长沙呢", "ctx-c")
    assert hit is not None and hit["answer"] == after_liuzhou["answer"]
    assert cached_asker.sessions.last("ctx-c").units == cached_asker.sessions.last("ctx-a").units


def test_a_question_that_borrows_nothing_is_shared_across_sessions(cached_asker):
    cached_asker.ask("柳州热线中心的人员经费", "share-a")
    cached_asker.ask("什么是三公经费", "share-a")
    assert cached_asker.cached("什么是三公经费", "share-b") is not None  # share-b asked nothing before


def test_no_cache_by_default(corpus_store):
    asker = Asker(corpus_store)
    asker.ask("什么是三公经费")
    assert asker.answers is None and asker.cached("什么是三公经费") is None


# ------------------------------------------------------------------ answers still match their model
def test_answers_match_the_response_model(corpus_store):
    """Answers are no longer validated on the way out: every dev question's answer, fresh and cached,
    must still be an AskResponse."""
    app = create_app(replace(SETTINGS, query_workers=1), store=corpus_store)
    try:
        with TestClient(app) as client:
            for item in load_questions():
                for _ in range(2):  # the second from the cache, answered before FastAPI's routing
                    response = client.post("/api/ask", json={"question": item["q"], "session_id": "model"})
                    assert response.status_code == 200, response.text
                    AskResponse.model_validate(response.json())
            assert app.state.services.asker.answers.hits >= len(load_questions())
            invalid = client.post("/api/ask", json={"question": "什么是三公经费", "session_id": "bad id\n"})
            assert invalid.status_code == 422  # the cached path validates like the route
    finally:
        app.state.services.runner.close()


def test_the_server_loads_the_aggregate_table_before_its_first_question(corpus_store, monkeypatch):
    from budgetkg.query import aggregates

    monkeypatch.setattr(aggregates, "_loaded", {})  # as in a fresh process
    app = create_app(replace(SETTINGS, query_workers=1), store=corpus_store)
    key = (corpus_store.spec, app.state.services.asker.catalog.generation)
    try:
        assert key not in aggregates._loaded
        with TestClient(app):
            assert aggregates._loaded.get(key) is not None  # the first ranking does not read it
    finally:
        app.state.services.runner.close()


# ------------------------------------------------------------------ overload
def test_a_full_gate_refuses_at_once():
    gate = Gate("question", slots=1, queue=0, max_wait_s=5, retry_after_s=3)
    release = threading.Event()

    async def run() -> None:
        first = gate.submit(release.wait, 5)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(Overloaded) as refused:
            gate.submit(time.sleep, 0)
        assert time.monotonic() - started < 0.05 and refused.value.retry_after_s == 3
        assert gate.stats()["running"] == 1 and gate.busy
        release.set()
        assert await first is True

    asyncio.run(run())
    assert gate.stats()["refused"] == 1 and gate.stats()["answered"] == 1 and not gate.busy
    gate.close()


def test_a_request_whose_turn_would_come_too_late_is_refused_at_once():
    gate = Gate("question", slots=1, queue=10, max_wait_s=0.5, retry_after_s=1)

    async def run() -> None:
        await gate.submit(time.sleep, 0.2)  # the pace: 200 ms a request
        first = gate.submit(time.sleep, 0.2)
        second = gate.submit(time.sleep, 0.2)  # one ahead: 200 ms, within 0.5 s
        third = gate.submit(time.sleep, 0.2)  # two ahead: 400 ms
        with pytest.raises(Overloaded, match="ahead"):
            gate.submit(time.sleep, 0.2)  # three ahead: 600 ms > 0.5 s
        await asyncio.gather(first, second, third)

    asyncio.run(run())
    assert gate.stats()["refused"] == 1 and gate.stats()["service_ms"] > 10
    gate.close()


def test_a_request_that_waited_too_long_is_refused_when_its_turn_comes():
    gate = Gate("question", slots=1, queue=4, max_wait_s=0.05, retry_after_s=1)

    async def run() -> None:
        slow = gate.submit(time.sleep, 0.3)
        late = gate.submit(lambda: "served")
        with pytest.raises(Overloaded, match="waited"):
            await late
        await slow

    asyncio.run(run())
    gate.close()


@pytest.fixture
def tight_app(corpus_store):
    settings = replace(SETTINGS, query_workers=1, ask_threads=1, ask_queue=0, sparql_queue=0, retry_after_s=7)
    app = create_app(settings, store=corpus_store)
    yield app
    app.state.services.runner.close()


def _blocked(app, route: str, request) -> tuple[threading.Event, threading.Thread, list]:
    """Start `request` in a thread with the gate's one thread held until the event is set."""
    release, entered = threading.Event(), threading.Event()
    svc = app.state.services
    owner, name = (svc.asker, "_answer") if route == "ask" else (svc.runner, "run")
    original = getattr(owner, name)

    def slow(*args):
        entered.set()
        release.wait(10)
        return original(*args)

    setattr(owner, name, slow)
    out: list = []
    thread = threading.Thread(target=lambda: out.append(request()))
    thread.start()
    assert entered.wait(10)
    return release, thread, out


def test_ask_answers_503_with_retry_after_when_busy(tight_app):
    with TestClient(tight_app) as client:
        release, thread, out = _blocked(tight_app, "ask", lambda: client.post("/api/ask", json={"question": "长沙热线中心的基本支出"}))
        health = client.get("/healthz").json()
        assert health["busy"] and health["load"]["ask"]["running"] == 1
        started = time.monotonic()
        busy = client.post("/api/ask", json={"question": "池州热线中心的人员经费"})
        assert time.monotonic() - started < 1
        assert busy.status_code == 503 and busy.headers["retry-after"] == "7"
        assert busy.headers["content-type"].startswith("application/json") and "繁忙" in busy.json()["error"]
        release.set()
        thread.join(10)
        assert out[0].status_code == 200
        health = client.get("/healthz").json()
        assert not health["busy"] and health["load"]["ask"]["refused"] == 1 and health["load"]["ask"]["answered"] == 1
        # a cached answer needs no thread: it is served even when the question layer is full
        release, thread, out = _blocked(tight_app, "ask", lambda: client.post("/api/ask", json={"question": "什么是三公经费"}))
        assert client.post("/api/ask", json={"question": "长沙热线中心的基本支出"}).status_code == 200
        release.set()
        thread.join(10)


def test_sparql_answers_503_with_retry_after_when_busy(tight_app):
    query = "ASK { ?s ?p ?o }"
    with TestClient(tight_app) as client:
        release, thread, out = _blocked(tight_app, "sparql", lambda: client.get("/sparql", params={"query": query}))
        busy = client.post("/sparql", data={"query": query})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "7"
        assert client.get("/healthz").json()["load"]["sparql"]["refused"] == 1
        release.set()
        thread.join(10)
        assert out[0].status_code == 200
