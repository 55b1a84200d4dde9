"""budgetkg check as a disclosure auditor (query/audit): each rule finds an error planted in a copy of a
real document, and the unaltered document gives no error of that rule; the report's formats, the
command line, the unit page's findings, and the evidence ingest keeps for the check."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, TESTS, corpus_file

from budgetkg import cli
from budgetkg.ingest.pipeline import ingest
from budgetkg.query.audit import RULES, AuditReport, UnknownRule, audit, default_rules, evidence
from budgetkg.stores import open_store

REAL = TESTS / "data" / "real"


def real(name: str) -> Path:
    return REAL / f"shanghai_putuo_{name}"


@dataclass(frozen=True)
class Plant:
    """An error planted in a copy of documents[which]: each `old` replaced (once) by its `new`."""

    rule: str
    documents: tuple[Path, ...]
    edits: tuple[tuple[str, str], ...]
    severity: str  # of the finding the rule makes of it
    says: str  # words of its message
    which: int = 0


F000, F001, F002, F004 = (corpus_file(p) for p in ("000", "001", "002", "004"))
WLJ = (real("wlj_2025_dept_final.txt"), real("wlj_2026_dept_budget.txt"))
EXPLAINED_GOVFUND = ("注：池州市政务服务便民热线中心没有政府性基金预算拨款收入，也没有政府性基金预算拨款安排的支出，故本表无数据。",
                     "池州市政务服务便民热线中心 2024 年没有政府性基金\n\n预算拨款收入，也没有使用政府性基金预算拨款安排的支出。")
PLANTS = [
    # a 项 of the 支出总表 no longer adds up to its 款
    Plant("total-parts", (F004,), (("2210201\t住房公积金\t14.79\t14.79", "2210201\t住房公积金\t41.79\t41.79"),),
          "error", "住房改革支出 | 合计 = Σ 2 subjects below it"),
    # the 收支总表 prints a 类 one way, the 支出总表 another
    Plant("same-figure", (F004,), (("十九、住房保障支出\t22.19", "十九、住房保障支出\t32.19"),),
          "error", "is 32.19 万元 in table 1 and 22.19 万元 in table 3"),
    # the text's 本年收入 is not the 收支总表's
    Plant("text-table", (F004,), (("其中，本年收入 539.15 万元", "其中，本年收入 593.15 万元"),),
          "error", "the text states 593.15 万元 for 本年收入"),
    # the text's 本年收入 in 元 under the word 万元
    Plant("money-unit", (F004,), (("其中，本年收入 539.15 万元", "其中，本年收入 5391500 万元"),),
          "error", "10,000 times apart"),
    # 0.50 more than 1.00 is not 60% more
    Plant("text-change", (F000,), (("同比增加0.50万元，同比增长50.00%", "同比增加0.50万元，同比增长60.00%"),),
          "warning", "0.50 ÷ (1.50 − 0.50) = 50.00%, the text says 60"),
    # 60.66 of 176.20 is not 43.43%
    Plant("text-execution", (F001,), (("完成年初预算的34.43%", "完成年初预算的43.43%"),),
          "warning", "60.66 ÷ 176.20 = 34.43%, the text says 43.43%"),
    # 844.09 of 1,113.42 is not 57.81%
    Plant("text-share", (F000,), (("基本支出预算844.09万元，占支出总预算75.81%", "基本支出预算844.09万元，占支出总预算57.81%"),),
          "warning", "844.09 ÷ 支出总预算 1,113.42 = 75.81%, the text says 57.81%"),
    # the 决算's 年初预算 is not what the 预算 document budgeted
    Plant("final-budget", (F000, F001), (("构事务（款）行政运行（项）年初预算为176.20万元", "构事务（款）行政运行（项）年初预算为167.20万元"),),
          "warning", "the 决算's 年初预算 is 167.20 万元, the 预算 document says 176.20 万元", which=1),
    # 比2025年预算增加37.45万元 puts 2025 at 27,770.16, and the 2025 决算 says its 年初预算 was 27,780.16
    Plant("previous-year", WLJ, (("预算拨款支出预算27,807.61万元，比2025年预算增加27.45万元", "预算拨款支出预算27,807.61万元，比2025年预算增加37.45万元"),),
          "warning", "put 2025 at 27,770.16 万元, that year's document prints 27,780.16 万元", which=1),
    # the unit's own 预算 and its department's disagree on its 行政运行
    Plant("department-units", (F002, F000), (("2010301\t\t行政运行\t176.20\t0.00\t176.20", "2010301\t\t行政运行\t186.20\t0.00\t186.20"),),
          "warning", "the department's document says 176.20 万元 for the unit, the unit's own document 186.20 万元", which=1),
    # a 决算 without the template's 国有资本经营预算 table
    Plant("required-tables", (F001,), (("\n国有资本经营预算财政拨款支出决算表\n", "\n国有资本经营预算财政拨款支出情况\n"),),
          "error", "lacks the template's 国有资本经营预算财政拨款收入支出决算表"),
    # an empty 政府性基金 table whose note and text no longer say why
    Plant("empty-table", (F004,), ((EXPLAINED_GOVFUND[0], ""), (EXPLAINED_GOVFUND[1], "2024 年政府性基金预算支出见上表。")),
          "warning", "政府性基金预算支出表” has no figures and no note or sentence saying why"),
    # a table header names the unit otherwise than the cover
    Plant("unit-name", (F000,), (("单位名称：103007柳州市12345政务服务热线管理中心", "单位名称：103007柳州市12345市民热线管理中心"),),
          "warning", "the table names the unit “柳州市12345市民热线管理中心”, the cover “柳州市12345政务服务热线管理中心”"),
    # 221 printed with a name that is not its name in the national list
    Plant("code-name", (F004,), (("221\t住房保障支出\t22.19\t22.19", "221\t住房支出\t22.19\t22.19"),),
          "warning", "功能分类 221 is printed “住房支出”, its name is “住房保障支出”"),
    # a 功能分类 code of no 类
    Plant("code-unknown", (F004,), (("2210201\t住房公积金\t14.79", "2990201\t住房公积金\t14.79"),),
          "error", "功能分类 2990201 is not a code of the national list (no 类 299)"),
]

_AUDITS: dict[tuple[Path, ...], AuditReport] = {}


def audited(paths: tuple[Path, ...], rules: list[str] | None = None) -> AuditReport:
    """The audit of these documents alone (memory store); originals are audited once, with every rule."""
    if rules is None and paths in _AUDITS:
        return _AUDITS[paths]
    store = open_store("memory")
    reports = ingest(store, list(paths))
    assert all(r.error is None for r in reports), [r.error for r in reports]
    report = audit(store, rules)
    if rules is None:
        _AUDITS[paths] = report
    return report


def planted_copy(plant: Plant, folder: Path) -> tuple[Path, ...]:
    source = plant.documents[plant.which]
    text = source.read_text(encoding="utf-8")
    for old, new in plant.edits:
        assert old in text, f"{source.name} does not say {old!r}"
        text = text.replace(old, new, 1)
    copy = folder / f"planted_{source.name}"
    copy.write_text(text, encoding="utf-8")
    return tuple(copy if i == plant.which else p for i, p in enumerate(plant.documents))


def test_every_rule_has_a_planted_error():
    assert {p.rule for p in PLANTS} == set(default_rules())
    assert "shacl" in RULES and "shacl" not in default_rules()


@pytest.mark.parametrize("plant", PLANTS, ids=[p.rule for p in PLANTS])
def test_rule_finds_the_planted_error_and_not_in_the_original(plant, tmp_path):
    original = audited(plant.documents)
    assert not [f for f in original.findings if f.rule == plant.rule and f.severity == "error"], \
        [f.message for f in original.findings if f.rule == plant.rule]
    assert original.checked[plant.rule] > 0 or plant.rule in ("empty-table",), f"{plant.rule} compared nothing"
    paths = planted_copy(plant, tmp_path)
    report = audited(paths, [plant.rule])
    found = [f for f in report.findings if f.rule == plant.rule and plant.says in f.message]
    assert found, [f.message for f in report.findings]
    assert found[0].severity == plant.severity
    assert any(p.file == paths[plant.which].name for p in found[0].places)  # it points at the planted document
    assert all(p.line > 0 for p in found[0].places)
    assert report.has_errors == (plant.severity == "error")


# ---------------------------------------------------------------- the real documents' own findings
@pytest.fixture(scope="module")
def sfj_unit() -> AuditReport:
    return audited((real("sfj_2026_unit_budget.pdf"),))


def test_a_real_document_error_is_found_once_with_the_figure_it_turns_on(sfj_unit):
    """The PDF prints 64,840,547.00 元 as 行政运行's 项目支出 (it is 0.00): 司法 = Σ项 and 行政运行 = 基本 + 项目
    both fail by that much, in table 3 and again in table 5: one finding per table, led by that figure."""
    wrong = [f for f in sfj_unit.findings if f.rule == "total-parts" and f.severity == "error"]
    assert len(wrong) == 2 and {f.places[0].table for f in wrong} == {3, 5}
    for finding in wrong:
        assert finding.places[0].text.startswith("行政运行 |") and finding.places[0].figure == Decimal("64840547.00")
        assert "through the figure they share" in finding.message and finding.difference == Decimal("-6484.0547")


def test_the_text_against_its_own_tables_and_operands(sfj_unit):
    """The text gives 行政单位离退休 as 56.12 and as 57.8 (the table: 56.124), and 购房补贴 as 207 and 170.03."""
    text_table = {f.places[0].line: f for f in sfj_unit.findings if f.rule == "text-table"}
    assert {f.places[0].figure for f in text_table.values()} == {Decimal("57.8"), Decimal("170.03")}
    changes = [f.message for f in sfj_unit.findings if f.rule == "text-change"]
    assert any(m.startswith("行政运行: (1,434.89 − 1,690.69) ÷ 1,690.69 = -15.13%") for m in changes), changes
    # "比2025年预算执行数减少2.27%" holds for the 56.12 the text also states: the 57.8 is reported, not the rate
    assert not any(m.startswith("行政单位离退休") for m in changes)
    # printed to two decimals in the text, to the 元 in the tables: 2,170.39 is 21,703,947.00 元
    assert not [f for f in sfj_unit.findings if f.rule in ("text-table", "same-figure") and f.severity == "hint"]


def test_the_text_read_as_printed():
    """建委 2026: "建设市场管理与监督（项）3，518.85万元" writes its thousands with a full-width comma (not 518.85);
    "一般公共预算拨款支出预算49,376万元" is 493,761,082.20 元 rounded to the 万元; "收入预算328,661万元" for
    3,286,618,082.20 元 cuts the decimals off (328,662 when rounded): a warning."""
    report = audited((real("jgw_2026_dept_budget.txt"),))
    text_table = [f for f in report.findings if f.rule == "text-table"]
    assert not [f for f in text_table if "建设市场管理与监督" in f.message], [f.message for f in text_table]
    assert not [f for f in text_table if f.places[0].figure == Decimal("49376")]
    assert {f.places[0].figure for f in text_table} == {Decimal("328661")}
    assert {f.severity for f in text_table} == {"warning"}


def test_one_wrong_figure_of_the_text_is_one_finding():
    """石泉路 2025 决算: the text gives 统计信息事务 20.04 twice in one paragraph (the table: 23.42), one finding
    with both lines; it gives 职业年金 257.14, then 支出决算 245.53 and 完成年初预算的93.57%, which is 257.14 ÷
    274.82: the 245.53 is the text-table error, the rate is not reported again."""
    report = audited((real("shiquan_2025_dept_final.txt"),))
    statistics = [f for f in report.findings if f.rule == "text-table" and "统计信息事务" in f.message]
    assert len(statistics) == 1 and [p.line for p in statistics[0].places] == [619, 213, 620]
    assert [f.places[0].line for f in report.findings if f.rule == "text-table" and f.severity == "hint"] == [698]
    assert any(f.rule == "text-table" and f.places[0].figure == Decimal("245.53") for f in report.findings)
    assert not [f for f in report.findings if f.rule == "text-execution"], \
        [f.message for f in report.findings if f.rule == "text-execution"]


def test_a_name_wrapped_over_lines_is_not_another_name():
    """生态环境局 2025 决算 (text of a PDF): cells wrapped over two lines come out interleaved with the row
    above ("险机缴关费事支业出单位职业年金缴"); every character of the name is there: no code-name hint.  A name
    with other words still is one (石泉路 2025 决算 prints 20805 as 行政事业单位离退休, its former name)."""
    from budgetkg.query.audit.rules import _wrapped

    assert _wrapped("险机缴关费事支业出单位职业年金缴", "机关事业单位职业年金缴费支出")
    assert not _wrapped("行政事业单位离退休", "行政事业单位养老支出")
    assert not _wrapped("住房支出", "住房保障支出")
    report = audited(tuple(sorted(CORPUS.glob("*.txt"))) + (real("sthj_2025_dept_final.txt"),), ["code-name"])
    assert not [f for f in report.findings if f.places[0].file.startswith("shanghai_putuo_sthj")], \
        [f.message for f in report.findings]


def test_rounding_is_a_hint_and_one_problem_is_one_finding():
    report = audited(tuple(sorted(CORPUS.glob("*.txt"))))
    # 002's 政府采购预算表: 项目类型 合计 prints 0.00 beside 资金类型 合计 78.45 and 集中 + 分散 = 78.45: one finding
    procurement = [f for f in report.findings if f.places[0].file.startswith("002_") and f.places[0].line == 599
                   and f.severity != "hint"]  # (its 集中采购 小计 is also 0.01 off its 货物 + 服务: a hint)
    assert [f.rule for f in procurement] == ["total-parts"] and procurement[0].severity == "error"
    assert "政府采购资金类型/合计 prints 78.45" in procurement[0].message and len(procurement[0].places) == 4
    # 1,113.42 stated, 1,113.41 added up: a hint; 463.30 against 16 items adding up to 463.33: a warning
    assert all(f.severity == "hint" for f in report.findings if f.difference is not None and abs(f.difference) <= Decimal("0.01"))
    assert any(f.severity == "warning" and "463.30" in f.message for f in report.findings)
    assert not report.errors and report.documents == 5


# ---------------------------------------------------------------- the report and the command
def test_report_formats(tmp_path):
    report = audited((F000,))
    assert report.text().startswith("budgetkg check: FOUND 1 error — 1 document; 1 errors,")
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["ok"] is False and data["summary"]["error"] == 1 and data["by_rule"]["total-parts"]["error"] == 1
    assert {p["file"] for f in data["findings"] for p in f["places"]} == {F000.name}
    rows = list(csv.DictReader(io.StringIO(report.csv())))
    assert len(rows) == len(report.findings)
    error = next(r for r in rows if r["severity"] == "error")
    assert error["rule"] == "total-parts" and error["line"] == "452" and error["figure"] == "0"
    assert error["other_line"] == "452" and error["other_figure"] == "0" and error["difference"] == "-1.5"


def test_unknown_rule():
    with pytest.raises(UnknownRule, match="no-such-rule"):
        audit(open_store("memory"), ["no-such-rule"])


def test_check_command(monkeypatch, capsys):
    store = open_store("memory")
    ingest(store, [F000])
    monkeypatch.setattr(cli, "open_store", lambda spec=None, **options: store)
    assert cli.main(["check"]) == 1  # 000's 政府采购预算表
    assert capsys.readouterr().out.startswith("budgetkg check: FOUND 1 error")
    assert cli.main(["check", "--rules", "text-change,text-share", "--format", "json"]) == 0  # none found: exit 0
    data = json.loads(capsys.readouterr().out)
    assert data["rules"] == ["text-change", "text-share"] and data["ok"] is True
    assert cli.main(["check", "--rules", "total-parts", "--rules", "unit-name", "--format", "csv"]) == 1
    assert capsys.readouterr().out.startswith("rule,severity,message,")
    assert cli.main(["check", "--rules", "nothing"]) == 2
    assert "unknown rule nothing" in capsys.readouterr().err
    assert cli.main(["check", "--list-rules"]) == 0
    listed = capsys.readouterr().out
    assert all(rule in listed for rule in RULES) and "(asked for)" in listed


def test_shacl_is_a_rule_asked_for():
    from test_check import tiny_store

    store = tiny_store([{"measure": "income", "amount": "", "line": 1}])  # an observation without an amount
    report = audit(store, ["shacl"])
    assert report.has_errors and any(f.rule == "shacl" and f.severity == "error" and "amount" in f.message
                                     for f in report.findings)
    assert not audit(store, ["code-unknown"]).findings


# ---------------------------------------------------------------- the evidence ingest keeps
def test_ingest_keeps_the_evidence_the_check_reads(monkeypatch):
    """Made from the N-Quads where the document is parsed, or read back from the store: the same evidence."""
    kept: dict[str, bytes] = {}
    store = open_store("memory")
    ingest(store, [F001], extract=evidence.extract, extracted=lambda graph, data: kept.__setitem__(graph, data))
    (graph, data), = kept.items()
    import pickle

    made = pickle.loads(data)
    read = evidence.from_quads(graph, __import__("pyoxigraph").parse(store.dump(evidence.NQ, graph), format=evidence.NQ))
    assert made.facts == read.facts and [c.key for c in made.cells] == [c.key for c in read.cells]
    assert [(c.amount, c.line, c.obs.values) for c in made.cells] == [(c.amount, c.line, c.obs.values) for c in read.cells]
    assert len(made.reconciled.rounding) == len(read.reconciled.rounding) and made.changes == read.changes
    evidence.remember(graph, data)
    monkeypatch.setattr(evidence, "from_quads", lambda *a: pytest.fail("the kept evidence was not used"))
    assert evidence.gather(store).read == 0


# ---------------------------------------------------------------- the unit page
def test_unit_page_findings(corpus_store):
    from dataclasses import replace

    from conftest import SETTINGS
    from fastapi.testclient import TestClient

    from budgetkg.api.app import create_app

    with TestClient(create_app(replace(SETTINGS, query_workers=1), store=corpus_store)) as client:
        response = client.get("/api/units/450200/103007/findings")
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["name"] == "柳州市12345政务服务热线管理中心" and data["documents"] == 5
        assert data["summary"]["error"] >= 1 and data["findings"][0]["severity"] == "error"
        first = data["findings"][0]
        assert first["rule"] == "total-parts" and "政府采购项目类型/合计" in first["message"]
        assert {p["file"][:3] for f in data["findings"] for p in f["places"]} <= {"000", "001", "002"}
        assert client.get("/api/units/nothing-here/findings").status_code == 404
        assert client.get("/api/units/450200/103007").json()["name"] == data["name"]  # the unit's own route still answers
