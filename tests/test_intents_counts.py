"""How many and which: a department's units (children), internal bodies (bodies), projects without
near-duplicate names (projects), the units with or without a figure (lacking), and a department's own
units ranked (ranking); on the bundled corpus and a few real disclosures."""
from __future__ import annotations

import pytest

from budgetkg.query.intents.projects import _near


def ask(asker, question: str, intent: str) -> str:
    result = asker.ask(question)
    assert (result["intent"], result["status"]) == (intent, "ok"), result["answer"]
    return result["answer"]


# ------------------------------------------------------------ a department's units
def test_sub_units_leave_out_the_own_office_and_the_answer_counts_both(asker):
    answer = ask(asker, "柳州市人民政府办公室下属有几个单位", "children")
    assert "有5个下属单位" in answer and "共6个单位" in answer
    assert answer.index("103007") < answer.index("连同本级")  # the own office is not among the sub-units


def test_the_units_a_document_covers_count_the_own_office(asker):
    answer = ask(asker, "柳州市人民政府办公室的部门预算涵盖几家单位", "children")
    assert "包括6个单位" in answer and "下属单位5个" in answer


def test_the_units_of_the_document_of_the_year_and_phase_asked(real_asker):
    answer = ask(real_asker, "生态环境局2025年部门决算由几个单位组成", "children")
    assert "包括3个单位" in answer and "环境监测站" in answer and "执法大队" in answer


# ------------------------------------------------------------ internal bodies
def test_internal_bodies_with_their_number(asker):
    answer = ask(asker, "驻北京联络处都有哪些科室", "bodies")
    assert "3个内设科室" in answer and all(name in answer for name in ("接待科", "外联科", "秘书科"))


def test_a_stated_number_the_names_do_not_bear_out_is_said(asker):
    # 002: 机关本级内设科室22个, but 21 names
    answer = ask(asker, "柳州市人民政府办公室本级有几个内设科室", "bodies")
    assert "22个" in answer and "只列出21个" in answer


def test_internal_bodies_of_a_real_unit(real_asker):
    answer = ask(real_asker, "普陀区司法局设了几个内设机构", "bodies")
    assert "12个内设机构" in answer and "社区矫正科" in answer


# ------------------------------------------------------------ projects
@pytest.mark.parametrize("a, b, same", [
    ("一个号码管服务运行管理费", "一个号码管理服务运行管理费", True),
    ("专项业务费", "专项业务费用", True),
    ("车辆经费", "车辆补助费", False),
    ("2024年第一批专项资金", "2024年第二批专项资金", False),  # alike, but not the same numbers
])
def test_near_duplicate_names(a, b, same):
    assert _near(a, b) is same


def test_a_project_written_two_ways_is_counted_once_and_the_merge_is_said(asker):
    answer = ask(asker, "柳州热线中心2024年一共有多少个项目", "projects")
    assert "共有5个项目" in answer
    assert "“一个号码管理服务运行管理费”与“一个号码管服务运行管理费”是同一项目" in answer


def test_a_departments_projects_include_its_units_and_leave_out_things_bought(asker):
    answer = ask(asker, "柳州市人民政府办公室部门预算安排了几个项目", "projects")
    assert "共有30个项目" in answer
    assert "“车辆经费”“定额商品和服务支出”只见于政府采购表" in answer


# ------------------------------------------------------------ which units have a figure
def test_which_units_have_no_figure_or_a_zero_one(asker):
    answer = ask(asker, "柳州市人民政府办公室下属单位中哪些没有安排公务用车运行维护费", "lacking")
    head, rest = answer.split("其余")
    assert "柳州市12345政务服务热线管理中心" in head and "0.00" in head
    assert "驻北京联络处" in rest


def test_a_zero_is_disclosed(asker):
    answer = ask(asker, "哪个热线中心没有公开三公经费", "lacking")
    head, rest = answer.split("其余")
    assert "池州" in head and "柳州" in rest  # 柳州 discloses 0.22, 长沙 3.93


def test_which_units_have_a_figure_when_none_is_named(real_asker):
    answer = ask(real_asker, "2026年的预算里哪些单位安排了因公出国（境）费", "lacking")
    assert "2026年有文件的单位" in answer


# ------------------------------------------------------------ a department's units ranked
def test_one_department_ranked_is_its_units_ranked(asker):
    answer = ask(asker, "柳州市人民政府办公室2024年部门预算里基本支出最多的前两个单位", "ranking")
    assert "第1名 柳州市人民政府办公室（本级） 2,467.89万元" in answer and "第2名 柳州市12345政务服务热线管理中心 844.09万元" in answer
    assert "第3名" not in answer


def test_a_zero_asked_for_and_a_figure_all_units_have(asker):
    answer = ask(asker, "柳州市人民政府办公室哪些单位的公务接待费为零", "lacking")
    assert "（6个）都安排了公务接待费" in answer and "其余" not in answer


def test_units_chosen_by_words_counted(asker, real_asker):
    answer = ask(asker, "柳州市政府有几个驻外办事处，分别是哪些", "children")
    assert "驻外（派出）机构有4个" in answer and "驻南宁办事处" in answer and "热线" not in answer
    answer = ask(real_asker, "生态环境局2025年决算有几个大队", "children")
    assert "有1个" in answer and "执法大队" in answer
