"""XLSX and XLS workbooks with python-calamine: one grid a sheet, as the templates are filled in.

A template sheet carries its title, its '编制部门：… 单位：元' line and its header in the first rows,
merged over the table's width; those rows stay in the grid (with their spans) and `layout`
recognises them there.  Numbers are written as the shortest decimal that reads back as the
stored float, rounded where a formula left float noise (0.30000000000000004 → 0.3).
"""
from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal
from pathlib import Path

from budgetkg.ingest.document import Document, Grid, GridRow, Item, Line, Numberer, Span, squeeze
from budgetkg.ingest.errors import DocumentError


def cell_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        rounded = round(value, 6)
        if rounded == int(rounded) and abs(rounded) < 1e15:
            return str(int(rounded))
        return format(Decimal(repr(rounded)).normalize(), "f")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return squeeze(str(value).replace("\r", "").replace("\n", "").replace("\xa0", " ")).strip()


def read_workbook(path: Path, data: bytes) -> Document:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine reports damaged and locked files with its own error types
        message = str(error) or type(error).__name__
        if "password" in message.lower() or "encrypt" in message.lower():
            raise DocumentError(f"{path}: the workbook is password-protected; save an unprotected copy") from error
        raise DocumentError(f"{path}: not a readable workbook ({message})") from error
    number = Numberer()
    items: list[Item] = []
    kind = "xls" if data.startswith(b"\xd0\xcf") else "xlsx"
    for sheet_name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            values = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as error:
            raise DocumentError(f"{path}: sheet '{sheet_name}' cannot be read ({error})") from error
        rows = [[cell_text(v) for v in row] for row in values]
        while rows and not any(rows[-1]):
            rows.pop()
        if not rows:
            continue
        width = max(len(r) for r in rows)
        used = [c for c in range(width) if any(c < len(r) and r[c] for r in rows)]
        if len(used) <= 1:  # a cover or a page of text: one line per row
            items.extend(Line(number(), " ".join(c for c in row if c)) for row in rows if any(row))
            continue
        grid_rows = [GridRow(number(), row + [""] * (width - len(row))) for row in rows]
        spans = [Span(top, left, bottom - top + 1, right - left + 1)
                 for (top, left), (bottom, right) in merged
                 if top < len(grid_rows) and (bottom > top or right > left)]
        items.append(Grid(grid_rows, spans, caption=sheet_name))
    if not items:
        raise DocumentError(f"{path}: the workbook has no cells with content")
    return Document(path, hashlib.sha256(data).hexdigest(), kind, items)

