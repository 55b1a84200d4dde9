"""The units a department's disclosure covers, as its text lists them.

A 部门预算 or 部门决算 says which units it consolidates, in a numbered list after its
机构设置 / 部门决算单位构成 heading:

    具体包括：1.普陀区司法局本部  2.普陀区法律援助中心
    纳入…部门决算编制范围的单位包括：序号 单位名称 备注 / 1 上海市普陀区生态环境局（本级） / 2 …

The table form wraps a long name around its number ("上海市…石泉路街道办事处 / 1 / （本级）").  Each
listed unit becomes a unit of the document with the document's unit as its parent.
"""
from __future__ import annotations

import re

import cn2an

from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import ParsedDocument, Unit
from budgetkg.ingest.layout import Paragraph
from budgetkg.ingest.units import Units
from budgetkg.ontology.names import aliases, canonical

_HEADING = re.compile(r"机构设置$|单位构成|编制范围的?单?位?包括|预算单位构成")
_LIST_START = re.compile(r"包括(?:以下单位)?(?:（[^）]*）)?[:：]\s*")
_FIRST_ITEM = re.compile(r"^(?:序号|1\s*[.、．]|1\s+\S|1$)")
_END = re.compile(r"^(?:名词解释|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|需要说明|注[:：])")
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})(?:\s*[.、．]\s*|\s+)(?P<text>\S.*)$")
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
_ORG_END = r"(?:本部|本级|（本级）|（本部）|\(本级\)|局|委员会|委|中心|站|队|馆|所|院|处|办公室|办|室|会|社|校|园|场|台|部|厅|团|队)"
_NAME = re.compile(rf"^(?:下属(?:事业|行政)?单位)?(?P<name>[\u4e00-\u9fff（）()]{{2,50}}?{_ORG_END}(?:（[^）]{{1,20}}）)?)(?=[，,。；;、]|不单列|并入|$)")


def read_members(document: ParsedDocument, paragraphs: list[Paragraph], units: Units) -> None:
    """Give the document's unit the units its list names (部门 documents only)."""
    if document.kind != "部门":
        return
    for items in _lists(paragraphs):
        for line, text in items:
            match = _NAME.match(squeeze(text).strip(" .。"))
            if match is None:
                continue
            unit = units.get(None, match["name"], line)
            if unit is not document.unit and unit.parent is None:
                unit.parent = document.unit
        return


def _lists(paragraphs: list[Paragraph]) -> list[list[tuple[int, str]]]:
    """The numbered items after each list heading, each with its line."""
    found = []
    for index, paragraph in enumerate(paragraphs):
        if not _HEADING.search(paragraph.text) or "…" in paragraph.text:
            continue
        lines: list[Paragraph] = []
        started = False
        window = paragraphs[index:index + 60]
        for position, following in enumerate(window):
            text = following.text.strip()
            if not started:
                match = _LIST_START.search(text)
                rest = text[match.end():].strip() if match else ""
                after = rest or (window[position + 1].text.strip() if position + 1 < len(window) else "")
                said = (window[position - 1].text if position else "") + text[:match.start()] if match else ""
                # "具体包括：" / "…的单位包括：" followed by item 1; not "主要职能包括：" nor prose
                if match and _FIRST_ITEM.match(after) and re.search(r"单\s*位|具体|本部|家", said[-40:]):
                    started = True
                    if rest:
                        lines.append(Paragraph(following.line, rest))
                continue
            if _END.match(text) or re.match(r"^序号\s*单位名称", text):
                if lines and not re.match(r"^序号", text):
                    break
                continue
            lines.append(following)
        items = _items(lines)
        if items:
            found.append(items)
    return found


def _items(lines: list[Paragraph]) -> list[tuple[int, str]]:
    """Numbered items; a name wrapped around its bare number ('X' / '1' / '（本级）') is one item."""
    items: list[list] = []  # [line, text]
    for position, paragraph in enumerate(lines):
        text = paragraph.text.strip()
        numbered = _NUMBERED.match(text)
        if _BARE_NUMBER.match(text):
            # the name's first half, if any, stands on the line(s) before the number
            start = items.pop() if items and items[-1][2] else None
            items.append([paragraph.line, start[1] if start else "", False])
        elif numbered:
            if items and items[-1][2]:  # a fragment that turned out to start no item
                items.pop()
            items.append([paragraph.line, numbered["text"], False])
        elif position + 1 < len(lines) and _BARE_NUMBER.match(lines[position + 1].text.strip()):
            items.append([paragraph.line, text, True])  # the first half of the next item
        elif items:
            items[-1][1] += text
        else:
            break
    return [(line, text) for line, text, pending in items if not pending and text]


# ---------------------------------------------------------------- internal bodies (内设机构 / 内设科室)
_INTERNAL = re.compile(r"(?:设|内设)(?P<count>\d+|[一二三四五六七八九十]+)个(?:内设)?(?:机构|科室|处室|职能科室)"
                       r"|内设(?:机构|科室|处室)(?P<count2>\d+|[一二三四五六七八九十]+)个")
_LIST_AFTER = re.compile(r"(?:包括|分别是|分别为|为)[:：]?")
_BODY_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{2,20}?(?:科|室|处|办公室|中心|队|组|部|所|站|委)(?:（[^）]{1,12}）)?$")


def _count(text: str) -> int:
    return int(cn2an.cn2an(text, "smart"))


def read_internal_bodies(document: ParsedDocument, paragraphs: list[Paragraph], units: Units) -> None:
    """'设12个内设机构，包括：办公室、政治处、…' or '（一）秘书科。…' paragraphs: a unit's internal bodies
    and how many the text says it has.  The unit is the one the sentence names, else the document's."""
    for index, paragraph in enumerate(paragraphs):
        text = squeeze(paragraph.text)
        match = _INTERNAL.search(text)
        if match is None:
            continue
        following = index + 1
        while "。" not in text[match.end():] and following < len(paragraphs) and following < index + 6 \
                and not re.match(r"^\s*[（(]?[一二三四五六七八九十\d]+[）)、.．]", paragraphs[following].text):
            text += squeeze(paragraphs[following].text)  # a list wrapped over the lines of a PDF page
            following += 1
        unit = _unit_named(document, units, text[:match.start()]) or _unit_named(
            document, units, squeeze(paragraphs[index - 1].text) if index else "") or document.unit
        unit.internal_count = _count(match["count"] or match["count2"])
        rest = text[match.end():]
        listed = _LIST_AFTER.search(rest)
        names: list[str] = []
        if listed and rest[listed.end():].strip(" 。"):
            names = _split_names(re.split(r"[。；;]", rest[listed.end():])[0])
        else:  # "（一）秘书科（联络科）。…" paragraphs
            for following in paragraphs[index + 1:index + 60]:
                item = re.match(r"^[（(][一二三四五六七八九十\d]+[）)]\s*(?P<name>[^。，,；;]{2,24})[。，,；;]", squeeze(following.text))
                if item:
                    names.append(item["name"])
                elif len(names) >= unit.internal_count:
                    break
        unit.internal_bodies = [n for n in names if _BODY_NAME.match(n)]


def _split_names(text: str) -> list[str]:
    """'办公室、政治处和市场秩序科（粮食和物资储备科）' → the names, split at 、，和 outside brackets."""
    names, current, depth = [], "", 0
    for index, char in enumerate(text):
        depth += char in "（(" and 1 or char in "）)" and -1 or 0
        # 和 joins two names only where both are names ("…科和…科"), not inside one (人民参与和促进法治科)
        if depth == 0 and (char in "、，," or char == "和" and re.search(r"(?:科|室|处|队|组|中心)$", current)
                           and re.match(r"[\u4e00-\u9fff]{2,}(?:科|室|处)", text[index + 1:])):
            names.append(current)
            current = ""
        else:
            current += char
    return [n.strip(" 等") for n in names + [current] if n.strip(" 等")]


def _unit_named(document: ParsedDocument, units: Units, text: str) -> Unit | None:
    """The document's unit the text names last, by its name or a shortening of it ("柳州市人民政府驻北京联络处"
    for 广西壮族自治区柳州市人民政府驻北京联络处)."""
    text = canonical(text)
    found = []
    for unit in document.units.values():
        for form in aliases(unit.name):
            if len(form) >= 4 and form in text:
                found.append((text.rfind(form) + len(form), len(form), unit))
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None
