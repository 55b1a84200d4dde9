"""Readers: one per file format, each turning a file into the one document model (`Document`).

A file's format is told by its first bytes, not its name, so a web page saved as .txt or a
workbook without an extension is still read right; the name decides only between the text shapes.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from budgetkg.ingest.document import Document
from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.readers.html import read_html
from budgetkg.ingest.readers.pdf import read_pdf
from budgetkg.ingest.readers.text import read_text
from budgetkg.ingest.readers.workbook import read_workbook

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
SUFFIXES = {".pdf", ".xlsx", ".xlsm", ".xls", ".html", ".htm", ".txt", ".md", ".text"}

Reader = Callable[[Path, bytes], Document]


def reader_for(path: Path, data: bytes) -> Reader:
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return read_pdf
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return read_workbook
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:65536].lower() \
            or path.suffix.lower() in {".html", ".htm"}:
        return read_html
    if path.suffix.lower() == ".pdf":
        raise DocumentError(f"{path}: named .pdf but not a PDF file (it does not start with %PDF)")
    return read_text


def read(path: Path) -> Document:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"{path}: {size} bytes is larger than the {MAX_DOCUMENT_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path}: cannot read ({error.strerror or error})") from error
    if not data.strip():
        raise DocumentError(f"{path}: empty document")
    return reader_for(path, data)(path, data)
