"""The document model every reader yields: numbered text lines and table grids, in reading order.

Formats converge here.  A PDF, a workbook, a web page and the three text shapes all become a
`Document`; recognising tables, reading facts and building the graph work on this model alone.

* A `Line` is one line of text: a cover line, a heading, part of a paragraph, or (in text whose
  tables were flattened to lines) a table row still to be split into cells.
* A `Grid` is a table whose cells the source marked out: ruled PDF tables, worksheet cells,
  HTML `<td>`s, tab-separated rows.  A merged cell keeps its text in its first row and column
  and records its span; the positions it covers are empty strings.

Every line and every grid row has a number, counted through the whole document in reading
order, and the page it stands on when the source has pages: a figure cites "file:line" and,
for a PDF, its page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\d])[ \u3000]+(?=[\u4e00-\u9fff\d])")


def squeeze(text: str) -> str:
    """Drop the spaces PDF and Word exports put between Chinese words and numbers."""
    return _CJK_SPACE.sub("", text)


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    page: int | None = None


@dataclass(frozen=True)
class Span:
    """A merged cell: its first row and column in the grid and how far it reaches."""

    row: int
    column: int
    rows: int
    columns: int


@dataclass
class GridRow:
    number: int  # line number in the document
    cells: list[str]
    page: int | None = None


@dataclass
class Grid:
    rows: list[GridRow]
    spans: list[Span] = field(default_factory=list)
    caption: str = ""  # a title the source attaches to the table itself (a sheet name, <caption>)

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    @property
    def number(self) -> int:
        return self.rows[0].number if self.rows else 0

    @property
    def page(self) -> int | None:
        return self.rows[0].page if self.rows else None

    def filled(self, row: int) -> list[str]:
        """A row's cells with every merged cell's text repeated over the columns it spans and the
        rows below it that it covers: how a header is read (each column's path of headings)."""
        cells = list(self.rows[row].cells) + [""] * (self.width - len(self.rows[row].cells))
        for span in self.spans:
            if span.row <= row < span.row + span.rows:
                text = self.rows[span.row].cells[span.column] if span.column < len(self.rows[span.row].cells) else ""
                for column in range(span.column, min(span.column + span.columns, len(cells))):
                    cells[column] = text
        return cells


Item = Line | Grid


@dataclass
class Document:
    """What a reader makes of one file: its text lines and grids in reading order."""

    path: Path
    sha256: str
    format: str  # pdf, xlsx, xls, html, tab, text, markdown
    items: list[Item]
    notes: list[str] = field(default_factory=list)  # what the reader could not read, as warnings

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def grids(self) -> list[Grid]:
        return [item for item in self.items if isinstance(item, Grid)]

    def text_lines(self) -> list[str]:
        """Every line of text in reading order, grid rows as their cells joined by spaces: what a
        reader of the whole document sees (the cover, titles, headings)."""
        out: list[str] = []
        for item in self.items:
            if isinstance(item, Line):
                out.append(item.text)
            else:
                out.extend(" ".join(c for c in row.cells if c) for row in item.rows)
        return out


class Numberer:
    """Hands out line numbers in reading order while a reader walks its source."""

    def __init__(self) -> None:
        self.next = 1

    def __call__(self) -> int:
        number = self.next
        self.next += 1
        return number
