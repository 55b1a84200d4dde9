"""Every format goes in the same way: a PDF, its workbook (.xlsx, .xls) and its web page (UTF-8, GBK)
give the same table figures; scans, locked and damaged files are refused by name, the store unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_file

from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.parse import parse_file
from budgetkg.ingest.pipeline import ingest
from budgetkg.stores import open_store

HERE = Path(__file__).parent
FORMATS = HERE / "data" / "formats"
SOURCE = HERE / "data" / "real" / "shanghai_putuo_sfj_2026_dept_budget.pdf"


def table_figures(path: Path) -> set[tuple]:
    """What a document's tables say, independent of line numbers: table title, subject, row, column, figure."""
    document = parse_file(path)
    titles = {t.number: t.title for t in document.tables}
    return {(titles[f.table], f.subject.code if f.subject else None, f.row_label, f.column_label, f.printed, f.money,
             tuple(sorted((k, v.notation) for k, v in f.dims.items())))
            for f in document.facts if f.table > 0}


@pytest.fixture(scope="module")
def pdf_figures() -> set[tuple]:
    return table_figures(SOURCE)


@pytest.mark.parametrize("name", ["sfj_2026_dept_budget.xlsx", "sfj_2026_dept_budget.xls",
                                  "sfj_2026_dept_budget.html", "sfj_2026_dept_budget.gbk.html"])
def test_workbooks_and_web_pages_give_the_pdfs_figures(name, pdf_figures):
    figures = table_figures(FORMATS / name)
    assert len(pdf_figures) > 300
    assert figures == pdf_figures, (sorted(pdf_figures - figures)[:5], sorted(figures - pdf_figures)[:5])


@pytest.mark.parametrize("name", ["sfj_2026_dept_budget.xlsx", "sfj_2026_dept_budget.html"])
def test_the_cover_is_read_from_any_format(name):
    document = parse_file(FORMATS / name)
    assert (document.unit.name, document.year, document.kind, document.phase, document.region_code) == \
        ("上海市普陀区司法局", 2026, "部门", "budget", "310107")


def test_pdf_figures_cite_their_page():
    document = parse_file(SOURCE)
    income = next(f for f in document.facts if f.row_label == "收入总计")
    assert (income.page, income.printed, income.money, str(income.amount)) == (10, income.printed, "元", "9628.221344")


@pytest.mark.parametrize("name,message", [
    ("scanned.pdf", "scanned PDF"),
    ("encrypted.pdf", "password-protected"),
    ("broken.pdf", "damaged or cut short"),
    ("notpdf.pdf", "not a PDF"),
])
def test_unreadable_pdfs_are_refused_clearly_and_change_nothing(name, message):
    with pytest.raises(DocumentError, match=message):
        parse_file(FORMATS / name)
    store = open_store("memory")
    ingest(store, [corpus_file("003")])
    before = store.count()
    report = ingest(store, [FORMATS / name])[0]
    assert report.error and name in report.error and message in report.error
    assert store.count() == before


def test_a_folder_ingest_reads_every_format(tmp_path):
    for name in ("sfj_2026_dept_budget.xls",):
        (tmp_path / name).write_bytes((FORMATS / name).read_bytes())
    (tmp_path / "unit.pdf").write_bytes((HERE / "data" / "real" / "shanghai_putuo_sfj_2026_unit_budget.pdf").read_bytes())
    (tmp_path / "~$lock.xlsx").write_bytes(b"lock")
    reports = ingest(open_store("memory"), [tmp_path])
    assert sorted(r.path.name for r in reports) == ["sfj_2026_dept_budget.xls", "unit.pdf"]
    assert all(r.error is None for r in reports)


def test_tables_printed_side_by_side_are_read_as_two(tmp_path):
    """人员经费 and 公用经费 in two column groups of one grid, each with its own code and name columns."""
    path = tmp_path / "side.txt"
    path.write_text("长沙市某中心2024年单位预算\n2024年一般公共预算基本支出表\n单位：万元\n"
                    "人员经费\t\t\t公用经费\t\t\n科目编码\t科目名称\t金额\t科目编码\t科目名称\t金额\n"
                    "301\t工资福利支出\t100.00\t302\t商品和服务支出\t20.00\n"
                    "30101\t基本工资\t60.00\t30201\t办公费\t5.00\n"
                    "30102\t津贴补贴\t40.00\t30211\t差旅费\t15.00\n", encoding="utf-8")
    facts = {(f.subject.code, f.dims["exptype"].notation, str(f.printed)) for f in parse_file(path).facts if f.table}
    assert facts == {("301", "personnel", "100.00"), ("30101", "personnel", "60.00"), ("30102", "personnel", "40.00"),
                     ("302", "public", "20.00"), ("30201", "public", "5.00"), ("30211", "public", "15.00")}
