"""The document model → table blocks (title, money unit, header rows, body rows) and paragraphs.

Two physical layouts carry the tables:

* grids: cells marked out by the source (PDF rules, worksheet cells, HTML, tab-separated
  lines); a page break repeats the header, with or without the title;
* text layout (text extracted from a PDF): cells are separated by spaces, long cells wrap onto
  the following lines and the header is flattened line by line.  Such a block keeps one row of
  tokens per line; `text_grid` rebuilds it as a grid before it is read.

Nothing here knows what a table means; `tables.py` interprets the blocks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetkg.ingest.document import Document, Grid, Line
from budgetkg.ontology.terms import normalize

AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+\.\d+$")
INTEGER = re.compile(r"^-?\d+$")
CODE = re.compile(r"^\d{3,9}$")
TOTAL_LABELS = {"合计", "总计", "小计"}
_MARKDOWN = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?\s*|\s*(?:\*\*)?\s*$")
_TITLE_WORDS = ("收支", "收入", "支出", "预算", "决算", "三公", "采购", "购买服务", "绩效", "项目")
_TITLE_STOP = re.compile(r"[。；;：:，,]|（表\d+）|\(表\d+\)|^[-•]")
_NOTE = re.compile(r"^\s*注[:：]")
_TABLE_NOTE = re.compile(r"^\s*(?:注|说明)\s*[:：]")
_PAGE_HEADER = re.compile(r"^\s*(?:金额单位|单位名称|部门名称|单位[:：]\s*万元|\(\d{4}\s*年度\)|（\d{4}\s*年度）|单位公开表|公开\d+表|表\s*\d+$)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")
_MONEY = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>万元|元|千元|亿元)(?![\u4e00-\u9fff])")
DEFAULT_MONEY = "万元"  # what a table without a 单位 line is taken to be in (the national templates' unit)
_META = re.compile(r"^\s*(?:编制部门|编制单位|单位名称|部门名称|预算单位|预算主管部门)[:：]")
_SECTION = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?第[一二三四五六七八九十]+部分")
_SENTENCE = re.compile(r"[。；，,]")  # a line of prose, not a table row


def clean(text: str) -> str:
    """A heading or cell without markdown markers and surrounding spaces."""
    return _MARKDOWN.sub("", text).strip()


def money_unit(text: str) -> str | None:
    """The money unit a '单位：元' / '金额单位：万元' line states."""
    match = _MONEY.search(normalize(text))
    return match["unit"] if match else None


def is_amount(token: str) -> bool:
    return bool(AMOUNT.match(token.strip()))


@dataclass
class Row:
    line: int
    cells: list[str]
    page: int | None = None


@dataclass
class Block:
    """One table as laid out in the document."""

    title: str
    title_line: int
    layout: str  # "tab" or "text"
    header: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    number: int = 0
    money: str = DEFAULT_MONEY  # 元 or 万元, as the table's 单位 line says
    spans: bool = False  # the header's merged cells are known (each spanned column carries its text)
    note: str = ""  # the 注 printed under it

    @property
    def last_line(self) -> int:
        rows = self.body or self.header
        return rows[-1].line if rows else self.title_line


@dataclass
class Paragraph:
    line: int
    text: str


def title_of(line: str) -> str | None:
    """The table title a line holds, if it is one: short, ends with 表, names budget words."""
    text = clean(line)
    if "\t" in line or not text or len(text) > 60 or _TITLE_STOP.search(text):
        return None
    if _SECTION.match(text):
        return None
    core = re.sub(r"[（(][^）)]*[）)]$", "", text)  # 表（续） or 表(2024年度)
    if not core.endswith("表") or not any(word in core for word in _TITLE_WORDS):
        return None
    return re.sub(r"^[\d一二三四五六七八九十]+[、.．]\s*", "", text)


def _is_body_row(cells: list[str]) -> bool:
    texts = [normalize(c) for c in cells if c.strip()]
    if not texts:
        return False
    if any(is_amount(t) for t in texts):
        return True
    if texts[0] in TOTAL_LABELS:  # a total row of an empty table, not a header naming 合计 among others
        return len(texts) == 1
    # a code followed by a name: a subject or unit row whose figures are blank
    return any(CODE.match(t) for t in texts[:3]) and any(not INTEGER.match(t) and not is_amount(t) for t in texts)


def _split_header_body(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    for index, row in enumerate(rows):
        if _is_body_row(row.cells):
            return rows[:index], rows[index:]
    return rows, []


def tokens(line: str) -> list[str]:
    return [t for t in re.split(r"[ \u3000\t]+", line.strip()) if t]


def _text_row_starts(line: str) -> bool:
    toks = tokens(line)
    if not toks:
        return False
    first = normalize(toks[0])
    return any(is_amount(t) for t in toks) or (bool(CODE.match(first)) and len(toks) <= 3)


class Layout:
    """Split a document into table blocks and narrative paragraphs.

    Grids (from PDF rules, workbooks, web pages, tab-separated lines) become blocks directly; a
    document without grids (text extracted from a PDF) has its tables found among its lines.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.blocks: list[Block] = []
        self.paragraphs: list[Paragraph] = []
        self.money: str | None = None  # the money unit the last 单位 line stated
        self.layout = "tab" if document.grids else "text"
        if document.grids:
            self._grids()
        else:
            self._text([line.text for line in document.lines], [line.number for line in document.lines])
        self.blocks = [b for b in self.blocks if b.header or b.body]
        for number, block in enumerate(self.blocks, start=1):
            block.number = number
        self._attach_notes()

    def _attach_notes(self) -> None:
        """A '注：…' or '说明：…' line right under a table is its note ("本表无数据" explains an empty table)."""
        starts = [b.title_line for b in self.blocks[1:]] + [10**9]
        for block, next_start in zip(self.blocks, starts):
            notes = [clean(p.text) for p in self.paragraphs
                     if block.last_line < p.line < min(next_start, block.last_line + 6) and _TABLE_NOTE.match(p.text)]
            block.note = " ".join(notes)

    def _note_money(self, text: str) -> bool:
        unit = money_unit(text)
        if unit:
            self.money = unit
        return unit is not None

    # ------------------------------------------------------------ grids
    def _grids(self) -> None:
        pending_title: tuple[str, int] | None = None
        prose_since_table = False
        for item in self.document.items:
            if isinstance(item, Line) or item.width <= 1:
                for line in [item] if isinstance(item, Line) else [Line(r.number, " ".join(r.cells), r.page) for r in item.rows]:
                    title = title_of(line.text)
                    if title:
                        pending_title = (title, line.number)
                        prose_since_table = False
                        continue
                    money = self._note_money(line.text)
                    if line.text.strip() and not money and not _PAGE_HEADER.match(line.text) and not _PAGE_NUMBER.match(line.text):
                        self.paragraphs.append(Paragraph(line.number, line.text.strip()))
                        prose_since_table = True
                        if pending_title and line.number - pending_title[1] > 8:
                            pending_title = None
                continue
            grid = item
            start = 0
            # a sheet or page carries its title and its 单位 line in its first rows
            while start < len(grid.rows):
                texts = [c for c in grid.rows[start].cells if c.strip()]
                if not texts:
                    start += 1
                    continue
                if len(texts) > 2 or any(is_amount(t) for t in texts):
                    break
                joined = " ".join(texts)
                title = title_of(texts[0]) if len(texts) == 1 else None
                if title is None and len(texts) == 1 and texts[0].endswith(("清单", "表")) and start == 0:
                    title = clean(texts[0])
                if title:
                    pending_title = (title, grid.rows[start].number)
                elif not (self._note_money(joined) or _META.match(joined)):
                    break
                start += 1
            if pending_title is None and grid.caption and title_of(grid.caption):
                pending_title = (title_of(grid.caption) or "", grid.number)
            # blank ruled rows, and the 无 that an empty table prints, carry nothing
            rows = [Row(r.number, r.cells, r.page) for r in grid.rows[start:]
                    if any(c.strip() for c in r.cells) and [c.strip() for c in r.cells if c.strip()] != ["无"]]
            if rows:
                self._add_grid(grid, start, rows, pending_title, prose_since_table)
            pending_title, prose_since_table = None, False

    def _add_grid(self, grid: Grid, start: int, rows: list[Row], title: tuple[str, int] | None, after_prose: bool) -> None:
        previous = self.blocks[-1] if self.blocks else None
        header, body = _split_header_body(rows)
        header = [Row(r.line, grid.filled(start + i), r.page) for i, r in enumerate(header)] if grid.spans else header
        if previous is None:
            continues = False
        elif title is None:
            continues = not after_prose
        else:
            same_header = not header or not previous.header or _key(header[0]) == _key(previous.header[0])
            continues = normalize(title[0]) == normalize(previous.title) and same_header
        if continues and previous is not None and (previous.body or not body):
            # a page break: the header repeats (or not) and the body goes on; on a PDF page whose
            # only row is a 合计 whose label spans the code columns, those columns are not ruled
            missing = max((len(r.cells) for r in previous.body + previous.header), default=0) - grid.width \
                if self.document.format == "pdf" else 0
            for row in body if header else rows:
                if missing > 0:
                    row = Row(row.line, row.cells[:1] + [""] * missing + row.cells[1:], row.page)
                previous.body.append(row)
            return
        if title is None:
            title = ("", rows[0].line)
        self.blocks.append(Block(title[0], title[1], "tab", header, body, money=self.money or DEFAULT_MONEY,
                                 spans=bool(grid.spans)))

    # ------------------------------------------------------------ text layout
    def _text(self, lines: list[str], numbers: list[int]) -> None:
        """Tables among lines of text: a title, header lines up to the first line with a figure
        or a subject code, then body lines until a note, a section or narrative text.  Each
        line stays one row of tokens; `text_grid` rebuilds the cells."""
        current: Block | None = None
        in_body = False

        def close() -> None:
            nonlocal current, in_body
            if current is not None:
                self.blocks.append(current)
            current, in_body = None, False

        for raw, number in zip(lines, numbers):
            if not raw.strip():
                continue
            title = title_of(raw)
            if title and current is not None and not current.header and not current.body:
                current.title, current.title_line = title, number  # the line above was a heading or a contents entry
                continue
            if title and (current is None or in_body or current.header):
                close()
                current = Block(title, number, "text", money=self.money or DEFAULT_MONEY)
                continue
            if self._note_money(raw) and current is not None and not current.body:
                current.money = self.money or DEFAULT_MONEY
            if current is None:
                if not _PAGE_HEADER.match(raw) and not money_unit(raw):
                    self.paragraphs.append(Paragraph(number, raw.strip()))
                continue
            if _NOTE.match(raw) or _SECTION.match(raw):
                close()
                self.paragraphs.append(Paragraph(number, raw.strip()))
                continue
            if _PAGE_HEADER.match(raw) or money_unit(raw) or _PAGE_NUMBER.match(raw):
                continue
            toks = tokens(raw)
            wordy = not any(is_amount(t) for t in toks) and not CODE.match(normalize(toks[0]))
            sentence = wordy and bool(_SENTENCE.search(raw)) and not any(r.cells and normalize(r.cells[0]) == "项目名称" for r in current.header)
            prose = sentence or wordy and len("".join(toks)) > 40  # a project form's cells hold sentences
            if not in_body and sentence:
                # a contents entry or a heading named like a table, followed by text: no table
                self.paragraphs += [Paragraph(current.title_line, current.title)] + \
                    [Paragraph(r.line, " ".join(r.cells)) for r in current.header] + [Paragraph(number, raw.strip())]
                current = None
                continue
            if not in_body:
                if _text_row_starts(raw) and not normalize(toks[0]).startswith("栏次"):
                    in_body = True
                else:
                    current.header.append(Row(number, toks))
                    continue
            if prose:
                close()  # narrative text after the table
                self.paragraphs.append(Paragraph(number, raw.strip()))
                continue
            current.body.append(Row(number, toks))
        close()


def _key(row: Row) -> list[str]:
    cells = [normalize(c) for c in row.cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells
