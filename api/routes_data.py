"""Units (JSON and HTML pages), export and the health check."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import FileResponse, Response

from budgetkg.api.models import ErrorResponse, Health, UnitDetail, UnitFindings, UnitSummary
from budgetkg.api.responses import error, not_found_page, page
from budgetkg.api.services import Services, services
from budgetkg.query import export as exporter
from budgetkg.settings import Settings

ExportFormat = Literal[exporter.FORMATS]  # type: ignore[valid-type]
UnitKey = Path(description="region/code (450200/103007), region/name-digest (341700/name-1a2b3c4d5e6f), or a code or full name that only one unit has",
               max_length=500)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse}}


def _unit(svc: Services, key: str):
    entry = svc.units.find(key)
    if entry is None:
        raise HTTPException(404, f"没有这个单位（no unit {key!r}）")
    return entry


def router(settings: Settings) -> APIRouter:
    routes = APIRouter()

    @routes.get("/api/units", response_model=list[UnitSummary], tags=["单位 units"], summary="All units")
    def list_units(svc: Services = Depends(services)) -> list[dict[str, Any]]:
        return svc.units.all()

    @routes.get("/api/units/{key:path}/findings", response_model=UnitFindings, responses=NOT_FOUND, tags=["单位 units"],
                summary="What the audit (budgetkg check) found about one unit")
    def unit_findings(key: str = UnitKey, svc: Services = Depends(services)) -> dict[str, Any]:
        """The findings about the unit's figures and in its own documents, each with its rule, severity, message
        and the places that disagree.  The whole store is audited once per server process, on the first request."""
        return svc.units.findings(_unit(svc, key))

    @routes.get("/api/units/{key:path}", response_model=UnitDetail, responses=NOT_FOUND, tags=["单位 units"],
                summary="One unit: parent, children, documents, headline figures")
    def get_unit(key: str = UnitKey, svc: Services = Depends(services)) -> dict[str, Any]:
        """Headline figures (预算总额, 支出合计, 基本支出, 项目支出, 三公经费 per phase and year) come from
        the unit's observations, each with its source; `sparql` is the query that found them."""
        return svc.units.detail(_unit(svc, key))

    @routes.get("/units", include_in_schema=False)
    def units_page() -> FileResponse:
        return page("units.html")

    @routes.get("/units/{key:path}", include_in_schema=False)
    def unit_page(key: str, svc: Services = Depends(services)) -> Response:
        if svc.units.find(key) is None:
            return not_found_page()
        return page("unit.html")

    @routes.get("/api/export", tags=["导出 export"], summary="Export the graph or part of it",
                responses={200: {"content": {m: {} for m in exporter.MEDIA_TYPES.values()}, "description": "the export, as a download"},
                           400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
    def export_graph(format: ExportFormat = Query("turtle", description="RDF (turtle, nt, nquads, trig, jsonld), CSV of "
                                                                         "observations, or networks for Gephi/Cytoscape"),
                     unit: str | None = Query(None, max_length=500, description="only this unit (code, name or IRI), its sub-units "
                                                                                "and what they link to"),
                     document: str | None = Query(None, max_length=500, description="only this document (graph IRI, file name "
                                                                                    "or content-hash prefix)"),
                     svc: Services = Depends(services)) -> Response:
        try:
            data = exporter.export(svc.store, format, unit=unit, document=document, unit_names=svc.units.named)
        except exporter.ExportError as problem:  # a filter that matches nothing, or several documents
            return error(404 if str(problem).startswith("no ") else 400, str(problem))
        name = "-".join(["budgetkg", *(["unit"] if unit else []), *(["document"] if document else [])])
        return Response(data, media_type=exporter.MEDIA_TYPES[format],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{exporter.EXTENSIONS[format]}"'})

    @routes.get("/healthz", response_model=Health, tags=["运维 operations"], summary="Liveness, how busy this process is, and store summary")
    def health(svc: Services = Depends(services)) -> dict[str, Any]:
        limits = svc.settings
        load = {"ask": svc.ask_gate.stats(), "sparql": svc.sparql_gate.stats(),
                "answer_cache": svc.asker.answers.stats() if svc.asker.answers is not None else {"entries": 0, "capacity": 0, "hits": 0, "misses": 0}}
        return {"status": "ok", "busy": svc.ask_gate.busy or svc.sparql_gate.busy, "load": load, "store": svc.store.kind, "read_only": svc.store.read_only, "graphs": len(svc.store.named_graphs()),
                "units": len(svc.asker.catalog.units), "query_workers_network_isolated": svc.runner.network_isolated,
                "limits": {"query_timeout_s": limits.query_timeout_s, "max_rows": limits.max_rows,
                           "max_question_chars": limits.max_question_chars, "max_request_bytes": limits.max_request_bytes}}

    return routes
