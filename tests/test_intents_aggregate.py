"""Totals and averages over several units (query/intents/aggregate.py) and the sets of units a question
chooses by words (query/groups.py), on the bundled corpus and a few real disclosures."""
from __future__ import annotations

import re

import pytest

from budgetkg.query import intents
from budgetkg.query.groups import group_of

LIUZHOU = "https://w3id.org/budgetkg/id/unit/450200/103"  # 柳州市人民政府办公室
STATIONED = {LIUZHOU + code for code in ("002", "003", "004", "006")}  # its 驻北京/上海/广州深圳/南宁 offices


def figures(answer: str) -> set[str]:
    return {f"{float(x.replace(',', '')):.2f}" for x in re.findall(r"\d[\d,]*\.\d+", answer)}


def group(asker, question: str):
    u = asker.understander.understand(question)
    return group_of(asker.store, asker.catalog, u)


@pytest.mark.parametrize("question, expected", [
    ("柳州市人民政府办公室的驻外办事处", STATIONED),  # by the names (…驻北京联络处)
    ("柳州各驻外机构", STATIONED),  # no department named: the region's units stationed elsewhere
    ("柳州市政府办的派出机构", STATIONED),
    ("柳州市人民政府办公室除本级外的单位", STATIONED | {LIUZHOU + "007"}),
    ("柳州市人民政府办公室的其他单位", STATIONED | {LIUZHOU + "007"}),
    ("柳州市人民政府办公室本级以外的单位", STATIONED | {LIUZHOU + "007"}),
    ("柳州市人民政府办公室除热线中心以外的单位", STATIONED | {LIUZHOU + "001"}),
    ("柳州市人民政府办公室的下属单位", STATIONED | {LIUZHOU + "007"}),
    ("柳州市人民政府办公室所有单位", STATIONED | {LIUZHOU + "001", LIUZHOU + "007"}),
])
def test_units_are_chosen_by_words(asker, question, expected):
    assert set(group(asker, question).units) == expected


def test_units_named_one_by_one_are_a_group_and_one_unit_is_not(asker):
    assert len(group(asker, "长沙和池州热线中心").units) == 2
    assert group(asker, "柳州热线中心") is None
    assert group(asker, "柳州市人民政府驻成都办事处2024年预算") is None  # one office named, not a set


@pytest.mark.parametrize("question, count", [
    ("柳州市政府办4个驻外办事机构", 4), ("三家热线中心", 3), ("四个部门", 4), ("柳州市人民政府办公室前三个单位", None),
    ("一个号码管服务运行管理费四个季度", None),
])
def test_the_count_a_question_states(asker, question, count):
    assert asker.understander.understand(question).stated_count == count


def test_a_sum_over_named_units_shows_each_operand_the_sum_and_the_average(asker):
    result = asker.ask("长沙和池州热线中心的人员经费加起来多少")
    assert (result["intent"], result["status"]) == ("aggregate", "ok")
    assert {"341.53", "173.45", "514.98", "257.49"} <= figures(result["answer"])
    assert "341.53 + 173.45 = 514.98" in result["answer"] and "514.98 ÷ 2 = 257.49" in result["answer"]
    assert len(result["sources"]) == 2


def test_a_departments_stationed_offices_summed(asker):
    result = asker.ask("柳州市政府办驻外机构的基本支出合计是多少，平均每家多少")
    assert result["intent"] == "aggregate"
    assert {"122.08", "93.52", "199.42", "103.34", "518.36", "129.59"} <= figures(result["answer"])


def test_all_of_a_departments_units_are_set_against_its_own_figure(asker):
    # 002's units' 项目支出 add up to 725.00, its printed total is 725.01: the answer says so
    answer = asker.ask("柳州市人民政府办公室各单位的项目支出合计")["answer"]
    assert "725.00" in answer and "725.01" in answer and "相差0.01" in answer
    answer = asker.ask("柳州市人民政府办公室各单位基本支出一共多少")["answer"]
    assert "3,830.34" in answer and "一致" in answer


def test_a_count_the_graph_does_not_bear_out_is_said(asker):
    answer = asker.ask("柳州市政府办3个驻外机构的三公经费合计")["answer"]
    assert "问题说3个，图谱中找到4个" in answer
    assert "16.61" in answer  # 3.36 + 3.33 + 5.02 + 4.90


def test_units_without_the_figure_are_left_out_and_named(asker):
    answer = asker.ask("柳州市人民政府办公室本级以外的单位政府采购预算合计")["answer"]
    assert "5.16" in answer and "驻上海联络处的文件未列" in answer and "5.16 ÷ 4" in answer


def test_the_own_office_is_no_figure_asked(asker):
    """“除机关本级以外” chooses units; it does not ask for the 本级 part of a figure."""
    u = asker.understander.understand("柳州市政府办除机关本级以外，其他单位的政府采购预算合计多少")
    assert u.members == "except" and not u.details


@pytest.mark.parametrize("question, intent", [
    ("柳州市人民政府办公室各单位三公经费合计", "aggregate"),
    ("三个热线中心的预算平均多少", "aggregate"),
    ("柳州市人民政府办公室三公经费合计多少", "measure"),  # one unit: its total
    ("柳州市人民政府办公室一共有多少个项目", "projects"),  # a count, not a sum
    ("柳州市人民政府办公室各驻外机构预算分别多少", "compare"),
])
def test_sums_are_told_from_counts_and_single_figures(asker, question, intent):
    assert intents.select(asker.understander.understand(question)) == intent


def test_the_parts_of_a_figure_the_graph_does_not_hold_are_not_made_up(asker):
    result = asker.ask("柳州热线中心一个号码管服务运行管理费四个季度用款计划合计")
    assert result["status"] == "no_data" and result["intent"] == "aggregate"


def test_chosen_units_are_not_taken_from_the_previous_question(asker):
    asker.ask("柳州热线中心的公务用车运行维护费", session_id="agg")
    result = asker.ask("柳州市政府各驻外机构2024年预算分别多少", session_id="agg")
    assert {"161.53", "138.83", "263.11", "131.27"} <= figures(result["answer"])


def test_years_that_differ_are_said(real_asker):
    answer = real_asker.ask("司法局和柳州热线中心的三公经费加起来多少")["answer"]
    assert "不是同一年度" in answer and "11.03" in answer  # 10.81 (2026) + 0.22 (2024)


def test_a_departments_units_without_figures_of_their_own_give_the_departments(real_asker):
    result = real_asker.ask("生态环境局2025年决算各单位的支出合计")
    assert result["status"] == "no_data" and "4,733.14" in result["answer"]


def test_a_department_is_not_stationed_elsewhere(real_asker):
    """A 街道办事处 is its district's 派出机关, but no department's unit stationed elsewhere."""
    u = real_asker.understander.understand("驻外机构的公用经费平均多少")
    assert set(group_of(real_asker.store, real_asker.catalog, u).units) == STATIONED


def test_a_unit_only_its_own_document_names_is_one_of_the_departments(tmp_path):
    """A 单位预算 that names its department, whose 部门预算 does not list it, still makes it one of its units
    (but not one of those the 部门预算 包括)."""
    from budgetkg.ingest.pipeline import ingest
    from budgetkg.query.ask import Asker
    from budgetkg.settings import CORPUS_DIR
    from budgetkg.stores import open_store

    source = next(CORPUS_DIR.glob("000_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "copy.txt").write_text(source.replace("柳州市12345政务服务热线管理中心", "柳州市政务数据测试中心").replace("103007", "103097"),
                                       encoding="utf-8")
    store = open_store("memory")
    ingest(store, [CORPUS_DIR, tmp_path])
    asker = Asker(store)
    u = asker.understander.understand("柳州市人民政府办公室各单位")
    assert LIUZHOU + "097" in group_of(asker.store, asker.catalog, u).units
    assert "包括6个单位" in asker.ask("柳州市人民政府办公室的部门预算包括几个单位")["answer"]


def test_one_sum_for_each_figure_asked(asker):
    answer = ask_ok(asker, "三个热线中心基本支出和项目支出合计")
    assert "1,424.27" in answer  # 199.85 + 380.33 + 844.09
    assert "3,136.75" in answer  # 397.27 + 2,470.15 + 269.33


def ask_ok(asker, question: str) -> str:
    result = asker.ask(question)
    assert (result["intent"], result["status"]) == ("aggregate", "ok"), result["answer"]
    return result["answer"]
