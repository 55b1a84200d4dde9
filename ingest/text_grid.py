"""Text-layout tables → grid blocks, so that tables.py reads every table as a grid.

Text extracted from a PDF loses the table's cells: figures are separated by spaces, a row prints
only its non-blank figures, long labels wrap onto the lines before and after the row, subject
codes are printed split ("208 05 01") or glued to their name ("2120501城乡社区环境卫生"), the
header is flattened line by line in no useful order, and one line may carry two sides of a
收支总表 or two column groups printed side by side.  The grid is rebuilt in three steps:

1. rows: each line is cut into codes, labels and figures, split codes joined, wrapped labels
   re-attached, 行次 numbers dropped (`text_rows`);
2. columns: a standard table's come from its template, recognised by title and header words
   (`templates`); any other table's are read from the header's budget words
   (`lexicon_columns`);
3. figures: a row printing fewer figures than there are columns has each figure placed by
   arithmetic (`placement`): the template's totals within the row, parents as the sums of
   their children, and what the document's other tables and its text state (`statements`).
   A figure the arithmetic does not place is reported ("cannot be placed") and left out,
   never guessed; the figures of that row it does place are kept.

The result is a `Block` in the "tab" layout with header rows whose column paths the grid
reader understands ("支出预算/基本支出") and one body row per table row.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetkg.ingest.facts import ParsedDocument, Warning_
from budgetkg.ingest.layout import Block, Paragraph, Row
from budgetkg.ingest.placement import Problem, place
from budgetkg.ingest.statements import TEXT, Key, Ledger, fact_key, factor, in_yuan, text_statements
from budgetkg.ingest.tables import TableReader
from budgetkg.ingest.templates import leaf_paths, relations, template_for
from budgetkg.ingest.text_rows import (
    HEADER_CHARS,
    HEADER_WORDS,
    NUMBERING,
    Item,
    code_items,
    figure_value,
    group_items,
    header_like,
    is_figure,
    pair_items,
    pieces,
    strip_number,
)
from budgetkg.ontology.terms import Code, broader_codes, functional_classes, lexicon, normalize


# ------------------------------------------------------------ columns of other tables
def lexicon_columns(header: list[Row], width: int) -> tuple[list[list[str]], list[str]]:
    """Column paths of a flattened header that no template describes, read from its budget
    words and matched to the number of figures; the words left over apply to every column."""
    text = normalize("".join("".join(r.cells) for r in header))
    text = re.sub(r"栏次.*$", "", text)
    lex = lexicon()
    pattern = re.compile("|".join(sorted([re.escape(k) for k in lex.entries] + ["合计", "小计", "金额"], key=len, reverse=True)))
    words: list = [lex.entries.get(m.group(), m.group()) for m in pattern.finditer(text)]
    words = _expand_levels(words, width)
    context: list[str] = []
    while len(words) > width and words:
        head = words.pop(0)
        context += [part.label if isinstance(part, Code) else part for part in (head if isinstance(head, tuple) else (head,))]
    paths = [[part.label if isinstance(part, Code) else part for part in (item if isinstance(item, tuple) else (item,))]
             for item in words]
    return paths, context


def _expand_levels(tokens: list, width: int) -> list:
    """Rebuild a header that a PDF flattened level by level (预算数 决算数 / 合计 … / 小计 …)."""
    if len(tokens) <= width or width == 0:
        return tokens
    levels: list[list] = [[]]
    for token in tokens:  # a total word starts the next header level, unless it repeats the one the level began with
        if token in ("合计", "小计") and levels[-1] and levels[-1][0] != token:
            levels.append([])
        levels[-1].append(token)
    if len(levels) < 2:
        return tokens
    broader = broader_codes()
    tree: list = [(t,) for t in levels[0]]
    for level in levels[1:]:
        expandable = [i for i, node in enumerate(tree) if any(isinstance(t, Code) and isinstance(node[-1], Code)
                                                                 and broader.get(t.iri) == node[-1].iri for t in level)]
        if not expandable:
            expandable = [i for i, node in enumerate(tree) if isinstance(node[-1], Code) and node[-1].dimension in {"phase", "measure"}
                          and not (node[-1].dimension == "measure" and any(isinstance(t, Code) and t.dimension == "measure" for t in level))]
            if not expandable or len(level) % len(expandable):
                expandable = [i for i, node in enumerate(tree) if isinstance(node[-1], Code) and node[-1].notation == "expenditure"]
        if not expandable or len(level) % len(expandable):
            return tokens
        size = len(level) // len(expandable)
        chunks = [level[i * size:(i + 1) * size] for i in range(len(expandable))]
        new_tree = []
        for i, node in enumerate(tree):
            if i in expandable:
                new_tree.extend(node + (t,) if t not in ("合计", "小计") else node for t in chunks[expandable.index(i)])
            else:
                new_tree.append(node)
        tree = new_tree
    return [tuple(t for t in node if t not in ("合计", "小计")) or ("合计",) for node in tree]


# ------------------------------------------------------------ one table
@dataclass
class Table:
    """A text block on its way to a grid: its rows, columns and the placement of its figures."""

    block: Block
    shape: str
    sides: list[list[list[str]]]  # per side, the value columns' heading paths
    side_heads: list[str]  # per side (pairs), the heading over its label column
    relations: list[list[dict[int, int]]]  # per side
    items: list[Item]
    code_heading: str = "功能分类科目编码"
    placed: dict[int, list[int | None]] = field(default_factory=dict)  # item index → column of each figure
    keys: dict[tuple[int, int], Key] = field(default_factory=dict)  # (item, column) → what the cell means
    empty_scope: list[Key] = field(default_factory=list)  # a table printed empty: what none of its figures is

    def __post_init__(self) -> None:
        for item in self.items:
            item.side = item.side or 0

    def problem(self, side: int, known: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]]) -> tuple[Problem, list[int]]:
        indexes = [i for i, item in enumerate(self.items) if item.side == side]
        rows = [[figure_value(f) for f in self.items[i].figures] for i in indexes]
        position = {item: row for row, item in enumerate(indexes)}
        decimals = max((len(f.split(".")[1]) for row in indexes for f in self.items[row].figures if "." in f), default=0)
        problem = Problem(len(self.sides[side]), rows, row_relations=self.relations[side],
                          tree_relations=[{position[i]: c for i, c in rel.items()} for rel in self.tree(side)
                                          if all(i in position for i in rel)],
                          known={(position[i], column): value for (i, column), value in known.items() if i in position},
                          tolerance=Decimal(5).scaleb(-decimals - 1))
        return problem, indexes

    def tree(self, side: int) -> list[dict[int, int]]:
        """Parent = Σ children: subject codes nest (208 ⊃ 20805 ⊃ 2080501), a 合计 row sums the
        top-level rows, and a 收支总表's 本年支出合计 sums its 支出 classes."""
        found: list[dict[int, int]] = []
        if self.shape == "pairs":
            rows = [(i, strip_number(item.text)) for i, item in enumerate(self.items) if item.side == side]
            totals = [i for i, text in rows if text == "本年支出合计"] or [i for i, text in rows if text in {"支出总计", "总计"}]
            classes = [i for i, text in rows if text in functional_classes()]
            if totals and classes and side == 1:
                found.append({totals[0]: -1, **{i: 1 for i in classes}})
            # 总计 = 本年支出合计 + 结余分配 + 年末结转和结余
            grand = [i for i, text in rows if text in {"支出总计", "总计"} and totals and i > totals[0]]
            if grand and side == 1:
                after = [i for i, text in rows if totals[0] < i < grand[0] and text.startswith(("年末", "结余分配"))]
                found.append({grand[0]: -1, totals[0]: 1, **{i: 1 for i in after}})
            return found
        children: dict[int, list[int]] = {}
        top: list[int] = []
        stack: list[int] = []
        for index, item in enumerate(self.items):
            if not item.code:
                continue
            while stack and not (item.code.startswith(self.items[stack[-1]].code) and len(item.code) > len(self.items[stack[-1]].code)):
                stack.pop()
            (children.setdefault(stack[-1], []) if stack else top).append(index)
            stack.append(index)
        for parent, kids in children.items():
            found.append({parent: -1, **{k: 1 for k in kids}})
        totals = [i for i, item in enumerate(self.items) if not item.code and normalize(item.text) in {"合计", "总计"}]
        if len(totals) == 1 and top:
            found.append({totals[0]: -1, **{k: 1 for k in top}})
        return found

    def solve(self, known: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]]) -> bool:
        """Place the figures; True when a figure left open before is placed now."""
        progress = False
        for side in range(len(self.sides)):
            problem, indexes = self.problem(side, known)
            for index, columns in zip(indexes, place(problem)):
                before = self.placed.get(index)
                if before is None or sum(c is not None for c in columns) > sum(c is not None for c in before):
                    self.placed[index] = columns
                    progress |= before is not None
        return progress

    def out_of_line(self) -> bool:
        """Whether more of the table's column sums fail than hold among its placed rows: rows
        printed against the wrong codes (an extraction that shifted them), whose figures
        should not inform other tables."""
        held = failed = 0
        for side in range(len(self.sides)):
            problem, indexes = self.problem(side, {})
            for relation in problem.tree_relations:
                placed = [self.placed.get(indexes[r]) for r in relation]
                if any(p is None or None in p for p in placed):
                    continue
                for column in range(problem.width):
                    total = sum((coefficient * figure for (r, coefficient), p in zip(relation.items(), placed)
                                 for figure, c in zip(problem.rows[r], p) if c == column), Decimal(0))
                    if abs(total) <= problem.tolerance * len(relation):
                        held += 1
                    else:
                        failed += 1
        return failed > held

    # -------------------------------------------------------- the grid
    def grid(self, probe: bool = False) -> tuple[Block, dict[tuple[int, int], tuple[int, int]]]:
        """The table as a grid block, and where each (item, value column) cell went (its line
        and grid column).  A probe grid fills every value cell (to learn what each means) and
        numbers its rows 1, 2, … instead of by their lines."""
        block = self.block
        header: list[list[str]] = []
        columns: list[list[str]] = []
        offsets: list[int] = []
        for side, paths in enumerate(self.sides):
            if self.shape == "pairs":
                columns.append([self.side_heads[side], "项目"])
            offsets.append(len(columns))
            columns += paths
        if self.shape in ("codes", "groups"):
            columns = [["项目", self.code_heading], ["项目", "科目名称"]] + columns
            offsets = [2]
        depth = max(len(p) for p in columns)
        for level in range(depth):
            header.append([p[min(level, len(p) - 1)] if p else "" for p in columns])
        rows: list[Row] = []
        where: dict[tuple[int, int], tuple[int, int]] = {}
        by_line: dict[int, Row] = {}
        for index, item in enumerate(self.items):
            if self.shape in ("codes", "groups") and not item.code and not item.text:
                continue  # figures without a code or label: reported, not read
            line = len(rows) + 1 if probe else item.line
            side = item.side
            row: Row | None = None
            if self.shape == "pairs" and not probe:
                candidate = by_line.get(item.line)
                if candidate is not None and not any(candidate.cells[offsets[side] - 1:offsets[side] + len(self.sides[side])]):
                    row = candidate
            if row is None:
                row = Row(line, [""] * len(columns))
                rows.append(row)
                by_line[item.line] = row
            if self.shape in ("codes", "groups"):
                row.cells[0], row.cells[1] = item.code, item.text
            elif self.shape == "pairs":
                row.cells[offsets[side] - 1] = item.text
            placed = self.placed.get(index, [])
            for column in range(len(self.sides[side])):
                where[index, column] = (row.line, offsets[side] + column)
                if probe:
                    row.cells[offsets[side] + column] = "0"
            if not probe:
                for figure, column in zip(item.figures, placed):
                    if column is not None:
                        row.cells[offsets[side] + column] = figure
        grid = Block(block.title, block.title_line, "tab", [Row(block.title_line, cells) for cells in header], rows,
                     block.number, block.money, spans=True)
        return grid, where


def build(block: Block) -> Table | None:
    """The rows and columns of a text block; None for blocks that are not tables of figures
    (project forms), which keep their lines as cells."""
    header_text = normalize("".join("".join(r.cells) for r in block.header))
    if TableReader.is_form(block) or "绩效" in block.title:
        return None
    template = template_for(block)
    body = list(block.body)
    words = {normalize(w) for w in HEADER_WORDS}
    if template is not None:
        words |= {normalize(p) for path in (leaf_paths(template.values)) for p in path}
        words |= {normalize(h.text) for h in template.values}
        # a wrapped label's first line, taken for a header line because it has no figures
        header = list(block.header)
        while header and template.shape != "row" and not header_like(" ".join(header[-1].cells), words) \
                and (template.shape != "pairs" or NUMBERING.match(normalize(" ".join(header[-1].cells)))):
            body.insert(0, header.pop())
        block = Block(block.title, block.title_line, block.layout, header, block.body, block.number, block.money)
    body = [row for row in body if not _repeated_header(row, block.header, words)]
    shape = template.shape if template else "codes"
    economic = "经济分类" in block.title or "经济分类" in header_text
    code_heading = "经济分类科目编码" if economic else "功能分类科目编码"
    if shape == "pairs":
        assert template is not None
        sides = [leaf_paths(side.children) for side in template.values]
        widths = (len(sides[0]), len(sides[1]))
        items = pair_items(body, widths, "行次" in header_text)
        return Table(block, shape, [[[template.values[s].text] + p for p in sides[s]] for s in range(2)],
                     [h.text for h in template.values], [relations((side,)) for side in template.values], items)
    if shape == "groups":
        assert template is not None
        return Table(block, shape, [leaf_paths(template.values)], [], [[]], group_items(body), code_heading)
    if shape == "codes":
        items = [i for i in code_items(body, words) if i.figures or i.code or i.text]
    else:  # a row of figures only (the 三公 tables)
        items = [Item(row.line, figures=parts) for row in body if (parts := pieces(" ".join(row.cells))) and all(map(is_figure, parts))]
    if template is not None:
        return Table(block, shape, [leaf_paths(template.values)], [], [relations(template.values)], items, code_heading)
    width = max((len(i.figures) for i in items), default=0)
    paths, context = lexicon_columns(block.header, width)
    if context:
        paths = [context + p for p in paths]
    return Table(block, "codes", [paths], [], [[]], items, code_heading)


def _repeated_header(row: Row, header: list[Row], words: set[str]) -> bool:
    """A header line printed again after a page break."""
    text = normalize(" ".join(row.cells))
    if any(text == normalize(" ".join(h.cells)) for h in header):
        return True
    parts = pieces(" ".join(row.cells))
    return bool(parts) and not any(is_figure(p) for p in parts) and all(p in HEADER_CHARS or normalize(p) in words for p in parts)


class TextTables:
    """Converts a document's text blocks to grid blocks, placing figures by arithmetic within
    each table first and then with what the other tables state."""

    def __init__(self, document: ParsedDocument, paragraphs: list[Paragraph]) -> None:
        self.document = document
        self.pristine = copy.deepcopy(document)
        self.statements = text_statements(document, paragraphs)

    def convert(self, blocks: list[Block]) -> list[Block]:
        tables = {b.number: t for b in blocks if b.layout == "text" and (t := build(b)) is not None}
        for table in tables.values():
            table.keys = self.keys(table)
            if table.shape == "codes" and not any(item.figures for item in table.items):
                # printed empty: every figure it could hold is 0, whatever its subject
                total = Table(table.block, table.shape, table.sides, table.side_heads, table.relations, [Item(0, label="合计")])
                table.empty_scope = [key[:5] + (None, None) for key in self.keys(total).values()]
            table.solve({})
        for _ in range(4):
            ledger = self.ledger(list(tables.values()))
            progress = False
            for table in tables.values():
                if any(None in table.placed.get(i, [None]) for i in range(len(table.items))):
                    number, scale = table.block.number, factor(table.block.money)
                    known = {cell: (low if low is None else low / scale, high if high is None else high / scale)
                             for cell, key in table.keys.items() if (found := ledger.range(key, number)) is not None
                             for low, high in [found]}
                    progress |= table.solve(known)
            if not progress:
                break
        result = []
        for block in blocks:
            table = tables.get(block.number)
            if block.layout != "text":
                result.append(block)
            elif table is None:
                result.append(Block(block.title, block.title_line, "tab", block.header, block.body, block.number, block.money))
            else:
                self.report(table)
                result.append(table.grid()[0])
        return result

    def keys(self, table: Table) -> dict[tuple[int, int], Key]:
        """What each (item, value column) cell of a table means, read from a probe grid."""
        probe, where = table.grid(probe=True)
        scratch = copy.deepcopy(self.pristine)
        TableReader(scratch).read(probe)
        by_cell = {(f.line, f.column): fact_key(f) for f in scratch.facts}
        return {cell: by_cell[spot] for cell, spot in where.items() if spot in by_cell}

    def ledger(self, tables: list[Table]) -> Ledger:
        ledger = Ledger()
        for key, value, tolerance in self.statements:
            ledger.add(key, value, tolerance, TEXT)
        for table in tables:
            number = table.block.number
            if table.out_of_line():
                continue
            for scope in table.empty_scope:
                ledger.add_empty(scope, number)
            for index, item in enumerate(table.items):
                placed = table.placed.get(index)
                if placed is None or None in placed:
                    continue
                cells = {column: in_yuan(figure, table.block.money) for figure, column in zip(item.figures, placed)}
                for column in range(len(table.sides[item.side])):
                    key = table.keys.get((index, column))
                    if key is not None:
                        ledger.add(key, *cells.get(column, (Decimal(0), Decimal(0))), number)
        return ledger

    def report(self, table: Table) -> None:
        """A warning for every figure left unplaced."""
        for index, item in enumerate(table.items):
            placed = table.placed.get(index, [None] * len(item.figures))
            headings = ["/".join(p) for p in table.sides[item.side]]
            label = item.code + item.text
            if not item.figures:
                continue
            if not item.code and not item.text and table.shape in ("codes", "groups"):
                self.warn(item.line, f"table {table.block.number} '{table.block.title}': a row of figures {' '.join(item.figures)} "
                                     f"without a code or label is not recognised; skipped")
                continue
            if len(item.figures) > len(headings):
                self.warn(item.line, f"table {table.block.number} '{table.block.title}': row '{label}' prints {len(item.figures)} "
                                     f"figures for {len(headings)} columns; they cannot be placed")
                continue
            unplaced = [f for f, c in zip(item.figures, placed) if c is None]
            if unplaced:
                self.warn(item.line, f"table {table.block.number} '{table.block.title}': row '{label}': {' '.join(unplaced)} "
                                     f"cannot be placed among {', '.join(headings)} by arithmetic; no figure")

    def warn(self, line: int, message: str) -> None:
        self.document.warnings.append(Warning_(line, f"{self.document.source_name}:{line}: {message}"))


def to_grids(document: ParsedDocument, blocks: list[Block], paragraphs: list[Paragraph]) -> list[Block]:
    """The document's blocks, its text-layout tables rebuilt as grids."""
    if not any(b.layout == "text" for b in blocks):
        return blocks
    return TextTables(document, paragraphs).convert(blocks)
