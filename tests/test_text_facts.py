"""Facts that only the text of a disclosure states: the reasons it gives for a change or for an
outturn off its budget, read sentence by sentence (ingest/claims.py), and the answers that give them."""
from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from conftest import REAL, corpus_file

from budgetkg.ingest.facts import ParsedDocument
from budgetkg.ingest.parse import parse_file


@cache
def parsed(path: Path) -> ParsedDocument:
    return parse_file(path)


def corpus(prefix: str) -> ParsedDocument:
    return parsed(corpus_file(prefix))


def real(name: str) -> ParsedDocument:
    return parsed(REAL / name)


def change(document: ParsedDocument, measure: str, fund: str | None = None):
    found = [c for c in document.changes if c.dims.get("measure") and c.dims["measure"].notation == measure
             and (fund is None or (c.dims.get("fund") and c.dims["fund"].notation == fund)) and c.subject is None]
    assert found, [(c.topic, c.dims) for c in document.changes]
    return found[0]


# ---------------------------------------------------------------- reasons, as ingest reads them
def test_a_reason_that_opens_the_next_sentence_with_zhuyaoshi():
    # "…上升 11.17%。主要是新进 3 名在职人员，人员增加，机关运行经费增加。"
    assert "人员增加" in change(corpus("003"), "operating-cost").reason


def test_a_reason_that_names_what_it_explains_goes_to_that_change():
    # "2024年收入预算总体增加的主要原因：…聘用人员经费增加…", two sentences after the change it explains
    document = corpus("000")
    assert "聘用人员" in change(document, "income").reason
    assert change(document, "expenditure-total").reason is None  # a 收入 reason is not the 收支总预算's


def test_a_reason_goes_on_in_the_sentences_that_carry_it():
    # "…主要原因是：落实…维护维修等。因部分…未实际下达无法支出，故预算执行率偏低。"
    execution = next(e for e in corpus("001").executions if e.subject is not None and e.subject.code == "2010301")
    assert "未实际下达" in execution.reason and execution.reason.endswith("偏低")


def test_a_reason_after_a_line_ending_in_a_colon():
    # "…比预算减少5.98万元，低于预算的主要原因是：" | "政务热线整合后…"
    execution = next(e for e in corpus("001").executions if e.dims.get("measure") and e.dims["measure"].notation == "operating-cost")
    assert execution.reason.startswith("政务热线整合后")


def test_each_subject_of_a_sentence_keeps_its_own_reason():
    # "其中：公务用车购置费75万元，比2025年预算增加27万元，主要原因是…淘汰更新执法车辆…；公务用车运行费38.76万元，…"
    document = real("shanghai_putuo_cgzf_2026_dept_budget.txt")
    purchase = change(document, "vehicle-purchase")
    assert "淘汰更新执法车辆" in purchase.reason and "运行费" not in purchase.reason
    assert change(document, "sangong").change == 27  # after its table's "注：…故本表无数据", not of that note


def test_a_change_stated_without_bi_and_its_named_reason():
    # "公务用车购置及运行维护费支出决算减少 20.06 万元，下降 88.37%" … "…支出减少的主要原因是 2025 年未新增公务用车。"
    document = real("shanghai_putuo_wlj_2025_dept_final.txt")
    vehicle = change(document, "vehicle")
    assert (vehicle.change, vehicle.rate, vehicle.reason) == (Decimal("-20.06"), Decimal("-88.37"), "2025年未新增公务用车")
    sangong = next(e for e in document.executions if e.dims.get("measure") and e.dims["measure"].notation == "sangong")
    assert "厉行节约" in sangong.reason  # "…“三公”经费支出决算数小于预算数的主要原因：…" is of the outturn


def test_a_named_reason_of_income_and_spending_ends_before_the_next_heading():
    # "财政拨款收入支出增加的主要原因是增加了雨污混接整治工程项目支出" (no full stop) | "财政拨款支出主要内容如下："
    document = real("shanghai_putuo_jgw_2026_dept_budget.txt")
    assert change(document, "income", "fiscal").reason == "增加了雨污混接整治工程项目支出"
    assert change(document, "expenditure", "fiscal").reason == "增加了雨污混接整治工程项目支出"
    assert change(document, "expenditure", "general").reason is None  # that one went down


# ---------------------------------------------------------------- reasons in answers
@pytest.mark.parametrize("question, figures, phrase", [
    ("长沙热线机关运行经费为什么比上年增加", ["3.90"], "人员增加"),
    ("柳州热线中心2024年收入为啥增加了", ["79.80"], "聘用人员"),
    ("建管委2026年预算大幅增加的原因是什么", ["115,649.00"], "雨污混接整治"),
    # stated without a reason of its own: the reasons of its parts
    ("城管执法局2026年三公经费增加主要是什么原因", ["27.00"], "淘汰更新执法车辆"),
    ("柳州热线行政运行预算执行率为什么这么低", ["34.43%"], "未实际下达"),
])
def test_answers_give_the_reason_the_text_states(real_asker, question, figures, phrase):
    result = real_asker.ask(question)
    assert result["status"] == "ok", result["answer"]
    assert all(f in result["answer"] for f in figures) and phrase in result["answer"], result["answer"]
