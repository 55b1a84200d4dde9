"""Libraries for reading PDF and Excel budget disclosures: speed and correctness (a script, not a test).

    python benchmarks/format_libraries.py                    # everything, best of 3
    python benchmarks/format_libraries.py --only pdf --repeat 5
    python benchmarks/format_libraries.py --only excel --json /tmp/formats.json

PDF: the 7 real PDFs in tests/data/real (WPS-exported, ruled tables). Times are the best of
--repeat runs in this process (the median is printed beside it). Cell scores compare each
library's grids with benchmarks/data/pdf_cells_reference.json, 14 table pages typed by eye from
the rendered pages.
Excel: workbooks laid out like the Shanghai templates are written to BUDGETKG_BENCH_DIR/formats
(.xlsx with openpyxl, .xls with xlwt) and read back with python-calamine, openpyxl and xlrd.
Results are described in docs/formats.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import BENCH_DIR  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"
REFERENCE = ROOT / "benchmarks" / "data" / "pdf_cells_reference.json"
WORK = BENCH_DIR / "formats"
warnings.filterwarnings("ignore")

# ----------------------------------------------------------------------------------------- helpers


CPU_BEST: dict[str, float] = {}  # label -> least CPU seconds of the process (all threads) over the runs


def timed(fn: Callable[[], Any], repeat: int, label: str = "") -> tuple[float, float, Any]:
    """(best, median, last result) of `repeat` calls, wall seconds; CPU seconds go to CPU_BEST[label].

    The CPU time is printed beside the wall time: it moves less than the wall time when other
    processes share the 2 cores."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    CPU_BEST[label] = min(cpu)
    return min(times), statistics.median(times), result


def import_time(module: str, repeat: int) -> float:
    """Median wall time of `python -c 'import module'` in a fresh interpreter, minus a bare interpreter."""
    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True, capture_output=True)
        return time.perf_counter() - started
    bare = statistics.median(run("pass") for _ in range(repeat))
    return statistics.median(run(f"import {module}") for _ in range(repeat)) - bare


def version(dist: str) -> str:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "-"


def licence(dist: str) -> str:
    try:
        meta = md.metadata(dist)
    except md.PackageNotFoundError:
        return "-"
    text = meta.get("License-Expression") or meta.get("License") or ""
    if not text or len(text) > 100:
        text = "; ".join(c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License"))
    return text or "-"


def norm(text: str | None) -> str:
    """Cell text compared without any whitespace (line breaks inside a cell are not errors)."""
    return re.sub(r"\s+", "", text or "")


def table_print(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(c) for c in r] for r in [headers] + rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for k, r in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


def pdfs() -> list[Path]:
    return sorted(REAL.glob("*.pdf"))


# ------------------------------------------------------------------------------- PDF: page text


def text_pdfplumber(path: Path) -> list[str]:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        out = []
        for page in pdf.pages:
            out.append(page.extract_text())
            page.close()
        return out


def text_pymupdf(path: Path) -> list[str]:
    import pymupdf
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def text_pypdfium2(path: Path) -> list[str]:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_bounded() for page in pdf]
    finally:
        pdf.close()


# ------------------------------------------------------------------- PDF: tables as cell grids
# Each adapter returns {page number: [grid, ...]} with grid = rows of cells, None = covered by a merge.


def tables_pdfplumber(path: Path, pages: set[int] | None = None) -> dict[int, list[list[list[str | None]]]]:
    import pdfplumber
    out = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            if pages is None or number in pages:
                out[number] = [t.extract() for t in page.find_tables()]
            page.close()
    return out


def _layout_kw(use_layout: bool) -> dict:
    """find_tables(use_layout=...): PyMuPDF 2.0 runs a layout model first by default; older versions lack the option."""
    import inspect

    from pymupdf import table
    return {"use_layout": use_layout} if "use_layout" in inspect.signature(table.find_tables).parameters else {}


def tables_and_lines_pdfplumber(path: Path) -> dict:
    """One pass as an ingest would make it: text lines with boxes (titles, 单位) and the tables of each page."""
    import pdfplumber
    out = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            out[number] = (page.extract_text_lines(return_chars=False), [t.extract() for t in page.find_tables()])
            page.close()
    return out


def tables_pymupdf(path: Path, pages: set[int] | None = None, use_layout: bool = True) -> dict:
    import pymupdf
    out, kw = {}, _layout_kw(use_layout)
    with pymupdf.open(path) as doc:
        for number, page in enumerate(doc, 1):
            if pages is None or number in pages:
                out[number] = [t.extract() for t in page.find_tables(**kw).tables]
    return out


def _join_chars(chars: list[tuple[float, float, float, str]]) -> str:
    """chars = (x0, y_mid, height, text): lines top to bottom, characters left to right."""
    lines: list[list[tuple[float, float, float, str]]] = []
    for ch in sorted(chars, key=lambda c: c[1]):
        if lines and abs(ch[1] - lines[-1][0][1]) <= max(2.0, 0.5 * ch[2]):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return "\n".join("".join(c[3] for c in sorted(line)) for line in lines)


def _fill(cells_rows: list[list[tuple[float, float, float, float] | None]], chars: list) -> list[list[str | None]]:
    """Put each character (x0, y0, x1, y1, text) into the cell holding its centre."""
    grid = []
    for row in cells_rows:
        out = []
        for cell in row:
            if cell is None:
                out.append(None)
                continue
            x0, y0, x1, y1 = cell
            inside = [(c[0], (c[1] + c[3]) / 2, c[3] - c[1], c[4]) for c in chars
                      if x0 <= (c[0] + c[2]) / 2 < x1 and y0 <= (c[1] + c[3]) / 2 < y1]
            out.append(_join_chars(inside))
        grid.append(out)
    return grid


def tables_pymupdf_refill(path: Path, pages: set[int] | None = None) -> dict:
    """PyMuPDF's cell boxes (use_layout=False), text put in from get_text('rawdict') (font-size boxes)."""
    import pymupdf
    out = {}
    with pymupdf.open(path) as doc:
        for number, page in enumerate(doc, 1):
            if pages is not None and number not in pages:
                continue
            raw = page.get_text("rawdict")
            chars = [(*c["bbox"], c["c"]) for b in raw["blocks"] for line in b.get("lines", [])
                     for s in line["spans"] for c in s["chars"] if not c["c"].isspace()]
            out[number] = [_fill([list(r.cells) for r in t.rows], chars)
                           for t in page.find_tables(**_layout_kw(False)).tables]
    return out


def _pdfium_chars(textpage, height: float) -> list[tuple[float, float, float, float, str]]:
    """Characters with loose boxes (font ascent to descent), top-down coordinates like the other two."""
    out = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch.isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        out.append((left, height - top, right, height - bottom, ch))
    return out


def chars_pypdfium2(path: Path, pages: set[int] | None = None) -> dict:
    """What pypdfium2 gives towards tables: every character with its box (no table finder)."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path)
    out = {}
    try:
        for number, page in enumerate(pdf, 1):
            if pages is None or number in pages:
                out[number] = _pdfium_chars(page.get_textpage(), page.get_height())
    finally:
        pdf.close()
    return out


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def grid_from_rules(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]],
                    chars: list, tol: float = 2.0) -> list[list[str | None]] | None:
    """A grid from ruling segments: hs = (y, x0, x1), vs = (x, y0, y1), top-down coordinates.

    Column and row edges are the distinct x of vertical and y of horizontal rules; two neighbouring
    slots are one merged cell where no rule separates them. One table per page (the outermost box)."""
    if len(hs) < 2 or len(vs) < 2:
        return None
    ys, xs = _cluster([h[0] for h in hs], tol), _cluster([v[0] for v in vs], tol)

    def covered(segments, at, lo, hi):  # is there a rule at `at` running from lo to hi?
        return any(abs(s[0] - at) <= tol and s[1] <= lo + tol and s[2] >= hi - tol for s in segments)

    nrow, ncol = len(ys) - 1, len(xs) - 1
    parent = list(range(nrow * ncol))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nrow):
        for c in range(ncol):
            if c + 1 < ncol and not covered(vs, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * ncol + c + 1)] = find(r * ncol + c)
            if r + 1 < nrow and not covered(hs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * ncol + c)] = find(r * ncol + c)
    boxes: dict[int, list[float]] = {}
    for r in range(nrow):
        for c in range(ncol):
            b = boxes.setdefault(find(r * ncol + c), [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            b[0], b[1] = min(b[0], xs[c]), min(b[1], ys[r])
            b[2], b[3] = max(b[2], xs[c + 1]), max(b[3], ys[r + 1])
    cells_rows = []
    for r in range(nrow):
        row = []
        for c in range(ncol):
            root = find(r * ncol + c)
            b = boxes[root]
            anchor = abs(b[0] - xs[c]) < 1e-6 and abs(b[1] - ys[r]) < 1e-6
            row.append(tuple(b) if anchor else None)
        cells_rows.append(row)
    return _fill(cells_rows, chars)


def tables_pypdfium2_grid(path: Path, pages: set[int] | None = None) -> dict:
    """Prototype: pypdfium2 characters + ruling lines read from path objects, grid_from_rules()."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    pdf = pdfium.PdfDocument(path)
    out = {}
    try:
        for number, page in enumerate(pdf, 1):
            if pages is not None and number not in pages:
                continue
            height = page.get_height()
            hs, vs = [], []
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
                left, bottom, right, top = obj.get_bounds()
                w, h = right - left, top - bottom
                if h <= 2.5 and w > 2.5:      # a thin filled rectangle or a stroked line: horizontal rule
                    hs.append((height - (top + bottom) / 2, left, right))
                elif w <= 2.5 and h > 2.5:
                    vs.append(((left + right) / 2, height - top, height - bottom))
            grid = grid_from_rules(hs, vs, _pdfium_chars(page.get_textpage(), height))
            out[number] = [grid] if grid else []
    finally:
        pdf.close()
    return out


# ------------------------------------------------------------ PDF: text lines with positions


def lines_pdfplumber(path: Path, page_no: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [(ln["text"], (ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
                for ln in pdf.pages[page_no - 1].extract_text_lines(return_chars=False)]


def lines_pymupdf(path: Path, page_no: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    import pymupdf
    with pymupdf.open(path) as doc:
        d = doc[page_no - 1].get_text("dict")
        return [("".join(s["text"] for s in ln["spans"]), tuple(ln["bbox"]))
                for b in d["blocks"] for ln in b.get("lines", [])]


def lines_pypdfium2(path: Path, page_no: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """pdfium's own reading order: page text split at the line breaks it inserts, boxes from the chars."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[page_no - 1]
        tp, height = page.get_textpage(), page.get_height()
        out, text, box = [], "", None
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if ch in ("\r", "\n"):
                if text.strip():
                    out.append((text, box))
                text, box = "", None
                continue
            text += ch
            if not ch.isspace():
                left, bottom, right, top = tp.get_charbox(i)
                b = (left, height - top, right, height - bottom)
                box = b if box is None else (min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3]))
        if text.strip():
            out.append((text, box))
        return out
    finally:
        pdf.close()


# ------------------------------------------------------------------------------ PDF: scoring


def expand(table: dict) -> tuple[dict, set]:
    """Reference rows -> {(r, c): (text, rowspan, colspan)} anchors and the set of covered positions."""
    anchors, covered = {}, set()
    for r, row in enumerate(table["rows"]):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            text, rs, cs = (cell, 1, 1) if isinstance(cell, str) else (
                cell["text"], cell.get("rowspan", 1), cell.get("colspan", 1))
            anchors[(r, c)] = (text, rs, cs)
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            c += cs
    return anchors, covered


def score_table(table: dict, grids: list[list[list[str | None]]]) -> dict:
    """Best alignment of the reference with any grid found on its page (row/column offsets up to 4/2)."""
    anchors, covered = expand(table)
    header_rows = table["header_rows"]

    def cell(grid, r, c):
        if 0 <= r < len(grid) and 0 <= c < len(grid[r]):
            return grid[r][c], True
        return None, False

    best = {"matched": -1}
    for gi, grid in enumerate(grids):
        for dr in range(-4, 5):
            for dc in range(-2, 3):
                matched = sum(1 for (r, c), (text, _, _) in anchors.items()
                              if cell(grid, r + dr, c + dc)[1] and norm(cell(grid, r + dr, c + dc)[0]) == norm(text))
                if matched > best["matched"]:
                    best = {"matched": matched, "grid": gi, "dr": dr, "dc": dc}
    res = {"header": [0, 0], "body": [0, 0], "body_text": [0, 0], "spans": [0, 0], "garbled": 0,
           "wraps": [0, 0], "zero_vs_blank": [0, 0], "rows": None, "cols": None}
    grid = grids[best["grid"]] if grids else []
    dr, dc = (best.get("dr", 0), best.get("dc", 0))
    if grids:
        res["rows"], res["cols"] = len(grid), max((len(r) for r in grid), default=0)
    for (r, c), (text, rs, cs) in anchors.items():
        got, present = cell(grid, r + dr, c + dc)
        ok = present and norm(got) == norm(text)
        part = "header" if r < header_rows else "body"
        res[part][1] += 1
        res[part][0] += ok
        if part == "body" and norm(text):
            res["body_text"][1] += 1
            res["body_text"][0] += ok
        if rs > 1 or cs > 1:
            res["spans"][1] += 1
            res["spans"][0] += ok and all(cell(grid, r + dr + i, c + dc + j)[0] is None
                                          for i in range(rs) for j in range(cs) if i or j)
        if present and not ok and got and sorted(norm(got)) == sorted(norm(text)):
            res["garbled"] += 1
        if "\n" in text:
            res["wraps"][1] += 1
            res["wraps"][0] += present and got is not None and got.replace(" ", "") == text
        if part == "body" and norm(text) in ("0.00", "0", ""):
            res["zero_vs_blank"][1] += 1
            res["zero_vs_blank"][0] += ok
    return res


PDF_TABLE_READERS: dict[str, Callable] = {
    "pdfplumber": tables_pdfplumber,
    "PyMuPDF": tables_pymupdf,
    "PyMuPDF use_layout=False": lambda p, pages=None: tables_pymupdf(p, pages, use_layout=False),
    "PyMuPDF cells + rawdict text": tables_pymupdf_refill,
    "pypdfium2 + own grid (prototype)": tables_pypdfium2_grid,
}


def pdf_scores(reference: dict) -> dict[str, dict]:
    by_file: dict[str, set[int]] = {}
    for t in reference["tables"]:
        by_file.setdefault(t["file"], set()).add(t["page"])
    results = {}
    for name, reader in PDF_TABLE_READERS.items():
        found = {f: reader(REAL / f, pages) for f, pages in by_file.items()}
        total = {"header": [0, 0], "body": [0, 0], "body_text": [0, 0], "spans": [0, 0], "garbled": 0,
                 "wraps": [0, 0], "zero_vs_blank": [0, 0], "tables_found": 0, "tables": 0, "per_table": []}
        for t in reference["tables"]:
            grids = found[t["file"]].get(t["page"], [])
            s = score_table(t, grids)
            total["tables"] += 1
            total["tables_found"] += len(grids)
            for k in ("header", "body", "body_text", "spans", "wraps", "zero_vs_blank"):
                total[k][0] += s[k][0]
                total[k][1] += s[k][1]
            total["garbled"] += s["garbled"]
            ref_rows, ref_cols = len(t["rows"]), t["ncols"]
            total["per_table"].append({"file": t["file"], "page": t["page"], "found": len(grids),
                                       "grid": f"{s['rows']}x{s['cols']}", "reference": f"{ref_rows}x{ref_cols}",
                                       "cells_right": s["header"][0] + s["body"][0],
                                       "cells": s["header"][1] + s["body"][1]})
        results[name] = total
    return results


def cells_in_text(reference: dict, texts: dict[str, list[str]]) -> tuple[int, int]:
    """Non-blank reference cells whose text (whitespace removed) occurs in the page's plain text."""
    found = total = 0
    for t in reference["tables"]:
        page = norm(texts[t["file"]][t["page"] - 1])
        for text, _, _ in expand(t)[0].values():
            if norm(text):
                total += 1
                found += norm(text) in page
    return found, total


def pymupdf_external_headers(reference: dict) -> tuple[int, int]:
    """Pages where PyMuPDF's Table.header took a line above the table (external) as the column names."""
    import pymupdf
    hits = pages = 0
    for t in reference["tables"]:
        with pymupdf.open(REAL / t["file"]) as doc:
            page = doc[t["page"] - 1]  # Table.header is computed lazily and needs the page alive
            for table in page.find_tables().tables:
                pages += 1
                hits += bool(table.header.external)
    return hits, pages


def outside_text(reference: dict) -> dict[str, dict]:
    """Are the table title and the money-unit line found as text lines with boxes, above the table?"""
    readers = {"pdfplumber": lines_pdfplumber, "PyMuPDF": lines_pymupdf, "pypdfium2": lines_pypdfium2}
    out = {}
    for name, reader in readers.items():
        title = unit = checked = 0
        for t in reference["tables"]:
            if t.get("continues_from_page"):
                continue  # continuation pages carry no title
            checked += 1
            lines = reader(REAL / t["file"], t["page"])
            title += any(norm(text) == norm(t["title"]) for text, _ in lines)
            unit += any(re.search(r"单位[:：](万?元)$", norm(text)) for text, _ in lines)
        out[name] = {"pages": checked, "title_line": title, "unit_found": unit}
    return out


def pdf_section(repeat: int, results: dict) -> None:
    files = pdfs()
    pages = 0
    import pypdfium2 as pdfium
    for f in files:
        pdf = pdfium.PdfDocument(f)
        pages += len(pdf)
        pdf.close()
    print(f"\n== PDF: {len(files)} files, {pages} pages, best of {repeat} (median) ==")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    rows, res = [], {}
    text_readers = {"pdfplumber": text_pdfplumber, "PyMuPDF": text_pymupdf, "pypdfium2": text_pypdfium2}
    for name, fn in text_readers.items():
        best, med, texts = timed(lambda fn=fn: [fn(f) for f in files], repeat, "text " + name)
        chars = sum(len(t or "") for doc in texts for t in doc)
        found, total = cells_in_text(reference, {f.name: doc for f, doc in zip(files, texts)})
        cpu = CPU_BEST["text " + name]
        res[name] = {"text_s": best, "text_median_s": med, "text_cpu_s": cpu, "text_chars": chars,
                     "cells_in_text": [found, total]}
        rows.append([name, f"{best:.3f} ({med:.3f})", f"{cpu:.3f}", f"{1000 * best / pages:.1f}", chars, f"{found}/{total}"])
    print("\n(a) all text of all pages")
    table_print(["library", "seconds", "CPU s", "ms/page", "characters", "reference cells found in page text"], rows)

    rows = []
    table_readers = {
        "pdfplumber find_tables+extract": tables_pdfplumber,
        "pdfplumber text lines + tables, one pass": tables_and_lines_pdfplumber,
        "PyMuPDF find_tables+extract": tables_pymupdf,
        "PyMuPDF find_tables(use_layout=False)": lambda f: tables_pymupdf(f, use_layout=False),
        "PyMuPDF cells + rawdict text": tables_pymupdf_refill,
        "pypdfium2 chars with boxes": chars_pypdfium2,
        "pypdfium2 + own grid (prototype)": tables_pypdfium2_grid,
    }
    for name, fn in table_readers.items():
        best, med, found = timed(lambda fn=fn: [fn(f) for f in files], repeat, "tables " + name)
        count = sum(len(v[1] if isinstance(v, tuple) else v) for doc in found for v in doc.values())
        unit = "chars" if "chars with boxes" in name else "tables"
        cpu = CPU_BEST["tables " + name]
        res[name] = {"tables_s": best, "tables_median_s": med, "tables_cpu_s": cpu, unit: count}
        rows.append([name, f"{best:.3f} ({med:.3f})", f"{cpu:.3f}", f"{1000 * best / pages:.1f}", f"{count} {unit}"])
    print("\n(b) tables as cell grids, all pages")
    table_print(["reader", "seconds", "CPU s", "ms/page", "found"], rows)

    scores = pdf_scores(reference)
    ncells = sum(len(r) for t in reference["tables"] for r in t["rows"])
    print(f"\n(c) cells read right against the reference ({len(reference['tables'])} tables, {ncells} cells)")
    rows = []
    pct = lambda a: f"{a[0]}/{a[1]} = {100 * a[0] / a[1]:.1f}%" if a[1] else "-"
    for name, s in scores.items():
        rows.append([name, f"{s['tables_found']}/{s['tables']}", pct(s["header"]), pct(s["body"]),
                     pct(s["body_text"]), pct(s["spans"]), s["garbled"], pct(s["wraps"]), pct(s["zero_vs_blank"])])
    table_print(["reader", "tables", "header cells", "body cells", "body, non-blank", "spans kept (None)",
                 "garbled", "wrapped kept", "0/blank right"], rows)
    print("\n  per table (cells right / cells; grid rows x cols found vs reference):")
    names = list(scores)
    per = []
    for i, t in enumerate(reference["tables"]):
        line = [f"{t['file'].replace('shanghai_putuo_', '').replace('_budget.pdf', '')} p{t['page']}",
                scores[names[0]]["per_table"][i]["reference"]]
        for n in names:
            p = scores[n]["per_table"][i]
            line.append(f"{p['cells_right']}/{p['cells']} {p['grid']}" + ("" if p["found"] == 1 else f" [{p['found']} tables]"))
        per.append(line)
    table_print(["page", "reference"] + names, per)
    outside = outside_text(reference)
    print("\n  text outside the tables (pages with a title):")
    table_print(["library", "pages", "title found as one line", "'单位：元/万元' found"],
                [[n, o["pages"], o["title_line"], o["unit_found"]] for n, o in outside.items()])
    ext = pymupdf_external_headers(reference)
    print(f"  PyMuPDF Table.header.external (names taken from a line outside the table, e.g. 编制部门…单位：元): "
          f"{ext[0]} of {ext[1]} tables")
    results["pdf"] = {"files": len(files), "pages": pages, "timing": res, "scores": scores, "outside": outside,
                      "pymupdf_external_header": ext}


# ------------------------------------------------------------------------------------ Excel

FMT = "#,##0.00"
CHECK = {  # cells written into the 收入预算总表 sheet, and what a reader should give back
    "float_noise": 0.1 + 0.2,          # stored double 0.30000000000000004, shown 0.30
    "big": 12345678.9,                 # shown 12,345,678.90
    "integer": 156211123,              # an integer amount
    "zero": 0,                         # a written 0 (shown 0.00), not a blank
    "date": dt.datetime(2025, 1, 15),  # a 填报日期 cell
}


def _template_sheets(rows_per_sheet: int | None) -> list[dict]:
    """Sheet specs: title, header rows (cells with spans) and body rows, like the Shanghai templates."""
    def body_in(n: int) -> list[list[Any]]:
        rows = []
        for i in range(n):
            lei, kuan, xiang = str(201 + i // 100), f"{(i // 10) % 10 + 1:02d}", f"{i % 10 + 1:02d}"
            amount = round(1000 + i * 1234.57, 2)
            rows.append([lei, kuan, xiang, f"科目{i}", amount, amount, 0, 0, None])
        return rows

    header_in = [  # (row, col, text, rowspan, colspan), 0-based from the first header row
        (0, 0, "项目", 1, 4), (0, 4, "收入预算", 1, 5),
        (1, 0, "功能分类科目编码", 1, 3), (1, 3, "功能分类科目名称", 2, 1), (1, 4, "合计", 2, 1),
        (1, 5, "财政拨款收入", 2, 1), (1, 6, "事业收入", 2, 1), (1, 7, "事业单位\n经营收入", 2, 1),
        (1, 8, "其他收入", 2, 1), (2, 0, "类", 1, 1), (2, 1, "款", 1, 1), (2, 2, "项", 1, 1)]
    if rows_per_sheet:
        return [{"name": f"收入预算总表{k + 1}", "title": "2026年部门收入预算总表", "ncols": 9,
                 "header": header_in, "header_rows": 3, "body": body_in(rows_per_sheet)} for k in range(20)]
    body = [
        ["204", None, None, "公共安全支出", 87267272.44, 87267272.44, 0, 0, 0],
        ["204", "06", None, "司法", CHECK["big"], CHECK["big"], 0, 0, None],
        ["204", "06", "01", "行政运行", CHECK["float_noise"], CHECK["float_noise"], CHECK["zero"], None, None],
        ["221", "02", "03", "购房补贴", CHECK["integer"], CHECK["integer"], 0, 0, 0],
        [("合计", 1, 4), None, None, None, 96282213.44, 96282213.44, 0, 0, 0],
    ]
    return [
        {"name": "财务收支预算总表", "title": "2026年部门财务收支预算总表", "ncols": 4, "header_rows": 2,
         "header": [(0, 0, "本年收入", 1, 2), (0, 2, "本年支出", 1, 2), (1, 0, "项目", 1, 1),
                    (1, 1, "预算数", 1, 1), (1, 2, "项目", 1, 1), (1, 3, "预算数", 1, 1)],
         "body": [["一、财政拨款收入", 96282213.44, "一、公共安全支出", 87267272.44],
                  ["二、事业收入", 0, None, None],
                  [("收入总计", 1, 1), 96282213.44, "支出总计", 96282213.44]]},
        {"name": "收入预算总表", "title": "2026年部门收入预算总表", "ncols": 9, "header_rows": 3,
         "header": header_in, "body": body, "date": CHECK["date"]},
        {"name": "三公经费", "title": "2026年部门“三公”经费和机关运行经费预算表", "ncols": 7, "header_rows": 3,
         "unit": "单位:万元",
         "header": [(0, 0, "“三公”经费预算数", 1, 6), (0, 6, "机关运行经费预算数", 3, 1), (1, 0, "合计", 2, 1),
                    (1, 1, "因公出国(境)费", 2, 1), (1, 2, "公务接待费", 2, 1), (1, 3, "公务用车购置及运行费", 1, 3),
                    (2, 3, "小计", 1, 1), (2, 4, "购置费", 1, 1), (2, 5, "运行费", 1, 1)],
         "body": [[10.81, 0, 0.83, 9.98, 0, 9.98, 217.83]]},
        {"name": "偏移", "cells": {(2, 2): "项目", (3, 3): 1.5}},  # a sheet whose first used cell is C3
    ]


def expected_merges(sheet: dict) -> set[tuple[int, int, int, int]]:
    """(first_row, first_col, last_row, last_col), 0-based, of every merged range in a sheet spec."""
    ncols, top = sheet["ncols"], 3  # rows: 0 title, 1 编制部门/单位, 2.. header
    out = {(0, 0, 0, ncols - 1)}
    for r, c, _, rs, cs in sheet["header"]:
        if rs > 1 or cs > 1:
            out.add((top - 1 + r, c, top - 1 + r + rs - 1, c + cs - 1))
    first_body = 2 + sheet["header_rows"]
    for i, row in enumerate(sheet["body"]):
        for c, v in enumerate(row):
            if isinstance(v, tuple) and (v[1] > 1 or v[2] > 1):
                out.add((first_body + i, c, first_body + i + v[1] - 1, c + v[2] - 1))
    return out


def write_xlsx(path: Path, sheets: list[dict]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in sheets:
        ws = wb.create_sheet(s["name"])
        if "cells" in s:
            for (r, c), v in s["cells"].items():
                ws.cell(1 + r, 1 + c, v)
            continue
        n = s["ncols"]
        ws.cell(1, 1, s["title"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
        ws.cell(2, 1, "编制部门：上海市普陀区司法局")
        ws.cell(2, n, s.get("unit", "单位：元"))
        for r, c, text, rs, cs in s["header"]:
            ws.cell(3 + r, 1 + c, text).alignment = Alignment(wrap_text=True)
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=3 + r, start_column=1 + c, end_row=3 + r + rs - 1, end_column=1 + c + cs - 1)
        first = 3 + s["header_rows"]
        for i, row in enumerate(s["body"]):
            for c, v in enumerate(row):
                if isinstance(v, tuple):
                    ws.cell(first + i, 1 + c, v[0])
                    if v[1] > 1 or v[2] > 1:
                        ws.merge_cells(start_row=first + i, start_column=1 + c,
                                       end_row=first + i + v[1] - 1, end_column=1 + c + v[2] - 1)
                elif v is not None:
                    cell = ws.cell(first + i, 1 + c, v)
                    if isinstance(v, (int, float)):
                        cell.number_format = FMT
        if "date" in s:
            last = first + len(s["body"])
            ws.cell(last, 1, "填报日期")
            ws.cell(last, 2, s["date"]).number_format = "yyyy-mm-dd"
            ws.cell(last + 1, 1, "款（数字，格式00）")
            ws.cell(last + 1, 2, 6).number_format = "00"
    wb.save(path)
    _patch_xlsx(path, b"<v>0.3</v>", repr(CHECK["float_noise"]).encode())


def _patch_xlsx(path: Path, old: bytes, new: bytes) -> None:
    """openpyxl writes 0.1+0.2 as '0.3' (15 significant digits); put the double's 17-digit text in the file."""
    import zipfile
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(old, b"<v>" + new + b"</v>")
            zout.writestr(item, data)
    tmp.replace(path)


def write_xls(path: Path, sheets: list[dict]) -> None:
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    money = xlwt.easyxf(num_format_str=FMT)
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    code = xlwt.easyxf(num_format_str="00")
    wrap = xlwt.easyxf("align: wrap on")
    for s in sheets:
        ws = wb.add_sheet(s["name"])
        if "cells" in s:
            for (r, c), v in s["cells"].items():
                ws.write(r, c, v)
            continue
        n = s["ncols"]
        ws.write_merge(0, 0, 0, n - 1, s["title"])
        ws.write(1, 0, "编制部门：上海市普陀区司法局")
        ws.write(1, n - 1, s.get("unit", "单位：元"))
        for r, c, text, rs, cs in s["header"]:
            if rs > 1 or cs > 1:
                ws.write_merge(2 + r, 2 + r + rs - 1, c, c + cs - 1, text, wrap)
            else:
                ws.write(2 + r, c, text, wrap)
        first = 2 + s["header_rows"]
        for i, row in enumerate(s["body"]):
            for c, v in enumerate(row):
                if isinstance(v, tuple):
                    if v[1] > 1 or v[2] > 1:
                        ws.write_merge(first + i, first + i + v[1] - 1, c, c + v[2] - 1, v[0])
                    else:
                        ws.write(first + i, c, v[0])
                elif isinstance(v, (int, float)):
                    ws.write(first + i, c, v, money)
                elif v is not None:
                    ws.write(first + i, c, v)
        if "date" in s:
            last = first + len(s["body"])
            ws.write(last, 0, "填报日期")
            ws.write(last, 1, s["date"], date)
            ws.write(last + 1, 0, "款（数字，格式00）")
            ws.write(last + 1, 1, 6, code)
    wb.save(str(path))


def read_calamine(path: Path) -> dict:
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        sh = wb.get_sheet_by_name(name)
        merged = sh.merged_cell_ranges
        out[name] = {"rows": sh.to_python(), "start": sh.start,
                     "merged": None if merged is None else {(a[0], a[1], b[0], b[1]) for a, b in merged}}
    return out


def read_openpyxl(path: Path, read_only: bool = False) -> dict:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    out = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = None if read_only else {(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                                         for m in ws.merged_cells.ranges}
        out[ws.title] = {"rows": rows, "merged": merged}
    wb.close()
    return out


def read_openpyxl_formats(path: Path) -> dict:
    """openpyxl, full mode, with each cell's number_format (for the displayed text)."""
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [[(c.value, c.number_format) for c in r] for r in ws.iter_rows()] for ws in wb.worksheets}


def read_xlrd(path: Path, formatting_info: bool = False) -> dict:
    import xlrd
    wb = xlrd.open_workbook(str(path), formatting_info=formatting_info)
    out = {}
    for sh in wb.sheets():
        rows = [sh.row_values(r) for r in range(sh.nrows)]
        merged = {(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells}
        out[sh.name] = {"rows": rows, "merged": merged, "types": [list(sh.row_types(r)) for r in range(sh.nrows)]}
    wb.release_resources()
    return out


EXCEL_READERS: dict[str, tuple[str, Callable]] = {
    "python-calamine (xlsx)": ("xlsx", read_calamine),
    "openpyxl (xlsx)": ("xlsx", read_openpyxl),
    "openpyxl read_only (xlsx)": ("xlsx", lambda p: read_openpyxl(p, read_only=True)),
    "python-calamine (xls)": ("xls", read_calamine),
    "xlrd (xls)": ("xls", read_xlrd),
    "xlrd formatting_info (xls)": ("xls", lambda p: read_xlrd(p, formatting_info=True)),
}


def _at(sheet: dict, r: int, c: int) -> Any:
    """Value at 0-based (r, c) of the sheet as the file has it, whatever the reader's grid origin."""
    r0, c0 = sheet.get("start") or (0, 0)
    rows = sheet["rows"]
    rr, cc = r - r0, c - c0
    if 0 <= rr < len(rows) and 0 <= cc < len(rows[rr]):
        return rows[rr][cc]
    return "<outside>"


def excel_checks(name: str, data: dict, sheets: list[dict], path: Path) -> dict:
    s_in = next(s for s in sheets if s["name"] == "收入预算总表")
    sh = data["收入预算总表"]
    body = 2 + s_in["header_rows"]  # 0-based row of the first body row
    out: dict[str, Any] = {}
    spec = [s for s in sheets if "header" in s]
    if sh["merged"] is None:
        out["merged ranges"] = "no API in this mode"
    elif not any(data[s["name"]]["merged"] for s in spec):
        out["merged ranges"] = "empty"
    else:
        right = sum(data[s["name"]]["merged"] == expected_merges(s) for s in spec)
        out["merged ranges"] = f"right on {right}/{len(spec)} sheets"
    out["title A1 / covered B1"] = f"{_at(sh, 0, 0)!r} / {_at(sh, 0, 1)!r}"
    out["header '事业单位\\n经营收入'"] = repr(_at(sh, 3, 7))
    v = _at(sh, body + 1, 4)
    out["12345678.9"] = f"{v!r} ({type(v).__name__})"
    v = _at(sh, body + 2, 4)
    out["0.1+0.2"] = f"{v!r}"
    v = _at(sh, body + 3, 4)
    out["156211123"] = f"{v!r} ({type(v).__name__})"
    v = _at(sh, body + 2, 6)
    out["written 0"] = f"{v!r}"
    v = _at(sh, body + 2, 7)
    out["empty cell"] = f"{v!r}"
    out["code '06' (text)"] = repr(_at(sh, body + 1, 1))
    date_row = body + len(s_in["body"])
    v = _at(sh, date_row, 1)
    out["date 2025-01-15"] = f"{v!r} ({type(v).__name__})" + (
        f", cell type {sh['types'][date_row][1]} (3 = date)" if "types" in sh else "")
    out["6 formatted '00'"] = repr(_at(sh, date_row + 1, 1))
    off = data["偏移"]
    out["sheet with first cell C3: rows[0][0]"] = f"{off['rows'][0][0]!r}" + (f", start {off['start']}" if "start" in off else "")
    return out


def displayed_text(path: Path, kind: str) -> dict:
    """Can the '#,##0.00' display be had? openpyxl: number_format; xlrd: XF format string; calamine: no."""
    out = {}
    if kind == "xlsx":
        cells = read_openpyxl_formats(path)["收入预算总表"]
        value, fmt = cells[6][4]
        out["openpyxl"] = f"value {value!r}, number_format {fmt!r}"
    else:
        import xlrd
        wb = xlrd.open_workbook(str(path), formatting_info=True)
        sh = wb.sheet_by_name("收入预算总表")
        cell = sh.cell(6, 4)
        fmt = wb.format_map[wb.xf_list[cell.xf_index].format_key].format_str
        out["xlrd formatting_info"] = f"value {cell.value!r}, format {fmt!r}"
    out["python-calamine"] = "no number formats in the API (values only)"
    return out


def excel_section(repeat: int, results: dict, big_rows: int) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    small, big = _template_sheets(None), _template_sheets(big_rows)
    files = {}
    for label, sheets in (("small", small), ("big", big)):
        for kind, writer in (("xlsx", write_xlsx), ("xls", write_xls)):
            path = WORK / f"template_{label}_{big_rows if label == 'big' else 0}.{kind}"
            if not path.exists():
                writer(path, sheets)
            files[(label, kind)] = path
    print(f"\n== Excel: template-style workbooks in {WORK}, best of {repeat} (median) ==")
    print(f"  small: 3 sheets; big: 20 sheets x {big_rows} body rows x 9 columns "
          f"(xlsx {files[('big', 'xlsx')].stat().st_size / 1e6:.1f} MB, xls {files[('big', 'xls')].stat().st_size / 1e6:.1f} MB)")
    rows, timing = [], {}
    for name, (kind, reader) in EXCEL_READERS.items():
        best_s, med_s, _ = timed(lambda reader=reader, kind=kind: reader(files[("small", kind)]), repeat, "small " + name)
        best_b, med_b, data = timed(lambda reader=reader, kind=kind: reader(files[("big", kind)]), repeat, "big " + name)
        cells = sum(len(r) for s in data.values() for r in s["rows"])
        cpu = CPU_BEST["big " + name]
        timing[name] = {"small_s": best_s, "small_median_s": med_s, "big_s": best_b, "big_median_s": med_b,
                        "big_cpu_s": cpu, "cells": cells}
        rows.append([name, f"{1000 * best_s:.1f} ({1000 * med_s:.1f})", f"{best_b:.3f} ({med_b:.3f})", f"{cpu:.3f}",
                     f"{cells / best_b / 1e6:.2f}"])
    table_print(["reader", "small ms", "big s", "big CPU s", "M cells/s"], rows)

    checks = {}
    for name, (kind, reader) in EXCEL_READERS.items():
        checks[name] = excel_checks(name, reader(files[("small", kind)]), small, files[("small", kind)])
    keys = list(next(iter(checks.values())))
    print("\n  what comes back (收入预算总表 sheet of the small workbook):")
    table_print(["check"] + list(checks), [[k] + [checks[n][k] for n in checks] for k in keys])
    shown = {**displayed_text(files[("small", "xlsx")], "xlsx"), **displayed_text(files[("small", "xls")], "xls")}
    print("\n  displayed text of 12345678.9 ('#,##0.00'):")
    for k, v in shown.items():
        print(f"  {k}: {v}")
    results["excel"] = {"files": {f"{a}.{b}": str(p) for (a, b), p in files.items()}, "timing": timing,
                        "checks": checks, "displayed": shown}


# ------------------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is reported (default 3)")
    ap.add_argument("--only", choices=["pdf", "excel", "all"], default="all")
    ap.add_argument("--big-rows", type=int, default=2000, help="body rows per sheet of the big workbook")
    ap.add_argument("--json", type=Path, help="also write all figures to this file")
    args = ap.parse_args()

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    dists = ["pdfplumber", "pdfminer.six", "pymupdf", "pymupdf-layout", "pypdfium2", "python-calamine",
             "openpyxl", "xlrd", "xlwt"]
    results: dict[str, Any] = {
        "machine": {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_average_at_start": os.getloadavg()},
        "versions": {d: version(d) for d in dists}, "licences": {d: licence(d) for d in dists}}
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average at start {os.getloadavg()[0]:.2f}")
    table_print(["package", "version", "licence"], [[d, results["versions"][d], results["licences"][d]] for d in dists])
    imports = {"pdfplumber": "pdfplumber", "pymupdf": "pymupdf", "pypdfium2": "pypdfium2",
               "python-calamine": "python_calamine", "openpyxl": "openpyxl", "xlrd": "xlrd"}
    print(f"\nimport time, median of {max(5, args.repeat)} fresh interpreters (bare interpreter subtracted):")
    results["import_s"] = {d: import_time(m, max(5, args.repeat)) for d, m in imports.items()}
    table_print(["package", "ms"], [[d, f"{max(0.0, 1000 * s):.0f}"] for d, s in results["import_s"].items()])
    if args.only in ("pdf", "all"):
        pdf_section(args.repeat, results)
    if args.only in ("excel", "all"):
        excel_section(args.repeat, results, args.big_rows)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    print(f"\nload average at end {os.getloadavg()[0]:.2f} (above ~2 means other processes shared the 2 cores)")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
