"""Golden figures: read by eye from each bundled document, queried back through SPARQL.

Each case is (source line, amount in 万元, what the figure is).  The graph must hold an
observation from that document and line with that amount and those dimensions.
"""
from __future__ import annotations

import pytest
from conftest import corpus_file

from budgetkg.ontology import terms as t
from budgetkg.ontology.terms import SPARQL_PREFIXES

UNIT = {"103": "450200/103", "103001": "450200/103001", "103002": "450200/103002", "103003": "450200/103003", "103004": "450200/103004", "103007": "450200/103007",
        "152003": "430100/152003"}


def observation_exists(store, document: str, line: int, amount: str, **dims: str) -> bool:
    patterns = [f"?o bk:line {line} ; bk:amount ?amount .", f"FILTER(?amount = {amount})"]
    for key, value in dims.items():
        if key == "unit":
            iri = t.ID[f"unit/{UNIT[value]}"] if value in UNIT else None
            patterns.append(f"?o bk:unit <{iri}> ." if iri else f"?o bk:unit/skos:prefLabel \"{value}\"@zh .")
        elif key in ("func", "econ"):
            patterns.append(f"?o bk:{'functionalSubject' if key == 'func' else 'economicSubject'} <{t.ID[f'{key}/{value}']}> .")
        elif key == "project":
            patterns.append(f"?o bk:project/skos:prefLabel \"{value}\"@zh .")
        elif key == "phase":
            patterns.append(f"?o bk:phase <{t.code('phase', value).iri}> .")
        elif key == "year":
            patterns.append(f"?o bk:fiscalYear {value} .")
        elif value is None:
            patterns.append(f"FILTER NOT EXISTS {{ ?o bk:{ {'fund': 'fundSource', 'exptype': 'expenditureType'}[key]} ?x }}")
        else:
            dimension = {"measure": "measure", "fund": "fund", "exptype": "exptype", "detail": "detail"}[key]
            predicate = {"measure": "measure", "fund": "fundSource", "exptype": "expenditureType", "detail": "detail"}[key]
            patterns.append(f"?o bk:{predicate} <{t.code(dimension, value).iri}> .")
    graph = f"<{t.document_iri(_sha(document))}>"
    return store.ask(SPARQL_PREFIXES + f"ASK {{ GRAPH {graph} {{ {' '.join(patterns)} }} }}")


_SHAS: dict[str, str] = {}


def _sha(prefix: str) -> str:
    if prefix not in _SHAS:
        from budgetkg.ingest.readers import read

        _SHAS[prefix] = read(corpus_file(prefix)).sha256
    return _SHAS[prefix]


GOLDEN = {
    # 柳州 103007 单位预算 (tab layout)
    "000": [
        (234, "1113.42", dict(unit="103007", measure="income", fund="general", phase="budget", year="2024")),
        (234, "1071.26", dict(unit="103007", measure="expenditure", func="201", fund=None)),
        (236, "1113.42", dict(measure="income", fund="general", detail="own-level")),
        (241, "20.48", dict(measure="expenditure", func="208")),
        (252, "10.24", dict(measure="expenditure", func="221")),
        (260, "1113.42", dict(measure="income", fund=None)),
        (262, "1113.42", dict(measure="expenditure-total")),
        (277, "1113.42", dict(unit="103007", measure="income", fund="general")),
        (288, "844.09", dict(unit="103007", measure="expenditure", exptype="basic")),
        (288, "269.33", dict(unit="103007", measure="expenditure", exptype="project")),
        (289, "176.20", dict(func="2010301", exptype="project")),
        (291, "801.93", dict(func="2010399", exptype="basic")),
        (307, "1071.26", dict(func="201", fund="fiscal")),
        (348, "823.34", dict(unit="103007", fund="general", exptype="personnel")),
        (348, "20.75", dict(unit="103007", fund="general", exptype="public")),
        (351, "781.18", dict(func="2010399", exptype="personnel")),
        (356, "10.24", dict(func="2210201", fund="general")),
        (367, "821.85", dict(econ="301", exptype="basic")),
        (368, "27.56", dict(econ="30101", exptype="personnel")),
        (389, "0.22", dict(econ="30217", exptype="public")),
        (398, "1.49", dict(econ="30399")),
        (413, "0.22", dict(unit="103007", measure="sangong", fund="general")),
        (413, "0.39", dict(unit="103007", measure="meeting")),
        (413, "0.34", dict(unit="103007", measure="training", detail="own-level")),
        (453, "1.50", dict(func="2010301", measure="procurement", project="一个号码管理服务运行管理费")),
        (452, "1.50", dict(unit="103007", measure="procurement", detail="centralized")),
    ],
    # 柳州 103007 单位决算 (PDF text layout)
    "001": [
        (79, "1165.30", dict(unit="103007", measure="income", fund="general", phase="final")),
        (79, "1119.63", dict(measure="expenditure", func="201", phase="final")),
        (93, "24.12", dict(func="208", phase="final")),
        (131, "1165.30", dict(measure="expenditure", phase="final")),
        (137, "1165.30", dict(measure="expenditure-total", phase="final")),
        (164, "1165.30", dict(measure="income", fund="fiscal", phase="final")),
        (170, "60.66", dict(func="2010301", measure="income", phase="final")),
        (174, "937.75", dict(func="2010399", measure="income", phase="final")),
        (202, "0.31", dict(func="2210203", measure="income", phase="final")),
        (220, "959.54", dict(measure="expenditure", exptype="basic", phase="final")),
        (226, "60.66", dict(func="2010301", measure="expenditure", exptype="project", phase="final")),
        (230, "23.87", dict(func="2010399", exptype="project", phase="final")),
        (240, "15.67", dict(func="2080505", measure="expenditure", phase="final")),
        (284, "1119.63", dict(func="201", fund="general", phase="final")),
        (300, "11.20", dict(func="210", phase="final")),
        (361, "205.76", dict(fund="general", exptype="project", phase="final")),
        (393, "10.05", dict(func="2210201", exptype="basic", phase="final")),
        (419, "944.62", dict(econ="301", phase="final")),
        (419, "14.77", dict(econ="302", phase="final")),
        (421, "30.66", dict(econ="30101", phase="final")),
        (445, "803.27", dict(econ="30199", phase="final")),
        (469, "0.15", dict(econ="30309", phase="final")),
        (477, "4.31", dict(econ="30299", phase="final")),
        (479, "944.77", dict(exptype="personnel", phase="final")),
        (479, "14.77", dict(exptype="public", phase="final")),
        (560, "0.22", dict(measure="sangong", phase="budget")),
        (560, "0.22", dict(measure="reception", phase="budget")),
        (560, "0", dict(measure="sangong", phase="final")),
        (1010, "176.2", dict(project="一个号码管服务运行管理费", phase="budget")),
        (1010, "60.6611", dict(project="一个号码管服务运行管理费", phase="final")),
    ],
    # 柳州市人民政府办公室 103 部门预算 (markdown)
    "002": [
        (260, "4555.35", dict(unit="103", measure="income", fund="general")),
        (267, "550.43", dict(unit="103", func="208")),
        (288, "4555.35", dict(unit="103", measure="expenditure-total")),
        (303, "2747.18", dict(unit="103001", measure="income")),
        (304, "161.53", dict(unit="103002", measure="income", fund="general")),
        (318, "725.01", dict(unit="103", exptype="project")),
        (319, "2467.89", dict(unit="103001", exptype="basic")),
        (320, "1623.71", dict(unit="103001", func="2010301")),
        (329, "82.94", dict(unit="103002", func="2010301")),
        (342, "3.00", dict(unit="103003", func="2080501")),
        (349, "17.40", dict(unit="103004", func="2010301", exptype="project")),
        (366, "1113.42", dict(unit="103007", measure="expenditure")),
        (427, "3367.04", dict(unit="103", exptype="personnel", fund="general")),
        (450, "8.89", dict(unit="103002", func="2210201", fund="general")),
        (502, "3237.87", dict(unit="103", econ="301")),
        (530, "17.60", dict(unit="103", econ="30231", exptype="public")),
        (534, "97.57", dict(unit="103", econ="30302")),
        (549, "27.02", dict(unit="103", measure="sangong")),
        (549, "17.60", dict(unit="103", measure="vehicle-operation")),
        (549, "9.42", dict(unit="103", measure="reception")),
        (550, "10.18", dict(unit="103001", measure="sangong")),
        (551, "3.36", dict(unit="103002", measure="sangong")),
        (559, "4.90", dict(unit="广西壮族自治区柳州市人民政府驻南宁办事处", measure="sangong")),
        (560, "0.22", dict(unit="103007", measure="sangong")),
        (616, "12.80", dict(unit="103001", measure="procurement", project="政府公报编制专项经费", func="2010302")),
        (650, "42.80", dict(unit="103001", measure="purchase-service")),
    ],
    # 长沙 152003 部门预算 (tab layout, split codes)
    "003": [
        (120, "2850.48", dict(unit="152003", measure="income", fund="general")),
        (120, "380.33", dict(unit="152003", exptype="basic", measure="expenditure")),
        (121, "2470.15", dict(exptype="project")),
        (129, "2850.48", dict(measure="expenditure-total")),
        (143, "2850.48", dict(func="201", measure="income")),
        (144, "2850.48", dict(func="20103", measure="income")),
        (145, "380.33", dict(func="2010350", measure="income")),
        (146, "2470.15", dict(func="2010399", measure="income", fund="general")),
        (159, "2470.15", dict(measure="expenditure", exptype="project")),
        (162, "380.33", dict(func="2010350", exptype="basic")),
        (176, "2850.48", dict(func="201", fund="fiscal")),
        (208, "2850.48", dict(measure="expenditure-total", fund="fiscal")),
        (224, "380.33", dict(func="2010350", fund="general", exptype="basic")),
        (237, "341.53", dict(exptype="personnel")),
        (237, "38.80", dict(exptype="public")),
        (239, "40.50", dict(econ="30101")),
        (242, "41.69", dict(econ="30107")),
        (249, "62.46", dict(econ="30199")),
        (252, "1.00", dict(econ="30202")),
        (268, "22.00", dict(econ="30299", exptype="public")),
        (270, "4.60", dict(econ="30399")),
        (282, "3.93", dict(measure="sangong")),
        (282, "1.90", dict(measure="reception")),
        (282, "2.03", dict(measure="vehicle-operation")),
        (310, "2470.15", dict(project="长沙市12345政务服务便民热线服务外包采购项目")),
        (96, "2419.85", dict(measure="procurement")),
        (92, "2.85", dict(measure="training")),
    ],
    # 池州 单位预算 (tab layout, key-value project sheets)
    "004": [
        (147, "539.15", dict(measure="income", fund="general")),
        (147, "545.82", dict(func="201")),
        (154, "24.43", dict(func="208")),
        (174, "539.15", dict(measure="income")),
        (175, "57.97", dict(measure="carryover")),
        (176, "57.97", dict(measure="carryover", fund="general")),
        (181, "597.12", dict(measure="expenditure-total")),
        (191, "539.15", dict(measure="income", fund="general")),
        (198, "397.27", dict(func="201", exptype="project")),
        (207, "4.68", dict(func="2101102")),
        (211, "7.40", dict(func="2210202")),
        (212, "199.85", dict(exptype="basic")),
        (225, "57.97", dict(measure="carryover")),
        (260, "122.15", dict(func="201", exptype="personnel")),
        (274, "173.45", dict(exptype="personnel", fund="general")),
        (282, "161.65", dict(econ="301")),
        (291, "16.59", dict(econ="30113")),
        (291, "1.80", dict(econ="30113", exptype="public")),
        (303, "15.00", dict(econ="30305")),
        (305, "199.85", dict(exptype="basic", fund="general")),
        (333, "57.97", dict(project="平台数据编码质效提升项目", measure="carryover")),
        (334, "339.30", dict(project="政务便民服务热线专项经费", fund="general")),
        (342, "0.88", dict(measure="procurement", project="政务便民服务热线专项经费")),
        (545, "57.97", dict(project="平台数据编码质效提升项目")),
        (465, "339.30", dict(project="政务便民服务热线专项经费")),
    ],
}


@pytest.mark.parametrize("document,line,amount,dims", [
    (doc, line, amount, dims) for doc, cases in GOLDEN.items() for line, amount, dims in cases
], ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_golden_figure(corpus_store, document, line, amount, dims):
    assert observation_exists(corpus_store, document, line, amount, **dims)


def test_every_document_has_25_golden_figures():
    assert all(len(cases) >= 25 for cases in GOLDEN.values())


def test_every_table_is_in_the_graph(corpus_store):
    """Every table of every document became a bk:Table, and every table with figures has observations."""
    rows = corpus_store.select(SPARQL_PREFIXES + """
        SELECT ?file (COUNT(DISTINCT ?t) AS ?tables) (COUNT(DISTINCT ?withFigures) AS ?used) WHERE {
          ?d bk:sourceFile ?file . ?t dcterms:isPartOf ?d ; bk:tableNumber ?n . FILTER(?n > 0)
          OPTIONAL { ?o bk:table ?t . BIND(?t AS ?withFigures) }
        } GROUP BY ?file""").values()
    counts = {r["file"][:3]: (int(r["tables"]), int(r["used"])) for r in rows}
    assert counts["000"][0] == 12 and counts["002"][0] == 12 and counts["001"][0] == 10
    assert counts["003"][0] == 10 and counts["004"][0] == 15
    for prefix, (tables, used) in counts.items():
        assert used >= tables - 4, prefix  # performance and empty tables hold no figures
