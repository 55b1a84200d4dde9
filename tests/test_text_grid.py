"""Text-layout tables rebuilt as grids: rows from the printed lines, columns from the standard
templates, figures placed by arithmetic and by what the document's other tables state."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetkg.ingest.layout import Block, Row
from budgetkg.ingest.parse import parse_file
from budgetkg.ingest.templates import TEMPLATES, leaf_paths, relations, template_for
from budgetkg.ingest.text_rows import code_items, group_items, pair_items, pieces

HERE = Path(__file__).parent
REAL = HERE / "data" / "real"
DROPPING = re.compile(r"skipped|not recognised|cannot be placed|not a well-formed|not read")


def lines(*texts: str, start: int = 1) -> list[Row]:
    return [Row(start + i, text.split()) for i, text in enumerate(texts)]


# ------------------------------------------------------------ tokens and rows
def test_pieces_cut_figures_and_codes_glued_to_labels():
    assert pieces("一、财政拨款收入 47,483,458一、社会保障和就业支出 6,397,096") == \
        ["一、财政拨款收入", "47,483,458", "一、社会保障和就业支出", "6,397,096"]
    assert pieces("2120501城乡社区环境卫生 7,948,400 7,948,400") == ["2120501", "城乡社区环境卫生", "7,948,400", "7,948,400"]
    assert pieces("301 01基本工资 2,724,912") == ["301", "01", "基本工资", "2,724,912"]
    assert pieces("收入总计3,000.50") == ["收入总计", "3,000.50"]
    assert pieces("2024年度预算") == ["2024年度预算"]


def test_split_codes_are_joined_as_lei_kuan_xiang():
    items = code_items(lines("208 社会保障和就业支出 6,397,096 6,397,096",
                             "208 05 行政事业单位养老支出 6,103,096 6,103,096",
                             "208 05 01 行政单位离退休 2,614,680 2,614,680"), set())
    assert [(i.code, i.text, i.figures) for i in items] == [
        ("208", "社会保障和就业支出", ["6,397,096", "6,397,096"]),
        ("20805", "行政事业单位养老支出", ["6,103,096", "6,103,096"]),
        ("2080501", "行政单位离退休", ["2,614,680", "2,614,680"])]


def test_wrapped_labels_are_put_back_around_their_row():
    """A PDF centres a long label on its row: lines above and below the line of figures."""
    items = code_items(lines("20805 行政事业单位离退休 1,281.95 1,240.49 41.46",
                             "机关事业单位基本养老保险",
                             "2080505 545.85 504.39 41.46",
                             "缴费支出",
                             "机关事业单位基",
                             "2080506 本养老保险缴费 257.14 257.14",
                             "支出",
                             "2080599 其他行政事业单位养老支出 5.43 5.43"), set())
    assert [(i.code, i.text) for i in items] == [
        ("20805", "行政事业单位离退休"), ("2080505", "机关事业单位基本养老保险缴费支出"),
        ("2080506", "机关事业单位基本养老保险缴费支出"), ("2080599", "其他行政事业单位养老支出")]


def test_a_code_alone_takes_the_name_and_figures_printed_after_it():
    items = code_items(lines("2010302 一般行政管理事务 121.23 121.23", "2010399", "其他政府办公厅（室）及相关机构事务", "支出",
                             "937.75 937.75", "208 社会保障和就业支出 24.12 24.12"), set())
    assert [(i.line, i.code, i.text, i.figures) for i in items][1] == (2, "2010399", "其他政府办公厅（室）及相关机构事务支出", ["937.75", "937.75"])
    assert len(items) == 3


def test_two_sided_lines_with_either_side_missing():
    items = pair_items(lines("一、财政拨款收入 47,483,458一、社会保障和就业支出 6,397,096",
                             "2. 政府性基金预算三、城乡社区支出 33,775,592",
                             "四、住房保障支出 5,871,730",
                             "二、事业收入",
                             "收入总计 47,483,458 支出总计 47,483,458"), (1, 1), False)
    assert [(i.side, i.text, i.figures) for i in items] == [
        (0, "一、财政拨款收入", ["47,483,458"]), (1, "一、社会保障和就业支出", ["6,397,096"]),
        (0, "2.政府性基金预算", []), (1, "三、城乡社区支出", ["33,775,592"]),
        (1, "四、住房保障支出", ["5,871,730"]),
        (0, "二、事业收入", []),
        (0, "收入总计", ["47,483,458"]), (1, "支出总计", ["47,483,458"])]


def test_two_sided_labels_wrapped_around_a_line():
    """The right label wraps around a line that holds the left label; the left one around a line
    that holds the right one; a label wraps around its own figures."""
    items = pair_items(lines("一、社会保障和就业",
                             "一、一般公共预算 493,761,082.20 16,067,196.24 16,067,196.24 0.00 0.00",
                             "支出",
                             "三、国有资本经营预",
                             "三、城乡社区支出 3,182,716,265.16 389,859,265.16 2,792,857,000.00 0.00",
                             "算",
                             "五、资源勘探工业信",
                             "62,000,000.00 62,000,000.00 0.00 0.00",
                             "息等支出"), (1, 4), False)
    assert [(i.side, i.text, len(i.figures)) for i in items] == [
        (0, "一、一般公共预算", 1), (1, "一、社会保障和就业支出", 4),
        (0, "三、国有资本经营预算", 0), (1, "三、城乡社区支出", 4),
        (1, "五、资源勘探工业信息等支出", 4)]


def test_row_numbers_are_dropped_where_the_header_has_them():
    items = pair_items(lines("一、一般公共预算财政拨款收入 1 1,165.30 一、一般公共服务支出 33 1,119.63 1,119.63 0.00 0.00",
                             "4 四、公共安全支出 36 0.00 0.00 0.00 0.00"), (1, 4), True)
    assert [(i.side, i.text, i.figures) for i in items] == [
        (0, "一、一般公共预算财政拨款收入", ["1,165.30"]), (1, "一、一般公共服务支出", ["1,119.63", "1,119.63", "0.00", "0.00"]),
        (1, "四、公共安全支出", ["0.00", "0.00", "0.00", "0.00"])]


def test_groups_printed_side_by_side_are_read_one_by_one():
    items = group_items(lines("301 工资福利支出 11,627.59 302 商品和服务支出 2,195.60",
                              "30103 奖金 916.98 30203 咨询费",
                              "人员经费合计 12,010.40 公用经费合计 2,195.60"))
    assert [(i.code, i.text, i.figures) for i in items] == [
        ("301", "工资福利支出", ["11,627.59"]), ("302", "商品和服务支出", ["2,195.60"]),
        ("30103", "奖金", ["916.98"]), ("30203", "咨询费", []),
        ("", "人员经费合计", ["12,010.40"]), ("", "公用经费合计", ["2,195.60"])]


# ------------------------------------------------------------ templates
def block(title: str, *header: str) -> Block:
    return Block(title, 1, "text", lines(*header))


def test_templates_are_recognised_by_title_and_header_words():
    spending = block("2026年部门支出预算总表", "项目 支出预算", "功能分类科目编码", "功能分类科目名称 合计 基本支出 项目支出", "类 款 项")
    assert leaf_paths(template_for(spending).values) == [["支出预算", "合计"], ["支出预算", "基本支出"], ["支出预算", "项目支出"]]
    fiscal = block("财政拨款收入支出决算总表", "收入 支出", "项目 决算数 项目 合计 一般公共预算财政拨款")
    assert template_for(fiscal).shape == "pairs" and len(leaf_paths(template_for(fiscal).values[1].children)) == 4
    assert template_for(block("2026年部门项目支出预算表", "项目名称 金额")) is None


def test_every_template_sums_its_totals():
    for template in TEMPLATES:
        width = sum(len(leaf_paths((side,))) for side in template.values)
        for relation in relations(template.values):
            assert all(0 <= column < width for column in relation) and sorted(relation.values())[-1] == 1


def test_sangong_relations_follow_the_nested_headings():
    budget = next(t for t in TEMPLATES if "机关运行经费" in t.title)
    assert relations(budget.values) == [{3: 1, 4: -1, 5: -1}, {0: 1, 1: -1, 2: -1, 3: -1}]
    final = next(t for t in TEMPLATES if t.header == ("预算数决算数预算数决算数",))
    found = relations(final.values)
    assert {0: 1, 2: -1, 4: -1, 10: -1} in found and {1: 1, 3: -1, 5: -1, 11: -1} in found  # 合计 = 出国 + 公务用车 + 接待
    assert {4: 1, 6: -1, 8: -1} in found  # 小计 = 购置费 + 运行维护费, 预算数


def test_basic_spending_with_parts_and_no_subtotal_is_their_sum():
    revenue = next(t for t in TEMPLATES if t.title == ("财务收支",) and "人员经费" in t.header)
    assert relations((revenue.values[1],)) == [{0: 1, 1: -1, 2: -1, 3: -1}]


# ------------------------------------------------------------ whole documents
DOCUMENT = """上海市普陀区2026年区级部门预算
预算主管部门：上海市普陀区测试局
2026年部门财务收支预算总表
编制部门：上海市普陀区测试局 单位：元
本年收入 本年支出
项目 预算数 项目 预算数
一、财政拨款收入 3,000,000一、社会保障和就业支出 1,000,000
1. 一般公共预算 3,000,000二、卫生健康支出 2,000,000
2. 政府性基金预算
3. 国有资本经营预算
二、事业收入
三、事业单位经营收入
四、其他收入
收入总计 3,000,000 支出总计 3,000,000
2026年部门收入预算总表
编制部门：上海市普陀区测试局 单位：元
项目 收入预算
功能分类科目编码
事业单位
功能分类科目名称 合计 财政拨款收入 事业收入 其他收入
经营收入
类 款 项
208 社会保障和就业支出 1,000,000 1,000,000
208 05 行政事业单位养老支出 1,000,000 1,000,000
210 卫生健康支出 2,000,000 2,000,000
210 11 行政事业单位医疗 2,000,000 2,000,000
合计 3,000,000 3,000,000
2026年部门支出预算总表
编制部门：上海市普陀区测试局 单位：元
项目 支出预算
功能分类科目编码
功能分类科目名称 合计 基本支出 项目支出
类 款 项
208 社会保障和就业支出 1,000,000 1,000,000
208 05 行政事业单位养老支出 1,000,000 1,000,000
210 卫生健康支出 2,000,000 1,000,000 1,000,000
210 11 行政事业单位医疗 1,000,000 1,000,000
210 07 计划生育事务 1,000,000 1,000,000
合计 3,000,000 2,000,000 1,000,000
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "test.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    return parse_file(path)


def figures(document, table: str, code: str) -> dict[str, str]:
    return {f.column_label: str(f.printed) for f in document.facts
            if table in next(t.title for t in document.tables if t.number == f.table) and (f.subject.code if f.subject else f.row_label) == code}


def test_a_blank_the_summary_table_states_places_the_income_figures(document):
    """Every 收入预算总表 row prints 合计 and one more figure; the 收支总表 says 事业收入, 事业单位
    经营收入 and 其他收入 are blank, so the second figure is 财政拨款收入, down the subject tree."""
    assert figures(document, "收入预算总表", "合计") == {"收入预算/合计": "3000000", "收入预算/财政拨款收入": "3000000"}
    assert figures(document, "收入预算总表", "21011") == {"收入预算/合计": "2000000", "收入预算/财政拨款收入": "2000000"}


def test_the_total_row_places_a_class_and_the_class_its_items(document):
    """合计's 基本支出 2,000,000 leaves 1,000,000 for 卫生健康 once 社会保障和就业 takes its share."""
    assert figures(document, "支出预算总表", "208") == {"支出预算/合计": "1000000", "支出预算/基本支出": "1000000"}
    assert figures(document, "支出预算总表", "20805") == {"支出预算/合计": "1000000", "支出预算/基本支出": "1000000"}


def test_an_ambiguous_placement_is_reported_not_guessed(document):
    """21011 and 21007 print equal figures under a 卫生健康 split half and half: either could be
    基本支出.  Each keeps its certain 合计 and loses the other figure, with a warning."""
    assert figures(document, "支出预算总表", "21011") == {"支出预算/合计": "1000000"}
    assert figures(document, "支出预算总表", "21007") == {"支出预算/合计": "1000000"}
    undecided = [w for w in document.warnings if "cannot be placed" in w.message]
    rows = [n for n, text in enumerate(DOCUMENT.splitlines(), start=1)
            if text in ("210 11 行政事业单位医疗 1,000,000 1,000,000", "210 07 计划生育事务 1,000,000 1,000,000")]
    assert [w.line for w in undecided] == rows and all(f"test.txt:{w.line}:" in w.message for w in undecided)


def test_the_two_sided_summary_table(document):
    assert figures(document, "财务收支预算总表", "一、财政拨款收入") == {"本年收入/预算数": "3000000"}
    assert figures(document, "财务收支预算总表", "210") == {"本年支出/预算数": "2000000"}


# ------------------------------------------------------------ the real text documents
@pytest.mark.parametrize("name", ["shanghai_putuo_sthj_2025_dept_final.txt", "shanghai_putuo_cgzf_2026_dept_budget.txt"])
def test_a_real_document_places_every_figure(name):
    document = parse_file(REAL / name)
    assert not [str(w) for w in document.warnings if DROPPING.search(w.message)]


def test_a_garbled_table_is_reported_where_the_arithmetic_fails():
    """The 文旅局 2025 决算's 一般公共预算财政拨款支出决算表 prints its rows against the wrong codes,
    and its 政府性基金 table lost the spending figures of its 合计 row: what cannot be placed
    there is reported, and the rest of the document is placed."""
    document = parse_file(REAL / "shanghai_putuo_wlj_2025_dept_final.txt")
    dropping = [w for w in document.warnings if DROPPING.search(w.message)]
    assert [w.line for w in dropping] == [349, 420]


def test_a_table_no_template_describes_takes_its_columns_from_its_budget_words(tmp_path):
    path = tmp_path / "other.txt"
    path.write_text(DOCUMENT.split("2026年部门财务收支预算总表")[0] + """2026年部门一般公共预算支出情况表
编制部门：上海市普陀区测试局 单位：元
科目编码 科目名称 基本支出 项目支出
208 社会保障和就业支出 600,000 400,000
210 卫生健康支出 1,000,000 1,000,000
""", encoding="utf-8")
    document = parse_file(path)
    assert figures(document, "支出情况表", "208") == {"基本支出": "600000", "项目支出": "400000"}
    assert not document.warnings


def test_figures_the_text_states_on_their_own():
    from budgetkg.ingest.layout import Paragraph
    from budgetkg.ingest.statements import text_statements

    class Doc:  # what text_statements reads of a parsed document
        year, phase = 2025, "final"
        unit = type("U", (), {"key": "u"})()

    paragraphs = [Paragraph(1, "三、支出决算情况说明"),
                  Paragraph(2, "本年支出合计 19,044.27 万元，其中：基本支出 14,206 万元，占 74.59%；项目支出"),
                  Paragraph(3, "4,838.27 万元，占 25.41%。"),
                  Paragraph(4, "（一）因公出国（境）费0万元，比2024年减少1.2万元。"),
                  Paragraph(5, "1.社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项），年初预算为 51.50 万元，支出决算为 51.98 万元。")]
    found = {(dict(key[3]).get("exptype"), dict(key[3])["measure"]): str(value) for key, value, _ in text_statements(Doc(), paragraphs)}
    assert found == {(None, "expenditure"): "190442700.00", ("basic", "expenditure"): "142060000",
                     ("project", "expenditure"): "48382700.00", (None, "abroad"): "0"}
