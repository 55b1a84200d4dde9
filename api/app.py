"""The web application: chat, SPARQL console and endpoint, units, export.

`create_app()` is the factory that `budgetkg serve` hands to uvicorn (one call per worker process).
An on-disk store is opened read-only, so several workers, and a running `budgetkg ingest`, can
share it; a read-only handle sees the store as it was when the worker started.
"""
from __future__ import annotations

import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from budgetkg import config
from budgetkg.store import Store, StoreBusy, StoreError, default_store_spec, open_store

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("budgetkg.api")

# Pages may load scripts, styles and data from this server only; inline scripts and event-handler
# attributes never run, so even markup that slipped into a page could not execute.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")


@dataclass
class Services:
    store: Store
    read_only: bool
    asker: Any  # budgetkg.query.ask.Asker
    units: Any  # budgetkg.api.units.Units
    runner: Any  # budgetkg.query.sandbox.QueryRunner


def open_for_serving(spec: str) -> tuple[Store, bool]:
    """Open a directory store read-only; fall back to read-write when there is nothing to read yet."""
    if spec == "memory" or spec.startswith(("http://", "https://")):
        return open_store(spec), False
    try:
        return open_store(spec, read_only=True), True
    except StoreBusy:
        raise
    except StoreError as error:
        log.warning("cannot open %s read-only (%s); opening it read-write", spec, error)
        return open_store(spec), False


def create_app(store_spec: str | None = None, *, store: Store | None = None, query_workers: int | None = None) -> FastAPI:
    """Build the app on `store` (already open, e.g. a filled memory store) or on `store_spec`
    (default: $BUDGETKG_STORE or the per-user store)."""
    from budgetkg.api.units import Units
    from budgetkg.query.ask import Asker
    from budgetkg.query.sandbox import QueryRunner

    read_only = False
    if store is None:
        store, read_only = open_for_serving(store_spec or default_store_spec())
    asker = Asker(store)
    workers = query_workers or int(os.environ.get("BUDGETKG_QUERY_WORKERS") or 2)
    runner = QueryRunner(store, timeout_s=config.QUERY_TIMEOUT_S, max_rows=config.MAX_RESULT_ROWS, workers=workers)
    services = Services(store, read_only, asker, Units(asker), runner)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()

    app = FastAPI(
        title="budgetkg",
        version="0.1.0",
        description="中国预算公开文件知识图谱：中文问答、SPARQL 端点与控制台、单位页、导出。"
                    f" Limits: {config.QUERY_TIMEOUT_S:g} s and {config.MAX_RESULT_ROWS:,} rows per SPARQL query, "
                    f"{config.MAX_QUESTION_CHARS} characters per question, {config.MAX_REQUEST_BYTES:,} bytes per request.",
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI: FastAPI's default loads it from a CDN
        redoc_url=None,
    )
    app.state.services = services
    _install_error_handlers(app)
    from budgetkg.api import routes_ask, routes_data, routes_sparql

    for module in (routes_ask, routes_sparql, routes_data):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")

    origins = [o.strip() for o in os.environ.get("BUDGETKG_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Accept"], expose_headers=["X-Result-Truncated", "X-Result-Rows"])
    app.add_middleware(Guardrails, max_body=config.MAX_REQUEST_BYTES)
    return app


def services(request: Request) -> Services:
    return request.app.state.services


def error(status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{k: v for k, v in e.items() if k in {"type", "loc", "msg"}} for e in exc.errors()]
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in problems)
        return error(422, f"请求无效（invalid request）: {where}", jsonable_encoder(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # Starlette lists only the first matching route's methods
            methods = {m for r in request.app.routes if isinstance(r, APIRoute) and r.path_regex.match(request.url.path)
                       for m in r.methods}
            headers["Allow"] = ", ".join(sorted(methods))
        return error(exc.status_code, str(exc.detail), headers=headers or None)

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
                                    f"{self.max_body:,} bytes, BUDGETKG_MAX_REQUEST_BYTES）", "detail": None},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
