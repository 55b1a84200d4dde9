"""The chat page and the question API.

No `from __future__ import annotations` here: FastAPI reads the body model from the annotation of
`ask_post`, and that model is made per app (its length limit comes from the settings).

A question asked before (in the same store generation and, when it borrows from the conversation,
after the same question) is answered from the answer cache on the event loop; any other goes to the
question layer's gate (api.overload), which answers 503 with Retry-After at once when it is full.
Answers are encoded by orjson and not validated against `AskResponse` again (it documents them;
tests check that they match it).
"""

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response

from budgetkg.api.models import SESSION_PATTERN, AskResponse, ErrorResponse, ask_request
from budgetkg.api.overload import Overloaded, busy_message
from budgetkg.api.responses import error, fast_json, page
from budgetkg.api.services import Services, services
from budgetkg.settings import Settings

ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse, "description": "the body is not UTF-8"},
                                          413: {"model": ErrorResponse}, 422: {"model": ErrorResponse},
                                          503: {"model": ErrorResponse, "description": "busy: try again after Retry-After seconds"}}


def answer(svc: Services, question: str, session_id: str | None) -> dict[str, Any]:
    """The answer with the links of the unit names it mentions (kept in the answer cache with it)."""
    session_id = session_id or uuid.uuid4().hex
    return svc.asker.ask(question, session_id, extra=lambda result: {"links": links(svc, result)})


def links(svc: Services, result: dict[str, Any]) -> list[dict[str, str]]:
    cells = [cell for row in result["rows"] for cell in row if isinstance(cell, str)]
    return svc.units.links(result["answer"], *cells)


async def respond(svc: Services, question: str, session_id: str | None) -> Response:
    session_id = session_id or uuid.uuid4().hex
    found = svc.asker.cached(question, session_id)
    if found is None:
        try:
            found = await svc.ask_gate.submit(answer, svc, question, session_id)
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
    async def ask_post(body: AskRequest, svc: Services = Depends(services)) -> Response:  # type: ignore[valid-type]
        """The answer, with the figures' sources (document, table, line), the SPARQL that found them,
        a table, a chart when there are several figures, and links to the units' pages.
        Reuse `session_id` for follow-up questions such as “那长沙呢”.  When the server is busy: 503
        with a Retry-After header, at once."""
        return await respond(svc, body.question, body.session_id)  # type: ignore[attr-defined]

    @routes.get("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["问答 questions"],
                summary="Ask a question in Chinese (GET)")
    async def ask_get(q: str = Query(min_length=1, max_length=settings.max_question_chars, description="问题"),
                      session_id: str | None = Query(None, pattern=SESSION_PATTERN),
                      svc: Services = Depends(services)) -> Response:
        return await respond(svc, q, session_id)

    return routes
