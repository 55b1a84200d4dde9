"""The SPARQL 1.1 Protocol endpoint (read-only, sandboxed) and the console page."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from budgetkg.api.overload import Overloaded, busy_message
from budgetkg.api.responses import page
from budgetkg.api.services import Services, services
from budgetkg.query.guard import QueryRejected, as_written, with_prefixes
from budgetkg.query.sandbox import NotAcceptable, QueryFailed, QueryTimeout, SandboxError, ServerBusy
from budgetkg.settings import Settings

MEDIA = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
         "text/turtle", "application/n-triples", "application/ld+json"]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "results: SELECT/ASK as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, "
                         "N-Triples or JSON-LD (by Accept header or `format`). `X-Result-Truncated: true` when the row cap cut the result.",
          "content": {m: {"schema": {"type": "string"}} for m in MEDIA}},
    400: {"description": "not SPARQL, or refused: updates, SERVICE, LOAD, unknown FROM graphs",
          "content": {"text/plain": {"schema": {"type": "string"}}}},
    406: {"description": "no acceptable result format", "content": {"text/plain": {"schema": {"type": "string"}}}},
    415: {"description": "unsupported request body type", "content": {"text/plain": {"schema": {"type": "string"}}}},
    503: {"description": "all query workers busy and the queue full, or waited too long: retry after Retry-After seconds", "content": {"text/plain": {"schema": {"type": "string"}}}},
}
POST_BODY = {"requestBody": {"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"],
                                                      "properties": {"query": {"type": "string", "pattern": r"\S"},
                                                                     "format": {"type": "string"}}}},
    "application/sparql-query": {"schema": {"type": "string", "pattern": r"\S"}},
}}}


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def run(svc: Services, query: str | None, accept: str | None) -> Response:
    if query is None or not query.strip():
        raise BadRequest(400, "Missing SPARQL query: send it as the `query` parameter, a form field or an "
                              "application/sparql-query body.")
    text, shift = with_prefixes(query)
    try:
        outcome = svc.runner.run(text, accept)
    except QueryRejected as error:
        raise BadRequest(400, str(as_written(error, shift))) from None
    except NotAcceptable as error:
        raise BadRequest(406, str(error)) from None
    except ServerBusy as error:
        raise BadRequest(503, str(error)) from None
    except QueryTimeout as error:
        raise BadRequest(504, str(error)) from None
    except QueryFailed as error:
        raise BadRequest(503 if str(error).startswith("the query worker") else 400, str(error)) from None
    except SandboxError as error:
        raise BadRequest(503, str(error)) from None
    media = outcome.media_type + ("; charset=utf-8" if outcome.media_type.startswith("text/") else "")
    headers = {"X-Result-Truncated": "true" if outcome.truncated else "false", "X-Result-Rows": str(outcome.row_count),
               "X-Query-Time-Ms": f"{outcome.elapsed_s * 1000:.0f}", "Vary": "Accept", "Cache-Control": "no-store"}
    return Response(outcome.body, media_type=media, headers=headers)


def _respond(svc: Services, query: str | None, accept: str | None) -> Response:
    try:
        return run(svc, query, accept)
    except BadRequest as error:
        headers = {"Retry-After": "5"} if error.status == 503 else None
        return PlainTextResponse(str(error) + "\n", status_code=error.status, headers=headers)


async def _gated(svc: Services, query: str | None, accept: str | None) -> Response:
    """The query on one of the gate's threads (one per query worker); 503 at once when its queue is full."""
    try:
        return await svc.sparql_gate.submit(_respond, svc, query, accept)
    except Overloaded as busy:
        return PlainTextResponse(busy_message(busy) + "\n", status_code=503, headers={"Retry-After": str(busy.retry_after_s)})


def _one(values: list[str] | None, name: str) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(400, f"`{name}` must be given once")
    return values[0]


def _dataset_params(params: dict[str, list[str]]) -> None:
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise BadRequest(400, "default-graph-uri / named-graph-uri are not supported: every query sees all "
                              "graphs as its default graph; use GRAPH ?g { … } to select documents.")
    if "update" in params:
        raise BadRequest(400, "This endpoint is read-only: SPARQL Update is not accepted.")


def router(settings: Settings) -> APIRouter:
    routes = APIRouter()
    timeout = {"description": f"time limit ({settings.query_timeout_s:g} s) reached",
               "content": {"text/plain": {"schema": {"type": "string"}}}}
    responses = {**_RESPONSES, 504: timeout}

    @routes.get("/sparql", responses=responses, tags=["SPARQL"], summary="SPARQL 1.1 query (GET)")
    async def sparql_get(request: Request,
                   query: str | None = Query(None, pattern=r"\S", description="the SPARQL query (the project's prefixes bk:, bkid:, qb:, "
                                                               "skos:, org:, prov:, dcterms:, rdfs:, rdf:, xsd: are predeclared)"),
                   format: str | None = Query(None, description="json, xml, csv, tsv, turtle, nt or jsonld (overrides Accept)"),
                   svc: Services = Depends(services)) -> Response:
        """Read-only: updates, SERVICE, LOAD and FROM graphs that are not in this store are refused (400).
        Each query runs in a sandboxed worker with a time limit (504 when reached) and a row cap."""
        if query is None and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/console", status_code=303)
        params = parse_qs(request.url.query, keep_blank_values=True)
        try:
            _dataset_params(params)
            query = _one(params.get("query"), "query")
        except BadRequest as error:
            return PlainTextResponse(str(error) + "\n", status_code=error.status)
        return await _gated(svc, query, format or request.headers.get("accept"))

    @routes.post("/sparql", responses=responses, tags=["SPARQL"], summary="SPARQL 1.1 query (POST)", openapi_extra=POST_BODY)
    async def sparql_post(request: Request, svc: Services = Depends(services)) -> Response:
        """A form (`query=…`) or an `application/sparql-query` body; same rules as GET."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        params = parse_qs(request.url.query, keep_blank_values=True)
        try:
            try:
                body = (await request.body()).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest(400, "The request body is not UTF-8.") from None
            if content_type == "application/x-www-form-urlencoded":
                for name, values in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(name, []).extend(values)
                _dataset_params(params)
                query = _one(params.get("query"), "query")
            elif content_type == "application/sparql-query":
                _dataset_params(params)
                query = body
            elif content_type == "application/sparql-update":
                raise BadRequest(400, "This endpoint is read-only: SPARQL Update is not accepted.")
            else:
                raise BadRequest(415, "Send the query as application/x-www-form-urlencoded (query=…) or application/sparql-query.")
            fmt = _one(params.get("format"), "format")
        except BadRequest as error:
            return PlainTextResponse(str(error) + "\n", status_code=error.status)
        return await _gated(svc, query, fmt or request.headers.get("accept"))

    @routes.get("/console", include_in_schema=False)
    def console_page() -> FileResponse:
        return page("console.html")

    return routes
