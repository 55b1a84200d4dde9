"""The peer of `budgetkg serve` in serve_bench.py: the smallest FastAPI app on the same uvicorn,
answering POST /api/ask and GET /sparql with a fixed 1 KB JSON body.

    uvicorn --factory minimal_app:create_app --port 8001      # from benchmarks/
"""
from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import Response

BODY = json.dumps({"answer": "柳州市12345政务服务热线管理中心2024年预算三公经费为0.22万元。" * 12}, ensure_ascii=False).encode()[:1024]


def create_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/ask")
    async def ask(request: Request) -> Response:
        await request.body()
        return Response(BODY, media_type="application/json")

    @app.get("/sparql")
    async def sparql() -> Response:
        return Response(BODY, media_type="application/json")

    @app.get("/healthz")
    async def health() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return app
