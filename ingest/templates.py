"""The standard tables' columns, as data: headings in order, and which heading is the total of
which, for the Shanghai 预算 tables and the national 部门决算 tables.

A text-layout table (text extracted from a PDF) prints its header flattened line by line in no
useful order, so its columns cannot be read from it; a table of a standard template is
recognised by its title and header words instead, and its columns come from here.  The
headings also say what a row's figures must satisfy: a child named 合计/小计 is the sum of its
siblings (per 预算数/决算数 where headings split in two), and `relations` turns that into the
linear relations the placement of dropped blank cells relies on.
"""
from __future__ import annotations

from dataclasses import dataclass

from budgetkg.ingest.layout import Block
from budgetkg.ontology.terms import normalize


@dataclass(frozen=True)
class Heading:
    """A column heading and the headings under it; a child named 合计/小计 is the total of its
    siblings, and 预算数/决算数 children split every heading above them in two."""

    text: str
    children: tuple[Heading, ...] = ()


def head(text: str, *children: Heading | str) -> Heading:
    """A heading written compactly: head("支出预算", "合计", "基本支出", "项目支出")."""
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
_SPENDING = ("合计", "基本支出", "项目支出")
_PHASES = ("预算数", "决算数")


def _sangong_final(*leaf: str) -> tuple[Heading, ...]:
    """The 决算 三公 table's headings, each split into `leaf` (预算数, 决算数) or not."""
    return (head("合计", *leaf), head("因公出国（境）费", *leaf),
            head("公务用车购置及运行维护费", head("小计", *leaf), head("公务用车购置费", *leaf), head("公务用车运行维护费", *leaf)),
            head("公务接待费", *leaf))


def _fund_final(title: str) -> Template:
    """The 决算 tables of 政府性基金 and 国有资本经营 money: balance, income, spending, balance."""
    return Template((title,), ("年初结转和", "本年收入", "本年支出", "年末结转和"), "codes",
                    (head("年初结转和结余"), head("本年收入"), head("本年支出", *_SPENDING), head("年末结转和结余")))


TEMPLATES: tuple[Template, ...] = (
    # the Shanghai 预算 tables (部门预算 and 单位预算)
    Template(("财务收支",), ("人员经费", "公用经费"), "pairs",
             (head("本年收入", "预算数"), head("本年支出", head("预算数", "合计", head("基本支出", "人员经费", "公用经费"), "项目支出")))),
    Template(("财务收支",), ("本年收入", "本年支出"), "pairs", (head("本年收入", "预算数"), head("本年支出", "预算数"))),
    Template(("收入预算总表",), ("财政拨款收入", "事业收入", "其他收入"), "codes",
             (head("收入预算", "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"),)),
    Template(("支出预算总表",), ("基本支出", "项目支出"), "codes", (head("支出预算", *_SPENDING),)),
    Template(("财政拨款收支",), ("一般公共预算", "政府性基金预算", "国有资本经营预算"), "pairs",
             (head("财政拨款收入", "预算数"), head("财政拨款支出", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")),
             not_title=("决算",)),
    Template(("一般公共预算支出功能分类",), ("基本支出", "项目支出"), "codes", (head("一般公共预算支出", *_SPENDING),)),
    Template(("政府性基金预算支出功能分类",), ("基本支出", "项目支出"), "codes", (head("政府性基金预算支出", *_SPENDING),)),
    Template(("国有资本经营预算支出功能分类",), ("基本支出", "项目支出"), "codes", (head("国有资本经营预算支出", *_SPENDING),)),
    Template(("基本支出", "经济分类"), ("人员经费", "公用经费"), "codes", (head("一般公共预算基本支出", "合计", "人员经费", "公用经费"),)),
    Template(("三公", "机关运行经费"), ("购置费", "运行费"), "row",
             (head("“三公”经费预算数", "合计", "因公出国(境)费", "公务接待费", head("公务用车购置及运行费", "小计", "购置费", "运行费")),
              head("机关运行经费预算数"))),
    # the national 部门决算 tables
    Template(("收入支出决算总表",), ("收入", "支出"), "pairs", (head("收入", "决算数"), head("支出", "决算数")), not_title=("财政拨款",)),
    Template(("收入决算表",), ("本年收入合计", "财政拨款收入", "上级补助", "事业收入", "经营收入", "附属单位", "其他收入"), "codes",
             (head("", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),),
             not_title=("支出",)),
    Template(("支出决算表",), ("本年支出合计", "基本支出", "项目支出", "上缴上级", "经营支出", "对附属单位"), "codes",
             (head("", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),),
             not_title=("收入", "一般公共", "政府性基金", "国有资本", "三公", "基本支出")),
    Template(("财政拨款收入支出决算总表",), ("收入", "支出"), "pairs",
             (head("收入", "决算数"), head("支出", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"))),
    Template(("一般公共预算财政拨款支出决算表",), ("基本支出", "项目支出"), "codes", (head("本年支出", *_SPENDING),),
             not_title=("基本支出",)),
    Template(("基本支出决算",), ("决算数",), "groups", (head("决算数"),)),
    Template(("基本支出决算",), ("金额",), "groups", (head("金额"),)),
    Template(("三公", "决算"), ("预算数决算数预算数决算数",), "row", (head("财政拨款“三公”经费", *_sangong_final(*_PHASES)),)),
    Template(("三公", "决算"), ("预算数", "决算数"), "row", tuple(head(phase, *_sangong_final()) for phase in _PHASES)),
    _fund_final("政府性基金预算财政拨款收入支出决算表"),
    _fund_final("国有资本经营预算财政拨款收入支出决算表"),
    Template(("国有资本经营预算财政拨款支出决算表",), ("基本支出", "项目支出"), "codes", (head("本年支出", *_SPENDING),)),
)


def template_for(block: Block) -> Template | None:
    """The first template whose title and header words the block has."""
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
