"""A figure per head, where the documents give the unit's staff: “柳州热线中心人均人员经费” →
人员经费 ÷ 实有人数 (else 编制数), with both operands and their sources."""
from __future__ import annotations

from decimal import ROUND_HALF_UP

from budgetkg.query import answers as say
from budgetkg.query.answers import Result
from budgetkg.query.derived import CENT, Side, common_unit, in_unit, number, operand
from budgetkg.query.intents.registry import Context, Intent, register, words
from budgetkg.query.intents.staffing import staffing_query
from budgetkg.query.understand import Understanding


def answer(ctx: Context, u: Understanding) -> Result:
    missing = say.which_unit(ctx.catalog, u)
    if missing:
        return missing
    query = staffing_query(u.units)
    staff = {r["unit"]: r for r in ctx.rows(query)}
    sparql = [query]
    found, rows, sources = [], [], []
    for unit in u.units:
        name = ctx.catalog.unit_label(unit)
        counted = staff.get(unit)
        # 实有人数 is who the money is spent on; 编制数 is what the unit may have
        heads, which = next(((int(counted[key]), label) for key, label in (("actual", "实有人数"), ("authorized", "编制数"))
                             if counted and counted[key]), (0, ""))
        if not heads:
            found.append(say.not_disclosed(name, "人员数（编制数或实有人数）"))
            continue
        figure = operand(ctx.store, ctx.catalog, u, Side(unit, u.dims, (u.asked_subjects or [None])[0], None, u.phases[0]),
                         ctx.source, sparql)
        if figure is None:
            found.append(say.not_disclosed(name, f"{say.PHASE_LABEL[u.phases[0]]}这一项"))
            continue
        money = common_unit(u.money, figure.figure)
        amount = in_unit(figure.figure.amount, money)
        each = (amount / heads).quantize(CENT, ROUND_HALF_UP)
        staff_source = ctx.source(counted["doc"])
        sources.append(figure.source)  # the staff is cited by its document: the text gives no line of it
        rows.append([name, figure.figure.year, figure.what, float(figure.figure.amount), which, heads, float(each)])
        found.append(f"{figure.label()}{figure.said(money)}{say.cite(figure.source)}，{which}{heads}人"
                     f"{say.cite_document(staff_source)}，人均{number(each)}{money}（{number(amount)} ÷ {heads} = {number(each)}）")
    return Result("ok" if rows else "no_data", say.sentences(found), "per_head", sparql,
                  ["单位", "年度", "指标", "金额（万元）", "人数口径", "人数", "人均"], rows, sources)


register(Intent("per_head", examples=("柳州热线中心人均人员经费是多少", "柳州热线中心平均每人基本支出"),
                cues=(words(r"人均|每人|每个人|每名|每位|平均每人|平均到每人"),), templates=(staffing_query,),
                answer=answer, priority=45, when=lambda u, candidates: bool(u.units or u.follow_up), about_units=True))
