"""The chat page and the question API.

No `from __future__ import annotations` here: FastAPI reads the body model from the annotation of
`ask_post`, and that model is made per app (its length limit comes from the settings).
"""

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from budgetkg.api.models import SESSION_PATTERN, AskResponse, ErrorResponse, ask_request
from budgetkg.api.responses import page
from budgetkg.api.services import Services, services
from budgetkg.settings import Settings

ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse, "description": "the body is not UTF-8"},
                                          413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


def answer(svc: Services, question: str, session_id: str | None) -> dict[str, Any]:
    session_id = session_id or uuid.uuid4().hex
    result = svc.asker.ask(question, session_id)
    cells = [cell for row in result["rows"] for cell in row if isinstance(cell, str)]
    return {**result, "session_id": session_id, "links": svc.units.links(result["answer"], *cells)}


def router(settings: Settings) -> APIRouter:
    routes = APIRouter()
    AskRequest = ask_request(settings.max_question_chars)  # noqa: N806 (a model class)

    @routes.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return page("index.html")

    @routes.post("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["问答 questions"],
                 summary="Ask a question in Chinese")
    def ask_post(body: AskRequest, svc: Services = Depends(services)) -> dict[str, Any]:  # type: ignore[valid-type]
        """The answer, with the figures' sources (document, table, line), the SPARQL that found them,
        a table, a chart when there are several figures, and links to the units' pages.
        Reuse `session_id` for follow-up questions such as “那长沙呢”."""
        return answer(svc, body.question, body.session_id)  # type: ignore[attr-defined]

    @routes.get("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["问答 questions"],
                summary="Ask a question in Chinese (GET)")
    def ask_get(q: str = Query(min_length=1, max_length=settings.max_question_chars, description="问题"),
                session_id: str | None = Query(None, pattern=SESSION_PATTERN),
                svc: Services = Depends(services)) -> dict[str, Any]:
        return answer(svc, q, session_id)

    return routes
