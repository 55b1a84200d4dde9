"""Table blocks → facts, units, subjects and projects.

A figure's meaning is assembled from three places, most general first: the table title
("一般公共预算支出情况表": general budget, expenditure), the column header path ("基本支出/人员经费")
and the row (unit code, subject code and name, project, or a self-describing label such as
"（一）一般公共预算拨款").  Each is read with the vocabulary's lexicon, so any document that
words its tables the usual ways is understood without code of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from budgetkg.ingest.amounts import MalformedAmount, amount, parse_amount, to_wanyuan
from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import Fact, Indicator, ParsedDocument, Project, Subject, TableInfo, Unit, Warning_
from budgetkg.ingest.layout import CODE, INTEGER, TOTAL_LABELS, Block, Row, clean
from budgetkg.ingest.units import Units, split_code
from budgetkg.ontology.terms import GENERAL_MEASURES, Code, code, functional_classes, lexicon, merge, narrower, normalize

_NUMBERING = [
    (re.compile(r"^[一二三四五六七八九十]+[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d+[、.．](?!\d)"), 3),
    (re.compile(r"^[（(]\d+[）)]"), 4),
]
_FORM_MONEY = re.compile(r"^(?:项目资金)?[(](万元|元)[)]$")
_INDICATOR_HEADS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "指标值": "value", "度量单位": "uom", "计量单位": "uom"}


def label_dims(text: str) -> tuple[dict[str, Code], list[Code]]:
    """The code-list values a label names (details may be several)."""
    found = lexicon().find(text)
    dims: dict[str, Code] = {}
    details: list[Code] = []
    for _, _, item in found:
        if item.dimension == "detail":
            details.append(item)
        else:
            dims = merge(dims, {item.dimension: item})
    return dims, details


def is_pair_label(text: str) -> bool:
    """The label column of one side of a 收支总表."""
    text = normalize(text)
    return text in {"项目", "收入项目", "支出项目", "支出功能分类科目"} or text.startswith("项目(按")


def strip_numbering(label: str) -> tuple[str, int | None]:
    label = clean(label)
    if label.startswith(("其中:", "其中：")):
        return label[3:].strip(), -1
    for pattern, level in _NUMBERING:
        match = pattern.match(label)
        if match:
            return label[match.end():].strip(), level
    return label, None


@dataclass
class Column:
    index: int
    path: list[str]
    role: str  # value, unit_code, subject_code, code_lei/kuan/xiang, name, unit_name, project, goal, indicator:*, text, skip
    dims: dict[str, Code]
    details: tuple[Code, ...]

    @property
    def label(self) -> str:
        return "/".join(p for p in self.path if p)


def header_paths(header: list[Row], width: int) -> list[list[str]]:
    """Spanning header cells filled rightwards within their parent's span."""
    grid = [[clean(c) for c in row.cells] + [""] * (width - len(row.cells)) for row in header]
    for r, row in enumerate(grid):
        for c in range(1, width):
            if not row[c] and row[c - 1] and [grid[p][c] for p in range(r)] == [grid[p][c - 1] for p in range(r)]:
                row[c] = row[c - 1]
    paths = []
    for c in range(width):
        path = [grid[r][c] for r in range(len(grid)) if grid[r][c] and not INTEGER.match(grid[r][c]) and grid[r][c] != "**"]
        deduped: list[str] = []
        for part in path:
            if not deduped or deduped[-1] != part:
                deduped.append(part)
        paths.append(deduped)
    return paths


def column_role(path: list[str]) -> str:
    text = normalize("".join(path))
    leaf = normalize(path[-1]) if path else ""
    if not path:
        return "text"
    if leaf in {"类", "款", "项"}:
        return {"类": "code_lei", "款": "code_kuan", "项": "code_xiang"}[leaf]
    if leaf in _INDICATOR_HEADS:
        return f"indicator:{_INDICATOR_HEADS[leaf]}"
    if "资金性质" in leaf or "资金来源" in leaf:
        return "qualifier"
    if "序号" in leaf or "栏次" in leaf or leaf in {"类型", "备注", "指标值类型", "指标值内容", "评(扣)分标准", "指标解释"}:
        return "skip"
    if "绩效目标" in leaf or leaf == "年度目标":
        return "goal"
    if ("编码" in leaf or "代码" in leaf or "代码" in text[-6:]) and ("科目" in leaf or "科目" in text):
        return "subject_code"
    if "编码" in leaf or "代码" in leaf:
        return "unit_code"
    if "项目名称" in leaf or leaf in {"项目", "单位(项目)名称"}:
        return "project" if "单位" not in leaf else "unit_or_project"
    if "项目单位" in leaf:
        return "unit_name"
    if ("部门" in leaf or "单位" in leaf) and "名称" in leaf and "科目" not in leaf:
        return "unit_name" if "功能" not in leaf else "name"
    if "名称" in leaf or "科目" in leaf or "品目" in leaf:
        return "name" if "品目" not in leaf else "text"
    return "value"


ECONOMIC = re.compile(r"经济(?:分类|科目)")  # 按经济分类, 经济科目编码; not a unit named "…社会经济调查中心"


def is_economic(block: Block) -> bool:
    """Whether a table's subject codes are 经济分类 rather than 功能分类."""
    return any(ECONOMIC.search(text) for text in [block.title, *(c for r in block.header for c in r.cells)])


def path_dims(path: list[str]) -> tuple[dict[str, Code], list[Code]]:
    """The code-list values a column's header path names, each heading read under the ones above
    it: '公务用车购置及运行费/购置费' is 公务用车购置费 though '购置费' alone names nothing."""
    dims: dict[str, Code] = {}
    details: list[Code] = []
    for part in path:
        part_dims, part_details = label_dims(part)
        if not part_dims and not part_details and "measure" in dims:
            child = narrower(dims["measure"], part)
            if child is not None:
                part_dims = {"measure": child}
        dims = merge(dims, part_dims)
        details += part_details
    return dims, details


def columns_for(block: Block, title_dims: dict[str, Code]) -> list[Column]:
    width = max(len(r.cells) for r in block.header + block.body)
    columns = []
    for index, path in enumerate(header_paths(block.header, width)):
        role = column_role(path)
        dims, details = path_dims(path) if role == "value" else ({}, [])
        columns.append(Column(index, path, role, dims, tuple(details)))
    return columns


LABEL_ROLES = {"subject_code", "code_lei", "unit_code", "name", "unit_name", "project", "unit_or_project"}


def side_by_side(block: Block) -> list[Block]:
    """A grid printing two tables' columns side by side (人员经费: 科目编码 科目名称 金额 | 公用经费: 科目编码
    科目名称 金额) as one block per group; any other grid as itself.  A group starts where a label
    column (code, name, unit, project) repeats after figure columns."""
    if block.layout != "tab" or not block.header:
        return [block]
    columns = columns_for(block, {})
    starts = [0]
    seen: set[str] = set()
    after_values = False
    for column in columns:
        if column.role in LABEL_ROLES:
            if column.role in seen and after_values:
                starts.append(column.index)
                seen, after_values = set(), False
            seen.add(column.role)
        elif column.role == "value":
            after_values = True
    if len(starts) == 1:
        return [block]
    bounds = list(zip(starts, starts[1:] + [len(columns)]))

    def cut(rows: list[Row], start: int, end: int) -> list[Row]:
        return [Row(r.line, r.cells[start:end], r.page) for r in rows]

    return [Block(block.title, block.title_line, block.layout, cut(block.header, s, e),
                  [r for r in cut(block.body, s, e) if any(c.strip() for c in r.cells)], block.number, block.money, block.spans)
            for s, e in bounds]


class TableReader:
    """Reads the blocks of one document into its ParsedDocument."""

    def __init__(self, document: ParsedDocument) -> None:
        self.doc = document
        self.units = Units(document)
        self._cells: set[tuple[int, int, int]] = set()
        self.pages: dict[int, int] = {}  # line → page, for documents with pages
        self._columns_of: tuple[Block, list[Column]] | None = None

    # ------------------------------------------------------------ helpers
    def warn(self, line: int, message: str) -> None:
        self.doc.warnings.append(Warning_(line, message))

    def subject(self, scheme: str, code_text: str, label: str) -> Subject:
        key = (scheme, code_text)
        label = squeeze(clean(label))
        existing = self.doc.subjects.get(key)
        if existing is None or (not existing.label and label):
            existing = self.doc.subjects[key] = Subject(scheme, code_text, label)
        return existing

    def project(self, unit: Unit, name: str, line: int) -> Project:
        name = squeeze(clean(name))
        key = (unit.key, normalize(name))
        if key not in self.doc.projects:
            self.doc.projects[key] = Project(name, unit, line=line)
        return self.doc.projects[key]

    def value(self, text: str, info: TableInfo, line: int, column_label: str) -> Decimal | None:
        """A figure cell's amount as printed; a malformed one is a warning and no figure."""
        try:
            return parse_amount(text)
        except MalformedAmount:
            self.warn(line, f"table {info.number} '{info.title}': '{text}' in column '{column_label}' is not a well-formed amount; no figure")
            return None

    def fact(self, value: Decimal, unit: Unit, dims: dict[str, Code], details: tuple[Code, ...], info: TableInfo,
             line: int, column: int, column_label: str, row_label: str, subject: Subject | None = None,
             project: Project | None = None, year: int | None = None) -> None:
        """Record a figure as printed (`value`, in the table's money unit), of the document's year unless another is given."""
        dims = dict(dims)
        phase = dims.pop("phase").notation if "phase" in dims else self.doc.phase
        year = year or self.doc.year
        if phase.startswith("prior-"):
            phase, year = phase.removeprefix("prior-"), year - 1
        if "measure" not in dims and ("exptype" in dims or subject is not None or project is not None):
            dims["measure"] = code("measure", "expenditure")
        if "measure" not in dims:
            self.warn(line, f"table {info.number} '{info.title}': figure {value} in column '{column_label}' has no measure; skipped")
            return
        while (info.number, line, column) in self._cells:  # two figures of one cell position (side-by-side groups)
            column += 1000
        self._cells.add((info.number, line, column))
        self.doc.facts.append(Fact(to_wanyuan(value, info.money), unit, year, phase, dims, tuple(dict.fromkeys(details)),
                                   info.number, line, column, column_label, row_label, subject, project,
                                   printed=value, money=info.money, page=self.pages.get(line)))
        info.observations += 1

    # ------------------------------------------------------------ dispatch
    def read(self, block: Block) -> None:
        self.pages.update({row.line: row.page for row in block.header + block.body if row.page is not None})
        info = TableInfo(block.number, block.title, block.title_line, money=block.money, page=self.pages.get(block.title_line)
                         or next((r.page for r in block.header + block.body if r.page is not None), None), note=block.note)
        self.doc.tables.append(info)
        title_dims, title_details = label_dims(re.sub(r"^.*?\d{4}\s*年度?", "", block.title))
        if "measure" in title_dims and title_dims["measure"].notation.endswith("-total"):
            del title_dims["measure"]  # "收支预算总表" names a summary table, not its total row
        if "绩效" in block.title and "自评" in block.title:
            self.read_self_evaluation(block, info)
        elif "绩效" in block.title and "整体" in block.title:
            self.read_grid(block, info, {}, (), goals_only=True)
        elif self.is_form(block):
            self.read_form(block, info)
        elif self.is_pairs(block):
            self.read_pairs(block, info, title_dims)
        else:
            for group in side_by_side(block):
                self.read_grid(group, info, title_dims, tuple(title_details))

    @staticmethod
    def is_form(block: Block) -> bool:
        """A key-value project sheet ('项目名称 | X', '主管部门及代码 | …'), not a grid."""
        keys = {normalize(r.cells[0]) for r in block.header + block.body if r.cells}
        return "项目名称" in keys and any(k.startswith(("主管部门", "项目资金", "年度目标", "实施单位")) for k in keys)

    def is_pairs(self, block: Block) -> bool:
        """A 收支总表: two or more sides, each a label column (项目) followed by its figures."""
        if not block.header:
            return False
        leaves = [normalize(c.path[-1]) if c.path else "" for c in columns_for(block, {})]
        return sum(1 for i, leaf in enumerate(leaves) if is_pair_label(leaf) and (i == 0 or leaves[i - 1] != leaf)) >= 2

    # ------------------------------------------------------------ paired summary tables (收支总表)
    def read_pairs(self, block: Block, info: TableInfo, title_dims: dict[str, Code]) -> None:
        sides = self.pair_sides(block)
        unit = self.doc.unit
        stacks: list[list[tuple[int, dict[str, Code], list[Code]]]] = [[] for _ in sides]
        for row in block.body:
            for side_index, label, values, columns in self.pair_cells(block, row, sides):
                if not label and not any(v.strip() for v in values):
                    continue
                text, level = strip_numbering(label)
                key = normalize(text)
                dims, details = label_dims(text)
                if key in functional_classes():
                    subject = self.subject("func", functional_classes()[key], text)
                    dims = merge(dims, {"measure": code("measure", "expenditure")})
                else:
                    subject = None
                stack = stacks[side_index]
                if level is None:
                    level = 2 if (stack and not {"measure"} & dims.keys() and dims and subject is None) else 1
                elif level == -1:
                    level = (stack[-1][0] + 1) if stack else 2
                while stack and stack[-1][0] >= level:
                    stack.pop()
                inherited: dict[str, Code] = {}
                inherited_details: list[Code] = []
                for _, parent_dims, parent_details in stack:
                    inherited = merge(inherited, parent_dims)
                    inherited_details += parent_details
                stack.append((level, dims, details))
                if key in TOTAL_LABELS:
                    side_measure = merge(title_dims, columns[0].dims if columns else {}).get("measure")
                    if side_measure and side_measure.notation in GENERAL_MEASURES:
                        dims = {"measure": code("measure", side_measure.notation + "-total")}
                if not dims and not details and subject is None:
                    if any(amount(v) is not None for v in values):
                        self.warn(row.line, f"table {info.number} '{block.title}': row '{label}' not recognised; its figures are skipped")
                    continue
                for value_text, column in zip(values, columns):
                    value = self.value(value_text, info, row.line, column.label)
                    if value is None:
                        continue
                    merged = merge(merge(merge(title_dims, column.dims), inherited), dims)
                    if "measure" not in merged:  # the side's heading says which: 财政拨款收入 | 财政拨款支出
                        side = normalize(column.label)
                        if "收入" in side or "支出" in side:
                            merged["measure"] = code("measure", "income" if side.rfind("收入") > side.rfind("支出") else "expenditure")
                    if subject is not None and merged.get("measure", code("measure", "income")).notation != "expenditure":
                        merged = merge(merged, {"measure": code("measure", "expenditure")})
                    self.fact(value, unit, merged, tuple(inherited_details + details + list(column.details)), info,
                              row.line, column.index, column.label, clean(label), subject=subject)

    def pair_sides(self, block: Block) -> list[list[Column]]:
        """The value columns of each side (收入 | 支出) of a paired table."""
        columns = columns_for(block, {})
        sides: list[list[Column]] = []
        for column in columns:
            leaf = normalize(column.path[-1]) if column.path else ""
            if is_pair_label(leaf) and not (sides and not sides[-1] and column.index and is_pair_label(normalize(columns[column.index - 1].path[-1]))):
                sides.append([])
            elif sides and column.role == "value" and "行次" not in leaf:
                sides[-1].append(column)
        return sides

    def _columns(self, block: Block) -> list[Column]:
        """A block's columns, worked out once per block (a 收支总表 asks for them on every row)."""
        if self._columns_of is None or self._columns_of[0] is not block:
            self._columns_of = (block, columns_for(block, {}))
        return self._columns_of[1]

    def pair_cells(self, block: Block, row: Row, sides: list[list[Column]]) -> list[tuple[int, str, list[str], list[Column]]]:
        """Each side's label and figures in a row of a paired table."""
        result = []
        columns = self._columns(block)
        label_indexes = [c.index for c in columns if c.path and is_pair_label(c.path[-1])
                         and not (c.index and columns[c.index - 1].path and is_pair_label(columns[c.index - 1].path[-1]))]
        for side_index, start in enumerate(label_indexes):
            label = row.cells[start] if start < len(row.cells) else ""
            side_columns = sides[side_index]
            values = [row.cells[c.index] if c.index < len(row.cells) else "" for c in side_columns]
            result.append((side_index, label, values, side_columns))
        return result

    # ------------------------------------------------------------ grids with unit, subject and project rows
    def read_grid(self, block: Block, info: TableInfo, title_dims: dict[str, Code], title_details: tuple[Code, ...],
                  goals_only: bool = False) -> None:
        columns = columns_for(block, title_dims)
        scheme = "econ" if is_economic(block) else "func"
        rows = []
        unit_rows = []
        for row in block.body:
            cells = row.cells + [""] * (len(columns) - len(row.cells))
            by_role: dict[str, str] = {}
            for column in columns:
                text = cells[column.index].strip() if column.index < len(cells) else ""
                if text and column.role != "value" and column.role not in by_role:
                    by_role[column.role] = text
            if normalize(by_role.get("unit_name", "")) in TOTAL_LABELS:
                by_role.pop("unit_name")
            rows.append((row, cells, by_role))
            if by_role.get("unit_code") or by_role.get("unit_name"):
                unit_rows.append(by_role)
        has_own_row = any(self.row_unit(r, block.number) is self.doc.unit for r in unit_rows)
        current_unit = self.doc.unit
        current_project: Project | None = None
        lei = kuan = ""
        indicator_state: dict[str, str] = {}
        for row, cells, by_role in rows:
            label = by_role.get("name", "")
            subject = None
            project = None
            skip_values = goals_only
            first_text = normalize(next((c for c in cells if c.strip()), ""))
            if normalize(by_role.get("unit_name", "")) in TOTAL_LABELS:
                by_role.pop("unit_name")
            if by_role.get("unit_or_project"):
                code_text = by_role.get("unit_code")
                name = by_role["unit_or_project"]
                if self.units.same_name(name, self.doc.unit.name):
                    current_unit = self.units.get(code_text, name, row.line)
                else:
                    project = current_project = self.project(current_unit, name, row.line)
            elif by_role.get("unit_code") or (by_role.get("unit_name") and "project" not in by_role):
                unit = self.row_unit(by_role, block.number, row.line)
                self.units.relate(unit)
                if unit is not self.doc.unit and self.units.is_ancestor(unit):
                    self.doc.skipped_rollups += 1
                    current_unit = self.doc.unit
                    continue
                current_unit = unit
                current_project = None
            elif first_text in TOTAL_LABELS or normalize(label) in TOTAL_LABELS:
                if has_own_row:
                    continue
                current_unit = self.doc.unit
            if "project" in by_role and normalize(by_role["project"]) not in TOTAL_LABELS:
                owner = current_unit
                if by_role.get("unit_name"):
                    owner = self.units.get(None, by_role["unit_name"], row.line)
                project = current_project = self.project(owner, by_role["project"], row.line)
            code_text = by_role.get("subject_code", "")
            for level in ("code_kuan", "code_xiang"):  # 款 and 项 are two digits; an export may drop the 0 ("301 | 2")
                if by_role.get(level, "").isdigit() and len(by_role[level]) == 1:
                    by_role[level] = by_role[level].zfill(2)
            if "code_lei" in by_role or "code_kuan" in by_role or "code_xiang" in by_role:
                lei = by_role.get("code_lei", lei if "code_kuan" in by_role else "")
                if "code_kuan" in by_role:
                    kuan = by_role["code_kuan"]
                code_text = lei + (by_role.get("code_kuan", kuan) if ("code_kuan" in by_role or "code_xiang" in by_role) else "") + by_role.get("code_xiang", "")
                if "code_lei" in by_role and "code_kuan" not in by_role:
                    code_text = lei
            code_text = normalize(code_text)
            if code_text and CODE.match(code_text) and not by_role.get("unit_code"):
                subject = self.subject(scheme, code_text, label)
            if "goal" in by_role and (project or current_project):
                target = project or current_project
                if target and not target.goal:
                    target.goal = by_role["goal"]
            if any(role.startswith("indicator:") for role in by_role) and (project or current_project):
                for role, text in by_role.items():
                    if role.startswith("indicator:"):
                        indicator_state[role.split(":")[1]] = text
                for level in ("level1", "level2"):
                    indicator_state.setdefault(level, "")
                if by_role.get("indicator:level3") and "indicator:value" in by_role:
                    target = project or current_project
                    assert target is not None
                    target.indicators.append(Indicator(indicator_state.get("level1", ""), indicator_state.get("level2", ""),
                                                       by_role["indicator:level3"], by_role["indicator:value"],
                                                       by_role.get("indicator:uom"), row.line))
            if skip_values:
                continue
            qualifier_dims, qualifier_details = label_dims(by_role.get("qualifier", ""))
            row_dims, row_details = label_dims(label) if subject is None and project is None and not by_role.get("unit_code") and label and normalize(label) not in TOTAL_LABELS else ({}, [])
            if label and subject is None and project is None and not row_dims and not by_role.get("unit_code") and normalize(label) not in TOTAL_LABELS \
                    and not by_role.get("unit_name") and any(amount(cells[c.index]) is not None for c in columns if c.role == "value"):
                if not code_text:
                    self.warn(row.line, f"table {block.number} '{block.title}': row '{label}' has figures but no code, unit or project; skipped")
                    continue
            for column in columns:
                if column.role != "value":
                    continue
                value = self.value(cells[column.index], info, row.line, column.label) if column.index < len(cells) else None
                if value is None:
                    continue
                dims = merge(merge(merge(title_dims, column.dims), qualifier_dims), row_dims)
                self.fact(value, current_unit, dims, title_details + column.details + tuple(row_details + qualifier_details), info,
                          row.line, column.index, column.label, clean(label or by_role.get("project", "") or ("" if amount(first_text) is not None else first_text)),
                          subject=subject, project=project)

    def row_unit(self, by_role: dict[str, str], table: int, line: int | None = None) -> Unit:
        code_text = by_role.get("unit_code")
        name = by_role.get("unit_name") or by_role.get("name") or by_role.get("unit_or_project") or ""
        if code_text:
            code_text, rest = split_code(code_text + name) if not CODE.match(normalize(code_text)) else (normalize(code_text), name)
        return self.units.get(code_text, name, line)

    # ------------------------------------------------------------ key-value project forms
    def read_form(self, block: Block, info: TableInfo) -> None:
        rows = block.header + block.body
        name = next((r.cells[1] for r in rows if r.cells and normalize(r.cells[0]) == "项目名称" and len(r.cells) > 1), "")
        if not name:
            self.warn(block.title_line, f"table {block.number} '{block.title}': project form without a project name; skipped")
            return
        unit = self.doc.unit
        for row in rows:
            cells = [c for c in row.cells]
            for i, cell in enumerate(cells[:-1]):
                key = normalize(cell)
                if key.startswith("主管部门") and cells[i + 1]:
                    code_text, parent_name = split_code(cells[i + 1])
                    parent = self.units.get(code_text, parent_name, row.line)
                    if parent is not self.doc.unit and self.doc.unit.parent is None:
                        self.doc.unit.parent = parent
                if key == "实施单位" and cells[i + 1]:
                    unit = self.units.get(*split_code(cells[i + 1]), row.line)
        project = self.project(unit, name, block.title_line)
        info.money = next((m[1] for r in rows for c in r.cells if (m := _FORM_MONEY.search(normalize(c)))), info.money)  # '项目资金（元）'

        level1 = level2 = ""
        in_indicators = False
        for row in rows:
            cells = row.cells
            key = normalize(cells[0]) if cells else ""
            rest = [c for c in cells[1:] if c.strip()]
            pairs = [(label, value) for label, value in zip(cells, cells[1:]) if label.strip() and amount(label) is None and amount(value) is not None]
            if key in {"年度目标", "年度绩效目标"} and rest:
                project.goal = project.goal or rest[0]
            elif pairs and pairs[0][0] == cells[0] and not in_indicators:
                # label, amount, label, amount …: '项目资金总额 | 10,308,000.00 | 年度资金申请总额 | 3,498,000.00'
                for label, value_text in pairs:
                    dims = merge({"measure": code("measure", "expenditure")}, label_dims(label)[0])
                    self.fact(amount(value_text), unit, dims, (), info, row.line, cells.index(value_text), label, clean(label), project=project)
            elif key.startswith("项目资金") or key == "" and rest and rest[0].startswith(("其中", "上年结转", "其他资金")) and not in_indicators:
                label = rest[0] if rest else ""
                value = amount(rest[-1]) if len(rest) > 1 else None
                if value is not None:
                    dims = {"measure": code("measure", "expenditure")}
                    dims = merge(dims, label_dims(label)[0]) if not label.startswith("年度资金总额") else dims
                    self.fact(value, unit, dims, (), info, row.line, len(cells) - 1, label, name, project=project)
            elif key == "绩效指标":
                in_indicators = True
            elif in_indicators:
                parts = [c.strip() for c in cells]
                while len(parts) < 5:
                    parts.append("")
                if parts[0] and not parts[1]:
                    parts = [""] + parts  # a row that lost its leading empty cell
                level1 = parts[1] or level1
                level2 = parts[2] or level2
                if parts[3] and parts[4]:
                    project.indicators.append(Indicator(level1, level2, parts[3], parts[4], None, row.line))

    # ------------------------------------------------------------ PDF self-evaluation form (绩效自评表)
    def read_self_evaluation(self, block: Block, info: TableInfo) -> None:
        fields: dict[str, str] = {}
        for row in block.header + block.body:
            cells = row.cells
            for i, cell in enumerate(cells[:-1]):
                if normalize(cell) in {"项目名称", "项目实施单位", "主管部门", "项目编码"}:
                    fields[normalize(cell)] = cells[i + 1]
        if "项目名称" not in fields:
            self.warn(block.title_line, f"table {block.number} '{block.title}': no project name; skipped")
            return
        unit = self.units.get(*split_code(fields["项目实施单位"]), block.title_line) if "项目实施单位" in fields else self.doc.unit
        if "主管部门" in fields:
            parent = self.units.get(*split_code(fields["主管部门"]), block.title_line)
            if unit.parent is None and parent is not unit:
                unit.parent = parent
        project = self.project(unit, fields["项目名称"], block.title_line)
        heads = next((r.cells for r in block.header if r.cells and normalize(r.cells[0]) == "资金来源"), [])
        head_dims = [label_dims(h)[0] for h in heads[1:]]
        for row in block.body:
            label = normalize(row.cells[0]) if row.cells else ""
            if label != "合计":
                continue
            values = row.cells[1:]
            for index, (text, dims) in enumerate(zip(values, head_dims)):
                value = amount(text.rstrip("%"))
                if value is None:
                    continue
                if text.endswith("%"):
                    self.doc.executions.append(_execution(unit, project, values, head_dims, row.line))
                    continue
                if "phase" not in dims:
                    continue
                details = label_dims(heads[index + 1])[1]
                self.fact(value, unit, merge({"measure": code("measure", "expenditure")}, dims), tuple(details), info,
                          row.line, index + 1, heads[index + 1], fields["项目名称"], project=project)


def _execution(unit: Unit, project: Project, values: list[str], head_dims: list[dict[str, Code]], line: int):
    from budgetkg.ingest.facts import Execution

    budget = final = rate = None
    for text, dims in zip(values, head_dims):
        phase = dims.get("phase")
        if text.endswith("%"):
            rate = amount(text.rstrip("%"))
        elif phase is not None and phase.notation == "budget" and budget is None:
            budget = amount(text)
        elif phase is not None and phase.notation == "final":
            final = amount(text)
    return Execution(unit, project.name, None, project, budget, final, rate, None, line)
