"""Counts and scores the text states, and what it says of a project in the project's own section.

    截至2025年12月31日，…共有车辆9辆，其中：…；单价100万元（含）以上设备（不含车辆）6台（套）。
    2026年部门预算安排购置车辆5辆，…；部门预算安排购置单价100万元（含）以上设备（不含车辆）0套。
    一个号码管服务项目自评综述：…执行率为34.43%，自评得分为93.44分。
    绩效自评的2025年度项目43个，…平均得分99.38分（…绩效自评中共发现问题3个，已经完成整改的3个，…）
    培训费预算 2.85 万元，拟开展…等培训，人数约 300 人
    人民调解项目经费情况说明 | 一、项目概述 … | 四、实施方案 … | 六、年度预算安排 | 795万元 | 七、绩效目标 …
    1. “政务便民服务热线专项经费”项目。 | （1）项目概述。… | （5）项目内容。… | （6）年度预算安排。339.3 万元。

Each count or score is a `Statement` of an aspect of vocab.ttl's AspectScheme (its notation names
the shape read here), with the words that state it and their line; a project's section gives its
overview, content, goal, annual budget (a figure of the text) and total investment.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from budgetkg.ingest.amounts import amount
from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import ParsedDocument, Project, Statement, TableInfo
from budgetkg.ingest.layout import Paragraph
from budgetkg.ingest.tables import TableReader
from budgetkg.ontology.terms import code, normalize

N = r"(?P<n>\d+(?:\.\d+)?)"
N2 = r"(?P<n2>\d+(?:\.\d+)?)"  # the value in a second wording of one shape
_PLANNED = re.compile(r"购置|新增|拟|计划配|安排配")  # a purchase the budget plans, not what the unit holds
_EQUIPMENT = re.compile(rf"(?:单价|单位价值)\s*(?P<threshold>\d+)\s*万元\s*(?:（含）|\(含\))?\s*以上的?设备\s*(?:（不含车辆）|\(不含车辆\))?"
                        rf"\s*{N}\s*(?P<u>台\s*[（(]套[）)]|台|套)")
# (aspect, shape): the first shapes of an aspect win over its later ones in a document
SHAPES: list[tuple[str, re.Pattern[str]]] = [
    ("vehicles-planned", re.compile(rf"(?:购置|新增配置|新增配备|新增)(?:公务用车|车辆)\s*{N}\s*辆")),
    ("vehicles", re.compile(rf"(?:共有|实有|现有)(?:在编)?(?:公务用车|车辆)\s*{N}\s*辆")),
    ("vehicles", re.compile(rf"(?:公务用车|车辆)保有量(?:为|是)?\s*{N}\s*辆")),
    ("self-score", re.compile(rf"自评(?:得分|分数|总分)(?:为|是|[:：])?\s*{N}\s*分")),
    ("average-score", re.compile(rf"平均(?:得分|分)(?:为|是)?\s*{N}\s*分")),
    ("evaluated-projects", re.compile(rf"绩效自评的(?:20\d{{2}}\s*年度?)?项目(?:共)?\s*{N}\s*个|对\s*{N2}\s*个项目开展了?(?:项目)?绩效自评")),
    ("goal-projects", re.compile(rf"编报绩效目标的(?:20\d{{2}}\s*年度?)?项目(?:共)?\s*{N}\s*个|{N2}\s*个项目实行了?绩效目标管理")),
    ("problems-found", re.compile(rf"发现(?:的)?问题(?:共)?\s*{N}\s*个")),
    ("problems-fixed", re.compile(rf"(?:已经|已)完成整改的?(?:问题)?\s*{N}\s*个")),
    ("total-investment", re.compile(r"总投资(?:额)?(?:为|是|约)?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*万元")),
]
_TRAINEES = re.compile(rf"(?:培训人数|参训人数|培训人员|人数|培训)(?:约|共|计|为|达|约为)?\s*{N}\s*(?P<u>人次|人)")
_PIECES = re.compile(r"[。；;\n]")

# a project's own section: "X项目经费情况说明" or "1. “X”项目。", then numbered parts
_SECTION_TITLE = re.compile(r"^(?![一二三四五六七八九十\d]+[、.．]|[（(])(?P<name>[^\s，。；：:]{2,40}?)项目经费情况说明$")
_LISTED_PROJECT = re.compile(r"^\d+[.、．]\s*[“\"](?P<name>[^”\"]{2,40})[”\"]\s*项目[。.]?$")
_PART = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(]\d+[）)]|\d+[.、．](?!\d))\s*"
                   r"(?P<key>项目概述|项目简介|立项依据|实施主体|实施方案|项目内容|主要内容|实施周期|起止时间|年度预算安排|预算安排|绩效目标|项目绩效目标)"
                   r"[。.：:]?\s*(?P<rest>.*)$")
_ANY_ITEM = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|#)")
_YEAR = re.compile(r"(20\d{2})\s*年")
# a heading run into its first sentence: "（五）国有资产占用使用…情况：截至…", "六、年度预算安排本项目…"
_LEADING_HEADING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)(?:[^：:，,。]{2,30}?(?:情况|说明)[：:]|(?:年度预算安排|项目概述|项目内容|实施方案))")
MONEY = r"(?P<n>\d[\d,]*(?:\.\d+)?)"  # 22,614.51
_AMOUNT = re.compile(rf"{MONEY}\s*万元")


@dataclass
class _Section:
    project: Project
    parts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # key → its lines


class StatementReader:
    """Reads one document's counts and scores, and its projects' sections."""

    def __init__(self, document: ParsedDocument, reader: TableReader, text: str, line_at: Callable[[int], int],
                 project_named: Callable[[str], Project | None], info: Callable[[], TableInfo]) -> None:
        self.doc = document
        self.reader = reader
        self.text = text
        self.line_at = line_at
        self.project_named = project_named
        self.info = info

    def read(self, paragraphs: list[Paragraph]) -> None:
        sections = self.read_sections(paragraphs)
        self.read_counts(sections)

    # ------------------------------------------------------------ counts and scores
    def read_counts(self, sections: list[tuple[int, int, Project]]) -> None:
        stated: set[str] = set()  # aspects an earlier shape gave (保有量 counts only where 共有/实有 is not said)
        for aspect, shape in SHAPES:
            if aspect in stated:
                continue
            for match in shape.finditer(self.text):
                stated.add(aspect)
                self.state(aspect, match, sections)
        for match in _EQUIPMENT.finditer(self.text):
            piece = self.piece_before(match.start())
            self.state("equipment-planned" if _PLANNED.search(piece) else "equipment", match, sections,
                       match["u"].replace(" ", ""))
        for match in _TRAINEES.finditer(self.text):
            if "培训" in self.piece_before(match.start()) + match.group():
                self.state("trainees", match, sections, match["u"])

    def state(self, aspect: str, match: re.Match[str], sections: list[tuple[int, int, Project]], unit_of_measure: str | None = None) -> None:
        value = match["n"] or match.groupdict().get("n2")
        number = amount(value) if value else None
        if number is None:
            return
        line = self.line_at(match.start())
        project = self.project_of(match.start(), sections) if aspect in {"self-score", "total-investment"} else None
        words = _LEADING_HEADING.sub("", (self.piece_before(match.start()) + match.group()).strip("，,：: "))
        owner = project.unit if project is not None else self.doc.unit
        self.doc.statements.append(Statement(aspect, number, owner, squeeze(words)[-120:], line, project, unit_of_measure))

    def piece_before(self, offset: int) -> str:
        """The words from where the sentence (or its ；-part) starts to `offset`."""
        start = max((m.end() for m in _PIECES.finditer(self.text, 0, offset)), default=0)
        return self.text[start:offset]

    def project_of(self, offset: int, sections: list[tuple[int, int, Project]]) -> Project | None:
        """The project a score or investment is of: the section it is in, or the project its sentence
        opens with (“一个号码管服务项目自评综述：…”)."""
        for start, end, project in sections:
            if start <= offset < end:
                return project
        head = re.split(r"[:：，,]", self.piece_before(offset), maxsplit=1)[0]
        return self.project_named(head) if head else None

    # ------------------------------------------------------------ a project's own section
    def read_sections(self, paragraphs: list[Paragraph]) -> list[tuple[int, int, Project]]:
        """Each project section's parts, and the span of the joined text it covers (for its statements)."""
        found: list[tuple[_Section, int, int]] = []
        current: _Section | None = None
        key: str | None = None
        for paragraph in paragraphs:
            line_text = squeeze(paragraph.text).replace("**", "")
            title = _SECTION_TITLE.match(line_text) or _LISTED_PROJECT.match(line_text)
            if title and normalize(title["name"]) not in {"项目", ""}:
                current, key = _Section(self.project(title["name"], paragraph.line)), None
                found.append((current, paragraph.line, paragraph.line))
                continue
            if current is None:
                continue
            part = _PART.match(line_text)
            if part:
                key = _KEYS[part["key"]]
                current.parts.setdefault(key, [])
                if part["rest"]:
                    current.parts[key].append((paragraph.line, part["rest"]))
            elif _ANY_ITEM.match(line_text):
                current, key = None, None  # the next numbered item that is not a part ends the section
                continue
            elif key is not None:
                current.parts[key].append((paragraph.line, line_text))
            found[-1] = (found[-1][0], found[-1][1], paragraph.line)
        spans = []
        for section, first, last in found:
            self.fill(section)
            spans.append((self.offset_of(first), self.offset_of(last + 1), section.project))
        return spans

    def offset_of(self, line: int) -> int:
        """Where in the joined text the paragraph of a line (or the first after it) starts."""
        low, high = 0, len(self.text)
        while low < high:  # line_at grows with the offset
            middle = (low + high) // 2
            if self.line_at(middle) < line:
                low = middle + 1
            else:
                high = middle
        return low

    def project(self, name: str, line: int) -> Project:
        """The project a section is about: one the tables name (of any of the document's units), else a new one."""
        key = normalize(name)
        named = next((p for p in self.doc.projects.values() if normalize(p.name) == key), None)
        return named or self.reader.project(self.doc.unit, name, line)

    def fill(self, section: _Section) -> None:
        project = section.project

        def body(key: str) -> str:
            return "".join(text for _, text in section.parts.get(key, [])).strip()

        project.overview = project.overview or body("overview") or None
        project.content = project.content or body("content") or None
        if not project.goal and body("goal") and not re.match(r"^(?:详见|见)", body("goal")):  # not "详见…绩效目标表"
            project.goal = body("goal")
        for line, text in section.parts.get("budget", []):
            if (value := self.annual_budget(text)) is not None:
                self.reader.fact(value, project.unit, {"measure": code("measure", "expenditure"), "exptype": code("exptype", "project")},
                                 (), self.info(), line, 0, "年度预算安排", project.name, project=project)
                break

    def annual_budget(self, text: str) -> Decimal | None:
        """The year's budget a 年度预算安排 part states: its amount alone (“795万元”), or one the document's
        year arranges; not a total investment, its parts, or another year's money."""
        for clause in re.split(r"[，。；;]|,(?!\d)", text):  # not the comma of 22,614.51
            found = _AMOUNT.search(clause)
            if found is None or re.search(r"总投资|其中|费用|工程费|预备费", clause):
                continue
            year = _YEAR.search(clause)
            if (year and int(year.group(1)) != self.doc.year) or not (clause.strip() == found.group() or re.search(r"安排|预算", clause)):
                continue
            return amount(found["n"])
        return None


_KEYS = {"项目概述": "overview", "项目简介": "overview", "立项依据": "basis", "实施主体": "owner", "实施方案": "plan",
         "项目内容": "content", "主要内容": "content", "实施周期": "period", "起止时间": "period", "年度预算安排": "budget",
         "预算安排": "budget", "绩效目标": "goal", "项目绩效目标": "goal"}
