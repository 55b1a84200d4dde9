"""Web pages: each innermost <table> a grid (rowspan and colspan kept), other text as lines.

Government sites often wrap a whole page in layout tables; only a table that holds no other
table is a data table, and the text of the tables around it is read as lines.  The encoding is
the page's own (BOM, <meta charset>), else UTF-8, else GB18030.
"""
from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from budgetkg.ingest.document import Document, Grid, GridRow, Item, Line, Numberer, Span, squeeze
from budgetkg.ingest.errors import DocumentError

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
           "footer", "title", "caption", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr"}
_SKIP = {"script", "style", "noscript", "template", "head"}
_GB_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}


def decode_html(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = _CHARSET.search(data[:4096])
    encodings = []
    if declared:
        name = declared.group(1).decode("ascii").lower()
        encodings.append(_GB_ALIASES.get(name, name))
    encodings += ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DocumentError(f"{path}: a web page in an unknown encoding (neither its declared one, UTF-8 nor GB18030)")


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, rowspan, colspan) per cell
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.nested = False


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, object]] = []  # ("text", str) | ("break", None) | ("table", _Table)
        self.tables: list[_Table] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "table":
            if self.tables:
                self.tables[-1].nested = True
                self._close_cell()
            self.tables.append(_Table())
            self.events.append(("break", None))
            return
        if self.tables and tag == "tr":
            self._close_cell()
            self.tables[-1].rows.append([])
        elif self.tables and tag in {"td", "th"}:
            self._close_cell()
            values = dict(attrs)
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            table.cell = []
            table.span = (_int(values.get("rowspan")), _int(values.get("colspan")))
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table" and self.tables:
            self._close_cell()
            table = self.tables.pop()
            if table.nested:  # a layout table: its own cells were text
                for row in table.rows:
                    for text, _, _ in row:
                        if text:
                            self.events += [("text", text), ("break", None)]
            else:
                self.events.append(("table", table))
            return
        if self.tables and tag in {"td", "th"}:
            self._close_cell()
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.append(data)
        elif self.tables and not self.tables[-1].nested and not data.strip():
            return
        else:
            self.events.append(("text", data))

    def _break(self) -> None:
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.append("\n")
        else:
            self.events.append(("break", None))

    def _close_cell(self) -> None:
        table = self.tables[-1] if self.tables else None
        if table is None or table.cell is None:
            return
        text = squeeze("".join(part.strip() for part in "".join(table.cell).replace("\xa0", " ").split("\n"))).strip()
        table.rows[-1].append((text, *table.span))
        table.cell = None


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _grid(table: _Table, number: Numberer) -> Grid | None:
    """Lay the cells out on a grid, each pushed right past the cells that rows above span into it."""
    taken: dict[tuple[int, int], bool] = {}
    placed: list[list[str]] = []
    spans: list[Span] = []
    for r, row in enumerate(r for r in table.rows if r):
        cells: dict[int, str] = {}
        column = 0
        for text, rowspan, colspan in row:
            while taken.get((r, column)):
                column += 1
            cells[column] = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, column + dc)] = True
            if rowspan > 1 or colspan > 1:
                spans.append(Span(r, column, rowspan, colspan))
            column += colspan
        width = max(cells, default=-1) + 1
        placed.append([cells.get(c, "") for c in range(width)])
    if not placed or not any(any(row) for row in placed):
        return None
    width = max(max(len(row) for row in placed), max((s.column + s.columns for s in spans), default=0))
    rows = [GridRow(number(), row + [""] * (width - len(row))) for row in placed]
    return Grid(rows, spans)


def read_html(path: Path, data: bytes) -> Document:
    parser = _PageParser()
    try:
        parser.feed(decode_html(data, path))
        parser.close()
    except (AssertionError, ValueError) as error:
        raise DocumentError(f"{path}: not a readable web page ({error})") from error
    while parser.tables:  # an unclosed table at the end of the page
        parser.handle_endtag("table")
    number = Numberer()
    items: list[Item] = []
    text: list[str] = []

    def flush() -> None:
        line = squeeze(re.sub(r"[ \t\u3000\xa0]+", " ", "".join(text))).strip()
        if line:
            items.append(Line(number(), line))
        text.clear()

    for kind, value in parser.events:
        if kind == "text":
            text.append(str(value))
        else:
            flush()
            if kind == "table":
                assert isinstance(value, _Table)
                grid = _grid(value, number)
                if grid is not None:
                    items.append(grid)
    flush()
    if not items:
        raise DocumentError(f"{path}: the web page has no text")
    return Document(path, hashlib.sha256(data).hexdigest(), "html", items)
