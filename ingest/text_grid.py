"""Text-layout tables → grid blocks, so that tables.py reads every table as a grid.

Text extracted from a PDF loses the table's cells: figures are separated by spaces, a row prints
only its non-blank figures, long labels wrap onto the lines before and after the row, subject
codes are printed split ("208 05 01") or glued to their name ("2120501城乡社区环境卫生"), the
header is flattened line by line in no useful order, and one line may carry two sides of a
收支总表 or two column groups printed side by side.  This module rebuilds the grid:

1. rows: each line is cut into codes, labels and figures; split codes are joined, wrapped
   label fragments re-attached, 行次 numbers dropped (`code_items`, `pair_items`,
   `group_items`);
2. columns: the standard templates (the Shanghai 预算 tables, the national 部门决算 tables) are
   described as data below and recognised by title and header words; any other table has its
   columns read from the header's budget words (`lexicon_columns`);
3. figures: a row printing fewer figures than there are columns has each figure placed by
   arithmetic (`placement.place`): the template's totals within the row, parents as the sums
   of their children, and the cells other tables of the document state.  A figure the
   arithmetic does not place is reported ("cannot be placed") and left out, never guessed.

The result is a `Block` in the "tab" layout with header rows whose column paths the grid
reader understands ("支出预算/基本支出") and one body row per table row.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from budgetkg.ingest.amounts import MalformedAmount, parse_amount
from budgetkg.ingest.facts import Fact, ParsedDocument, Warning_
from budgetkg.ingest.layout import TOTAL_LABELS, Block, Paragraph, Row
from budgetkg.ingest.placement import Problem, place
from budgetkg.ontology.terms import Code, broader_codes, code, codes, functional_classes, lexicon, normalize


# ------------------------------------------------------------ templates (data)
@dataclass(frozen=True)
class Heading:
    """A column heading and the headings under it; a child named 合计/小计 is the total of its
    siblings, and 预算数/决算数 children split every heading above them in two."""

    text: str
    children: tuple["Heading", ...] = ()


def H(text: str, *children: Heading | str) -> Heading:
    return Heading(text, tuple(c if isinstance(c, Heading) else Heading(c) for c in children))


@dataclass(frozen=True)
class Template:
    """One standard table: recognised when its title holds every `title` word (and none of
    `not_title`) and its flattened header every `header` word.

    shape: "codes" (subject code, name, values), "pairs" (a 收支总表: two sides, each a label
    column and its values), "groups" (code, name, value printed two or three times side by
    side) or "row" (values only: the 三公 tables)."""

    title: tuple[str, ...]
    header: tuple[str, ...]
    shape: str
    values: tuple[Heading, ...]
    not_title: tuple[str, ...] = ()


TOTAL_HEADINGS = {"合计", "小计", "本年收入合计", "本年支出合计"}
SPLIT_HEADINGS = {"预算数", "决算数"}
_BUDGET_SPENDING = ("合计", "基本支出", "项目支出")
_FINAL_SPENDING = ("合计", "基本支出", "项目支出")
_PHASES = ("预算数", "决算数")


def _sangong_final(*leaf: str) -> tuple[Heading, ...]:
    return (H("合计", *leaf), H("因公出国（境）费", *leaf),
            H("公务用车购置及运行维护费", H("小计", *leaf), H("公务用车购置费", *leaf), H("公务用车运行维护费", *leaf)),
            H("公务接待费", *leaf))


def _fund_final(title: str) -> Template:
    return Template((title,), ("年初结转和", "本年收入", "本年支出", "年末结转和"), "codes",
                    (H("年初结转和结余"), H("本年收入"), H("本年支出", *_FINAL_SPENDING), H("年末结转和结余")))


TEMPLATES: tuple[Template, ...] = (
    # the Shanghai 预算 tables (部门预算 and 单位预算)
    Template(("财务收支",), ("人员经费", "公用经费"), "pairs",
             (H("本年收入", "预算数"), H("本年支出", H("预算数", "合计", H("基本支出", "人员经费", "公用经费"), "项目支出")))),
    Template(("财务收支",), ("本年收入", "本年支出"), "pairs", (H("本年收入", "预算数"), H("本年支出", "预算数"))),
    Template(("收入预算总表",), ("财政拨款收入", "事业收入", "其他收入"), "codes",
             (H("收入预算", "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"),)),
    Template(("支出预算总表",), ("基本支出", "项目支出"), "codes", (H("支出预算", *_BUDGET_SPENDING),)),
    Template(("财政拨款收支",), ("一般公共预算", "政府性基金预算", "国有资本经营预算"), "pairs",
             (H("财政拨款收入", "预算数"), H("财政拨款支出", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")),
             not_title=("决算",)),
    Template(("一般公共预算支出功能分类",), ("基本支出", "项目支出"), "codes", (H("一般公共预算支出", *_BUDGET_SPENDING),)),
    Template(("政府性基金预算支出功能分类",), ("基本支出", "项目支出"), "codes", (H("政府性基金预算支出", *_BUDGET_SPENDING),)),
    Template(("国有资本经营预算支出功能分类",), ("基本支出", "项目支出"), "codes", (H("国有资本经营预算支出", *_BUDGET_SPENDING),)),
    Template(("基本支出", "经济分类"), ("人员经费", "公用经费"), "codes", (H("一般公共预算基本支出", "合计", "人员经费", "公用经费"),)),
    Template(("三公", "机关运行经费"), ("购置费", "运行费"), "row",
             (H("“三公”经费预算数", "合计", "因公出国(境)费", "公务接待费", H("公务用车购置及运行费", "小计", "购置费", "运行费")),
              H("机关运行经费预算数"))),
    # the national 部门决算 tables
    Template(("收入支出决算总表",), ("收入", "支出"), "pairs", (H("收入", "决算数"), H("支出", "决算数")), not_title=("财政拨款",)),
    Template(("收入决算表",), ("本年收入合计", "财政拨款收入", "上级补助", "事业收入", "经营收入", "附属单位", "其他收入"), "codes",
             (H("", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),),
             not_title=("支出",)),
    Template(("支出决算表",), ("本年支出合计", "基本支出", "项目支出", "上缴上级", "经营支出", "对附属单位"), "codes",
             (H("", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),),
             not_title=("收入", "一般公共", "政府性基金", "国有资本", "三公", "基本支出")),
    Template(("财政拨款收入支出决算总表",), ("收入", "支出"), "pairs",
             (H("收入", "决算数"), H("支出", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"))),
    Template(("一般公共预算财政拨款支出决算表",), ("基本支出", "项目支出"), "codes", (H("本年支出", *_FINAL_SPENDING),),
             not_title=("基本支出",)),
    Template(("基本支出决算",), ("决算数",), "groups", (H("决算数"),)),
    Template(("基本支出决算",), ("金额",), "groups", (H("金额"),)),
    Template(("三公", "决算"), ("预算数决算数预算数决算数",), "row", (H("财政拨款“三公”经费", *_sangong_final(*_PHASES)),)),
    Template(("三公", "决算"), ("预算数", "决算数"), "row", tuple(H(phase, *_sangong_final()) for phase in _PHASES)),
    _fund_final("政府性基金预算财政拨款收入支出决算表"),
    _fund_final("国有资本经营预算财政拨款收入支出决算表"),
    Template(("国有资本经营预算财政拨款支出决算表",), ("基本支出", "项目支出"), "codes", (H("本年支出", *_FINAL_SPENDING),)),
)


def template_for(block: Block) -> Template | None:
    title = normalize(block.title)
    header = normalize("".join("".join(r.cells) for r in block.header))
    for template in TEMPLATES:
        if all(w in title for w in template.title) and not any(w in title for w in template.not_title) \
                and all(normalize(w) in header for w in template.header):
            return template
    return None


def leaf_paths(headings: tuple[Heading, ...]) -> list[list[str]]:
    """Every value column's path of headings, left to right."""
    paths: list[list[str]] = []
    for heading in headings:
        prefix = [heading.text] if heading.text else []
        if heading.children:
            paths += [prefix + path for path in leaf_paths(heading.children)]
        else:
            paths.append(prefix)
    return paths


def relations(headings: tuple[Heading, ...]) -> list[dict[int, int]]:
    """The linear relations between a row's cells that the headings imply (合计 = Σ its
    siblings, per 预算数/决算数 split), as {column: coefficient} maps summing to 0."""
    found: list[dict[int, int]] = []
    counter = iter(range(1 << 16))

    def value(heading: Heading) -> dict[tuple[str, ...], dict[int, int]]:
        """The heading's cells by split suffix, each a sum of leaf columns."""
        if not heading.children:
            return {(): {next(counter): 1}}
        children = [(child, value(child)) for child in heading.children]
        if all(child.text in SPLIT_HEADINGS for child, _ in children):
            return {(child.text, *suffix): cells for child, parts in children for suffix, cells in parts.items()}
        totals = [(child, parts) for child, parts in children if child.text in TOTAL_HEADINGS]
        others = [parts for child, parts in children if child.text not in TOTAL_HEADINGS]
        if totals:
            total = totals[0][1]
            for suffix, cells in total.items():
                if all(suffix in part for part in others):
                    relation = dict(cells)
                    for part in others:
                        for column, coefficient in part[suffix].items():
                            relation[column] = relation.get(column, 0) - coefficient
                    found.append(relation)
            return total
        summed: dict[tuple[str, ...], dict[int, int]] = {}
        for part in others:
            for suffix, cells in part.items():
                target = summed.setdefault(suffix, {})
                for column, coefficient in cells.items():
                    target[column] = target.get(column, 0) + coefficient
        return summed

    for heading in headings:
        value(heading)
    return found


# ------------------------------------------------------------ tokens
FIGURE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
INTEGER = re.compile(r"^\d+$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2}$")
_GLUED_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+")
_GLUED_CODE = re.compile(r"^(\d{2,9})(?=[\u4e00-\u9fff（(])(?![年月日])")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))")
_BARE_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])$")
_INNER_NUMBERING = re.compile(r"(?<=[\u4e00-\u9fff）)])(?<![一二三四五六七八九十])(?=[一二三四五六七八九十]+、|\d+[.、．][^\d])")
_PAIR_LABEL_START = re.compile(r"^(?:本年|上年|年初|年末|使用|结余|收入总计|支出总计|总计|合计|其中|一般公共预算财政拨款|政府性基金预算财政拨款|国有资本经营预算财政拨款)")
_HEADER_WORDS = ("项目", "科目", "编码", "代码", "名称", "功能分类", "经济分类", "栏次", "行次", "金额", "决算数", "预算数", "合计", "小计", "本年", "年初", "年末")
_HEADER_CHARS = {"类", "款", "项"}


def pieces(text: str) -> list[str]:
    """A line cut at spaces and where a figure or code is glued to a label:
    '47,483,458一、社会保障和就业支出' → ['47,483,458', '一、社会保障和就业支出']."""
    out: list[str] = []
    for token in re.split(r"[ \u3000\t]+", text.strip()):
        if not token:
            continue
        if FIGURE.match(token) or token.endswith("%"):
            out.append(token)
            continue
        position = 0
        parts: list[str] = []
        for match in _GLUED_AMOUNT.finditer(token):
            before = token[match.start() - 1] if match.start() else ""
            after = token[match.end()] if match.end() < len(token) else ""
            if before and (before.isdigit() or before in ",.") or after and (after.isdigit() or after in ",.%"):
                continue
            parts += [token[position:match.start()], match.group()]
            position = match.end()
        parts.append(token[position:])
        for part in parts:
            glued = _GLUED_CODE.match(part)
            if glued and not FIGURE.match(part):
                out += [glued.group(1), part[glued.end():]]
            elif part:
                out.append(part)
    return out


def is_figure(piece: str) -> bool:
    return bool(FIGURE.match(piece))


def _header_like(text: str, words: set[str]) -> bool:
    """A header line (as opposed to a wrapped label that the layout took for one)."""
    squeezed = normalize(text)
    return set(squeezed) <= _HEADER_CHARS or any(t in _HEADER_CHARS for t in pieces(text)) or any(w in squeezed for w in words)


# ------------------------------------------------------------ rows
@dataclass
class Item:
    """One table row, or one side of a 收支总表 row, as printed."""

    line: int
    code: str = ""
    label: str = ""
    figures: list[str] = field(default_factory=list)
    side: int | None = None  # 0 left, 1 right of a 收支总表; None until known
    heads: list[str] = field(default_factory=list)  # wrapped label lines before the row
    tails: list[str] = field(default_factory=list)  # and after it

    @property
    def text(self) -> str:
        return "".join(self.heads) + self.label + "".join(self.tails)


def _code_prefix(parts: list[str]) -> tuple[str, int]:
    """A subject code at the start of a row, joined if printed in parts ('208 05 01')."""
    if not parts or not CODE.match(parts[0]):
        return "", 0
    code, used = parts[0], 1
    while used < len(parts) and _CODE_PART.match(parts[used]) and len(code) < 7 and len(parts[0]) == 3:
        code += parts[used]
        used += 1
    return code, used


def code_items(lines: list[Row], header_words: set[str]) -> list[Item]:
    """The rows of a code | name | figures table, wrapped labels re-attached."""
    anchors: list[Item | None] = []  # None: a label fragment line
    fragments: list[str] = []
    for row in lines:
        parts = pieces(" ".join(row.cells))
        while parts and parts[0] in _HEADER_CHARS:
            parts = parts[1:]
        code, used = _code_prefix(parts)
        rest = parts[used:]
        label: list[str] = []
        while rest and not is_figure(rest[0]):
            label.append(rest.pop(0))
        figures = [p for p in rest if is_figure(p)]
        stray = [p for p in rest if not is_figure(p) and normalize(p) not in header_words]
        text = "".join(label + stray)
        is_total = normalize(text) in TOTAL_LABELS or normalize(text).endswith("合计")
        if not code and not figures and not is_total:
            anchors.append(None)
            fragments.append(text)
            continue
        anchors.append(Item(row.line, code, text, figures))
    return _attach_fragments(*_join_figures_to_codes(anchors, fragments))


def _join_figures_to_codes(anchors: list[Item | None], fragments: list[str]) -> tuple[list[Item | None], list[str]]:
    """A code printed on a line of its own, its name on the next lines and its figures after
    them: the figures' line belongs to the code's row, and the lines between are its name."""
    result: list[Item | None] = []
    kept: list[str] = []
    feed = iter(fragments)
    index = 0
    while index < len(anchors):
        anchor = anchors[index]
        if anchor is not None and anchor.code and not anchor.figures and not anchor.label:
            following = index + 1
            while following < len(anchors) and anchors[following] is None:
                following += 1
            figures = anchors[following] if following < len(anchors) else None
            if figures is not None and figures.figures and not figures.code and not figures.label:
                anchor.tails = [next(feed) for _ in range(following - index - 1)]
                anchor.figures = figures.figures
                result.append(anchor)
                index = following + 1
                continue
        if anchor is None:
            kept.append(next(feed))
        result.append(anchor)
        index += 1
    return result, kept


def _attach_fragments(anchors: list[Item | None], fragments: list[str]) -> list[Item]:
    """Wrapped labels are centred on their row: as many lines above the row's line as below.
    Fragments between two rows are shared out accordingly (the first row takes as many tail
    lines as it had head lines; a row without a label on its own line takes at least one)."""
    items: list[Item] = []
    pending: list[str] = []
    feed = iter(fragments)
    for anchor in anchors:
        if anchor is None:
            pending.append(next(feed))
            continue
        if items:
            previous = items[-1]
            tails = min(len(previous.heads), len(pending))
            if not previous.label and not previous.heads and pending and not (anchor.label or anchor.code):
                tails = len(pending)
            previous.tails, pending = previous.tails + pending[:tails], pending[tails:]
        anchor.heads, pending = pending, []
        items.append(anchor)
    if items:
        items[-1].tails += pending
    return items


def pair_items(lines: list[Row], widths: tuple[int, int], row_numbers: bool) -> list[Item]:
    """The items of a two-sided 收支总表: each line holds a left item, a right item or both,
    each a label and its figures; labels wrapped around a line are put back together."""
    parsed = [_pair_segments(row, row_numbers) for row in lines]
    items: list[Item] = []
    head: Item | None = None  # a label alone on the line before, that may wrap around this one
    index = 0
    while index < len(parsed):
        segments = parsed[index]
        following = parsed[index + 1] if index + 1 < len(parsed) else None
        if following is not None and _is_tail(following):
            if _is_label_only(segments):
                segments[0].tails.append(following[0].label)  # a label over two lines, no figures
                index += 1
            elif head is not None and _lacks_label(segments):
                items.remove(head)  # a label wrapped around this line: head above, tail below
                segments = _with_wrapped(segments, Item(segments[0].line, label=head.label, tails=[following[0].label]), widths)
                index += 1
        placed = _assign_sides(segments, widths)
        items += placed
        head = placed[0] if _is_label_only(segments) else None
        index += 1
    return items


def _pair_segments(row: Row, row_numbers: bool) -> list[Item]:
    """A 收支总表 line cut into labels, each with the figures after it; 行次 numbers dropped,
    labels glued together ('2.政府性基金预算三、城乡社区支出') cut at their numbering."""
    segments: list[Item] = []
    for part in pieces(" ".join(row.cells)):
        if is_figure(part):
            if row_numbers and INTEGER.match(part):
                continue
            if not segments:
                segments.append(Item(row.line))
            segments[-1].figures.append(part)
            continue
        for piece in (p for p in _INNER_NUMBERING.split(part) if p):
            if segments and not segments[-1].figures and _BARE_NUMBERING.match(segments[-1].label):
                segments[-1].label += piece  # '1.' and its label, printed apart
            else:
                segments.append(Item(row.line, label=piece))
    return segments


def _is_label_only(segments: list[Item]) -> bool:
    return len(segments) == 1 and bool(segments[0].label) and not segments[0].figures


def _is_tail(segments: list[Item]) -> bool:
    """A line continuing the label above it: no figures, no numbering, no label of its own."""
    if not _is_label_only(segments):
        return False
    text = normalize(segments[0].label)
    return not _NUMBERING.match(text) and not _PAIR_LABEL_START.match(text) and strip_number(text) not in functional_classes()


def _lacks_label(segments: list[Item]) -> bool:
    """A line with figures whose label is missing on one side."""
    labelled = [s for s in segments if s.label]
    return bool(segments) and (not segments[0].label or len(labelled) == 1) and any(s.figures for s in segments)


def strip_number(label: str) -> str:
    return _NUMBERING.sub("", normalize(label), count=1)


def _side_of(label: str) -> int | None:
    """Which side of a 收支总表 a label belongs to by what it names."""
    text = strip_number(label)
    if text in functional_classes() or "支出" in text or text.startswith(("年末", "结余分配")):
        return 1
    if "收入" in text or text.startswith(("年初", "使用")):
        return 0
    return None


def _with_wrapped(segments: list[Item], wrapped: Item, widths: tuple[int, int]) -> list[Item]:
    """A line's segments with the label that wrapped around it in the place of the missing one."""
    if not segments[0].label:
        wrapped.figures = segments[0].figures
        return [wrapped] + segments[1:]
    labelled = segments[0]
    side = _side_of(labelled.label)
    if side is None:
        side = 0 if len(labelled.figures) > widths[0] or _side_of(wrapped.text) == 1 else 1
    if side == 1:
        wrapped.side, labelled.side = 0, 1
        return [wrapped, labelled]
    wrapped.figures, labelled.figures = labelled.figures[widths[0]:], labelled.figures[:widths[0]]
    labelled.side, wrapped.side = 0, 1
    return [labelled, wrapped]


def _assign_sides(segments: list[Item], widths: tuple[int, int]) -> list[Item]:
    """Left or right for each segment of a line: the first of two is the left one; a lone
    label goes where its words say (a 支出 class on the right, a 收入 on the left) or where its
    figures fit; a lone label's figures beyond the left side's are the right side's."""
    if all(s.side is not None for s in segments):
        return segments
    if len(segments) >= 2:
        for position, segment in enumerate(segments):
            segment.side = min(position, 1)
        return segments
    segment = segments[0]
    side = _side_of(segment.text)
    if side is None:
        side = 1 if len(segment.figures) == widths[1] != widths[0] else 0
    segment.side = side
    if side == 0 and segment.label and len(segment.figures) > widths[0]:
        extra = Item(segment.line, figures=segment.figures[widths[0]:], side=1)
        segment.figures = segment.figures[:widths[0]]
        return [segment, extra]
    return [segment]


def group_items(lines: list[Row]) -> list[Item]:
    """The rows of a table printed as two or three code | name | value groups side by side,
    one item per group and line: a code starts an item, and so does a label after figures."""
    items: list[Item] = []
    pending: list[str] = []
    for row in lines:
        parts = pieces(" ".join(row.cells))
        line_items: list[Item] = []
        index = 0
        while index < len(parts):
            code, used = _code_prefix(parts[index:])
            if code:
                line_items.append(Item(row.line, code))
                index += used
                continue
            part = parts[index]
            index += 1
            if is_figure(part):
                if not line_items:
                    line_items.append(Item(row.line))
                line_items[-1].figures.append(part)
            elif line_items and not line_items[-1].figures and not (line_items[-1].label and normalize(part).endswith("合计")):
                line_items[-1].label += part
            else:
                line_items.append(Item(row.line, label=part))
        if not any(i.code or i.figures for i in line_items) and not any(normalize(i.label).endswith("合计") for i in line_items):
            pending += [i.label for i in line_items]
            continue
        unlabelled = [i for i in line_items if not i.label]
        waiting = items[-1] if items and items[-1].code and not items[-1].label and not items[-1].figures else None
        if waiting is not None and len(line_items) == 1 and not line_items[0].code and not line_items[0].label:
            waiting.tails, waiting.figures = pending, line_items[0].figures  # code, then its name, then its figure
            pending = []
            continue
        if unlabelled and pending:
            unlabelled[0].heads = pending
        elif pending and items:
            without = [i for i in items if i.line == items[-1].line and not i.label]
            if without:
                without[0].tails = pending
        pending = []
        items += line_items
    return items


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
    keys: dict[tuple[int, int], tuple] = field(default_factory=dict)  # (item, column) → what the cell means

    def __post_init__(self) -> None:
        for item in self.items:
            item.side = item.side or 0

    def problem(self, side: int, known: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]]) -> tuple[Problem, list[int]]:
        indexes = [i for i, item in enumerate(self.items) if item.side == side]
        rows = [[_decimal(f) for f in self.items[i].figures] for i in indexes]
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


def _decimal(text: str) -> Decimal:
    try:
        return parse_amount(text) or Decimal(0)
    except MalformedAmount:
        return Decimal(0)


def build(block: Block) -> Table | None:
    """The rows and columns of a text block; None for blocks that are not tables of figures
    (project forms), which keep their lines as cells."""
    header_text = normalize("".join("".join(r.cells) for r in block.header))
    if "项目名称" in header_text or "绩效" in block.title:
        return None
    template = template_for(block)
    body = list(block.body)
    words = {normalize(w) for w in _HEADER_WORDS}
    if template is not None:
        words |= {normalize(p) for path in (leaf_paths(template.values)) for p in path}
        words |= {normalize(h.text) for h in template.values}
        # a wrapped label's first line, taken for a header line because it has no figures
        header = list(block.header)
        while header and template.shape != "row" and not _header_like(" ".join(header[-1].cells), words) \
                and (template.shape != "pairs" or _NUMBERING.match(normalize(" ".join(header[-1].cells)))):
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
    items = code_items(body, words) if shape == "codes" else \
        [Item(row.line, figures=[p for p in pieces(" ".join(row.cells)) if is_figure(p)]) for row in body]
    items = [i for i in items if i.figures or i.code or i.text]
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
    return bool(parts) and not any(is_figure(p) for p in parts) and all(p in _HEADER_CHARS or normalize(p) in words for p in parts)


# ------------------------------------------------------------ the document's tables
Key = tuple  # what a figure is: unit, year, phase, dimensions, details, subject, project
TEXT = 0  # the "table" number of what the text states


def fact_key(fact: Fact) -> Key:
    """What a figure is, whichever table states it."""
    return (fact.unit.key, fact.year, fact.phase, tuple(sorted((d, c.notation) for d, c in fact.dims.items())),
            tuple(sorted(c.notation for c in fact.details)), (fact.subject.scheme, fact.subject.code) if fact.subject else None,
            fact.project.name if fact.project else None)


def _with(key: Key, dimension: str, value: str | None) -> Key:
    """The key with one dimension changed (None: left out)."""
    dims = tuple(sorted([(d, n) for d, n in key[3] if d != dimension] + ([(dimension, value)] if value else [])))
    return key[:3] + (dims,) + key[4:]


def _factor(money: str) -> Decimal:
    """元 per unit of a table's money."""
    return Decimal(10000) if money == "万元" else Decimal(1)


def _in_yuan(text: str, money: str) -> tuple[Decimal, Decimal]:
    """A printed figure in 元, with half its last digit as the tolerance."""
    value = _decimal(text)
    factor = _factor(money)
    exponent = value.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return value * factor, step * factor / 2


# The dimensions whose values nest: all funds ⊃ 财政拨款 ⊃ 一般公共预算 …; all spending ⊃ 基本支出
# ⊃ 人员经费 …; 三公经费 ⊃ 公务用车 ⊃ 购置费 ….  None stands for "all" where a figure may leave the
# dimension out (a 支出合计 names no fund and no kind of spending), never for measures.
NESTED = {"fund": True, "exptype": True, "measure": False}


@dataclass
class Ledger:
    """What the document's tables state, by meaning: placed cells (a placed row's blank cells
    are 0), and the scope of tables printed empty (every figure in them is 0)."""

    values: dict[Key, tuple[Decimal, Decimal, int]] = field(default_factory=dict)  # value, tolerance, table
    clashes: set[Key] = field(default_factory=set)
    empty: dict[Key, int] = field(default_factory=dict)  # a table's total row key, subject left out → table

    def add(self, key: Key, value: Decimal, tolerance: Decimal, table: int) -> None:
        if key in self.values and abs(self.values[key][0] - value) > max(self.values[key][1], tolerance):
            self.clashes.add(key)
        self.values.setdefault(key, (value, tolerance, table))

    def stated(self, key: Key, table: int) -> tuple[Decimal, Decimal] | None:
        """The value (and its tolerance) another table gives this meaning."""
        found = self.values.get(key)
        if found is not None and found[2] != table and key not in self.clashes:
            return found[0], found[1]
        scope = key[:5] + (None, None)
        if self.empty.get(scope, table) != table:
            return Decimal(0), Decimal(0)
        return None

    def range(self, key: Key, table: int) -> tuple[Decimal | None, Decimal | None] | None:
        """Where other tables put a cell: its stated value; else, money coming in and going out
        in amounts of 0 or more, at least the sum of the parts under it and at most what the
        whole above it gives less its other parts (funds, kinds of spending, 三公 items)."""
        stated = self.stated(key, table)
        if stated is not None:
            return stated[0] - stated[1], stated[0] + stated[1]
        low = self.low(key, table, {})
        high = self.high(key, table, {})
        return None if high is None and not low else (low or None, high)

    def low(self, key: Key, table: int, seen: dict[Key, Decimal]) -> Decimal:
        """At least: the stated figure, or the largest sum of the parts under it."""
        if key in seen:
            return seen[key]
        stated = self.stated(key, table)
        if stated is not None:
            seen[key] = stated[0] - stated[1]
            return seen[key]
        seen[key] = Decimal(0)
        dims = dict(key[3])
        best = Decimal(0)
        for dimension in NESTED:
            parts = _parts(dimension, dims.get(dimension))
            if parts:
                best = max(best, sum((self.low(_with(key, dimension, part), table, seen) for part in parts), Decimal(0)))
        seen[key] = best
        return best

    def high(self, key: Key, table: int, seen: dict[Key, Decimal]) -> Decimal | None:
        """At most: the stated figure, or the smallest of (a whole above it less its other parts)."""
        stated = self.stated(key, table)
        if stated is not None:
            return stated[0] + stated[1]
        dims = dict(key[3])
        best: Decimal | None = None
        for dimension, open_above in NESTED.items():
            value = dims.get(dimension)
            if value is None or (value not in _parents(dimension)):
                continue
            whole = _parents(dimension)[value]
            if whole is None and not open_above:
                continue
            bound = self.high(_with(key, dimension, whole), table, seen)
            if bound is None:
                continue
            bound -= sum((self.low(_with(key, dimension, part), table, seen) for part in _parts(dimension, whole) if part != value), Decimal(0))
            best = bound if best is None else min(best, bound)
        return best


@cache
def _parents(dimension: str) -> dict[str, str | None]:
    """Each value of a nested dimension → the value above it (None at the top)."""
    values = {c.iri: c.notation for c in codes().values() if c.dimension == dimension}
    broader = broader_codes()
    return {notation: values.get(broader.get(iri, "")) for iri, notation in values.items()}


def _parts(dimension: str, value: str | None) -> list[str]:
    """The values one level under a value (under None: the top-level ones, where None means all)."""
    if value is None and not NESTED[dimension]:
        return []
    return [part for part, above in _parents(dimension).items() if above == value]


_CLAUSE = re.compile(r"^(?:[(][一二三四五六七八九十]+[)]|[一二三四五六七八九十]+、|\d+[.、])?(?:其中:)?(?:(?P<year>20\d{2})年度?)?"
                     r"(?P<label>[^\d,:]{2,24}?)(?:为|是)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元$")
_NOT_A_LEVEL = re.compile(r"增加|减少|增长|下降|上升|持平|比|较|上年|同比|占|\((?:类|款|项)\)")


def text_statements(document: ParsedDocument, paragraphs: list[Paragraph]) -> list[tuple[Key, Decimal, Decimal]]:
    """Figures the text states on their own: a sentence (or its 其中 clause) that is a label the
    vocabulary knows and an amount in 万元, of the document's year: '本年支出合计19,044.27万元，
    其中：基本支出14,206万元', '（三）公务接待费1.53万元'.  Changes, shares and subject items are not."""
    from budgetkg.ingest.narrative import Text
    from budgetkg.ingest.tables import label_dims

    found = []
    for sentence in re.split(r"[。；;\n]", Text(paragraphs, wrapped=True).text):
        for position, clause in enumerate(normalize(sentence).split(",")):
            match = _CLAUSE.match(clause)
            if match is None or (position and not clause.startswith("其中")) or _NOT_A_LEVEL.search(match["label"]):
                continue
            label = match["label"]
            if match["year"] and int(match["year"]) != document.year or \
                    sum(end - start for start, end, _ in lexicon().find(label)) < 0.8 * len(label):
                continue
            dims, details = label_dims(label)
            phase = dims.pop("phase").notation if "phase" in dims else document.phase
            if "measure" not in dims and ("exptype" in dims or "支出" in label):
                dims["measure"] = code("measure", "expenditure")
            elif "measure" not in dims and "收入" in label:
                dims["measure"] = code("measure", "income")
            if "measure" not in dims or phase.startswith("prior-"):
                continue
            key = (document.unit.key, document.year, phase, tuple(sorted((d, c.notation) for d, c in dims.items())),
                   tuple(sorted(c.notation for c in details)), None, None)
            found.append((key, *_in_yuan(match["amount"], "万元")))
    return found


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
            table.solve({})
        for _ in range(4):
            ledger = self.ledger(list(tables.values()))
            progress = False
            for table in tables.values():
                if any(None in table.placed.get(i, [None]) for i in range(len(table.items))):
                    number, factor = table.block.number, _factor(table.block.money)
                    known = {cell: (low if low is None else low / factor, high if high is None else high / factor)
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
        from budgetkg.ingest.tables import TableReader

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
            if table.shape == "codes" and not any(item.figures for item in table.items):
                total = Table(table.block, table.shape, table.sides, table.side_heads, table.relations, [Item(0, label="合计")])
                for key in self.keys(total).values():
                    ledger.empty[key[:5] + (None, None)] = number
                continue
            for index, item in enumerate(table.items):
                placed = table.placed.get(index)
                if placed is None or None in placed:
                    continue
                cells = {column: _in_yuan(figure, table.block.money) for figure, column in zip(item.figures, placed)}
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
