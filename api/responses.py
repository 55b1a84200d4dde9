"""The static pages and the JSON error body every API route answers with."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

STATIC = Path(__file__).with_name("static")


def page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8")


def not_found_page() -> HTMLResponse:
    return HTMLResponse((STATIC / "404.html").read_text(encoding="utf-8"), status_code=404)


def error(status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)
