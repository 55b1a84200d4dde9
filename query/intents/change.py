"""A figure's change on the year before, as the text states it: “长沙热线中心支出比上年增加多少”."""
from __future__ import annotations

from decimal import Decimal

from budgetkg.ontology import terms as t
from budgetkg.query import answers as say
from budgetkg.query import templates as q
from budgetkg.query.answers import Result
from budgetkg.query.figures import Wanted, stated_facts
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    wanted = Wanted.of(u)
    subjects = set(u.asked_subjects)
    measures = [wanted.measure] + ([str(t.ID["measure-expenditure"]), str(t.ID["measure-income"])] if wanted.measure.endswith("-total") else [])

    def pick(mine: list[dict]) -> dict | None:
        if subjects:
            mine = sorted((r for r in mine if r["subject"] in subjects), key=lambda r: -int(r["year"]))  # the latest year
        else:
            # the latest year; the stated wording wins; otherwise the broadest (no fund or type named)
            mine = sorted((r for r in mine if not r["subject"] and r["measure"] in measures),
                          key=lambda r: (-int(r["year"]), measures.index(r["measure"]), r["fund"] != wanted.fund,
                                         r["exptype"] != wanted.exptype, bool(r["fund"]) and wanted.fund is None,
                                         bool(r["exptype"]) and wanted.exptype is None))
        return mine[0] if mine else None

    chosen, queries = stated_facts(ctx.store, ctx.catalog, wanted, u.units, "Change", u.phases[0], pick)
    found, table, sources = [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        r = chosen.get(unit)
        if r is None:
            found.append(f"{name}的文件未说明这一项与上年相比的变化")
            continue
        change, rate = Decimal(r["change"]), Decimal(r["rate"]) if r["rate"] else None
        verb = "增加" if change >= 0 else "减少"
        rate_text = f"，{'增长' if rate >= 0 else '下降'}{abs(rate):.2f}%" if rate is not None else ""
        amount = f"为{say.money(r['amount'])}万元，" if r["amount"] else ""
        reason = f"主要原因：{r['reason']}" if r["reason"] else ""
        src = ctx.source(r["doc"], None, int(r["line"]))
        sources.append(src)
        table.append([name, r["label"], float(r["amount"]) if r["amount"] else None, float(change), float(rate) if rate is not None else None])
        found.append(f"{name}{r['year']}年{r['label']}{amount}比上年{verb}{say.money(abs(change))}万元{rate_text}{say.cite(src)}。{reason}")
    return Result("ok" if table else "no_data", say.sentences([s.rstrip("。") for s in found]), "change", queries,
                  ["单位", "项目", "金额（万元）", "增减（万元）", "增减率（%）"], table, sources)


register(Intent("change", examples=("柳州热线2024年预算比上年增长多少", "长沙市12345政务热线中心支出比上年增加多少"),
                cues=(words(r"增长|增加|减少|下降|上升|同比|比上年|较上年|比去年|变化|变动|增幅|降幅"),),
                templates=(q.facts,), answer=answer, priority=90))
