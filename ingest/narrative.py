"""Facts that the text states and the tables do not.

The text is read as one stream (PDF extraction wraps sentences over many lines) with a map
back to line numbers: the parent unit, staffing, main functions, key projects' budgets and the
glossary here; the figures it states (amounts, changes, 执行率, shares) in `claims`.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from budgetkg.ingest.amounts import amount
from budgetkg.ingest.claims import ClaimReader
from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import GlossaryTerm, ParsedDocument, TableInfo
from budgetkg.ingest.layout import Paragraph
from budgetkg.ingest.tables import TableReader
from budgetkg.ingest.units import split_code
from budgetkg.ontology.terms import code, normalize

NUMBER = r"[\d,]+(?:\.\d+)?"
_PARENT = re.compile(
    r"(?P<child>[\u4e00-\u9fff\d（）()]{4,40}?)(?:是|为)(?P<parent>[\u4e00-\u9fff（）()]{4,30}?(?:局|办公室|委员会|厅|委|办|政府|中心|部))"
    r"(?:所属|下属|管理的|直属|的下属)"
)
_STAFF = re.compile(r"编制(?:数)?(?P<authorized>\d+)(?:人|名)")
_ACTUAL = re.compile(r"实有(?:人数|人员)?(?P<actual>\d+)(?:人|名)")
_KEY_PROJECT = re.compile(rf"(?:重点项目)[:：](?P<name>[^，,。：:]{{2,40}})[，,]\s*预算资金(?P<amount>{NUMBER})万元")
_GLOSSARY_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)])\s*\**(?P<term>[^：:。]{2,60}?)\**[：:]\**\s*(?P<definition>.*)$")
_ITEM_START = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d)|#)")
_SECTION_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]).{0,28}(?:说明|情况|概况|职能|设置|构成|解释)$")
_HEADING = re.compile(r"^(?:#+\s*)?\**\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")


_NOTE = re.compile(r"^注[:：]")


class Text:
    """Paragraphs joined into one string, with a way back from an offset to a line number."""

    def __init__(self, paragraphs: list[Paragraph], wrapped: bool = False) -> None:
        self.offsets: list[int] = []
        self.lines: list[int] = []
        parts: list[str] = []
        position = 0
        for paragraph in paragraphs:
            text = squeeze(paragraph.text)
            if re.fullmatch(r"[-–—]\s*\d+\s*[-–—]", text):
                continue  # a page number between the two halves of a wrapped sentence
            # a wrapped PDF line continues its sentence; a sentence's end or a numbered item ends it
            if parts and (not wrapped or re.search(r"[。：:；;！!？?]$", parts[-1]) or _ITEM_START.match(text)
                          or _SECTION_HEADING.match(parts[-1])  # "三、支出决算情况说明" is a line of its own
                          or _NOTE.match(parts[-1]) or _NOTE.match(text)):  # "注：本表无数据" under a table
                parts[-1] += "\n"
                position += 1
            self.offsets.append(position)
            self.lines.append(paragraph.line)
            parts.append(text)
            position += len(text)
        self.text = "".join(parts)

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.offsets, offset) - 1)] if self.lines else 0

    def sentence_around(self, start: int, end: int) -> tuple[int, str]:
        left = max(self.text.rfind(mark, 0, start) for mark in "。；\n") + 1
        return left, self.text[left:end]


def text_table(document: ParsedDocument) -> TableInfo:
    """Figures the text states are filed under table 0, "正文" (the body text)."""
    info = next((t for t in document.tables if t.number == 0), None)
    if info is None:
        info = TableInfo(0, "正文", 0)
        document.tables.append(info)
    return info


def _decimal(text: str | None) -> Decimal | None:
    return amount(text) if text else None


def read_narrative(document: ParsedDocument, paragraphs: list[Paragraph], reader: TableReader) -> None:
    # text extracted from a PDF keeps the page's line breaks inside sentences
    text = Text(paragraphs, wrapped=document.layout in {"text", "pdf"})
    _staffing(document, text)
    _functions(document, paragraphs)
    _key_projects(document, text, reader)
    ClaimReader(document, reader, text).read()
    _glossary(document, paragraphs)


def find_parent(document: ParsedDocument, paragraphs: list[Paragraph], reader: TableReader) -> None:
    """'X是Y所属/管理的…单位' sets the parent of X (the document's unit or one it lists)."""
    text = Text(paragraphs)
    for match in _PARENT.finditer(text.text):
        child_name = re.sub(r"^.*?[）)]\s*", "", match["child"]) if ")" in match["child"] or "）" in match["child"] else match["child"]
        parent_name = match["parent"]
        if normalize(parent_name) == normalize(child_name):
            continue
        line = text.line_at(match.start())
        child = document.unit if reader.units.same_name(child_name, document.unit.name) else None
        if child is None:
            continue
        if child.parent is None:
            child.parent = reader.units.get(*split_code(parent_name), line)


def _staffing(document: ParsedDocument, text: Text) -> None:
    match = _STAFF.search(text.text)
    if match:
        document.unit.authorized_staff = int(match["authorized"])
    match = _ACTUAL.search(text.text)
    if match:
        document.unit.actual_staff = int(match["actual"])


def _functions(document: ParsedDocument, paragraphs: list[Paragraph]) -> None:
    for index, paragraph in enumerate(paragraphs):
        if re.search(r"主要职责|主要职能|职能职责", paragraph.text) and len(paragraph.text) < 30:
            body = []
            for following in paragraphs[index + 1:]:
                if (_HEADING.match(following.text) and len(following.text) < 30) or re.search(r"机构设置|预算单位构成|单位预算构成", following.text):
                    break
                body.append(squeeze(following.text))
            if body:
                document.unit.functions = "".join(body)[:4000]
                return


def _key_projects(document: ParsedDocument, text: Text, reader: TableReader) -> None:
    for match in _KEY_PROJECT.finditer(text.text):
        value = _decimal(match["amount"])
        if value is None:
            continue
        line = text.line_at(match.start())
        named = [p for p in document.projects.values() if normalize(p.name) == normalize(match["name"])]
        project = named[0] if named else reader.project(document.unit, match["name"], line)
        info = text_table(document)
        reader.fact(value, project.unit, {"measure": code("measure", "expenditure"), "exptype": code("exptype", "project")},
                    (), info, line, match.start(), "预算资金", match["name"], project=project)


def _glossary(document: ParsedDocument, paragraphs: list[Paragraph]) -> None:
    start = next((i for i, p in enumerate(paragraphs) if "名词解释" in p.text and len(p.text) < 30
                  and not p.text.lstrip().startswith("-")), None)
    if start is None:
        return
    # the last heading is the section itself; a table of contents names it first
    starts = [i for i, p in enumerate(paragraphs) if "名词解释" in p.text and len(p.text) < 30 and not p.text.lstrip().startswith("-")]
    start = starts[-1]
    current: GlossaryTerm | None = None
    for paragraph in paragraphs[start + 1:]:
        line_text = squeeze(paragraph.text).replace("**", "")
        if re.match(r"^(?:#+\s*)?第[一二三四五六七八九十]+部分|^附件", line_text):
            break
        match = _GLOSSARY_ITEM.match(line_text)
        if match:
            term = re.sub(r"[“”\"']", "", match["term"]).strip()
            current = GlossaryTerm(term, match["definition"].strip(), paragraph.line)
            document.glossary.append(current)
        elif current is not None and not re.match(r"^[-–—]\s*\d+\s*[-–—]$", line_text):
            current.definition += line_text
