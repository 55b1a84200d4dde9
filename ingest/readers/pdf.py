"""PDF files with pdfplumber: ruled tables as grids with their merged cells, other text as lines.

pdfplumber was chosen by measuring it against PyMuPDF and pypdfium2 on the real disclosures
(docs/formats.md).  A table without rules stays text lines, which `layout` reads as it reads
text extracted from a PDF.  A file without a text layer is a scan and is refused by name.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from budgetkg.ingest.document import Document, Grid, GridRow, Item, Line, Numberer, Span, squeeze
from budgetkg.ingest.errors import DocumentError

# pdfminer logs every odd font table at WARNING; the reader reports what matters itself
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_TOLERANCE = 1.0  # points: cell edges that differ by less are one edge


def _cell_text(text: str | None) -> str:
    """A cell's lines joined: pdfplumber breaks a wrapped cell into lines ('事业单位\\n经营收入')."""
    if not text:
        return ""
    return squeeze("".join(part.strip() for part in text.split("\n"))).strip()


def _grid(table: Any, page_number: int, number: Numberer) -> Grid | None:
    """A pdfplumber table as a Grid; each merged cell's span measured against the column and row edges."""
    rows = table.rows
    texts = table.extract()
    xs = sorted({round(c[0], 1) for row in rows for c in row.cells if c} | {round(c[2], 1) for row in rows for c in row.cells if c})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > _TOLERANCE:
            edges.append(x)
    tops = [row.bbox[1] for row in rows]
    grid_rows: list[GridRow] = []
    spans: list[Span] = []
    for r, (row, cells) in enumerate(zip(rows, texts)):
        grid_rows.append(GridRow(number(), [_cell_text(text) for text in cells], page_number))
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            columns = sum(1 for x in edges if box[0] + _TOLERANCE < x < box[2] - _TOLERANCE) + 1
            height = sum(1 for top in tops[r + 1:] if top < box[3] - _TOLERANCE) + 1
            if columns > 1 or height > 1:
                spans.append(Span(r, c, height, columns))
    if not any(any(cells.cells) for cells in grid_rows):
        return None
    return Grid(grid_rows, spans)


def _lines(page: Any, boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, str]]:
    """The page's text lines outside its tables, with their top."""
    outside = page
    for box in boxes:
        outside = outside.outside_bbox(box, strict=False)
    return [(line["top"], line["text"]) for line in outside.extract_text_lines(layout=False) if line["text"].strip()]


def _error(path: Path, error: Exception) -> DocumentError:
    causes = [error, *getattr(error, "args", ())]
    names = " ".join(type(cause).__name__ for cause in causes)
    if "Password" in names or "Encrypt" in names:
        return DocumentError(f"{path}: the PDF is password-protected; open it with its password and save an unprotected copy")
    detail = next((str(cause) for cause in causes if str(cause)), "") or "damaged file"
    return DocumentError(f"{path}: not a readable PDF, the file is damaged or cut short ({detail})")


def read_pdf(path: Path, data: bytes) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception as error:  # pdfminer raises a zoo of its own types, wrapped in PdfminerException
        raise _error(path, error) from error
    items: list[Item] = []
    number = Numberer()
    pages_without_text: list[int] = []
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as error:
            raise _error(path, error) from error
        if not pages:
            raise DocumentError(f"{path}: the PDF has no pages")
        for page_number, page in enumerate(pages, start=1):
            try:
                if not page.chars:
                    if page.images:  # a blank page is no loss; an image of a page is
                        pages_without_text.append(page_number)
                    continue
                tables = [t for t in page.find_tables() if len(t.rows) and max(len(r.cells) for r in t.rows) >= 2]
                placed: list[tuple[float, int, Any]] = [(top, 0, text) for top, text in _lines(page, [t.bbox for t in tables])]
                placed += [(table.bbox[1], 1, table) for table in tables]
            except Exception as error:
                raise DocumentError(f"{path}: page {page_number} cannot be read ({type(error).__name__}: {error})") from error
            for _, kind, thing in sorted(placed, key=lambda p: (p[0], p[1])):
                if kind == 0:
                    items.append(Line(number(), thing, page_number))
                else:
                    grid = _grid(thing, page_number, number)
                    if grid is not None:
                        items.append(grid)
    if pages_without_text and not any(isinstance(item, Line) or isinstance(item, Grid) for item in items):
        raise DocumentError(f"{path}: a scanned PDF: its {len(pages)} pages are images with no text layer; "
                            "run OCR on it (for example ocrmypdf) and ingest the result")
    notes = [f"page {p} is an image with no text layer (a scanned page); it was not read" for p in pages_without_text]
    return Document(path, hashlib.sha256(data).hexdigest(), "pdf", items, notes)
