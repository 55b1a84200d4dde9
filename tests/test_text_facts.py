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


# ---------------------------------------------------------------- counts and scores (bk:Statement)
def statements(document: ParsedDocument, aspect: str) -> list:
    return [s for s in document.statements if s.aspect == aspect]


def test_vehicles_and_equipment_held_and_planned():
    # "…共有车辆63辆，其中：…；单价100万元（含）以上设备（不含车辆）2套。" | "2026年部门预算安排购置车辆5辆，…0套。"
    document = real("shanghai_putuo_cgzf_2026_dept_budget.txt")
    assert [s.value for s in statements(document, "vehicles")] == [63]
    assert [s.value for s in statements(document, "vehicles-planned")] == [5]
    assert [(s.value, s.measure_unit) for s in statements(document, "equipment")] == [(2, "套")]
    assert [s.value for s in statements(document, "equipment-planned")] == [0]
    assert statements(document, "vehicles")[0].text.startswith("截至2025年8月31日")
    # "实有在编车辆11辆"; "公务用车保有量" only counts where the holdings are not said
    assert [s.value for s in statements(corpus("002"), "vehicles")] == [11]
    assert [s.value for s in statements(real("shanghai_putuo_wlj_2025_dept_final.txt"), "vehicles")] == [4]


def test_self_evaluation_scores_and_counts():
    # "一个号码管服务项目自评综述：…自评得分为93.44分": the project the sentence opens with
    score = statements(corpus("001"), "self-score")
    assert [(s.value, s.project.name) for s in score] == [(Decimal("93.44"), "一个号码管服务运行管理费")]
    # "绩效自评的2025年度项目28个，…平均得分99.86分（…绩效自评中共发现问题3个，已经完成整改的3个，…）"
    document = real("shanghai_putuo_sthj_2025_dept_final.txt")
    found = {aspect: [s.value for s in statements(document, aspect)]
             for aspect in ("evaluated-projects", "average-score", "problems-found", "problems-fixed", "goal-projects")}
    assert found == {"evaluated-projects": [28], "average-score": [Decimal("99.86")], "problems-found": [3],
                     "problems-fixed": [3], "goal-projects": [28]}


def test_trainees_of_the_training_budget():
    # "培训费预算 2.85 万元，拟开展…等培训，人数约 300 人"
    assert [(s.value, s.measure_unit) for s in statements(corpus("003"), "trainees")] == [(300, "人")]


def test_a_projects_own_section():
    # "人民调解项目经费情况说明 | 一、项目概述 … | 六、年度预算安排 | 795万元 | 七、绩效目标 …"
    document = real("shanghai_putuo_sfj_2026_dept_budget.pdf")
    project = next(p for p in document.projects.values() if p.name == "人民调解")
    assert project.overview.startswith("人民调解承担着") and project.content is None  # 实施方案 is how, not what
    assert "规范化、专业化、社会化" in project.goal
    assert [f.amount for f in document.facts if f.project is project and f.table == 0] == [795]
    # "本项目可研批复总投资为13526.06万元，…。2025年安排建设资金5000万元。": an investment, and no 2026 budget
    document = real("shanghai_putuo_wlj_2026_dept_budget.txt")
    project = next(p for p in document.projects.values() if p.name == "真如海心剧院精装修工程")
    assert [(s.value, s.project) for s in statements(document, "total-investment")] == [(Decimal("13526.06"), project)]
    assert not [f for f in document.facts if f.project is project and f.table == 0]
    # "2026年度预算安排22,614.51万元。"; "七、绩效目标 | 详见单位的项目绩效目标表" is no goal
    document = real("shanghai_putuo_jgw_2026_dept_budget.txt")
    project = next(p for p in document.projects.values() if p.name == "兰溪路-真南路下立交工程")
    assert [f.amount for f in document.facts if f.project is project and f.table == 0] == [Decimal("22614.51")]
    assert project.goal is None
    # "1. “政务便民服务热线专项经费”项目。 | （5）项目内容。新增 26 名话务人员…云呼叫服务项目。 | （6）年度预算安排。339.3 万元。"
    project = next(p for p in corpus("004").projects.values() if p.name == "政务便民服务热线专项经费")
    assert "云呼叫" in project.content and project.overview.startswith("对标省内")


@pytest.mark.parametrize("question, figures, phrases", [
    ("一個號碼管服務項目績效自評得了多少分", ["93.44"], ["一个号码管服务运行管理费"]),  # a project by the start of its name
    ("文旅局2025年项目绩效自评平均分多少，评了几个项目", ["99.38"], ["43个"]),
    ("生态环境局2025年绩效自评发现了几个问题？平均分多少", ["99.86"], ["3个"]),
    ("普陀区生态环境局2025年底有多少辆车，100万以上的设备有几台", [], ["9辆", "6台（套）"]),
    ("柳州市政府办实有在编车辆多少辆", [], ["11辆"]),
    ("长沙热线中心2024年培训费预算多少，准备培训多少人", ["2.85"], ["300人"]),  # the money and the count
    ("真如海心剧院精装修工程总投资多少", ["13,526.06"], []),
    ("城管执法局2026年计划购置几辆车", [], ["5辆"]),
])
def test_counts_and_scores_the_text_states(real_asker, question, figures, phrases):
    result = real_asker.ask(question)
    assert (result["intent"], result["status"]) == ("stated", "ok"), result["answer"]
    assert all(f in result["answer"] for f in figures + phrases), result["answer"]
    assert "原文" in result["answer"] and "正文第" in result["answer"]


def test_a_count_the_text_does_not_state_is_no_data(real_asker):
    result = real_asker.ask("长沙热线中心绩效自评平均分多少")
    assert result["status"] == "no_data" and "未公开" in result["answer"]


# ---------------------------------------------------------------- goals, purposes, absences, a 决算's budget
def test_a_units_whole_goal_from_its_table():
    # 部门整体支出绩效目标表: the goal column's heading sits left of a figure column the header put further right
    goal = corpus("003").unit.goal
    assert goal.startswith("全面优化升级12345政务热线") and "总客服" in goal


def test_what_the_text_says_there_is_none_of():
    # "…，2024年无机关运行经费财政拨款预算。" — and "无法在当年内完成支出" says nothing is absent
    absences = corpus("004").absences
    assert any(a.text == "无机关运行经费财政拨款预算" and a.dims["measure"].notation == "operating-cost" for a in absences)
    assert not [a for a in corpus("001").absences if a.text.startswith("无法")]


@pytest.mark.parametrize("question, status, phrases", [
    ("长沙12345热线中心的部门整体绩效目标是什么", "ok", ["接诉即办", "总客服"]),
    ("池州“政务便民服务热线专项经费”主要用来干什么", "ok", ["339.30", "云呼叫"]),
    ("人民调解项目是做什么的", "ok", ["795.00", "化解社会矛盾"]),
    # the goal under the department, the amount under its unit (a key project of the text)
    ("柳州市政府办的重点项目政府公报编制专项经费预算多少？绩效目标是啥", "ok", ["46.28", "赠阅"]),
    ("柳州市政府办公室政府公报编制专项经费预算多少", "ok", ["46.28"]),
    # none, as the text says: an answer, not a figure nobody disclosed
    ("池州热线中心有机关运行经费吗", "ok", ["无机关运行经费财政拨款预算", "正文第485行"]),
    # a 决算's figure with the 年初预算 its text states beside it
    ("柳州热线中心2024年决算的机关运行经费是多少", "ok", ["14.77", "年初预算20.75万元"]),
    ("文旅局2025年三公经费决算", "ok", ["3.04", "年初预算11.49万元，完成26.46%"]),
])
def test_answers_of_goals_purposes_and_absences(real_asker, question, status, phrases):
    result = real_asker.ask(question)
    assert result["status"] == status and all(p in result["answer"] for p in phrases), result["answer"]


def test_nothing_stated_and_nothing_absent_is_still_no_data(real_asker):
    result = real_asker.ask("长沙热线中心2024年决算机关运行经费")
    assert result["status"] == "no_data", result["answer"]


@pytest.mark.parametrize("question, intent, phrases", [
    # a 决算's text gives the 年初预算 and 决算 of a subject and why they differ
    ("文旅局2025年文化活动决算为什么超过预算", "execution", ["112.88%", "上海国际 MCN 大会"]),
    # a change only the 决算 states is of the outturn (37.35), not of the 年初预算 its text also gives (53.93)
    ("石泉路街道2025年三公经费为什么增加", "change", ["37.35", "21.90", "新购置一辆公车"]),
    # none stated for the figure asked: the broader figure's, said as such
    ("文旅局2025年公务用车运维费为何大幅减少", "change", ["文件未单独说明公务用车运行维护费的变动", "20.06", "未新增公务用车"]),
    ("生态环境局2025年绩效自评的项目有几个", "stated", ["28个"]),
    ("文旅局2026年编报绩效目标的项目有多少个", "stated", ["39个"]),
])
def test_held_out_wordings(real_asker, question, intent, phrases):
    result = real_asker.ask(question)
    assert (result["intent"], result["status"]) == (intent, "ok"), result["answer"]
    assert all(p in result["answer"] for p in phrases), result["answer"]


def test_an_absence_of_one_fund_does_not_answer_for_a_subject(real_asker):
    # "没有政府性基金预算财政拨款收入和支出" says nothing of 行政运行's spending
    assert "没有政府性基金" not in real_asker.ask("生态环境局2025年行政运行决算为什么超支")["answer"]


def test_a_flat_change_stated_without_a_figure():
    # "（一）因公出国（境）费0万元，与2025年预算持平，主要原因是…" / "（三）公务接待费0.83万元。与2025年预算持平，…"
    document = real("shanghai_putuo_sfj_2026_dept_budget.pdf")
    assert (change(document, "abroad").change, change(document, "abroad").reason) == (0, "因公出国（境）无变化")
    assert (change(document, "reception").change, change(document, "reception").reason) == (0, "公务接待无变化")
    # "…决算数比2024年度减少19.66万元，下降86.61%，其中：因公出国（境）费支出决算与2024年持平；…": its own topic
    document = real("shanghai_putuo_wlj_2025_dept_final.txt")
    assert change(document, "sangong").change == Decimal("-19.66")
    assert (change(document, "abroad").change, change(document, "abroad").reason) == (0, "2025年未发生因公出国（境）")


def test_last_years_outturn_from_the_final_accounts_own_change(real_asker):
    # the 决算: "较2023年决算数增加4.25万元"; the year's budget: "行政运行经费预算20.75万元，与上年持平" (a budget's)
    result = real_asker.ask("柳州热线中心2024年决算机关运行经费为什么比上年增加")
    assert "2023年为10.52万元" in result["answer"] and "一致" in result["answer"], result["answer"]
