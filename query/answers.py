"""How answers are said: the Result every kind of question returns, amounts in the unit of money
asked or printed, sources and citations, what a figure is called, and the sentences for figures no
document gives and for questions that cannot be answered.  The writers in query/intents/ build
their sentences from these pieces.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgetkg import settings as config
from budgetkg.ontology import terms as t
from budgetkg.query.catalog import Catalog
from budgetkg.query.figures import Figure, Wanted
from budgetkg.query.understand import Understanding

PHASE_LABEL = {"budget": "预算", "final": "决算"}
MAX_UNITS = 8  # a name that means more units than this is asked about again


@dataclass
class Result:
    status: str  # ok, no_data, ambiguous, not_understood, not_found
    answer: str
    intent: str | None = None
    sparql: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    chart: dict[str, Any] | None = None


# ------------------------------------------------------------ amounts
def money(value: Decimal | str) -> str:
    return f"{Decimal(value):,.2f}"


def say_amount(figure: Figure, asked: str | None) -> str:
    """A figure in the unit of money the question asks for, else in the one its document prints."""
    unit = asked or figure.money
    if unit == figure.money and figure.printed is not None:
        return f"{money(figure.printed)}{unit}"
    return f"{money(figure.amount / t.money_units()[unit].wanyuan)}{unit}"


def of_which(parts: list[Figure], asked: str | None) -> str:
    """“，其中公务接待费1.90万元、公务用车购置及运行费2.03万元”: the parts that are not nil."""
    named = [f"{t.code('measure', p.measure).label}{say_amount(p, asked)}" for p in parts if p.amount]
    return f"，其中{'、'.join(named)}" if named else ""


def sentences(parts: list[str]) -> str:
    """Several findings as one answer."""
    return "；".join(parts) + "。"


# ------------------------------------------------------------ sources
class Sources:
    """Where a figure or fact comes from: a source record for the answer's `sources`, and the
    citation its sentence ends with."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __call__(self, doc: str, table: str | None = None, line: int = 0) -> dict[str, Any]:
        document = self.catalog.documents.get(doc)
        number, title = self.catalog.table(table)
        return {"document": document.title if document else doc, "file": document.file if document else "",
                "graph": doc, "table": number, "table_title": title, "line": line}


def cite(source: dict[str, Any]) -> str:
    """（来源：《文件》表N“标题”第L行）, or 正文 for the text."""
    where = f"表{source['table']}“{source['table_title']}”" if source["table"] else "正文"
    return f"（来源：《{source['document']}》{where}第{source['line']}行）"


def cite_document(source: dict[str, Any]) -> str:
    return f"（来源：《{source['document']}》）"


# ------------------------------------------------------------ what a figure is
def describe(catalog: Catalog, wanted: Wanted, subject: str | None = None, project: str | None = None) -> str:
    """The figure's name: fund source, subject, expenditure type, measure and details
    (“一般公共预算拨款功能分类科目2010301“行政运行”支出”)."""
    if project:
        return f"项目“{catalog.projects[project].name}”"
    codes = t.codes()
    words = []
    if wanted.fund:
        words.append(codes[wanted.fund].label)
    if subject:
        entry = catalog.subjects[subject]
        words.append(f"{'功能' if entry.scheme == 'func' else '经济'}分类科目{entry.code}“{entry.label}”")
    if wanted.exptype:
        words.append(codes[wanted.exptype].label)
    label = codes[wanted.measure].label
    if label == "支出总计":
        label = "收支总额"
    if not (wanted.exptype and label == "支出") and not (subject and label == "支出"):
        words.append(label)
    words += [codes[detail].label for detail in wanted.details]
    return "".join(words)


def not_disclosed(name: str, what: str) -> str:
    return f"{name}的文件未公开{what}"


# ------------------------------------------------------------ questions that cannot be answered
def too_long(length: int) -> Result:
    return Result("not_understood", f"问题太长（{length}个字符），请控制在{config.MAX_QUESTION_CHARS}个字符以内。")


def examples(catalog: Catalog) -> list[str]:
    """Questions this store can answer, to show how to ask: about its own units."""
    return [f"{name}{asked}" for name, asked in zip(catalog.examples(3), ("三公经费多少", "的人员经费", "有哪些下属单位"))]


def not_understood(catalog: Catalog) -> Result:
    shown = examples(catalog)
    return Result("not_understood", "没有理解这个问题。" + (f"可以这样问：{quoted(shown)}。" if shown else "图谱中还没有文件。"),
                  suggestions=shown)


def not_what(catalog: Catalog, u: Understanding) -> Result:
    """A budget question whose kind was not recognised."""
    shown = examples(catalog)
    return Result("not_understood", "没有理解要查询什么。请说明单位和指标" + (f"，例如{quoted(shown[:2])}" if shown else "") + "。",
                  u.intent, suggestions=shown)


def unknown_unit(catalog: Catalog, u: Understanding) -> Result:
    """A unit the store holds no document of: the nearest names it does hold, to ask again with."""
    near = catalog.similar_units(u.unknown_unit or "")
    region = f"，也没有{u.unknown_region}的预算文件" if u.unknown_region else ""
    answer = f"图谱中没有“{u.unknown_unit}”{region}。"
    answer += f"相近的单位：{'、'.join(catalog.unit_label(i) for i in near)}。" if near else "可以换用单位全称或简称再问。"
    return Result("not_found", answer, u.intent,
                  suggestions=[u.text.replace(u.unknown_unit or "", catalog.unit_label(i), 1) for i in near])


def quoted(items: list[str]) -> str:
    return "".join(f"“{item}”" for item in items)


def failed(error: Exception, u: Understanding) -> Result:
    """A template or engine failure must not look like an answer."""
    return Result("not_understood", f"无法回答这个问题（{type(error).__name__}）。", u.intent)


def unknown_region(catalog: Catalog, u: Understanding) -> Result:
    return Result("not_found", f"图谱中没有{u.unknown_region}的预算文件，无法回答。现有地区："
                  + "、".join(sorted(catalog.regions)) + "。", u.intent)


def unknown_code(u: Understanding) -> Result:
    return Result("not_found", f"图谱中没有编码为{u.unknown_code}的单位或科目。", u.intent)


def which_unit(catalog: Catalog, u: Understanding) -> Result | None:
    """None when the question names a few units; otherwise the choices it could mean."""
    if not u.units:
        # a budget question that names no unit could be about any of them: offer the choices
        choices = [catalog.unit_label(i) + u.text for i in list(catalog.units)[:12]]
        shown = catalog.examples(2)
        return Result("ambiguous", "问题没有说明是哪个单位。可以用全称、简称或单位代码" + (f"，例如{quoted(shown)}" if shown else "")
                      + "。", u.intent, suggestions=choices)
    if len(u.units) > MAX_UNITS:
        mention = u.unit_mentions[0].text if u.unit_mentions else ""
        return Result("ambiguous", f"“{mention}”可以指{len(u.units)}个单位，请说得更具体一些。", u.intent,
                      suggestions=[u.text.replace(mention, catalog.unit_label(i), 1) if mention else catalog.unit_label(i)
                                   for i in u.units[:20]])
    return None
