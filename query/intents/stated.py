"""Counts and scores the text states (bk:Statement): “生态环境局有多少辆车，100万以上的设备有几台”,
“一个号码管服务项目自评得了多少分”, “文旅局项目绩效自评平均分多少，评了几个项目”, “长沙热线中心准备培训多少人”,
“真如海心剧院精装修工程总投资多少”.  Each answer quotes the words that state it, with their line."""
from __future__ import annotations

import re
from decimal import Decimal

from budgetkg.ontology import terms as t
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.intents.registry import Context, Cue, Intent, register
from budgetkg.query.understand import Understanding

# aspect (vocab.ttl's AspectScheme) → the words of a question that ask for it
ASKED = {
    "vehicles-planned": r"(?:购置|购买|新增|添置|买)了?(?:几|多少)辆|(?:购置|购买|新增|添置)(?:公务用车|车辆)|购车",
    "vehicles": r"多少辆|几辆|车辆数|车辆(?!购置|运行)|公务用车(?:数|数量|保有量)|保有量|有多少车|有几台车"
                r"|有没有(?:公务用车|公车)|有(?:公务用车|公车)吗",
    "equipment-planned": r"(?:购置|购买|新增|添置)[^，。？?]{0,12}设备",
    "equipment": r"设备[^，。？?]{0,6}(?:几|多少)(?:台|套)|(?:几|多少)(?:台|套)[^，。？?]{0,4}设备|大型设备|\d+万元?(?:（含）)?以上的?设备",
    "self-score": r"自评[^，。？?]{0,4}(?:得分|分数|多少分|几分|评分)|得了?多少分|打了?多少分|自评分",
    "average-score": r"平均(?:得)?分",
    "evaluated-projects": r"(?:评了|评价了|自评了)(?:几|多少)个?项目|自评[^？?]{0,8}(?:项目数|几个项目|多少个?项目)"
                          r"|自评的?项目[^，。？?]{0,4}(?:几|多少)|(?:几|多少)个?项目[^，。？?]{0,6}自评",
    "goal-projects": r"绩效目标[^，。？?]{0,6}(?:项目数|几个项目|多少个?项目)|绩效目标的?项目[^，。？?]{0,4}(?:几|多少)"
                     r"|(?:几|多少)个?项目[^，。？?]{0,8}绩效目标",
    "problems-found": r"(?:发现|存在|查出)[^，。？?]{0,4}(?:几|多少)个?问题|问题(?:数|有几个|有多少)",
    "problems-fixed": r"整改",
    "trainees": r"培训(?:多少|几)个?人|培训人数|参训|(?:多少|几)人(?:次)?[^，。？?]{0,4}培训",
    "total-investment": r"总投资|投资总额|一共投资|投资了?多少",
}
_ASKED = {aspect: re.compile(pattern) for aspect, pattern in ASKED.items()}
# an aspect asked is not another whose words it shares: a purchase is not the holdings, an average not a project's score
_NOT_ALSO = {"vehicles-planned": "vehicles", "equipment-planned": "equipment", "average-score": "self-score"}
_THRESHOLD = re.compile(r"(\d+)\s*万元?(?:（含）)?以上")
STATEMENT_FIELDS = q.FACT_FIELDS


def aspects_asked(u: Understanding) -> list[str]:
    found = [aspect for aspect, pattern in _ASKED.items() if pattern.search(u.masked)]
    return [a for a in found if not any(other == a and asked in found for asked, other in _NOT_ALSO.items())]


def answer(ctx: Context, u: Understanding) -> Result:
    asked = aspects_asked(u)
    catalog = ctx.catalog
    projects = catalog.of_one_year(catalog.named_projects(u.projects, u.units), u.year) if u.projects else []
    if not projects:
        missing = say.which_unit(catalog, u)
        if missing:
            return missing
    owners, by = (projects, "project") if projects else (u.units, "unit")
    query = q.facts(owners, "Statement", by=by)
    rows = q.pivot(ctx.store.select(query), STATEMENT_FIELDS, ("aspect", "value", "line"))
    sparql, found, table, sources = [query], [], [], []
    figure = _figure_asked(ctx, u, sparql, sources)  # “培训费预算多少，准备培训多少人”: the money too
    if figure:
        found.append(figure)
    aspects = t.aspects()
    for owner in owners:
        name = f"{catalog.unit_label(catalog.projects[owner].unit)}项目“{catalog.projects[owner].name}”" if by == "project" else catalog.unit_label(owner)
        for aspect in asked:
            chosen = _chosen(ctx, u, [r for r in rows if r["owner"] == owner and r["aspect"] == aspects[aspect].iri], aspect)
            if not chosen:
                found.append(say.not_disclosed(name, aspects[aspect].label))
                continue
            for r in chosen:
                src = ctx.source(r["doc"], None, int(r["line"]))
                sources.append(src)
                value = _number(r["value"])
                table.append([name, r["year"], aspects[aspect].label, float(r["value"]), r["measure_unit"], r["label"]])
                found.append(f"{name}{r['year']}年{aspects[aspect].label}为{value}{r['measure_unit']}（原文：“{r['label']}”，"
                             f"来源：《{src['document']}》正文第{src['line']}行）")
    return Result("ok" if table else "no_data", say.sentences(found), "stated", sparql,
                  ["单位或项目", "年度", "事项", "数值", "单位", "原文"], table, sources)


def _chosen(ctx: Context, u: Understanding, rows: list[dict], aspect: str) -> list[dict]:
    """Of an owner's statements of one aspect, those of the year asked or the latest; from its own
    document first; one per wording (大型设备 of 50万 and of 100万), narrowed to the threshold asked."""
    if u.year is not None:
        rows = [r for r in rows if int(r["year"]) == u.year]
    if not rows:
        return []
    latest = max(int(r["year"]) for r in rows)
    rows = [r for r in rows if int(r["year"]) == latest]
    documents = ctx.catalog.documents

    def own(r: dict) -> tuple:
        document = documents.get(r["doc"])
        return (document is None or document.unit != r["owner"], document is None or document.kind != "部门", int(r["line"]))

    rows.sort(key=own)
    rows = [r for r in rows if r["doc"] == rows[0]["doc"]]
    if not aspect.startswith("equipment"):
        return rows[:1]
    # 大型设备 by the price it starts at (“单位价值50万元以上设备0台，其中，单位价值100万元以上设备0台”)
    by_threshold = {_THRESHOLD.findall(r["label"])[-1] if _THRESHOLD.search(r["label"]) else "": r for r in reversed(rows)}
    asked = _THRESHOLD.search(u.masked)
    if asked and asked.group(1) in by_threshold:
        return [by_threshold[asked.group(1)]]
    return sorted(by_threshold.values(), key=lambda r: int(r["line"]))


def _figure_asked(ctx: Context, u: Understanding, sparql: list[str], sources: list) -> str | None:
    """A figure of money the question also names (培训费), said as the measure question says it."""
    measure = u.dims.get("measure")
    if measure is None or measure.notation in t.GENERAL_MEASURES or not u.units:
        return None
    result = ctx.answer_as("measure", u)
    if result.status != "ok":
        return None
    sparql += result.sparql
    sources += result.sources
    return result.answer.rstrip("。")


def _number(value: str) -> str:
    number = Decimal(value)
    return f"{int(number):,}" if number == number.to_integral_value() else f"{number:,.2f}"


def _asked(u: Understanding, candidates: set[str]) -> bool:
    return bool(aspects_asked(u)) and bool(u.units or u.projects or u.follow_up)


register(Intent("stated", examples=("柳州市人民政府办公室实有在编车辆多少辆", "一个号码管服务运行管理费自评得了多少分"),
                cues=(Cue("aspects of bk:Statement asked", lambda u: bool(aspects_asked(u))),),
                templates=(q.facts,), answer=answer, priority=40, when=_asked, about_units=True))
