"""The registry of kinds of question (query/intents/): every entry is complete and recognises its
own examples, the choice between candidates follows the declared conditions, and a new kind is
one registration."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query import intents
from budgetkg.query.answers import Result
from budgetkg.query.intents import REGISTRY, Context, Intent, register, words
from budgetkg.query.templates import values
from budgetkg.query.understand import Understanding

ENTRIES = sorted(REGISTRY)


def test_every_kind_of_question_is_registered():
    assert set(REGISTRY) == {"measure", "compare", "project", "ranking", "parent", "children", "staffing", "projects",
                             "performance", "change", "execution", "definition", "code", "share", "difference", "per_head",
                             "stated", "aggregate", "bodies", "lacking"}
    assert [i.priority for i in REGISTRY.values()] == sorted(i.priority for i in REGISTRY.values())


@pytest.mark.parametrize("name", ENTRIES)
def test_each_entry_declares_cues_templates_a_writer_and_examples(name):
    intent = REGISTRY[name]
    assert intent.cues and all(cue.label for cue in intent.cues)
    assert intent.templates and all(callable(template) for template in intent.templates)
    assert callable(intent.answer) and intent.examples


@pytest.mark.parametrize("name, question", [(i.name, q) for i in REGISTRY.values() for q in i.examples])
def test_each_entry_answers_its_examples(asker, name, question):
    result = asker.ask(question)
    assert (result["intent"], result["status"]) == (name, "ok"), result["answer"]
    for query in result["sparql"].split("\n\n"):  # what it ran is SPARQL (an empty store parses and runs it)
        ox.Store().query(query)


@pytest.mark.parametrize("question, intent", [
    ("2010301是什么意思", "code"),  # the words of a definition, but a code is named
    ("什么是三公经费", "definition"),
    ("柳州市人民政府办公室下属单位中哪个支出最多", "ranking"),  # all the units' figures, not their names
    ("柳州市人民政府办公室各单位的三公经费", "measure"),
    ("编制多少人", None),  # staff of no unit
    ("绩效目标", None),  # performance of nothing named
    ("政务便民服务热线专项经费的基本支出", "measure"),  # a project with a figure named
])
def test_conditions_choose_between_candidates(asker, question, intent):
    u = asker.understander.understand(question)
    assert intents.select(u) == intent


def test_an_entry_without_a_writer_or_cues_is_refused():
    with pytest.raises(ValueError):
        register(Intent("empty", cues=(), templates=(), answer=lambda ctx, u: Result("ok", ""), priority=1, examples=()))


def unit_code_query(units: list[str]) -> str:
    return SPARQL_PREFIXES + f"SELECT ?unit ?code WHERE {{ {values('unit', units)} GRAPH ?g {{ ?unit bk:code ?code }} }} LIMIT 1"


def unit_code(ctx: Context, u: Understanding) -> Result:
    query = unit_code_query(u.units)
    code = ctx.rows(query)[0]["code"]
    return Result("ok", f"{ctx.catalog.unit_label(u.units[0])}的单位代码是{code}。", "unit-code", [query])


def test_a_new_kind_of_question_is_one_registration(asker):
    fake = Intent("unit-code", cues=(words(r"单位代码"),), templates=(unit_code_query,), answer=unit_code, priority=5,
                  examples=("柳州热线中心的单位代码",))
    assert asker.ask(fake.examples[0])["intent"] != "unit-code"
    register(fake)
    try:
        result = asker.ask(fake.examples[0])
        assert (result["intent"], result["status"]) == ("unit-code", "ok")
        assert result["answer"] == "柳州市12345政务服务热线管理中心的单位代码是103007。"
        ox.Store().query(result["sparql"])  # the template's SPARQL as run
    finally:
        REGISTRY.pop("unit-code")
    assert asker.ask(fake.examples[0])["intent"] != "unit-code"
