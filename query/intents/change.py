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
from budgetkg.query.answers import Result
from budgetkg.query.derived import Derived, Side, common_unit, in_unit, number, operand, percent, previous_year
from budgetkg.query.figures import Wanted, stated_facts
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import BUDGET_WORDS, FINAL_WORDS, YEAR, Understanding

BASE = re.compile(r"(?:比|较|与|跟|同)(?P<year>20\d{2})?年?度?(?P<phase>年初预算|预算执行数|执行数|实际支出|决算|预算)?")


def _phase(text: str) -> str | None:
    if FINAL_WORDS.search(text) or re.search(r"执行数|实际", text):
        return "final"
    if BUDGET_WORDS.search(text):
        return "budget"
    return None


def stated_change(ctx: Context, u: Understanding, unit: str, year: int | None) -> tuple[dict | None, list[str]]:
    """The change the text states for the figure asked, of the year asked (else the latest)."""
    wanted = Wanted.of(u)
    subjects = set(u.asked_subjects)
    measures = [wanted.measure] + ([str(t.ID["measure-expenditure"]), str(t.ID["measure-income"])]
                                   if wanted.measure.endswith("-total") else [])

    def pick(mine: list[dict]) -> dict | None:
        mine = [r for r in mine if r["change"] is not None and (year is None or int(r["year"]) == year)]
        if subjects:
            mine = sorted((r for r in mine if r["subject"] in subjects), key=lambda r: -int(r["year"]))
        else:
            # the latest year; the stated wording wins; otherwise the broadest (no fund or type named)
            mine = sorted((r for r in mine if not r["subject"] and r["measure"] in measures),
                          key=lambda r: (-int(r["year"]), measures.index(r["measure"]), r["fund"] != wanted.fund,
                                         r["exptype"] != wanted.exptype, bool(r["fund"]) and wanted.fund is None,
                                         bool(r["exptype"]) and wanted.exptype is None))
        return mine[0] if mine else None

    chosen, queries = stated_facts(ctx.store, ctx.catalog, wanted, [unit], "Change", u.phases[0], pick)
    return chosen.get(unit), queries


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
        now = operand(ctx.store, ctx.catalog, replace(u, year=year_now), Side(unit, u.dims, subject, None, phase, year_now),
                      ctx.source, sparql)
        stated, queries = stated_change(ctx, u, unit, now.figure.year if now else year_now)
        sparql += queries
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
            derived = previous_year(ctx.store, ctx.catalog, Wanted.of(u), unit, year, subject, ctx.source, sparql, phase) \
                if year == now.figure.year - 1 else None
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
        if stated is not None and stated["change"] is not None and int(stated["year"]) == now.figure.year:
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
    return f"{name}{r['year']}年{r['label']}{amount}比上年{verb}{say.money(abs(change))}万元{rate_text}{say.cite(src)}。{reason}"


register(Intent("change", examples=("柳州热线2024年预算比上年增长多少", "长沙市12345政务热线中心支出比上年增加多少"),
                cues=(words(r"增长|增加|减少|下降|上升|降低|同比|比上年|较上年|比去年|变化|变动|增幅|降幅|(?:比|较)20\d{2}年"),),
                templates=(q.facts, q.observations), answer=answer, priority=90))
