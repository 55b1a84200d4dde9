"""A figure's change on an earlier year: “长沙热线中心支出比上年增加多少”, “文旅局2026年预算比2025年
决算多多少”.  Computed from both years' figures where the store holds them (or from last year's
figure the text states), with the working, and set against the change and reason the text states."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from budgetkg.ontology import terms as t
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import PHASE_LABEL, Result
from budgetkg.query.derived import (
    Derived,
    Operand,
    Side,
    basis_of,
    basis_words,
    common_unit,
    in_unit,
    number,
    operand,
    percent,
    previous_year,
)
from budgetkg.query.figures import Wanted, fund_rank, stated_facts
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import BUDGET_WORDS, FINAL_WORDS, YEAR, Understanding

BASE = re.compile(r"(?:比|较|与|跟|同)(?P<year>20\d{2})?年?度?(?P<phase>年初预算|预算执行数|执行数|实际支出|决算|预算)?")


def _phase(text: str) -> str | None:
    if FINAL_WORDS.search(text) or re.search(r"执行数|实际", text):
        return "final"
    if BUDGET_WORDS.search(text):
        return "budget"
    return None


def stated_change(ctx: Context, u: Understanding, unit: str, year: int | None, document: str | None = None,
                  basis: str | None = None) -> tuple[dict | None, list[str]]:
    """The change the text states for the figure asked, of the year asked (else the latest); from `document`
    (the figure's own) when it states one, and on last year's figure of `basis` (the phase compared
    with) when one is."""
    wanted = Wanted.of(u)
    subjects = set(u.asked_subjects)
    measures = [wanted.measure] + ([str(t.ID["measure-expenditure"]), str(t.ID["measure-income"])]
                                   if wanted.measure.endswith("-total") else [])
    broader, within = [], t.broader_codes()
    while (broader[-1] if broader else wanted.measure) in within:
        broader.append(within[broader[-1] if broader else wanted.measure])

    def other_basis(r: dict) -> bool:
        return basis is not None and basis_of(r) not in (None, basis)

    def pick(mine: list[dict]) -> dict | None:
        mine = [r for r in mine if r["change"] is not None and (year is None or int(r["year"]) == year)]
        stated.extend(mine)
        if subjects:
            mine = sorted((r for r in mine if r["subject"] in subjects),
                          key=lambda r: (-int(r["year"]), r["doc"] != document, other_basis(r)))
        else:
            # the latest year; the stated wording wins; otherwise the broadest (no fund or type named, 财政拨款
            # before one of its funds); asked why, one the text gives a reason for
            # (a broader figure's change, said as such, when the text states none of the figure asked:
            # “公务用车运维费为何减少” ← “公务用车购置及运行维护费支出决算减少20.06万元”)
            wider = [r for r in mine if not r["subject"] and r["measure"] in broader]
            mine = sorted((r for r in mine if not r["subject"] and r["measure"] in measures),
                          key=lambda r: (-int(r["year"]), r["doc"] != document, other_basis(r),
                                         measures.index(r["measure"]), r["fund"] != wanted.fund,
                                         r["exptype"] != wanted.exptype, u.asks_why and not r["reason"],
                                         fund_rank(r["fund"]) if wanted.fund is None else 0,
                                         bool(r["exptype"]) and wanted.exptype is None))
            if not mine and wider:
                return {**min(wider, key=lambda r: (-int(r["year"]), broader.index(r["measure"]))), "broader": True}
        return mine[0] if mine else None

    stated: list[dict] = []
    chosen, queries = stated_facts(ctx.store, ctx.catalog, wanted, [unit], "Change", u.phases[0], pick)
    found = chosen.get(unit)
    if found is not None and not found["reason"]:
        found = {**found, "reason": _reasons_of_parts(found, stated)}
    return found, queries


def _reasons_of_parts(change: dict, stated: list[dict]) -> str | None:
    """A change stated without a reason (“三公经费…比2025年预算增加27万元。其中：…”) is explained by the
    reasons its document gives for the changes of its parts the same way (公务用车购置费 … 主要原因是…)."""
    broader = t.broader_codes()

    def within(measure: str | None) -> bool:
        while measure in broader:
            measure = broader[measure]
            if measure == change["measure"]:
                return True
        return False

    sign = Decimal(change["change"]).copy_sign(1) if Decimal(change["change"]) else Decimal(0)
    parts = [r for r in stated if r["doc"] == change["doc"] and r["year"] == change["year"] and r["reason"]
             and within(r["measure"]) and (Decimal(r["change"]).copy_sign(1) if Decimal(r["change"]) else Decimal(0)) == sign]
    return "；".join(f"{r['label']}：{r['reason']}" for r in parts) or None


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    base = BASE.search(u.masked)
    now_phase = _phase(u.masked[:base.start()]) if base else None
    base_phase = {"执行数": "final", "预算执行数": "final", "实际支出": "final", "决算": "final", "年初预算": "budget",
                  "预算": "budget"}.get(base["phase"] or "") if base else None
    base_year = int(base["year"]) if base and base["year"] else None
    # "跟2023年预算比": the year named is the base, the figure is of the latest year; "2026年预算比2025年决算":
    # the year before the base is the figure's
    named_now = YEAR.search(u.text[:base.start()]) if base else None
    year_now = int(named_now.group(1)) if named_now else u.year if u.year != base_year else None
    subject = (u.asked_subjects or [None])[0]
    sparql: list[str] = []
    found, table, sources = [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        phase = now_phase or (u.phases[0] if u.phase_stated else base_phase or ctx.catalog.phase_held(unit, year_now) or u.phases[0])
        if not (now_phase or u.phase_stated or base_phase):
            # a change only a 决算 states (“…决算数比2024年度增加21.90万元”) is of the outturn, not the 年初预算
            first, _ = stated_change(ctx, u, unit, year_now)
            if first is not None and ctx.catalog.documents.get(first["doc"]) and ctx.catalog.documents[first["doc"]].phase == "final":
                phase = "final"
        now = operand(ctx.store, ctx.catalog, replace(u, year=year_now), Side(unit, u.dims, subject, None, phase, year_now),
                      ctx.source, sparql)
        stated, queries = stated_change(ctx, u, unit, now.figure.year if now else year_now, now.figure.doc if now else None,
                                        base_phase or phase)
        sparql += queries
        if stated is not None and stated.get("broader"):
            what = t.codes()[Wanted.of(u).measure].label
            found.append(f"文件未单独说明{what}的变动，" + _stated_only(ctx, name, stated, sources, table))
            stated = None
        if now is None:
            if stated is not None:
                found.append(_stated_only(ctx, name, stated, sources, table))
            else:
                found.append(say.not_disclosed(name, f"{u.year or ''}{'年' if u.year else ''}这一项"))
            continue
        year = base_year or now.figure.year - 1
        before = operand(ctx.store, ctx.catalog, u, Side(unit, u.dims, subject, None, base_phase or phase, year), ctx.source, sparql)
        money = common_unit(u.money, now.figure, *([before.figure] if before is not None else []))
        if before is None and not u.money and now.figure.money != "万元":
            money = "万元"  # last year's figure comes from the text, in 万元
        if before is not None:
            previous, previous_text = before.figure.amount, f"{before.label()}{before.said(money)}{say.cite(before.source)}"
            sources.append(before.source)
        else:
            derived = previous_year(ctx.store, ctx.catalog, Wanted.of(u), unit, year, subject, ctx.source, sparql, phase,
                                    base_phase) if year == now.figure.year - 1 else None
            if derived is None and subject is not None and year == now.figure.year - 1:
                derived = _through_only_part(ctx, u, now, subject, phase, base_phase, sparql)
            if derived is None and stated is not None and int(stated["year"]) == now.figure.year and year == now.figure.year - 1:
                given, src = Decimal(stated["change"]), ctx.source(stated["doc"], None, int(stated["line"]))
                derived = Derived(now.figure.amount - given, f"{number(now.figure.amount)}万元减去文件所述比上年增减"
                                  f"{number(given)}万元", src)  # the text's figures are in 万元
            if derived is None:
                if stated is not None:
                    found.append(_stated_only(ctx, name, stated, sources, table))
                else:
                    found.append(f"{now.label()}为{now.said(u.money)}{say.cite(now.source)}，但没有{year}年的可比数")
                continue
            previous, previous_text = derived.amount, f"{year}年为{number(in_unit(derived.amount, money))}{money}（{derived.working}{say.cite(derived.source)}）"
            sources.append(derived.source)
        sources.append(now.source)
        change = now.figure.amount - previous
        rate = percent(change, previous) if previous else None
        verb, rate_verb = ("增加", "增长") if change >= 0 else ("减少", "下降")
        now_shown, previous_shown, change_shown = (in_unit(x, money) for x in (now.figure.amount, previous, change))
        rate_text = f"，{rate_verb}{abs(rate)}%（{number(change_shown)} ÷ {number(previous_shown)} = {rate}%）" if rate is not None else ""
        check = ""
        if stated is not None and stated["change"] is not None and int(stated["year"]) == now.figure.year \
                and basis_of(stated) in (None, base_phase or phase):  # a change on another basis is no check of this one
            given = Decimal(stated["change"])
            src = ctx.source(stated["doc"], None, int(stated["line"]))
            sources.append(src)
            agree = "一致" if abs(given - change) <= Decimal("0.01") else "与计算结果不一致"
            check = f"；文件写明比上年{'增加' if given >= 0 else '减少'}{number(abs(given))}万元{say.cite(src)}，{agree}"  # as printed
        reason = f"。主要原因：{stated['reason']}" if stated is not None and stated.get("reason") else ""
        table.append([name, now.what, float(now.figure.amount), float(previous), float(change), float(rate) if rate is not None else None])
        found.append(f"{now.label()}为{now.said(money)}{say.cite(now.source)}，{previous_text}；"
                     f"{verb}{number(abs(change_shown))}{money}（{number(now_shown)} − {number(previous_shown)} = {number(change_shown)}）"
                     f"{rate_text}{check}{reason}")
    return Result("ok" if table else "no_data", say.sentences([s.rstrip("。") for s in found]), "change", sparql,
                  ["单位", "项目", "本年（万元）", "上年（万元）", "增减（万元）", "增减率（%）"], table, sources)


PARTS_TRIED = 12  # narrower subjects looked up for `_through_only_part`


def _through_only_part(ctx: Context, u: Understanding, now: Operand, subject: str, phase: str, basis: str | None,
                       sparql: list[str]) -> Derived | None:
    """Last year's figure of a subject (款) whose document discloses a single narrower one (项) with the
    same amount this year, the text giving last year's only for that one (编制说明 lists 项): that
    one's, said so in the working."""
    parts = [s for s in ctx.catalog.subjects.values() if s.broader == subject][:PARTS_TRIED]
    disclosed = []
    for part in parts:
        found = operand(ctx.store, ctx.catalog, u, Side(now.side.unit, u.dims, part.iri, None, phase, now.figure.year),
                        ctx.source, sparql)
        if found is not None and found.figure.doc == now.figure.doc:
            disclosed.append((part, found.figure))
    if len(disclosed) != 1 or disclosed[0][1].amount != now.figure.amount:
        return None
    part = disclosed[0][0]
    year = now.figure.year - 1
    why = (f"文件未列出该科目{year}年数；其下只公开了{part.code}“{part.label}”一项，{now.figure.year}年同为"
           f"{number(now.figure.amount)}万元，取该项的")
    before = operand(ctx.store, ctx.catalog, u, Side(now.side.unit, u.dims, part.iri, None, basis or phase, year),
                     ctx.source, sparql)
    if before is not None:
        return Derived(before.figure.amount, f"{why}{year}年{PHASE_LABEL[before.figure.phase]}数{number(before.figure.amount)}",
                       before.source)
    derived = previous_year(ctx.store, ctx.catalog, Wanted.of(u), now.side.unit, year, part.iri, ctx.source, sparql, phase, basis)
    return replace(derived, working=f"{why}：{derived.working}") if derived is not None else None


def _stated_only(ctx: Context, name: str, r: dict, sources: list, table: list) -> str:
    """The change as the text states it, when the figures to compute it are not both held."""
    change, rate = Decimal(r["change"]), Decimal(r["rate"]) if r["rate"] else None
    verb = "增加" if change >= 0 else "减少"
    rate_text = f"，{'增长' if rate >= 0 else '下降'}{abs(rate):.2f}%" if rate is not None else ""
    amount = f"为{say.money(r['amount'])}万元，" if r["amount"] else ""
    reason = f"主要原因：{r['reason']}" if r["reason"] else ""
    src = ctx.source(r["doc"], None, int(r["line"]))
    sources.append(src)
    table.append([name, r["label"], float(r["amount"]) if r["amount"] else None, None, float(change),
                  float(rate) if rate is not None else None])
    document = ctx.catalog.documents.get(r["doc"])
    of = basis_words(r, document.phase if document else None)
    return f"{name}{r['year']}年{r['label']}{amount}比上年{of}{verb}{say.money(abs(change))}万元{rate_text}{say.cite(src)}。{reason}"


register(Intent("change", examples=("柳州热线2024年预算比上年增长多少", "长沙市12345政务热线中心支出比上年增加多少"),
                cues=(words(r"增长|增加|减少|下降|上升|降低|同比|比上年|较上年|比去年|变化|变动|增幅|降幅|(?:比|较)20\d{2}年|持平|不变|没变"),),
                templates=(q.facts, q.observations), answer=answer, priority=90))
