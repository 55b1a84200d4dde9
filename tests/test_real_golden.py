"""Real published disclosures (tests/data/real/), each read from its original format and checked
against figures read by eye from the document (tests/golden/real/*.json).

A golden figure is found when the document yields a figure of that table (title), row (subject
code, or row label), column (the last heading of its header path) and value as printed, in the
money unit the table's 单位 line states.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetkg.ingest.facts import Fact, ParsedDocument
from budgetkg.ingest.parse import parse_file
from budgetkg.ontology.terms import normalize

HERE = Path(__file__).parent
REAL = HERE / "data" / "real"
GOLDEN = sorted((HERE / "golden" / "real").glob("*.json"))
PHASE_LEAVES = {"决算数": "final", "预算数": "budget", "年初预算数": "budget", "全年预算数": "budget"}
FIGURE_DROPPING = re.compile(r"skipped|not recognised|cannot be placed|not a well-formed|not read")


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_file(REAL / name)


def golden(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _key(text: str | None) -> str:
    """Compare form of a title, row label or heading: no numbering, spaces, quotes or brackets' width."""
    text = normalize(text or "")
    text = re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)])", "", text)
    return text.replace("（", "(").replace("）", ")")


def _table_title(document: ParsedDocument, number: int) -> str:
    return next((t.title for t in document.tables if t.number == number), "")


def matches(document: ParsedDocument, fact: Fact, figure: dict) -> bool:
    if fact.printed is None or fact.printed != Decimal(figure["value"]) or fact.money != figure["unit"]:
        return False
    if _key(figure["table"]) not in _key(_table_title(document, fact.table)) and \
            _key(_table_title(document, fact.table)) not in _key(figure["table"]):
        return False
    if figure.get("code"):
        if fact.subject is None or fact.subject.code != figure["code"]:
            return False
    elif figure.get("row"):
        row = _key(figure["row"])
        if _key(fact.row_label) != row and not (fact.project and _key(fact.project.name) == row):
            return False
    if figure.get("column") is None:
        return True  # a project form's label/value cells have no column heading
    path = figure["column"].split("/")
    if len(path) > 1 and path[-1] in PHASE_LEAVES:  # "本年收入合计/决算数": the phase, then the heading above it
        if fact.phase != PHASE_LEAVES[path[-1]]:
            return False
        path = path[:-1]
    leaf = _key(path[-1])
    return leaf in _key(fact.column_label) or _key(fact.column_label.split("/")[-1]) in leaf


CASES = [(path.stem, index) for path in GOLDEN for index in range(len(golden(path)["figures"]))]


@pytest.mark.parametrize("stem,index", CASES, ids=[f"{s}-{i}" for s, i in CASES])
def test_golden_figure(stem: str, index: int) -> None:
    data = golden(HERE / "golden" / "real" / f"{stem}.json")
    figure = data["figures"][index]
    document = parsed(data["file"])
    found = [f for f in document.facts if matches(document, f, figure)]
    assert found, f"{data['file']} p.{figure.get('page')}: {figure['table']} / {figure['row']} / {figure['column']} = {figure['value']} {figure['unit']} not found"


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_cover(path: Path) -> None:
    data = golden(path)
    document = parsed(data["file"])
    cover = data["cover"]
    assert (document.unit.name, document.year, document.kind, {"budget": "预算", "final": "决算"}[document.phase], document.region_name) == \
        (cover["unit"], cover["year"], cover["kind"], cover["phase"], cover["region"])


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_no_figure_is_dropped(path: Path) -> None:
    data = golden(path)
    document = parsed(data["file"])
    broken = {int(line) for line in data.get("broken", {})}  # lines the document itself prints garbled
    dropping = [str(w) for w in document.warnings if FIGURE_DROPPING.search(w.message) and w.line not in broken]
    assert not dropping, dropping[:10]


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_units_and_their_parents(path: Path) -> None:
    data = golden(path)
    document = parsed(data["file"])
    names = {_key(u.name): u for u in document.units.values()}
    for listed in data["units"]:
        unit = names.get(_key(listed["name"]))
        assert unit is not None, f"{listed['name']} not among {sorted(names)}"
        assert unit.parent is not None and _key(unit.parent.name) == _key(listed["parent"]), (listed, unit.parent)


@pytest.mark.parametrize("name,unit,count,some", [
    # "设12个内设机构，包括：办公室、政治处、…" in one sentence, wrapped over PDF lines
    ("shanghai_putuo_sfj_2026_unit_budget.pdf", "上海市普陀区司法局", 12, ["办公室", "公共法律服务管理科（律师公证工作科）"]),
    # "内设10个职能科室" followed by "（一）秘书科（联络科）。…" paragraphs
    ("shanghai_putuo_qzfb_2025_unit_budget.pdf", "上海市普陀区人民政府办公室", 10, ["秘书科（联络科）", "区域合作科"]),
    # a name with 和 inside brackets stays one name
    ("shanghai_putuo_sww_2025_dept_budget.pdf", "上海市普陀区商务委员会", 9, ["市场秩序科（粮食和物资储备科）"]),
])
def test_internal_bodies(name: str, unit: str, count: int, some: list[str]) -> None:
    found = next(u for u in parsed(name).units.values() if u.name == unit)
    assert found.internal_count == count
    assert len(found.internal_bodies) == count
    assert set(some) <= set(found.internal_bodies)


def test_procurement_and_its_parts_from_the_text():
    """"政府采购金额（以合同签订为准）为372.34万元，其中：货物采购金额8.57万元、工程采购金额0.00万元、…"."""
    document = parsed("shanghai_putuo_sthj_2025_dept_final.txt")
    stated = {tuple(d.notation for d in f.details): f.amount for f in document.facts
              if f.table == 0 and f.dims["measure"].notation == "procurement"}
    assert stated == {(): Decimal("372.34"), ("goods",): Decimal("8.57"), ("works",): Decimal("0.00"),
                      ("services",): Decimal("363.77")}


def test_a_change_stated_after_a_comparison_clause_keeps_the_figure_before_it():
    """"…收入支出总计19,044.27万元。与2024年度相比，收入支出总计增加100.46万元，增长0.53%"."""
    document = parsed("shanghai_putuo_shiquan_2025_dept_final.txt")
    change = next(c for c in document.changes if c.topic == "收入支出总计")
    assert (change.amount, change.change, change.rate) == (Decimal("19044.27"), Decimal("100.46"), Decimal("0.53"))


@pytest.mark.parametrize("name", ["shanghai_putuo_shiquan_2026_unit_budget.txt", "shanghai_putuo_wanli_2024_dept_budget.pdf"])
def test_a_path_names_the_item_under_its_own_kuan(name: str):
    """"“一般公共服务支出(类）-组织事务（款）-一般行政管理事务（项）”2026年度预算103.35万元…": the 一般行政管理事务
    of 组织事务 (2013202), not of the first 款 that has one; every 款 of the paths keeps its own."""
    document = parsed(name)
    codes = {c.subject.code for c in document.changes if c.subject is not None and c.subject.label == "一般行政管理事务"}
    assert {code for code in codes if code.startswith("201")} == {"2012902", "2013202", "2013302", "2013402", "2013802"}


def test_internal_body_names_split_where_two_names_meet():
    from budgetkg.ingest.members import _split_names

    assert _split_names("办公室、人民参与和促进法治科和市场秩序科（粮食和物资储备科）") == \
        ["办公室", "人民参与和促进法治科", "市场秩序科（粮食和物资储备科）"]
    assert _split_names("接待科、外联科和秘书科") == ["接待科", "外联科", "秘书科"]
