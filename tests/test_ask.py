"""The question layer: every intent and status, in wordings of its own (not the dev set's)."""
from __future__ import annotations

import json
import re

import pytest
from conftest import QUESTIONS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STATUSES = {"ok", "no_data", "not_found", "ambiguous", "not_understood"}


def figures(answer: str) -> set[str]:
    return {f"{float(x.replace(',', '')):.2f}" for x in re.findall(r"\d[\d,]*\.\d+|\d+", answer)}


CASES = [
    # measure for a unit
    ("柳州热线中心今年的三公经费预算是多少", "measure", ["0.22"], []),
    ("长沙市12345政务热线中心基本支出有多少", "measure", ["380.33"], ["长沙市12345政务热线中心"]),
    ("池州热线的项目支出", "measure", ["397.27"], []),
    ("103007的公用经费", "measure", ["20.75"], []),
    ("柳州市人民政府办公室的政府采购预算", "measure", ["78.45"], []),
    ("柳州市人民政府办公室购买服务花多少", "measure", ["42.80"], []),
    ("长沙热线一般公共预算收入", "measure", ["2850.48"], []),
    ("池州热线中心财政拨款收入是多少", "measure", ["539.15"], []),
    ("柳州市政府办公室本级的培训费", "measure", ["5.54"], []),
    # subjects by code and by name
    ("柳州热线中心2080505科目预算", "measure", ["13.66"], ["2080505"]),
    ("池州热线2210202提租补贴多少", "measure", ["7.40"], []),
    ("长沙热线事业运行支出", "measure", ["380.33"], []),
    ("柳州热线中心2024年决算的住房公积金", "measure", ["10.05"], []),
    # subjects as people shorten them; a name several 类 share means the one the unit has
    ("柳州热线中心对个人和家庭补助预算", "measure", ["1.49"], ["303"]),
    ("柳州热线中心其他政府办公厅事务支出决算", "measure", ["937.75"], ["2010399"]),
    # per head, over the staff the documents give
    ("柳州热线中心平均每人人员经费多少", "per_head", ["823.34", "117.62"], ["实有人数7人", "823.34 ÷ 7 = 117.62"]),
    # 三公经费 with its parts
    ("长沙热线中心三公经费", "measure", ["3.93", "1.90", "2.03"], ["公务接待费", "公务用车"]),
    # projects
    ("政务便民服务热线专项经费多少钱", "project", ["339.30"], []),
    ("长沙热线中心有什么项目", "projects", [], ["服务外包采购项目"]),
    ("政务便民服务热线专项经费的群众满意度目标", "performance", [], ["90%"]),
    # units
    ("池州热线中心的主管部门是谁", "parent", [], ["池州市人民政府办公室"]),
    ("103的下属单位有哪些", "children", [], ["驻南宁办事处", "103007"]),
    ("１０３００７隶属于哪个部门", "parent", [], ["柳州市人民政府办公室"]),
    # codes and words
    ("30101是什么", "code", [], ["基本工资"]),
    ("201是哪个科目", "code", [], ["一般公共服务支出"]),
    ("机关运行经费是什么意思", "definition", [], ["办公及印刷费"]),
    # ranking and comparison
    ("柳州市人民政府办公室下属单位三公经费最少的是哪个", "ranking", ["0.22"], ["柳州市12345政务服务热线管理中心"]),
    ("哪个热线中心的项目支出最多", "ranking", ["2470.15"], ["长沙"]),
    ("柳州市人民政府办公室各单位预算排名前两名", "ranking", ["2747.18", "1113.42"], []),
    ("柳州和长沙热线中心的人员经费对比", "compare", ["823.34", "341.53"], []),
    ("柳州热线中心基本支出预算和决算分别是多少", "compare", ["844.09", "959.54"], []),
    # narrative facts
    ("柳州热线中心住房公积金执行率", "execution", ["98.14"], []),
    ("柳州市人民政府办公室三公经费比上年减少了多少", "change", ["6.69", "19.85"], []),
    ("柳州热线中心实有人数", "staffing", [], ["实有人数7人"]),
    # traditional characters
    ("熱線中心三公經費多少", "measure", ["0.22", "3.93"], []),
]


@pytest.mark.parametrize("question,intent,expected,texts", CASES, ids=[c[0] for c in CASES])
def test_intents(asker, question, intent, expected, texts):
    result = asker.ask(question)
    assert result["status"] == "ok", result["answer"]
    assert result["intent"] == intent
    found = figures(result["answer"])
    for value in expected:
        assert f"{float(value):.2f}" in found, result["answer"]
    for text in texts:
        assert text in result["answer"]
    assert result["sparql"].strip()
    if expected:
        assert result["sources"] and all(s["line"] > 0 for s in result["sources"])


@pytest.mark.parametrize("question,status", [
    ("长沙热线中心的编制数是多少", "no_data"),
    ("池州热线中心三公经费是多少", "no_data"),
    ("上海市财政局的预算是多少", "not_found"),
    ("9876543是什么科目", "not_found"),
    ("你好", "not_understood"),
    ("讲个笑话吧", "not_understood"),
    ("asdfgh qwerty", "not_understood"),
    ("", "not_understood"),
])
def test_statuses(asker, question, status):
    result = asker.ask(question)
    assert result["status"] == status, result["answer"]
    assert result["answer"]


@pytest.mark.parametrize("question,unknown,nearest", [
    # a misspelt name: it starts as a known one and departs from it
    ("柳州热线中间2024年预算多少", "柳州热线中间", "柳州市12345政务服务热线管理中心"),
    # a unit of a place the store holds, not itself held
    ("长沙市财政局2024年三公经费", "长沙市财政局", None),
    # a place the store holds nothing of: the same kind of unit elsewhere is nearest
    ("深圳市12345政务服务热线中心的预算", "深圳市12345政务服务热线中心", "长沙市12345政务热线中心"),
    ("柳州市人民政府驻成都办事处2024年预算", "柳州市人民政府驻成都办事处", "广西壮族自治区柳州市人民政府驻南宁办事处"),
])
def test_a_unit_not_held_is_not_found_with_the_nearest_held(asker, question, unknown, nearest):
    result = asker.ask(question)
    assert result["status"] == "not_found", result["answer"]
    assert f"“{unknown}”" in result["answer"]
    if nearest:
        assert nearest in result["answer"]
        assert any(nearest in s for s in result["suggestions"])


def test_examples_name_units_of_the_store(asker):
    """What the answers show as examples comes from the store, whatever it holds."""
    for question in ("三公经费是多少", "讲个笑话吧"):
        result = asker.ask(question)
        shown = re.findall(r"“([^”]+)”", result["answer"])
        assert shown and all(asker.ask(s)["status"] != "not_found" for s in shown), result["answer"]


def test_a_subject_name_several_categories_share_means_the_one_the_unit_has(asker):
    result = asker.ask("柳州热线中心行政运行预算")
    assert "2010301" in result["answer"] and "未公开" not in result["answer"], result["answer"]


def test_both_kinds_of_document_asked_give_each(real_asker):
    result = real_asker.ask("司法局2026年部门预算和单位预算的三公经费对比")
    assert "部门预算三公经费为10.81万元" in result["answer"] and "单位预算三公经费为10.71万元" in result["answer"], result["answer"]


def test_ambiguous_lists_choices(asker, monkeypatch):
    import budgetkg.query.answers as answers

    monkeypatch.setattr(answers, "MAX_UNITS", 2)
    result = asker.ask("热线中心三公经费多少")
    assert result["status"] == "ambiguous"
    assert len(result["suggestions"]) == 3


def test_a_few_units_answer_each_and_say_who_did_not_disclose(asker):
    result = asker.ask("热线中心的三公经费")
    assert result["status"] == "ok"
    assert {"0.22", "3.93"} <= figures(result["answer"])
    assert "池州市政务服务便民热线中心的文件未公开" in result["answer"]


def test_a_long_ranking_names_the_first_places_and_counts_the_rest(asker, monkeypatch):
    from budgetkg.query.intents import ranking

    everyone = asker.ask("哪个单位的支出最多")
    monkeypatch.setattr(ranking, "RANKING_SHOWN", 3)
    top = asker.ask("哪个单位的支出最多")
    assert top["status"] == "ok" and len(top["rows"]) == 3 and top["rows"] == everyone["rows"][:3]
    assert f"共{len(everyone['rows'])}个单位公开了该项，列出前3名" in top["answer"]
    assert len(asker.ask("哪个单位的支出最多，前5名")["rows"]) == 5  # a number asked for wins


def test_follow_up_questions_reuse_the_conversation(asker):
    session = "test-follow-up"
    first = asker.ask("柳州热线中心三公经费多少", session_id=session)
    assert "0.22" in figures(first["answer"])
    other = asker.ask("那长沙呢", session_id=session)
    assert other["status"] == "ok" and "3.93" in figures(other["answer"]) and "长沙" in other["answer"]
    final = asker.ask("柳州热线中心呢，决算呢", session_id=session)
    assert "决算" in final["answer"]
    parent = asker.ask("它的上级部门", session_id=session)
    assert parent["intent"] == "parent" and "柳州市人民政府办公室" in parent["answer"]


def test_sessions_do_not_leak(asker):
    asker.ask("柳州热线中心三公经费多少", session_id="a")
    result = asker.ask("那长沙呢", session_id="b")
    assert result["status"] != "ok" or "0.22" not in result["answer"]


def test_entities_have_spans(asker):
    result = asker.ask("长沙热线中心的人员经费")
    unit = next(e for e in result["entities"] if e["type"] == "unit")
    assert result["question"][unit["start"]:unit["end"]] == unit["text"] == "长沙热线中心"
    assert set(result) >= {"question", "status", "answer", "intent", "entities", "sparql", "columns", "rows", "sources", "suggestions"}


def test_answers_stay_short(asker):
    result = asker.ask("柳州热线中心的人员经费")
    assert len(re.findall(r"\d+\.\d+", result["answer"])) == 1


def test_dev_questions_pass(asker):
    failures = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        result = asker.ask(case["q"])
        values = [float(v.replace(",", "")) for v in re.findall(r"\d[\d,]*(?:\.\d+)?", result["answer"])]
        ok = result["status"] in case.get("expect_status", ["ok"])
        ok &= all(any(abs(v - float(g)) < 0.005 for v in values) for g in case.get("expect", []))
        ok &= all(text in result["answer"] for text in case.get("expect_text", []))
        if not ok:
            failures.append((case["id"], result["answer"][:120]))
    assert failures == []


# ---------------------------------------------------------------- hostile input
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_questions_never_raise(asker, question):
    result = asker.ask(question)
    assert result["status"] in STATUSES
    assert isinstance(result["answer"], str) and result["answer"]


INJECTIONS = ['柳州热线中心"} ; DROP ALL ; {"的三公经费', "柳州热线中心'>}<三公经费", "热线中心\\\"}} UNION {?s ?p ?o}",
              "三公经费 SERVICE <http://example.org/> {}", "\x00\x1b[31m柳州热线中心\u202e三公", "🙂" * 50 + "柳州热线中心三公经费",
              "柳州热线中心三公经费" * 40]


@pytest.mark.parametrize("question", INJECTIONS)
def test_injection_attempts_are_inert(asker, question):
    result = asker.ask(question)
    assert result["status"] in STATUSES
    for fragment in ("DROP ALL", "UNION {?s", "example.org", "'>}<"):
        assert fragment not in result["sparql"]


def test_long_questions_are_refused(asker):
    result = asker.ask("柳" * 10_000)
    assert result["status"] == "not_understood" and "太长" in result["answer"]


def test_unit_names_with_quotes_and_braces(tmp_path):
    from conftest import corpus_file

    from budgetkg.ingest.pipeline import ingest
    from budgetkg.query.ask import Asker
    from budgetkg.stores import open_store

    text = corpus_file("004").read_text(encoding="utf-8").replace("池州市政务服务便民热线中心", '池州市"引号}{大括号\'中心')
    doc = tmp_path / "odd.txt"
    doc.write_text(text, encoding="utf-8")
    store = open_store("memory")
    ingest(store, [doc])
    result = Asker(store).ask('池州市"引号}{大括号\'中心的基本支出')
    assert result["status"] == "ok" and "199.85" in figures(result["answer"])


def test_the_tokenizer_from_the_cache_segments_as_a_fresh_one(asker, tmp_path, use_settings):
    from budgetkg.query.understand import Understander

    use_settings(cache_dir=tmp_path)
    fresh = Understander(asker.catalog)
    assert len(list(tmp_path.glob("jieba-*.pickle"))) == 1
    cached = Understander(asker.catalog)
    question = "柳州热线中心2024年一般公共服务支出是多少"
    assert cached.tokens(question) == fresh.tokens(question)
    assert {"柳州热线中心", "一般公共服务支出"} <= {w for w, _, _ in cached.tokens(question)}


def test_performance_reads_the_projects_of_the_year_asked_or_the_latest(asker, monkeypatch):
    from dataclasses import replace

    from budgetkg.query.catalog import ProjectEntry

    unit = next(e for e in asker.catalog.units.values() if e.projects)
    current = asker.catalog.projects[unit.projects[0]]
    old = ProjectEntry(current.iri + "-older", current.name, unit.iri, current.year - 3)
    monkeypatch.setitem(asker.catalog.projects, old.iri, old)
    monkeypatch.setattr(unit, "projects", unit.projects + [old.iri])
    from budgetkg.query.intents.performance import projects_asked

    u = asker.understander.understand(f"{unit.name}的绩效指标")
    latest = projects_asked(asker.context, replace(u, units=[unit.iri], year=None))
    assert current.iri in latest and old.iri not in latest
    assert projects_asked(asker.context, replace(u, units=[unit.iri], year=old.year)) == [old.iri]


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    """One synthetic department's documents of 2022–2024: every unit is described in each year."""
    import synth

    from budgetkg.ingest.pipeline import ingest
    from budgetkg.query.ask import Asker
    from budgetkg.stores import open_store

    out = tmp_path_factory.mktemp("three-years")
    dept = synth.make_dept(0, 0, 0)
    paths = []
    for year in (2022, 2023, 2024):
        for i, planned in enumerate(synth.dept_documents(0, dept, year)):
            paths.append(out / f"{year}-{i}.txt")
            paths[-1].write_text(planned.render(), encoding="utf-8")
    store = open_store("memory")
    ingest(store, paths)
    return Asker(store)


def test_answers_take_the_latest_year_unless_one_is_asked(three_years):
    catalog = three_years.catalog
    named = [e for e in catalog.units.values() if e.parent and catalog.units[e.parent].name != e.name]  # not a 本级 office
    unit = named[0]
    assert three_years.ask(f"{unit.name}支出比上年增加多少")["answer"].startswith(f"{unit.name}2024年")
    assert three_years.ask(f"{unit.name}2023年支出比上年增加多少")["answer"].startswith(f"{unit.name}2023年")
    project = catalog.projects[unit.projects[0]].name
    amount = three_years.ask(f"{unit.name}{project}多少钱")
    assert amount["status"] == "ok" and len(amount["rows"]) == 1 and "2024年" in amount["answer"] and "2023年" not in amount["answer"], amount["answer"]
    listing = three_years.ask(f"{unit.name}有什么项目")["answer"]
    assert listing.startswith(f"{unit.name}2024年共有") and "2023" not in listing, listing
    for question, year in ((f"{unit.name}的基本支出", 2024), (f"{unit.name}2022年的基本支出", 2022), (f"{unit.name}去年的基本支出", 2023)):
        answer = three_years.ask(question)
        assert answer["status"] == "ok" and answer["answer"].startswith(f"{unit.name}{year}年"), answer["answer"]
    finals = {e.iri: max(catalog.documents[d].year for d in e.own_documents if catalog.documents[d].phase == "final")
              for e in named if any(catalog.documents[d].phase == "final" for d in e.own_documents)}
    assert finals and {catalog.documents[d].year for d in catalog.documents if catalog.documents[d].phase == "final"} >= {2022, 2023}
    for iri, latest in finals.items():
        answer = three_years.ask(f"{catalog.units[iri].name}决算执行率")
        assert answer["status"] == "ok" and f"{catalog.units[iri].name}{latest}年" in answer["answer"], answer["answer"]


@pytest.mark.parametrize("question,figures,texts", [
    # each year with the figure it names; a year only a later 决算's text gives is worked out from it
    ("生态环境局三公经费：2024年决算、2025年预算、2025年决算", ["11.88", "21.00", "16.95"], ["16.95 − 5.07 = 11.88"]),
    # figures printed in 元 and in 万元 shown in one unit
    ("文旅局一般公共预算支出：2025年预算、2025年决算和2026年预算", ["27780.16", "24535.67", "27807.61"], []),
    # a year only the department's own office (本级) disclosed: its figure, named as its
    ("石泉路街道城乡社区环境卫生，2026年预算比2025年实际支出少多少，降了百分之几",
     ["794.84", "854.35", "59.51", "6.97"], ["（本级）2026年预算"]),
    # a change the 决算 states after "与2024年度相比"
    ("石泉路街道2025年收入支出总计比2024年增长多少", ["19044.27", "100.46", "0.53"], ["一致"]),
    # a 款 whose document lists one 项 of it, whose last year's budget the text gives: that 项's, said so
    ("石泉路街道本级2026年群众团体事务预算比2025年预算增加多少，增长率多少", ["50.75", "49.18", "1.57", "3.19"],
     ["只公开了2012902“一般行政管理事务”一项"]),
    ("石泉路街道本级2026年2013202科目比上年增加多少", ["103.35", "105.80"], []),
])
def test_series_and_changes_over_real_documents(real_asker, question, figures, texts):
    result = real_asker.ask(question)
    assert result["status"] == "ok", result["answer"]
    found = {f"{float(x.replace(',', '')):.2f}" for x in re.findall(r"\d[\d,]*\.\d+|\d+", result["answer"])}
    assert {f"{float(f):.2f}" for f in figures} <= found, result["answer"]
    assert all(t in result["answer"] for t in texts), result["answer"]


def test_a_change_stated_on_another_basis_is_neither_a_check_nor_last_years_budget(real_asker):
    """"…2026年度预算50.75万元，2025年度预算49.18万元…比2025年预算执行数增加9.14%": the 9.14% (4.25) is on last
    year's 预算执行数 (46.50), so it does not check a change on last year's 预算."""
    on_budget = real_asker.ask("石泉路街道本级2026年2012902科目比2025年预算增加多少")["answer"]
    assert "1.57" in on_budget and "不一致" not in on_budget and "4.25" not in on_budget, on_budget


def test_a_change_stated_on_last_years_outturn_is_said_so(real_asker):
    from budgetkg.ontology import terms as t
    from budgetkg.query.intents.change import _stated_only

    catalog = real_asker.catalog
    doc = next(d for d in catalog.documents.values() if d.phase == "budget")
    row = {"change": "4.25", "rate": "9.14", "amount": "50.75", "reason": None, "doc": doc.iri, "line": "72",
           "label": "一般行政管理事务", "year": str(doc.year), "basis": str(t.ID["phase-final"])}
    said = _stated_only(real_asker.context, "某单位", row, [], [])
    assert "比上年预算执行数增加4.25万元" in said, said
    assert "比上年增加4.25万元" in _stated_only(real_asker.context, "某单位", {**row, "basis": None}, [], [])


@pytest.mark.parametrize("question,intent,expected,texts", [
    # derived figures show their working and say whether the document states the same
    ("柳州热线中心预算中基本支出占比", "share", ["75.81", "844.09", "1113.42"], ["844.09 ÷ 1,113.42 = 75.81%", "一致"]),
    ("池州热线中心项目支出占比多少", "share", ["66.53", "397.27", "597.12"], ["一致"]),
    ("柳州热线中心2024年决算比预算多多少", "difference", ["51.88", "1165.30", "1113.42"], ["1,165.30 − 1,113.42 = 51.88"]),
    ("柳州热线中心一般行政管理事务决算完成预算的比例", "execution", ["130.17", "121.23", "93.13"], ["121.23 ÷ 93.13"]),
    ("长沙热线2024年收入比去年增加多少", "change", ["582.35", "2850.48", "2268.13", "25.68"], ["一致"]),
    # counted once, however many ways the documents spell it
    ("柳州热线中心有几个项目", "projects", [], ["5个项目", "合并计为1个"]),
    # stated only in the text
    ("柳州热线机关运行经费决算", "measure", ["14.77"], ["正文"]),
    ("一个号码管服务项目自评得分", "stated", ["93.44"], []),
    ("长沙12345热线的整体绩效目标", "performance", [], ["接诉即办"]),
    ("柳州市人民政府办公室有几个内设科室", "bodies", [], ["22个", "21个"]),
])
def test_questions_the_documents_answer_only_when_worked_out_or_read_in_the_text(asker, question, intent, expected, texts):
    result = asker.ask(question)
    assert (result["status"], result["intent"]) == ("ok", intent), result["answer"]
    found = figures(result["answer"])
    assert all(f"{float(v):.2f}" in found for v in expected), result["answer"]
    assert all(t in result["answer"] for t in texts), result["answer"]


def test_of_two_stated_changes_the_one_on_the_phase_compared_with_is_taken(asker, monkeypatch):
    """"比2025年预算增加1.57万元" and "比2025年预算执行数增加4.25万元" of one figure: a question comparing with
    last year's 预算 is checked against the first, one comparing with its outturn against the second."""
    from budgetkg.ontology import terms as t
    from budgetkg.query.figures import Wanted
    from budgetkg.query.intents import change

    u = asker.understander.understand("柳州热线中心2024年支出比上年增加多少")
    unit, wanted = u.units[0], Wanted.of(u)
    row = {"x": "x", "owner": unit, "unit": unit, "year": "2024", "line": "72", "label": "支出", "measure": wanted.measure,
           "fund": wanted.fund, "exptype": wanted.exptype, "subject": None, "amount": "50.75", "rate": None,
           "previous": None, "reason": "原因", "doc": "d"}
    rows = [{**row, "change": "4.25", "basis": str(t.ID["phase-final"])}, {**row, "change": "1.57", "basis": str(t.ID["phase-budget"])}]
    monkeypatch.setattr(change, "stated_facts",
                        lambda store, catalog, wanted, units, kind, phase, pick: ({units[0]: pick(list(rows))}, []))
    assert change.stated_change(asker.context, u, unit, 2024, "d", "budget")[0]["change"] == "1.57"
    assert change.stated_change(asker.context, u, unit, 2024, "d", "final")[0]["change"] == "4.25"
