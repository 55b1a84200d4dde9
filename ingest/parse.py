"""A document file → ParsedDocument (documents → parsed tables; no RDF here)."""
from __future__ import annotations

from pathlib import Path

from budgetkg.ingest.document import identify
from budgetkg.ingest.layout import Layout
from budgetkg.ingest.model import ParsedDocument
from budgetkg.ingest.narrative import find_parent, read_narrative
from budgetkg.ingest.reader import DocumentError, read
from budgetkg.ingest.tables import TableReader


def parse_file(path: Path) -> ParsedDocument:
    source = read(Path(path))
    layout = Layout(source.lines)
    if not layout.blocks:
        raise DocumentError(f"{path}: no budget tables found (looked for titles such as '收支总表' followed by a table)")
    document = identify(source, layout.layout)
    reader = TableReader(document)
    find_parent(document, layout.paragraphs, reader)
    for block in layout.blocks:
        try:
            reader.read(block)
        except (ValueError, IndexError, KeyError) as error:
            raise DocumentError(f"{path}:{block.title_line}: table {block.number} '{block.title}': {error}") from error
    read_narrative(document, layout.paragraphs, reader)
    return document
