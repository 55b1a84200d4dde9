"""Rebuild the format fixtures in this folder from the real 司法局 2026 部门预算 PDF.

    python tests/data/formats/make_fixtures.py

Source: ../real/shanghai_putuo_sfj_2026_dept_budget.pdf (上海市普陀区司法局 2026 部门预算, 23 pages).
Needs pdfplumber, openpyxl, xlwt, pypdfium2, Pillow and pypdf (``pip install pdfplumber openpyxl
xlwt pypdfium2 pillow pypdf``). It does not import budgetkg.

Every figure and every label in the workbooks and web pages is read out of the PDF by pdfplumber;
what this script adds is only layout (sheet names, merges, number formats, HTML markup). The header
merges come from the cell boxes pdfplumber finds in the PDF's ruled tables, so a merge in a fixture
is a merge in the PDF. Tables that run over two pages (支出总表 p12-13, 一般公共预算支出 p15-16,
经济分类 p19-20) are joined; the header that the PDF repeats on p16 is dropped.

Outputs (see README.md):
  sfj_2026_dept_budget.xlsx / .xls   one sheet per table, as the Shanghai Excel templates are filled in
  sfj_2026_dept_budget.html          the document as a web page (UTF-8)
  sfj_2026_dept_budget.gbk.html      the same page encoded GBK, declared charset=gb2312
  scanned.pdf                        pages 1, 10, 21 as images, no text layer
  encrypted.pdf                      the PDF with user password "budgetkg"
  broken.pdf                         the PDF cut to its first 40 % of bytes
  notpdf.pdf                         a text file named .pdf
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "real" / "shanghai_putuo_sfj_2026_dept_budget.pdf"
STEM = "sfj_2026_dept_budget"

USER_PASSWORD = "budgetkg"
OWNER_PASSWORD = "budgetkg-owner"
SCANNED_PAGES = (1, 10, 21)
SCAN_DPI = 150
BROKEN_FRACTION = 0.40

# (number in the 目录, PDF pages the table covers, header rows on its first page)
TABLES = [
    (1, [10], 2),
    (2, [11], 3),
    (3, [12, 13], 3),
    (4, [14], 2),
    (5, [15, 16], 3),
    (6, [17], 3),
    (7, [18], 3),
    (8, [19, 20], 3),
    (9, [21], 3),
]
# narrative pages, in document order; page 5 is left out: its text layer repeats the whole of
# page 4 (the part of it that shows on page 5, （八）-（十）, is clipped text of page 4's flow).
NARRATIVE_BEFORE = [4, 6, 7, 8, 9]
NARRATIVE_AFTER = [22, 23]

AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CODE_HEADERS = {"类", "款", "项"}


# --------------------------------------------------------------------------- model


@dataclass
class Cell:
    text: str  # as printed ('' when the PDF prints nothing)
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    value: float | int | str | None = None  # typed value for the workbook
    kind: str = "text"  # 'text' | 'code' | 'amount' | 'blank'


@dataclass
class Table:
    number: int
    title: str
    dept: str  # '编制部门：上海市普陀区司法局'
    unit: str  # '单位：元' / '单位:万元' as printed
    ncols: int
    header: list[list[Cell]]  # rows of origin cells (covered positions left out)
    body: list[list[Cell]]
    note: str | None = None
    number_format: str = "General"
    pages: list[int] = field(default_factory=list)

    @property
    def short(self) -> str:
        return self.title.removeprefix("2026年部门")

    @property
    def sheet_name(self) -> str:
        return f"{self.number} {self.short}"[:31]


# --------------------------------------------------------------------------- extraction


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.5:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    best = min(range(len(edges)), key=lambda i: abs(edges[i] - v))
    assert abs(edges[best] - v) < 2.0, (edges, v)
    return best


def _page_grid(page) -> tuple[list[list[Cell]], list[float], tuple]:
    """The ruled table of a page as rows of origin cells with spans."""
    tables = page.find_tables()
    assert len(tables) == 1, (page.page_number, len(tables))
    t = tables[0]
    texts = t.extract()
    boxes = [c for r in t.rows for c in r.cells if c]
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    rows: list[list[Cell]] = []
    for ri, r in enumerate(t.rows):
        out = []
        for ci, box in enumerate(r.cells):
            if box is None:
                continue
            r0, r1 = _index(ys, box[1]), _index(ys, box[3])
            c0, c1 = _index(xs, box[0]), _index(xs, box[2])
            assert r0 == ri and c0 == ci, (page.page_number, ri, ci, r0, c0)
            text = texts[ri][ci] or ""
            out.append(Cell(text, r0, c0, r1 - r0, c1 - c0))
        rows.append(out)
    return rows, xs, t.bbox


def _lines_outside(page, bbox) -> tuple[list[str], list[str]]:
    above, below = [], []
    for line in page.extract_text_lines():
        if line["bottom"] <= bbox[1] + 1:
            above.append(line["text"])
        elif line["top"] >= bbox[3] - 1:
            below.append(line["text"])
    return above, below


def _classify(table: Table) -> None:
    ncode = 0
    for row in table.header:
        for c in row:
            if c.text in CODE_HEADERS:
                ncode = max(ncode, c.col + 1)
    for row in table.body:
        for c in row:
            if c.text == "":
                c.kind, c.value = "blank", None
            elif c.col < ncode and c.colspan == 1 and re.fullmatch(r"\d{2,3}", c.text):
                c.kind, c.value = "code", c.text
            elif AMOUNT_RE.match(c.text):
                s = c.text.replace(",", "")
                c.kind, c.value = "amount", (float(s) if "." in s else int(s))
            else:
                c.kind, c.value = "text", c.text
    printed = [c.text for row in table.body for c in row if c.kind == "amount"]
    # the number format the PDF shows: 96,282,213.44 / 87267272.44 / 10.81 and 0
    if any("," in s for s in printed):
        table.number_format = "#,##0.00"
    elif printed and all(re.search(r"\.\d\d$", s) for s in printed):
        table.number_format = "0.00"
    else:
        table.number_format = "General"


def extract_tables(pdf) -> list[Table]:
    out = []
    for number, pages, nheader in TABLES:
        first = pdf.pages[pages[0] - 1]
        rows, xs, bbox = _page_grid(first)
        above, below = _lines_outside(first, bbox)
        title = above[0]
        dept, unit = above[1].rsplit(" ", 1)
        assert dept.startswith("编制部门") and unit.startswith("单位"), above
        header, body = rows[:nheader], rows[nheader:]
        note = None
        for p in pages[1:]:
            prow, pxs, pbbox = _page_grid(pdf.pages[p - 1])
            assert len(pxs) == len(xs) and all(abs(a - b) < 2 for a, b in zip(pxs, xs)), p
            # drop a header the page repeats
            if [c.text for c in prow[0]] == [c.text for c in header[0]]:
                prow = prow[nheader:]
            base = len(header) + len(body)
            for r in prow:
                for c in r:
                    c.row = base + (c.row - prow[0][0].row)
            body.extend(prow)
            _, below = _lines_outside(pdf.pages[p - 1], pbbox)
        notes = [s for s in below if s.startswith("注")]
        note = notes[0] if notes else None
        # renumber body rows consecutively after the header
        for i, r in enumerate(body):
            for c in r:
                c.row = len(header) + i
        t = Table(number, title, dept, unit, len(xs) - 1, header, body, note, pages=pages)
        _classify(t)
        out.append(t)
    return out


PARA_START = re.compile(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d)|注)")
RIGHT_MARGIN = 731  # x where a wrapped line of these pages (page width 842) has reached the margin


def narrative_paragraphs(page) -> list[tuple[str, str]]:
    """(kind, text) pieces of a text page: 'title' for the big heading, 'p' for a paragraph.

    A line is joined to the paragraph before when it follows closely (gap < 22 pt), the line before
    runs to the right margin, it starts at the left margin and does not start a numbered item (how
    the PDF wraps); the words are pdfplumber's, unchanged."""
    lines = page.extract_text_lines()
    body = [ln for ln in lines if ln["chars"][0]["size"] < 15]
    left = min((ln["x0"] for ln in body), default=0)
    out: list[tuple[str, str]] = []
    prev = None
    for ln in lines:
        if ln["chars"][0]["size"] >= 15:
            out.append(("title", ln["text"]))
            prev = None
            continue
        joins = (
            prev is not None
            and out
            and out[-1][0] == "p"
            and ln["top"] - prev["top"] < 22
            and prev["x1"] >= RIGHT_MARGIN
            and ln["x0"] <= left + 4
            and not PARA_START.match(ln["text"])
        )
        if joins:
            out[-1] = ("p", out[-1][1] + ln["text"])
        else:
            out.append(("p", ln["text"]))
        prev = ln
    return out


# --------------------------------------------------------------------------- xlsx


def write_xlsx(cover: list[str], tables: list[Table], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    wb = Workbook()
    ws = wb.active
    ws.title = "封面"
    ws.column_dimensions["A"].width = 100
    ws["A4"] = cover[0]
    ws["A4"].font = Font(name="宋体", size=26, bold=True)
    ws["A4"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[4].height = 40
    ws["A9"] = cover[1]
    ws["A9"].font = Font(name="宋体", size=16)
    ws["A9"].alignment = Alignment(horizontal="center")

    for t in tables:
        ws = wb.create_sheet(t.sheet_name)
        last = get_column_letter(t.ncols)
        ws.merge_cells(f"A1:{last}1")
        ws["A1"] = t.title
        ws["A1"].font = Font(name="宋体", size=18)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 36
        ws["A2"] = t.dept
        ws["A2"].font = font
        ws[f"{last}2"] = t.unit
        ws[f"{last}2"].font = font
        ws[f"{last}2"].alignment = Alignment(horizontal="right")
        top = 3  # sheet row of table row 0
        for row in t.header + t.body:
            for c in row:
                r, col = top + c.row, 1 + c.col
                for rr in range(r, r + c.rowspan):
                    for cc in range(col, col + c.colspan):
                        ws.cell(rr, cc).border = box
                cell = ws.cell(r, col)
                cell.font = font
                if c.row < len(t.header):
                    cell.value = c.text.replace("\n", "")
                    cell.alignment = center
                elif c.kind == "amount":
                    cell.value = c.value
                    cell.number_format = t.number_format
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                elif c.kind == "code":
                    cell.value = c.value
                    cell.number_format = "@"
                    cell.alignment = center
                elif c.kind == "text":
                    cell.value = c.value
                    cell.alignment = (
                        center if _centered(c) else Alignment(horizontal="left", vertical="center")
                    )
                if c.rowspan > 1 or c.colspan > 1:
                    ws.merge_cells(
                        start_row=r, start_column=col,
                        end_row=r + c.rowspan - 1, end_column=col + c.colspan - 1,
                    )
        nrows = len(t.header) + len(t.body)
        if t.note:
            r = top + nrows
            ws.cell(r, 1, t.note).font = font
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=t.ncols)
        for col in range(1, t.ncols + 1):
            ws.column_dimensions[get_column_letter(col)].width = _col_width(t, col - 1)
        for r in range(top, top + nrows):
            ws.row_dimensions[r].height = 20
    stamp = _dt.datetime(2026, 1, 20, 9, 0, 0)
    wb.properties.creator = "上海市普陀区司法局"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)


def _col_width(t: Table, col: int) -> float:
    texts = [c.text for row in t.body for c in row if c.col == col and c.colspan == 1]
    hdr = [c.text for row in t.header for c in row if c.col == col and c.colspan == 1]
    if texts and all(c.kind in ("code", "blank") or c.text in ("无",)
                     for row in t.body for c in row if c.col == col and c.colspan == 1):
        return 7
    longest = max([len(s) for s in texts + hdr] + [4])
    if any(AMOUNT_RE.match(s) for s in texts):
        return max(16, longest + 4)
    return min(40, max(12, longest * 2 + 2))


# --------------------------------------------------------------------------- xls


def write_xls(cover: list[str], tables: list[Table], path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    def xf(horiz: str | None = None, wrap: bool = False, box: bool = True, fmt: str | None = None):
        parts = ["font: name 宋体, height 200"]
        align = "align: vert center" + (f", horiz {horiz}" if horiz else "") + (", wrap on" if wrap else "")
        parts.append(align)
        if box:
            parts.append("borders: left thin, right thin, top thin, bottom thin")
        return xlwt.easyxf("; ".join(parts), num_format_str=fmt) if fmt else xlwt.easyxf("; ".join(parts))

    st = {
        "cover_big": xlwt.easyxf("font: name 宋体, height 520, bold on; align: horiz center"),
        "cover": xlwt.easyxf("font: name 宋体, height 320; align: horiz center"),
        "title": xlwt.easyxf("font: name 宋体, height 360; align: horiz center, vert center"),
        "plain": xf(box=False),
        "unit": xf("right", box=False),
        "head": xf("center", wrap=True),
        "code": xf("center", fmt="@"),
        "text": xf("left"),
        "ctext": xf("center"),
        "blank": xf(),
    }
    amount_styles: dict[str, object] = {}

    ws = wb.add_sheet("封面")
    ws.col(0).width = 100 * 256
    ws.write(3, 0, cover[0], st["cover_big"])
    ws.write(8, 0, cover[1], st["cover"])

    for t in tables:
        if t.number_format not in amount_styles:
            amount_styles[t.number_format] = xf("right", fmt=t.number_format)
        amt = amount_styles[t.number_format]
        ws = wb.add_sheet(t.sheet_name)
        ws.write_merge(0, 0, 0, t.ncols - 1, t.title, st["title"])
        ws.row(0).height_mismatch = True
        ws.row(0).height = 36 * 20
        ws.write(1, 0, t.dept, st["plain"])
        ws.write(1, t.ncols - 1, t.unit, st["unit"])
        top = 2
        for row in t.header + t.body:
            for c in row:
                r, col = top + c.row, c.col
                if c.row < len(t.header):
                    val, style = c.text.replace("\n", ""), st["head"]
                elif c.kind == "amount":
                    val, style = c.value, amt
                elif c.kind == "code":
                    val, style = c.value, st["code"]
                elif c.kind == "text":
                    val = c.value
                    style = st["ctext"] if _centered(c) else st["text"]
                else:
                    val, style = "", st["blank"]
                if c.rowspan > 1 or c.colspan > 1:
                    ws.write_merge(r, r + c.rowspan - 1, col, col + c.colspan - 1, val, style)
                elif c.kind == "blank" and c.row >= len(t.header):
                    ws.write(r, col, None, style)  # a formatted empty cell (BLANK record)
                else:
                    ws.write(r, col, val, style)
        nrows = len(t.header) + len(t.body)
        if t.note:
            ws.write_merge(top + nrows, top + nrows, 0, t.ncols - 1, t.note, st["plain"])
        for col in range(t.ncols):
            ws.col(col).width = int(_col_width(t, col) * 256)
    wb.save(str(path))


# --------------------------------------------------------------------------- html

CSS = """
body{font-family:"宋体",SimSun,serif;font-size:14px;color:#333;margin:0}
.wrap{width:1000px;margin:0 auto;padding:20px 0}
.crumb{font-size:12px;color:#666;border-bottom:1px solid #ddd;padding:6px 0}
.article-title{font-size:22px;font-weight:bold;text-align:center;margin:24px 0 8px}
.info{font-size:12px;color:#999;text-align:center}
.TRS_Editor p{line-height:1.8;text-indent:2em;margin:6px 0}
.TRS_Editor table{border-collapse:collapse;margin:0 auto}
.TRS_Editor td{border:1px solid #000;padding:2px 4px;font-size:12px}
"""


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _centered(c: Cell) -> bool:
    """Body text the PDF prints centred: merged labels, totals, the '无' of an empty table."""
    return c.kind == "text" and (c.colspan > 1 or c.text == "无" or c.text.endswith(("合计", "总计")))


def _td_text(c: Cell, style_variant: int, align: str) -> str:
    """Body cell markup; the variants are the kinds of markup such pages carry."""
    if c.text == "":
        return "&nbsp;" if (c.row + c.col + style_variant) % 2 == 0 else ""
    text = _esc(c.text)
    if style_variant == 1:  # Word / WPS export
        return (f'<p class="MsoNormal" align="{align}" style="text-indent:0">'
                f'<span style="font-family:宋体;font-size:10.5pt">{text}</span></p>')
    if style_variant == 2 and c.kind == "amount":
        return f'<span style="font-size:12px"><span lang="EN-US">{text}</span></span>'
    return text


def _table_html(t: Table, variant: int) -> str:
    out = []
    caption = variant == 2 or t.number in (2, 8)
    title = _esc(t.title)
    unit = _esc(t.unit)
    if not caption:
        out.append(f'<p align="center" style="text-align:center;text-indent:0;font-size:18px">'
                   f'<strong><span style="font-family:宋体">{title}</span></strong></p>')
    dept_line = (f'{_esc(t.dept)}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;'
                 f'<span style="float:right">{unit}</span>')
    if not caption:
        out.append(f'<p style="text-indent:0">{dept_line}</p>')
    out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
               'style="border-collapse:collapse;border:none">')
    if caption:
        # title and the 编制部门/单位 line both inside the caption, as some CMS editors emit them
        out.append(f'<caption><div style="font-size:18px;padding:6px">{title}</div>'
                   f'<div style="text-align:left;font-size:14px">{dept_line}</div></caption>')
    out.append("<tbody>" if variant != 0 else "")
    for ri, row in enumerate(t.header + t.body):
        is_head = ri < len(t.header)
        out.append('<tr style="height:20.0pt">')
        for c in row:
            span = ""
            if c.rowspan > 1:
                span += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                span += f' colspan="{c.colspan}"'
            if is_head:
                # keep a line break where the PDF header breaks between words, not inside one
                parts = c.text.split("\n")
                text = ("<br>" if all(len(x) >= 2 for x in parts) else "").join(map(_esc, parts))
                if variant == 1:
                    out.append(f'<td{span} align="center" valign="middle" '
                               f'style="border:solid windowtext 1.0pt;background:#F2F2F2">'
                               f'<strong>{text}</strong></td>')
                else:
                    out.append(f'<td{span} style="text-align:center;border:1px solid #000">'
                               f'{text}</td>')
                continue
            align = {"amount": "right", "code": "center"}.get(c.kind, "left")
            if _centered(c):
                align = "center"
            out.append(f'<td{span} style="text-align:{align};border:1px solid #000">'
                       f'{_td_text(c, variant, align)}</td>')
        out.append("</tr>")
    out.append("</tbody>" if variant != 0 else "")
    out.append("</table>")
    if t.note:
        out.append(f'<p style="text-indent:0;font-size:12px">{_esc(t.note)}</p>')
    return "\n".join(s for s in out if s)


def _paras(pieces: list[tuple[str, str]]) -> str:
    out = []
    for kind, text in pieces:
        if kind == "title":
            out.append(f'<p align="center" style="text-align:center;text-indent:0;font-size:18px">'
                       f'<strong>{_esc(text)}</strong></p>')
        else:
            out.append(f"<p>{_esc(text)}</p>")
    return "\n".join(out)


def build_html(pdf, cover: list[str], tables: list[Table], charset_meta: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        charset_meta,
        f"<title>{_esc(cover[0])}（{_esc(cover[1].split('：', 1)[1])}）</title>",
        '<meta name="ArticleTitle" content="' + html.escape(cover[0]) + '">',
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<div class="wrap">',
        '<div class="crumb">首页 &gt; 政务公开 &gt; 财政预决算 &gt; 部门预算</div>',
        f'<div class="article-title">{_esc(cover[0])}</div>',
        '<div class="info">发布日期：2026-01-20&nbsp;&nbsp;来源：上海市普陀区司法局</div>',
        '<div class="TRS_Editor">',
        f'<p align="center" style="text-align:center;text-indent:0;font-size:26px">'
        f'<strong>{_esc(cover[0])}</strong></p>',
        f'<p align="center" style="text-align:center;text-indent:0">{_esc(cover[1])}</p>',
    ]
    toc = narrative_paragraphs(pdf.pages[1])
    parts.append('<div class="toc">')
    for kind, text in toc:
        if kind == "title":
            parts.append(f'<p align="center" style="text-align:center;text-indent:0">'
                         f'<strong>{_esc(text)}</strong></p>')
    for line in pdf.pages[1].extract_text_lines():
        if line["chars"][0]["size"] < 15:
            parts.append(f'<p style="text-indent:0">{_esc(line["text"])}</p>')
    parts.append("</div>")
    for p in NARRATIVE_BEFORE:
        parts.append(_paras(narrative_paragraphs(pdf.pages[p - 1])))
    for i, t in enumerate(tables):
        parts.append(_table_html(t, i % 3))
    for p in NARRATIVE_AFTER:
        parts.append(_paras(narrative_paragraphs(pdf.pages[p - 1])))
    parts += ["</div>", "</div>", "</body>", "</html>", ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- pdf variants


def write_scanned(path: Path) -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(SRC))
    images = []
    for n in SCANNED_PAGES:
        img = doc[n - 1].render(scale=SCAN_DPI / 72).to_pil().convert("L")
        # a scanner's small skew; white where the page turned away from the glass
        img = img.rotate(0.3, resample=Image.BICUBIC, expand=False, fillcolor=255)
        images.append(img)
    doc.close()
    images[0].save(path, "PDF", resolution=SCAN_DPI, save_all=True,
                   append_images=images[1:], quality=70,
                   producer="Scanner", creationDate=_dt.datetime(2026, 1, 20, 9, 0, 0).timetuple(),
                   modDate=_dt.datetime(2026, 1, 20, 9, 0, 0).timetuple())


def write_encrypted(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(SRC)))
    writer.encrypt(user_password=USER_PASSWORD, owner_password=OWNER_PASSWORD,
                   algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)


def write_broken(path: Path) -> None:
    data = SRC.read_bytes()
    path.write_bytes(data[: int(len(data) * BROKEN_FRACTION)])


def write_notpdf(path: Path) -> None:
    path.write_text(
        "上海市普陀区司法局2026年部门预算\n"
        "This is a plain text file with a .pdf name; it is not a PDF.\n"
        "本文件不是PDF文件，只是以 .pdf 结尾的文本。\n",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    with pdfplumber.open(SRC) as pdf:
        assert len(pdf.pages) == 23
        cover = [ln["text"] for ln in pdf.pages[0].extract_text_lines()]
        assert cover == ["上海市普陀区2026年区级部门预算", "预算主管部门：上海市普陀区司法局"], cover
        tables = extract_tables(pdf)
        write_xlsx(cover, tables, HERE / f"{STEM}.xlsx")
        write_xls(cover, tables, HERE / f"{STEM}.xls")
        utf8 = build_html(pdf, cover, tables, '<meta charset="utf-8">')
        (HERE / f"{STEM}.html").write_text(utf8, encoding="utf-8")
        gbk = build_html(
            pdf, cover, tables,
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        )
        (HERE / f"{STEM}.gbk.html").write_bytes(gbk.encode("gbk"))
    write_scanned(HERE / "scanned.pdf")
    write_encrypted(HERE / "encrypted.pdf")
    write_broken(HERE / "broken.pdf")
    write_notpdf(HERE / "notpdf.pdf")
    for t in tables:
        print(f"{t.sheet_name}: pages {t.pages}, {len(t.header)} header + {len(t.body)} body rows,"
              f" {t.ncols} cols, format {t.number_format}")


if __name__ == "__main__":
    main()
