"""What parsing a document yields, before it becomes RDF."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgetkg.ontology.terms import Code


@dataclass
class Unit:
    name: str
    code: str | None = None
    parent: Unit | None = None
    aliases: set[str] = field(default_factory=set)
    authorized_staff: int | None = None
    actual_staff: int | None = None
    functions: str | None = None
    line: int | None = None
    internal_bodies: list[str] = field(default_factory=list)  # 内设机构 / 科室, as the text lists them
    internal_count: int | None = None  # how many the text says it has
    goal: str | None = None  # 整体绩效目标: what the unit's whole budget is to achieve

    @property
    def key(self) -> str:
        return self.code or self.name


@dataclass
class Subject:
    scheme: str  # "func" or "econ"
    code: str
    label: str


@dataclass
class Fact:
    """One figure: an RDF Data Cube observation with its source line and column.

    `amount` is in 万元, the unit every stored figure is in; `printed` is the figure as the
    document prints it, in `money` (元 or 万元, from the table's 单位 line)."""

    amount: Decimal
    unit: Unit
    year: int
    phase: str  # notation in the phase code list
    dims: dict[str, Code]
    details: tuple[Code, ...]
    table: int
    line: int
    column: int
    column_label: str
    row_label: str
    subject: Subject | None = None
    project: Project | None = None
    printed: Decimal | None = None
    money: str = "万元"
    page: int | None = None


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    value: str
    unit_of_measure: str | None
    line: int


@dataclass
class Project:
    name: str
    unit: Unit
    goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    line: int = 0
    overview: str | None = None  # 项目概述: what it is for
    content: str | None = None  # 项目内容 / 实施方案: what it does


@dataclass
class Statement:
    """A count or score the text states: "共有车辆9辆", "自评得分为93.44分", "平均得分99.38分"."""

    aspect: str  # notation in vocab.ttl's AspectScheme
    value: Decimal
    unit: Unit
    text: str  # the words that state it
    line: int
    project: Project | None = None
    measure_unit: str | None = None  # as printed when it differs from the aspect's (人次, 套)


@dataclass
class Change:
    """A year-on-year change stated in the text: 同比增加79.80万元，同比增长7.72%."""

    unit: Unit
    topic: str
    dims: dict[str, Code]
    subject: Subject | None
    amount: Decimal | None
    change: Decimal | None
    rate: Decimal | None
    previous: Decimal | None
    reason: str | None
    line: int
    basis: str | None = None  # the phase of the earlier figure: 比2025年预算 (budget), 比2025年预算执行数 (final)


@dataclass
class Execution:
    """决算 against 年初预算 for one subject or project: 完成年初预算的34.43%."""

    unit: Unit
    topic: str
    subject: Subject | None
    project: Project | None
    budget: Decimal | None
    final: Decimal | None
    rate: Decimal | None
    reason: str | None
    line: int
    dims: dict[str, Code] = field(default_factory=dict)  # what the figure is (三公经费, 一般公共预算支出 …)


@dataclass
class Share:
    """A share the text states: 基本支出预算844.09万元，占支出总预算75.81%."""

    unit: Unit
    topic: str
    dims: dict[str, Code]
    subject: Subject | None
    amount: Decimal  # the part, as stated
    rate: Decimal  # its share in %
    of: str  # what it is a share of, as worded ("支出总预算")
    of_dims: dict[str, Code]  # that, read with the vocabulary (empty when the wording names nothing known)
    line: int


@dataclass
class Absence:
    """What the text says the unit has none of: "本部门2026年无政府性基金预算财政拨款安排的预算"."""

    text: str
    line: int
    dims: dict[str, Code] = field(default_factory=dict)  # what it names (机关运行经费, 政府性基金预算 …)


@dataclass
class GlossaryTerm:
    term: str
    definition: str
    line: int


@dataclass
class TableInfo:
    number: int
    title: str
    line: int
    observations: int = 0
    money: str = "万元"  # the unit its figures are printed in
    page: int | None = None
    note: str = ""  # the 注 under it, which may say why it is empty


@dataclass
class Warning_:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class NameMention:
    """Where a document prints its unit's name: on the cover, a table's 编制部门 line, a heading of the text."""

    where: str  # cover, table, text
    name: str
    line: int


@dataclass
class ParsedDocument:
    source_name: str
    sha256: str
    layout: str
    title: str
    unit: Unit
    year: int
    phase: str  # "budget" or "final"
    kind: str  # "部门" or "单位"
    region_name: str
    region_code: str
    units: dict[str, Unit] = field(default_factory=dict)
    subjects: dict[tuple[str, str], Subject] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    projects: dict[tuple[str, str], Project] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    executions: list[Execution] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    name_mentions: list[NameMention] = field(default_factory=list)
    skipped_rollups: int = 0
