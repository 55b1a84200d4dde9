"""Text-layout table lines → rows: codes, labels and figures as the PDF printed them.

Text extracted from a PDF prints a table row as one line of space-separated tokens, and not
faithfully: subject codes come split ("208 05 01") or glued to their name
("2120501城乡社区环境卫生"), figures glued to the next label ("47,483,458一、社会保障和就业支出"),
long labels wrap onto the lines above and below the row's line, a 收支总表 line carries a left
and a right side (either may be missing), and some tables print two or three column groups
side by side.  The functions here undo that, one table shape at a time, into `Item`s: one per
row (per side, per group), with its code, label and printed figures in order.  Which column
each figure stands in is decided later (`placement`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetkg.ingest.amounts import MalformedAmount, parse_amount
from budgetkg.ingest.layout import TOTAL_LABELS, Row
from budgetkg.ontology.terms import functional_classes, normalize

# ------------------------------------------------------------ tokens
FIGURE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
INTEGER = re.compile(r"^\d+$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2}$")
_GLUED_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+")
_GLUED_CODE = re.compile(r"^(\d{2,9})(?=[\u4e00-\u9fff（(])(?![年月日])")
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))")
_BARE_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])$")
_INNER_NUMBERING = re.compile(r"(?<=[\u4e00-\u9fff）)])(?<![一二三四五六七八九十])(?=[一二三四五六七八九十]+、|\d+[.、．][^\d])")
_PAIR_LABEL_START = re.compile(r"^(?:本年|上年|年初|年末|使用|结余|收入总计|支出总计|总计|合计|其中|一般公共预算财政拨款|政府性基金预算财政拨款|国有资本经营预算财政拨款)")
HEADER_WORDS = ("项目", "科目", "编码", "代码", "名称", "功能分类", "经济分类", "栏次", "行次", "金额", "决算数", "预算数", "合计", "小计", "本年", "年初", "年末")
HEADER_CHARS = {"类", "款", "项"}


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


def header_like(text: str, words: set[str]) -> bool:
    """A header line (as opposed to a wrapped label that the layout took for one)."""
    squeezed = normalize(text)
    return set(squeezed) <= HEADER_CHARS or any(t in HEADER_CHARS for t in pieces(text)) or any(w in squeezed for w in words)


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
        while parts and parts[0] in HEADER_CHARS:
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
    return not NUMBERING.match(text) and not _PAIR_LABEL_START.match(text) and strip_number(text) not in functional_classes()


def _lacks_label(segments: list[Item]) -> bool:
    """A line with figures whose label is missing on one side."""
    labelled = [s for s in segments if s.label]
    return bool(segments) and (not segments[0].label or len(labelled) == 1) and any(s.figures for s in segments)


def strip_number(label: str) -> str:
    return NUMBERING.sub("", normalize(label), count=1)


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
    one item per group and line: a code starts an item, and so does a label after figures.
    A wrapped name's lines hold a fragment per group that wraps, in the groups' order."""
    parsed: list[list[Item] | list[str]] = []  # per line: its items, or the name fragments it holds
    for row in lines:
        parts = pieces(" ".join(row.cells))
        segments = _group_segments(parts, row.line)
        if any(i.code or i.figures or normalize(i.label).endswith("合计") for i in segments):
            parsed.append(segments)
        else:
            parsed.append(parts)
    parsed = _join_late_figures(parsed)
    items: list[Item] = []
    for index, entry in enumerate(parsed):
        if entry and isinstance(entry[0], Item):
            items += entry  # type: ignore[arg-type]
            continue
        before = next((e for e in reversed(parsed[:index]) if e and isinstance(e[0], Item)), [])
        after = next((e for e in parsed[index + 1:] if e and isinstance(e[0], Item)), [])
        for position, fragment in enumerate(entry):
            target = _fragment_owner(position if len(entry) > 1 else None, before, after)  # type: ignore[arg-type]
            if target is not None:
                (target.heads if target in after else target.tails).append(fragment)  # type: ignore[arg-type]
    return items


def _group_segments(parts: list[str], line: int) -> list[Item]:
    segments: list[Item] = []
    index = 0
    while index < len(parts):
        code, used = _code_prefix(parts[index:])
        if code:
            segments.append(Item(line, code))
            index += used
            continue
        part = parts[index]
        index += 1
        if is_figure(part):
            if not segments:
                segments.append(Item(line))
            segments[-1].figures.append(part)
        elif segments and not segments[-1].figures and not (segments[-1].label and normalize(part).endswith("合计")):
            segments[-1].label += part
        else:
            segments.append(Item(line, label=part))
    return segments


def _join_late_figures(parsed: list[list[Item] | list[str]]) -> list[list[Item] | list[str]]:
    """A code printed last on its line, its name on the next lines and its figure on a line of
    its own: the name and the figure are the code's."""
    result: list[list[Item] | list[str]] = []
    index = 0
    while index < len(parsed):
        entry = parsed[index]
        following = index + 1
        while following < len(parsed) and parsed[following] and not isinstance(parsed[following][0], Item):
            following += 1
        last = entry[-1] if entry and isinstance(entry[-1], Item) else None
        figures = parsed[following] if following < len(parsed) else []
        if last is not None and last.code and not last.label and not last.figures and len(figures) == 1 \
                and isinstance(figures[0], Item) and not figures[0].code and not figures[0].label:
            last.tails = [p for fragment in parsed[index + 1:following] for p in fragment]  # type: ignore[misc]
            last.figures = figures[0].figures
            result.append(entry)
            index = following + 1
            continue
        result.append(entry)
        index += 1
    return result


def _fragment_owner(position: int | None, before: list[Item], after: list[Item]) -> Item | None:
    """Whose name a fragment line's piece continues: a name centred on its row takes as many
    lines below as above, so a row still owed a tail takes it; else a row below without a name
    on its own line takes it as its head; else the row above.  A line with a piece per group
    gives the group's row by position."""
    def at(row: list[Item], wanted) -> Item | None:
        candidates = [i for i in row if wanted(i)] if position is None else row[position:position + 1]
        return next((i for i in candidates if wanted(i)), None)

    return at(before, lambda i: len(i.heads) > len(i.tails)) or at(after, lambda i: not i.label) \
        or at(before, lambda i: True)


def figure_value(text: str) -> Decimal:
    """A printed figure's amount (0 for one that is not well formed)."""
    try:
        return parse_amount(text) or Decimal(0)
    except MalformedAmount:
        return Decimal(0)
