"""Text documents: UTF-8 (with or without BOM) or GB18030, any line endings, in three shapes.

* tab: each table row is one line of tab-separated cells (plain text and markdown exports);
  each run of such lines is a grid;
* text: text extracted from a PDF, cells separated by spaces, long cells wrapped onto the
  following lines; its tables stay lines here and `layout` finds them;
* markdown: either of the above with markdown headings and emphasis around the lines.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from budgetkg.ingest.document import Document, Grid, GridRow, Item, Line
from budgetkg.ingest.errors import DocumentError


def decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{path}: binary data, not a text document (and not a PDF, workbook or web page)")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{path}: neither UTF-8 nor GB18030 text")


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text(path: Path, data: bytes) -> Document:
    lines = split_lines(decode(data, path))
    if not any(line.strip() for line in lines):
        raise DocumentError(f"{path}: empty document")
    tabbed = sum("\t" in line for line in lines) >= 3
    items: list[Item] = []
    index = 0
    while index < len(lines):
        if tabbed and "\t" in lines[index]:
            start = index
            while index < len(lines) and "\t" in lines[index]:
                index += 1
            items.append(Grid([GridRow(n + 1, [c.strip() for c in lines[n].split("\t")]) for n in range(start, index)]))
            continue
        items.append(Line(index + 1, lines[index]))
        index += 1
    markdown = sum(line.lstrip().startswith("#") for line in lines) >= 3
    shape = "tab" if tabbed else "text"
    # the hash is of the decoded, newline-normalised text: the same document in another encoding
    # or with other line endings is the same document
    sha256 = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return Document(path, sha256, "markdown" if markdown and tabbed else shape, items)
