"""Facts that the text states and the tables do not.

The text is read as one stream (PDF extraction wraps sentences over many lines) with a map
back to line numbers: the parent unit, staffing, main functions, year-on-year changes with
their reasons, 决算 against 年初预算 (执行率), key projects' budgets and the glossary.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from budgetkg.ingest.document import squeeze
from budgetkg.ingest.units import split_code
from budgetkg.ingest.layout import Paragraph
from budgetkg.ingest.facts import Change, Execution, GlossaryTerm, ParsedDocument, Subject, TableInfo
from budgetkg.ingest.amounts import amount
from budgetkg.ingest.claims import ClaimReader
from budgetkg.ingest.tables import TableReader, label_dims
from budgetkg.ontology.terms import code, functional_classes, merge, normalize

NUMBER = r"[\d,]+(?:\.\d+)?"
_PARENT = re.compile(
    r"(?P<child>[\u4e00-\u9fff\d（）()]{4,40}?)(?:是|为)(?P<parent>[\u4e00-\u9fff（）()]{4,30}?(?:局|办公室|委员会|厅|委|办|政府|中心|部))"
    r"(?:所属|下属|管理的|直属|的下属)"
)
_STAFF = re.compile(r"编制(?:数)?(?P<authorized>\d+)(?:人|名)")
_ACTUAL = re.compile(r"实有(?:人数|人员)?(?P<actual>\d+)(?:人|名)")
_CHANGE = re.compile(
    rf"(?:同比|比上年|较上年|较去年|比去年)?(?P<dir>增加|减少)(?P<change>{NUMBER})万元[，,]?\s*(?:同比)?(?P<dir2>增长|下降|上升|减少)(?P<rate>{NUMBER})%"
)
_EXECUTION = re.compile(
    rf"(?:年初预算(?:数)?为?|全年预算数|预算数为?)(?P<budget>{NUMBER})万?元?[，,]\s*(?:支出决算为?|执行数|决算数为?)(?P<final>{NUMBER})万元"
    rf"(?:[，,]\s*(?:完成年初预算的?|执行率为?)(?P<rate>{NUMBER})\s*%)?"
)
_KEY_PROJECT = re.compile(rf"(?:重点项目)[:：](?P<name>[^，,。：:]{{2,40}})[，,]\s*预算资金(?P<amount>{NUMBER})万元")
_GLOSSARY_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)])\s*\**(?P<term>[^：:。]{2,60}?)\**[：:]\**\s*(?P<definition>.*)$")
_ITEM_START = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d)|#)")
_SECTION_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]).{0,28}(?:说明|情况|概况|职能|设置|构成|解释)$")
_HEADING = re.compile(r"^(?:#+\s*)?\**\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")


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
                          or _SECTION_HEADING.match(parts[-1])):  # "三、支出决算情况说明" is a line of its own
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


def _topic(sentence: str) -> str:
    """The subject of a sentence such as '2024年单位收支总预算1,113.42万元…'."""
    head = re.split(NUMBER + r"\s*万元", sentence, maxsplit=1)[0]
    head = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", head)
    head = re.sub(r"\d{4}\s*年度?|本单位|本部门|我单位|我部门|其中[:：]?", "", head)
    return head.strip("，,：: ")


def _subject_for(document: ParsedDocument, topic: str) -> Subject | None:
    """A subject named by its 类/款/项 path ('…行政运行（项）') or by a class or item name."""
    names = re.findall(r"([^（(）)]+)[（(](类|款|项)[）)]", topic)
    if names:
        name = names[-1][0]
    else:
        name = topic
    key = normalize(re.sub(r"支出$", "支出", name))
    matches = [s for s in document.subjects.values() if normalize(s.label) == key]
    if len(matches) > 1 and len(names) > 1:
        parents = [normalize(n[0]) for n in names[:-1]]
        matches = [s for s in matches if any(normalize(p.label) in parents for p in document.subjects.values() if s.code.startswith(p.code) and p.code != s.code)] or matches
    if matches:
        return sorted(matches, key=lambda s: (s.scheme != "func", len(s.code)))[0]
    if key in functional_classes():
        return document.subjects.get(("func", functional_classes()[key])) or Subject("func", functional_classes()[key], name)
    return None


def _reason(text: Text, end: int) -> str | None:
    window = text.text[end:end + 300]
    match = re.match(r"[^。]*?(?:主要原因|原因)(?:是|为)?[:：]?(?P<reason>[^。]+)", window)
    return match["reason"].strip("，, ") if match else None


def _changes(document: ParsedDocument, text: Text, reader: TableReader) -> None:
    for match in _CHANGE.finditer(text.text):
        start, sentence = text.sentence_around(match.start(), match.start())
        amounts = re.findall(rf"({NUMBER})\s*万元", sentence)
        topic = _topic(sentence) if amounts else _topic(text.sentence_around(start - 1, start - 1)[1])
        if not topic:
            continue
        dims, _ = label_dims(topic)
        subject = _subject_for(document, topic)
        if "measure" not in dims:
            if subject is not None or "exptype" in dims or "支出" in topic:
                dims = merge(dims, {"measure": code("measure", "expenditure")})
            elif "收入" in topic:
                dims = merge(dims, {"measure": code("measure", "income")})
        sign = Decimal(-1) if match["dir"] == "减少" else Decimal(1)
        rate_sign = Decimal(-1) if match["dir2"] in {"下降", "减少"} else Decimal(1)
        change = _decimal(match["change"])
        rate = _decimal(match["rate"])
        current = _decimal(amounts[0]) if amounts else None
        previous = _decimal(amounts[1]) if len(amounts) > 1 else None
        document.changes.append(Change(
            document.unit, topic, dims, subject, current,
            sign * change if change is not None else None,
            rate_sign * rate if rate is not None else None,
            previous, _reason(text, match.end()), text.line_at(match.start()),
        ))


def _executions(document: ParsedDocument, text: Text, reader: TableReader) -> None:
    for match in _EXECUTION.finditer(text.text):
        _, sentence = text.sentence_around(match.start(), match.start())
        topic = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", sentence).strip()
        topic = re.sub(r"(?:本单位|本部门)?\d{4}年度?", "", topic).strip("，, ")
        project = None
        if "项目" in topic and "（项）" not in topic and "(项)" not in topic:
            name = re.sub(r"(?:项目)?自评综述.*$", "", topic)
            project = next((p for p in document.projects.values() if normalize(name) and normalize(name) in normalize(p.name)), None)
        subject = None if project else _subject_for(document, topic)
        document.executions.append(Execution(
            document.unit, topic, subject, project, _decimal(match["budget"]), _decimal(match["final"]),
            _decimal(match["rate"]), _reason(text, match.end()), text.line_at(match.start()),
        ))


_SUBJECT_AMOUNT = re.compile(rf"(?P<path>(?:[^，。；：:（(）)\n]+[（(](?:类|款)[）)])+[^，。；：:（(）)\n]+[（(]项[）)])支出(?P<amount>{NUMBER})万元")


def _subject_amounts(document: ParsedDocument, text: Text, reader: TableReader) -> None:
    """'…（类）…（款）行政运行（项）支出176.20万元': a subject's figure as the text states it.

    A department's text often gives its subjects' totals, which its tables give only per unit."""
    info = None
    for match in _SUBJECT_AMOUNT.finditer(text.text):
        subject = _subject_for(document, match["path"])
        value = _decimal(match["amount"])
        if subject is None or value is None:
            continue
        info = info or text_table(document)
        reader.fact(value, document.unit, {"measure": code("measure", "expenditure")}, (), info,
                    text.line_at(match.start()), match.start(), "正文", match.group(0), subject=subject)


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


SPECIFIC_MEASURES = ("sangong", "abroad", "reception", "vehicle", "vehicle-purchase", "vehicle-operation", "meeting",
                     "training", "procurement", "purchase-service", "operating-cost")


def _stated_amounts(document: ParsedDocument, text: Text, reader: TableReader) -> None:
    """'政府采购预算总额2419.85万元', '培训费预算 2.85 万元': figures some documents give only in the text."""
    from budgetkg.ontology.terms import lexicon

    words = [w for w, c in lexicon().entries.items() if c.dimension == "measure" and c.notation in SPECIFIC_MEASURES]
    pattern = re.compile(
        "(?P<word>" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        rf"(?P<link>(?:支出)?(?:年初预算|预算|决算)?(?:总额|数)?(?:为|是)?)[:：]?(?P<amount>{NUMBER})万元"
    )
    kept = [i for i, ch in enumerate(text.text) if ch not in "“”\""]  # quotes dropped, positions kept
    normalized = "".join(text.text[i] for i in kept).translate(str.maketrans("（）", "()"))
    info = None
    for match in pattern.finditer(normalized):
        value = _decimal(match["amount"])
        if value is None:
            continue
        info = info or text_table(document)
        measure = lexicon().entries[match["word"]]
        dims = {"measure": measure}
        if "决算" in match["link"]:
            dims["phase"] = code("phase", "final")
        elif "预算" in match["link"]:
            dims["phase"] = code("phase", "budget")
        offset = kept[match.start()]
        reader.fact(value, document.unit, dims, (), info, text.line_at(offset), offset, "正文", match.group(0))


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
