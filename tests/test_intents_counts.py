"""How many and which: a department's units (children) and internal bodies (bodies); on the bundled
corpus and a few real disclosures."""
from __future__ import annotations


def ask(asker, question: str, intent: str) -> str:
    result = asker.ask(question)
    assert (result["intent"], result["status"]) == (intent, "ok"), result["answer"]
    return result["answer"]


# ------------------------------------------------------------ a department's units
def test_sub_units_leave_out_the_own_office_and_the_answer_counts_both(asker):
    answer = ask(asker, "柳州市人民政府办公室下属有几个单位", "children")
    assert "有5个下属单位" in answer and "共包括6个单位" in answer
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
