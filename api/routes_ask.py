"""The chat page and the question API.

No `from __future__ import annotations` here: FastAPI reads the body model from the annotation of
`ask_post`, and that model is made per app (its length limit comes from the settings).

A question asked before (in the same store generation and, when it borrows from the conversation,
after the same question) is answered from the answer cache on the event loop; any other goes to the
question layer's gate (api.overload), which answers 503 with Retry-After at once when it is full.
Answers are encoded by orjson and not validated against `AskResponse` again (it documents them;
tests check that they match it).
"""

import re
import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from budgetkg.api.models import SESSION_PATTERN, AskResponse, ErrorResponse, ask_request
from budgetkg.api.overload import Overloaded, busy_message
from budgetkg.api.responses import error, fast_json, json_bytes, page
from budgetkg.api.services import Services, services
from budgetkg.settings import Settings

LOOKED_UP = "budgetkg.answer_cache_asked"  # in the ASGI scope: CachedAnswers asked the cache, in vain
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse, "description": "the body is not UTF-8"},
                                          413: {"model": ErrorResponse}, 422: {"model": ErrorResponse},
                                          503: {"model": ErrorResponse, "description": "busy: try again after Retry-After seconds"}}


def answer(svc: Services, question: str, session_id: str | None, looked_up: bool = False) -> dict[str, Any]:
    """The answer with the links of the unit names it mentions (kept in the answer cache with it);
    `looked_up`: the cache was just asked, in vain."""
    session_id = session_id or uuid.uuid4().hex
    return svc.asker.ask(question, session_id, extra=lambda result: {"links": links(svc, result)}, look_up=not looked_up)


def links(svc: Services, result: dict[str, Any]) -> list[dict[str, str]]:
    cells = [cell for row in result["rows"] for cell in row if isinstance(cell, str)]
    return svc.units.links(result["answer"], *cells)


async def respond(svc: Services, question: str, session_id: str | None, looked_up: bool = False) -> Response:
    """`looked_up`: CachedAnswers already asked the cache for this request."""
    session_id = session_id or uuid.uuid4().hex
    found = None if looked_up else svc.asker.cached(question, session_id)
    if found is None:
        try:
            found = await svc.ask_gate.submit(answer, svc, question, session_id, True)
        except Overloaded as busy:
            return error(503, busy_message(busy), headers={"Retry-After": str(busy.retry_after_s)})
    return fast_json(found)


def router(settings: Settings) -> APIRouter:
    routes = APIRouter()
    AskRequest = ask_request(settings.max_question_chars)  # noqa: N806 (a model class)

    @routes.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return page("index.html")

    @routes.post("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["问答 questions"],
                 summary="Ask a question in Chinese")
    async def ask_post(body: AskRequest, request: Request, svc: Services = Depends(services)) -> Response:  # type: ignore[valid-type]
        """The answer, with the figures' sources (document, table, line), the SPARQL that found them,
        a table, a chart when there are several figures, and links to the units' pages.
        Reuse `session_id` for follow-up questions such as “那长沙呢”.  When the server is busy: 503
        with a Retry-After header, at once."""
        looked_up = request.scope.get(LOOKED_UP, False)
        return await respond(svc, body.question, body.session_id, looked_up)  # type: ignore[attr-defined]

    @routes.get("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["问答 questions"],
                summary="Ask a question in Chinese (GET)")
    async def ask_get(q: str = Query(min_length=1, max_length=settings.max_question_chars, description="问题"),
                      session_id: str | None = Query(None, pattern=SESSION_PATTERN),
                      svc: Services = Depends(services)) -> Response:
        return await respond(svc, q, session_id)

    return routes


class CachedAnswers:
    """POST /api/ask answered from the answer cache before FastAPI routes it.

    Routing, dependencies and the body model cost about as much as everything else a cached answer
    takes, so a body that is plainly valid (a JSON object whose question is a string within the
    length limit and whose session id, if any, fits the pattern) and whose answer is cached is
    answered here; anything else goes on to the route, which validates it and answers it as ever.
    """

    def __init__(self, app: ASGIApp, max_question_chars: int) -> None:
        self.app, self.max_chars = app, max_question_chars
        self.session = re.compile(SESSION_PATTERN.removeprefix("^").removesuffix("$"))  # fullmatch: no newline at the end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/api/ask":
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        messages: list[Message] = []
        while more:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        looked_up, found = self._cached(scope, body)
        if found is not None:
            data = json_bytes(found)
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app({**scope, LOOKED_UP: looked_up}, replay, send)

    def _cached(self, scope: Scope, body: bytes) -> tuple[bool, dict[str, Any] | None]:
        """Whether the cache was asked, and its answer."""
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
        if content_type.split(b";")[0].strip().lower() != b"application/json":
            return False, None
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False, None
        if not isinstance(request, dict):
            return False, None
        question, session_id = request.get("question"), request.get("session_id")
        if not isinstance(question, str) or not 1 <= len(question) <= self.max_chars:
            return False, None
        if session_id is not None and not (isinstance(session_id, str) and self.session.fullmatch(session_id)):
            return False, None
        svc: Services = scope["app"].state.services
        return True, svc.asker.cached(question, session_id or uuid.uuid4().hex)
