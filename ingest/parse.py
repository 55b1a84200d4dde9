"""A document file → ParsedDocument (file → document model → tables → facts; no RDF here)."""
from __future__ import annotations

from pathlib import Path

from budgetkg.ingest.cover import identify
from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.facts import ParsedDocument, Warning_
from budgetkg.ingest.layout import Layout
from budgetkg.ingest.members import read_internal_bodies, read_members
from budgetkg.ingest.narrative import find_parent, read_narrative
from budgetkg.ingest.readers import read
from budgetkg.ingest.tables import TableReader
from budgetkg.ingest.text_grid import to_grids


def parse_file(path: Path) -> ParsedDocument:
    document = read(Path(path))
    layout = Layout(document)
    if not layout.blocks:
        raise DocumentError(f"{path}: no budget tables found (looked for titles such as '收支总表' followed by a table)")
    parsed = identify(document, layout)
    parsed.warnings += [Warning_(0, note) for note in document.notes]
    reader = TableReader(parsed)
    find_parent(parsed, layout.paragraphs, reader)
    read_members(parsed, layout.paragraphs, reader.units)
    for block in to_grids(parsed, layout.blocks, layout.paragraphs):
        try:
            reader.read(block)
        except (ValueError, IndexError, KeyError) as error:
            raise DocumentError(f"{path}:{block.title_line}: table {block.number} '{block.title}': {error}") from error
    read_internal_bodies(parsed, layout.paragraphs, reader.units)  # after the tables, which name the units
    read_narrative(parsed, layout.paragraphs, reader)
    return parsed
