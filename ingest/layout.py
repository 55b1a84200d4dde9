"""Numbered lines → table blocks (title, header rows, body rows) and narrative paragraphs.

Two physical layouts carry the tables:

* tab layout: each table row is one line of tab-separated cells (plain text and markdown
  documents both use it); a page break repeats the header, with or without the title;
* text layout (PDF extraction): cells are separated by spaces, long cells wrap onto the
  following lines and the header is flattened line by line.

Nothing here knows what a table means; `tables.py` interprets the blocks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetkg.ontology.terms import normalize

AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+\.\d+$")
INTEGER = re.compile(r"^-?\d+$")
CODE = re.compile(r"^\d{3,9}$")
TOTAL_LABELS = {"合计", "总计", "小计"}
_MARKDOWN = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?\s*|\s*(?:\*\*)?\s*$")
_TITLE_WORDS = ("收支", "收入", "支出", "预算", "决算", "三公", "采购", "购买服务", "绩效", "项目")
_TITLE_STOP = re.compile(r"[。；;：:，,]|（表\d+）|\(表\d+\)|^[-•]")
_NOTE = re.compile(r"^\s*注[:：]")
_PAGE_HEADER = re.compile(r"^\s*(?:金额单位|单位名称|部门名称|单位[:：]\s*万元|\(\d{4}\s*年度\)|（\d{4}\s*年度）|单位公开表|公开\d+表|表\s*\d+$)")
_SECTION = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?第[一二三四五六七八九十]+部分")


def clean(text: str) -> str:
    """A heading or cell without markdown markers and surrounding spaces."""
    return _MARKDOWN.sub("", text).strip()


def is_amount(token: str) -> bool:
    return bool(AMOUNT.match(token.strip()))


@dataclass
class Row:
    line: int
    cells: list[str]


@dataclass
class Block:
    """One table as laid out in the document."""

    title: str
    title_line: int
    layout: str  # "tab" or "text"
    header: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    number: int = 0

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
    """Split a document's lines into table blocks and narrative paragraphs."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.blocks: list[Block] = []
        self.paragraphs: list[Paragraph] = []
        self.layout = "tab" if sum("\t" in line for line in lines) >= 3 else "text"
        (self._tab if self.layout == "tab" else self._text)()
        self.blocks = [b for b in self.blocks if b.header or b.body]
        for number, block in enumerate(self.blocks, start=1):
            block.number = number

    # ------------------------------------------------------------ tab layout
    def _tab(self) -> None:
        pending_title: tuple[str, int] | None = None
        prose_since_table = False
        index = 0
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            if "\t" not in line:
                title = title_of(line)
                if title:
                    pending_title = (title, index + 1)
                elif line.strip() and not _PAGE_HEADER.match(line):
                    self.paragraphs.append(Paragraph(index + 1, line.strip()))
                    prose_since_table = True
                    if pending_title and index + 1 - pending_title[1] > 8:
                        pending_title = None
                index += 1
                continue
            start = index
            while index < len(lines) and "\t" in lines[index]:
                index += 1
            rows = [Row(n + 1, [c.strip() for c in lines[n].split("\t")]) for n in range(start, index)]
            first = [c for c in rows[0].cells if c]
            if len(first) == 1 and title_of(first[0].replace("\t", " ")) is None and first[0].endswith(("清单", "表")):
                pending_title, rows = (clean(first[0]), rows[0].line), rows[1:]
            if rows:
                self._add_tab_run(rows, pending_title, prose_since_table)
            pending_title, prose_since_table = None, False

    def _add_tab_run(self, rows: list[Row], title: tuple[str, int] | None, after_prose: bool) -> None:
        previous = self.blocks[-1] if self.blocks else None
        header, body = _split_header_body(rows)
        if previous is None:
            continues = False
        elif title is None:
            continues = not after_prose
        else:
            same_header = not header or not previous.header or _key(header[0]) == _key(previous.header[0])
            continues = normalize(title[0]) == normalize(previous.title) and same_header
        if continues and previous is not None and (previous.body or not body):
            # a page break: the header repeats (or not) and the body goes on
            previous.body.extend(body if header else rows)
            return
        if title is None:
            title = ("", rows[0].line)
        self.blocks.append(Block(title[0], title[1], "tab", header, body))

    # ------------------------------------------------------------ text layout
    def _text(self) -> None:
        lines = self.lines
        index = 0
        current: Block | None = None
        pending: list[Row] = []  # a wrapped body row in progress
        in_body = False

        def close() -> None:
            nonlocal current, pending, in_body
            if current is not None:
                if pending:
                    current.body.append(_merge(pending))
                self.blocks.append(current)
            current, pending, in_body = None, [], False

        while index < len(lines):
            raw = lines[index]
            number = index + 1
            index += 1
            if not raw.strip():
                continue
            title = title_of(raw)
            if title and (current is None or in_body or current.header):
                close()
                current = Block(title, number, "text")
                continue
            if current is None:
                if not _PAGE_HEADER.match(raw):
                    self.paragraphs.append(Paragraph(number, raw.strip()))
                continue
            if _NOTE.match(raw) or _SECTION.match(raw):
                close()
                self.paragraphs.append(Paragraph(number, raw.strip()))
                continue
            if _PAGE_HEADER.match(raw):
                continue
            toks = tokens(raw)
            if not in_body:
                if _text_row_starts(raw) and not normalize(toks[0]).startswith("栏次"):
                    in_body = True
                else:
                    current.header.append(Row(number, toks))
                    continue
            # body: a row is complete when its last token is a figure
            pending.append(Row(number, toks))
            if is_amount(toks[-1]) or toks[-1].endswith("%"):
                current.body.append(_merge(pending))
                pending = []
            elif len("".join(toks)) > 40 and not any(is_amount(t) for t in toks) and not CODE.match(normalize(toks[0])):
                # narrative text after the table
                pending.pop()
                close()
                self.paragraphs.append(Paragraph(number, raw.strip()))
        close()


def _key(row: Row) -> list[str]:
    cells = [normalize(c) for c in row.cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _merge(rows: list[Row]) -> Row:
    """A wrapped text-layout row: label fragments are joined, figures kept as tokens."""
    cells: list[str] = []
    for row in rows:
        for token in row.cells:
            if cells and not is_amount(token) and not INTEGER.match(token) and not CODE.match(token) \
                    and not is_amount(cells[-1]) and not CODE.match(cells[-1]) and not INTEGER.match(cells[-1]):
                cells[-1] += token
            else:
                cells.append(token)
    return Row(rows[0].line, cells)
