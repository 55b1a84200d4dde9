"""The web application: chat, SPARQL console and endpoint, units, export.

`create_app()` is the factory that `budgetkg serve` hands to uvicorn (one call per worker process).
An on-disk store is opened read-only, so several workers, and a running `budgetkg ingest`, can
share it; a read-only handle sees the store as it was when the worker started.
"""
from __future__ import annotations

import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from budgetkg import __version__
from budgetkg import settings as process_settings
from budgetkg.api import routes_ask, routes_data, routes_sparql
from budgetkg.api.overload import Gate
from budgetkg.api.responses import STATIC, error, not_found_page, page
from budgetkg.api.services import Services
from budgetkg.settings import Settings
from budgetkg.stores import Store, StoreBusy, StoreError, open_store

log = logging.getLogger("budgetkg.api")

# Pages may load scripts, styles and data from this server only; inline scripts and event-handler
# attributes never run, so even markup that slipped into a page could not execute.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
API_PATHS = ("/api/", "/sparql", "/healthz", "/openapi.json")  # answered in JSON or text, never with a page


def open_for_serving(spec: str, settings: Settings) -> Store:
    """Open a directory store read-only; fall back to read-write when there is nothing to read yet.

    Other stores open as they are (`read_only` on the store tells which one this is)."""
    try:
        return open_store(spec, read_only=True, settings=settings)
    except StoreBusy:
        raise
    except StoreError as problem:
        log.warning("cannot open %s read-only (%s); opening it read-write", spec, problem)
        return open_store(spec, settings=settings)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the app with `settings` (default: from the environment) on `store` (already open,
    e.g. a filled memory store) or on the settings' store.  The settings are put in force for the
    process: one app per process, as uvicorn runs it."""
    from budgetkg.api.units import Units
    from budgetkg.query.answer_cache import AnswerCache
    from budgetkg.query.ask import Asker
    from budgetkg.query.sandbox import QueryRunner

    settings = settings or Settings.from_env()
    process_settings.activate(settings)
    if store is None:
        store = open_for_serving(settings.store_spec, settings)
    asker = Asker(store, AnswerCache(settings.answer_cache))
    runner = QueryRunner.for_settings(store, settings)
    ask_gate = Gate("question", settings.ask_threads, settings.ask_queue, settings.max_wait_s, settings.retry_after_s)
    sparql_gate = Gate("SPARQL", settings.query_workers, settings.sparql_queue, settings.max_wait_s, settings.retry_after_s)
    services = Services(settings, store, asker, Units(asker), runner, ask_gate, sparql_gate)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        asker.warm()
        # what start-up built (catalog, word tables, routes) lives as long as the process: kept out of
        # the cyclic collector's passes, whose pauses over it were the slowest asks' extra 100 ms
        gc.collect()
        gc.freeze()
        yield
        runner.close()
        ask_gate.close()
        sparql_gate.close()

    app = FastAPI(
        title="budgetkg",
        version=__version__,
        description="中国预算公开文件知识图谱：中文问答、SPARQL 端点与控制台、单位页、导出。"
                    f" Limits: {settings.query_timeout_s:g} s and {settings.max_rows:,} rows per SPARQL query, "
                    f"{settings.max_question_chars} characters per question, {settings.max_request_bytes:,} bytes per request.",
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI: FastAPI's default loads it from a CDN
        redoc_url=None,
    )
    app.state.services = services
    _install_error_handlers(app)
    for module in (routes_ask, routes_sparql, routes_data):
        app.include_router(module.router(settings))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> FileResponse:
        return page("docs.html")

    app.add_middleware(routes_ask.CachedAnswers, max_question_chars=settings.max_question_chars)  # inside CORS and Guardrails
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Accept"], expose_headers=["X-Result-Truncated", "X-Result-Rows"])
    app.add_middleware(Guardrails, max_body=settings.max_request_bytes)
    return app


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (not an API client), at an address that is not the API's."""
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(API_PATHS)


def _body_problem(body: bytes, exc: RequestValidationError | None = None) -> str | None:
    """Why a request body could not be read, in words: its encoding, or where its JSON goes wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as problem:
        return (f"请求体不是 UTF-8 编码（the body is not UTF-8: byte 0x{body[problem.start]:02x} at offset "
                f"{problem.start} is {problem.reason}）")
    try:
        json.loads(text)
    except json.JSONDecodeError as problem:
        return (f"请求体不是有效的 JSON（malformed JSON: {problem.msg} at line {problem.lineno}, "
                f"column {problem.colno}）")
    return None


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{k: v for k, v in e.items() if k in {"type", "loc", "msg"}} for e in exc.errors()]
        if any(p["type"] == "json_invalid" for p in problems):
            reason = _body_problem(await request.body())
            if reason:
                return error(422, reason, jsonable_encoder(problems))
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in problems)
        return error(422, f"请求无效（invalid request）: {where}", jsonable_encoder(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and _wants_page(request):
            return not_found_page()
        if exc.status_code == 405:  # Starlette lists only the first matching route's methods
            methods = {m for r in request.app.routes if isinstance(r, APIRoute) and r.path_regex.match(request.url.path)
                       for m in r.methods}
            headers["Allow"] = ", ".join(sorted(methods))
        message = str(exc.detail)
        if exc.status_code == 400 and request.method == "POST":  # FastAPI could not read the body: say why
            message = _body_problem(await request.body()) or message
        return error(exc.status_code, message, headers=headers or None)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error(500, "服务器内部错误（internal server error）")


class Guardrails:
    """Caps request bodies (413) and adds security headers; HTML pages get a strict CSP."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length and (not length.isdigit() or int(length) > self.max_body):
            await self._too_large(send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await self._too_large(send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()


        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                names = {k.lower() for k, _ in out}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                content_type = dict((k.lower(), v) for k, v in out).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                out += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": out}
            await send(message)

        await self.app(scope, replay, send_with_headers)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"error": f"请求太大：上限为{self.max_body:,}字节（request body too large; limit "
                                    f"{self.max_body:,} bytes, {Settings.variable('max_request_bytes')}）", "detail": None},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
