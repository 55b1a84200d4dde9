"""The audit's rules.  Each yields findings and counts how many comparisons it made (`checked[rule]`).

Severities: an error is a figure that cannot be right (a total that is not the sum of its parts, one
figure printed two ways, the text's figure not the table's, 元 printed as 万元, a required table
missing, a code that is not in the national list); a warning is a claim that does not hold against
another document or against its own operands (a stated rate, 比上年, a 决算's 年初预算, a department
against its units), or a difference rounding could just explain; a hint is a difference of rounding
(under 0.01 万元) or of wording.

Printed figures are rounded: 9,101.68 万元 in the text is 91,016,775.35 元 in a table.  Two figures
closer than half the last digit the coarser of them prints agree (Evidence.resolution), and a rate
agrees with its operands when some values that print as the operands give it (_rate_range).
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from budgetkg.ontology import terms as t
from budgetkg.ontology.names import canonical
from budgetkg.query.audit.evidence import DocumentFacts, Evidence, notation
from budgetkg.query.audit.findings import Finding, Place
from budgetkg.query.audit.registry import rule
from budgetkg.query.check import Cell, D, Discrepancy

ROUNDING = Decimal("0.01")  # 万元: the last printed digit of most tables
MONEY_SLIP = Decimal(10000)  # 元 printed where 万元 is meant, or the other way round
# the nine tables of the national 决算 template, told by the words of their titles
FINAL_TABLES = {
    "收入支出决算总表": re.compile(r"^(?!.*财政拨款).*收入支出决算总表"),
    "收入决算表": re.compile(r"^(?!.*收入支出).*收入决算表"),
    "支出决算表": re.compile(r"^(?!.*收入|.*财政拨款).*支出决算表"),
    "财政拨款收入支出决算总表": re.compile(r"财政拨款收入支出决算总表"),
    "一般公共预算财政拨款支出决算表": re.compile(r"一般公共预算财政拨款(?:支出决算表|支出决算明细表)(?<!基本支出决算表)"),
    "一般公共预算财政拨款基本支出决算表": re.compile(r"一般公共预算财政拨款基本支出决算"),
    "“三公”经费支出决算表": re.compile(r"三公.{0,4}经费.*决算"),
    "政府性基金预算财政拨款收入支出决算表": re.compile(r"政府性基金.*决算"),
    "国有资本经营预算财政拨款收入支出决算表": re.compile(r"国有资本经营.*决算"),
}
EXPLAINED = re.compile(r"无|没有|空表|无数据|不涉及|如无数字|未安排")
# tables of targets (绩效目标表, 绩效自评表): their rows are targets and scores, which the store keeps as
# projects and indicators when it can read them, not as figures; "no figures" says nothing about them
TARGET_TABLE = re.compile(r"绩效")
SUBJECT_WHOLE = re.compile(r"[(（](?:类|款|项)[)）]")
# what a table's 编制单位 line may hold besides a name: not a name to compare
GENERIC_NAME = re.compile(r"^(?:编制)?(?:单位|部门|预算单位|主管部门)(?:名称)?$")


def _fmt(value: Decimal) -> str:
    """万元 with two decimals, or as many more as the figure has (0.000034 in a table printed in 元)."""
    places = -value.normalize().as_tuple().exponent if value else 0
    return f"{value:,.{max(2, min(int(places), 6))}f}"


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _unit_of(cell: Cell) -> str:
    return cell.key[D["unit"]] or ""


def _agree(evidence: Evidence, a: Cell, b: Cell) -> bool:
    """Two printings of a figure agree when they differ by less than the coarser one's rounding."""
    return abs(a.amount - b.amount) <= max(evidence.resolution(a), evidence.resolution(b))


def _is_money_slip(a: Decimal, b: Decimal) -> bool:
    if not a or not b:
        return False
    ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return abs(ratio - MONEY_SLIP) / MONEY_SLIP < Decimal("0.001")


# ---------------------------------------------------------------- inside one document
def _discrepancy_places(evidence: Evidence, found: Discrepancy, limit: int = 8) -> tuple[Place, ...]:
    return tuple(evidence.place(c) for c in [found.stated, *found.parts[:limit]])


@rule("total-parts", "a total equals the sum of its parts: 类 = Σ款 = Σ项, 合计 = 基本 + 项目, 三公 = Σ parts, 收支平衡 …")
def total_parts(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    result = evidence.reconciled
    checked["total-parts"] += sum(n for kind, n in result.checks.items() if kind != "same-figure")
    for found in result.discrepancies + result.rounding:
        if found.kind == "same-figure":
            continue
        cells = [found.stated, *found.parts]
        difference = abs(found.difference)
        if difference <= max(evidence.resolution(c) for c in cells):
            continue  # printing precision: the parts are printed finer than the total
        slack = sum(evidence.resolution(c) for c in cells)  # what the rounding of every figure could add up to
        severity = "hint" if difference <= ROUNDING else "warning" if difference <= slack else "error"
        yield Finding("total-parts", severity,
                      f"{found.message}: stated {_fmt(found.stated.amount)} 万元 ≠ {_fmt(found.computed)} 万元 "
                      f"(difference {_fmt(found.difference)})", _discrepancy_places(evidence, found), _unit_of(found.stated),
                      found.difference)


def _same_figures(evidence: Evidence) -> Iterator[tuple[Cell, Cell]]:
    """Pairs of one figure printed twice in a document's tables (the reconciliation's same-figure)."""
    for found in evidence.reconciled.discrepancies + evidence.reconciled.rounding:
        if found.kind == "same-figure":
            for other in found.parts:
                if found.stated.table > 0 and other.table > 0:
                    yield found.stated, other


@rule("same-figure", "one figure printed in two tables (or two columns of a row) has one amount")
def same_figure(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    checked["same-figure"] += evidence.reconciled.checks["same-figure"]
    for first, other in _same_figures(evidence):
        if _is_money_slip(first.amount, other.amount) or _agree(evidence, first, other):
            continue  # money-unit; printing precision
        difference = first.amount - other.amount
        where = f"in table {first.table} and {_fmt(other.amount)} 万元 in table {other.table}" if first.table != other.table \
            else f"and {_fmt(other.amount)} 万元 on the same row of table {first.table}"
        yield Finding("same-figure", "hint" if abs(difference) <= ROUNDING else "error",
                      f"{first.describe()} is {_fmt(first.amount)} 万元 {where}",
                      (evidence.place(first), evidence.place(other)), _unit_of(first), difference)


def _text_pairs(evidence: Evidence) -> Iterator[tuple[Cell, Cell | None]]:
    """Each figure the text states with the table figure it describes (same unit, year, phase, measure,
    fund, type, subject, project), or None when the tables print it in several ways or not at all.
    A table printing the figure once (or several times alike) stands for it; the text agrees when it
    agrees with any table."""
    for cells in evidence.by_graph.values():
        for text in cells:
            if text.table != 0:
                continue
            printed: dict[int, list[Cell]] = defaultdict(list)
            for cell in evidence.by_key.get(text.key, ()):
                if cell.graph == text.graph and cell.table > 0:
                    printed[cell.table].append(cell)
            tables = [found[0] for _, found in sorted(printed.items())
                      if all(_agree(evidence, found[0], c) for c in found[1:])]  # a table listing several alike rows: none
            if not tables:
                continue
            agreeing = next((c for c in tables if _agree(evidence, text, c)), None)
            yield text, agreeing or tables[0]


def _printed_amounts(evidence: Evidence, graph: str) -> set[Decimal]:
    """Every amount the document's tables print, to the 0.01 万元."""
    return {c.amount.quantize(ROUNDING, ROUND_HALF_UP) for c in evidence.by_graph.get(graph, ()) if c.table > 0}


@rule("text-table", "a figure the text states equals the table's")
def text_table(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    printed: dict[str, set[Decimal]] = {}
    said: dict[tuple, int] = {}  # one figure the text states again (in its heading and its sentence): one finding
    findings: list[Finding] = []
    for text, table in _text_pairs(evidence):
        if table is None:
            continue
        checked["text-table"] += 1
        if _agree(evidence, text, table) or _is_money_slip(text.amount, table.amount):
            continue
        if text.graph not in printed:
            printed[text.graph] = _printed_amounts(evidence, text.graph)
        if text.amount.quantize(ROUNDING, ROUND_HALF_UP) in printed[text.graph]:
            continue  # a table prints it under another heading: the sentence was read as about something it is not
        difference = text.amount - table.amount
        # "收入预算328,661万元" for 3,286,618,082.20 元: a text giving whole 万元 may have cut the decimals off
        cut = text.amount == text.amount.to_integral() and abs(difference) < 1
        severity = "hint" if abs(difference) <= ROUNDING else "warning" if cut else "error"
        again = (text.graph, text.key, text.amount, table.table, table.line)
        if again in said:
            first = findings[said[again]]
            findings[said[again]] = dataclasses.replace(first, places=(*first.places, evidence.place(text)))
            continue
        said[again] = len(findings)
        findings.append(Finding("text-table", severity,
                                f"the text states {_fmt(text.amount)} 万元 for {text.row}, table {table.table} prints "
                                f"{_fmt(table.amount)} 万元"
                                + (" (the text's whole 万元 may be the table's with its decimals cut off)" if cut else ""),
                                (evidence.place(text), evidence.place(table)), _unit_of(table), difference))
    yield from findings


@rule("money-unit", "no figure is 10,000 times its counterpart (元 printed as 万元)")
def money_unit(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    pairs = list(_same_figures(evidence)) + [(a, b) for a, b in _text_pairs(evidence) if b is not None]
    checked["money-unit"] += len(pairs)
    for first, other in pairs:
        if _is_money_slip(first.amount, other.amount):
            yield Finding("money-unit", "error",
                          f"{first.describe()} is {_fmt(first.amount)} 万元 in one place and {_fmt(other.amount)} 万元 "
                          f"in another: 10,000 times apart, 元 and 万元 confused",
                          (evidence.place(first), evidence.place(other)), _unit_of(first))


def _narrative_place(evidence: Evidence, row: dict, figure: Decimal | None, text: str) -> Place:
    document = evidence.documents.get(row["doc"] or "")
    return Place(document.file if document else row["doc"] or "", int(row["line"] or 0), 0, "正文", figure, text, row["doc"] or "")


def _half(value: Decimal, at_least: int = 2) -> Decimal:
    """Half a unit of the value's last printed digit.  The store keeps 0.50 as 0.5, so money is taken
    to print at least two decimals; a rate stored whole ("28") may have been printed "28%": half a point."""
    exponent = value.normalize().as_tuple().exponent
    places = max(-exponent if isinstance(exponent, int) else 0, at_least)
    return Decimal("0.5").scaleb(-places)


def _rate_range(part: Decimal, part_error: Decimal, whole: Decimal, whole_error: Decimal) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest part ÷ whole × 100 over the values that print as part and whole."""
    if whole - whole_error <= 0:
        return None  # a whole of about nothing: any rate
    values = [(p / w * 100) for p in (part - part_error, part + part_error) for w in (whole - whole_error, whole + whole_error)]
    return min(values), max(values)


def _rate_holds(stated: Decimal, computed: tuple[Decimal, Decimal] | None) -> bool:
    """The stated rate is one that some values printing as the operands give, to the rate's own last digit
    (as the store keeps it: 2.60% comes back as 2.6, so is taken to be printed "2.6%", ± 0.05)."""
    if computed is None:
        return True
    error = _half(stated, at_least=0)
    return computed[0] - error <= stated <= computed[1] + error


def _pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def _stated_elsewhere(evidence: Evidence, row: dict, amount: Decimal | None, phase: str | None = None) -> list[Decimal]:
    """Other amounts the document gives for what a change is about (its unit, year, measure, fund, type,
    subject and project; of that phase, when one is named): the heading's "住房公积金（01项）208.8万元"
    beside "2026年预算安排201.50万元"."""
    wanted = (row["unit"], row["fiscalYear"], row["measure"], row["fundSource"], row["expenditureType"],
              notation(row["functionalSubject"]), notation(row["economicSubject"]), row["project"])
    found = set()
    for cell in evidence.by_graph.get(row["doc"] or "", ()):
        key = cell.key
        if (key[D["unit"]], str(key[D["year"]]), key[D["measure"]], key[D["fund"]], key[D["exptype"]], key[D["func"]],
                key[D["econ"]], key[D["project"]]) == wanted and not key[D["details"]] and cell.amount != amount \
                and (phase is None or key[D["phase"]] == phase):
            found.add(cell.amount)
    return sorted(found)


@rule("text-change", "a stated change equals the figure minus last year's, and its rate the change over last year's")
def text_change(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for row in evidence.changes:
        amount, previous, change, rate = (_decimal(row[k]) for k in ("amount", "previousAmount", "change", "changeRate"))
        label = row["label"] or ""
        if amount is not None and previous is not None and change is not None:
            checked["text-change"] += 1
            slack = _half(amount) + _half(previous) + _half(change)
            if abs(amount - previous - change) > slack:
                yield Finding("text-change", "warning",
                              f"{label}: {_fmt(amount)} − {_fmt(previous)} = {_fmt(amount - previous)} 万元, the text says "
                              f"{change:+,.2f} 万元", (_narrative_place(evidence, row, change, label),), row["unit"] or "",
                              change - (amount - previous))
        if rate is None:
            continue
        if previous is not None and amount is not None:  # the rate from both years' figures
            computed = _rate_range(amount - previous, _half(amount) + _half(previous), previous, _half(previous))
            working = f"({_fmt(amount)} − {_fmt(previous)}) ÷ {_fmt(previous)}"
            middle = (amount - previous) / previous * 100 if previous else None
        elif change is not None and amount is not None:  # from this year's figure and the change
            base = amount - change
            computed = _rate_range(change, _half(change), base, _half(amount) + _half(change))
            working = f"{_fmt(change)} ÷ ({_fmt(amount)} − {_fmt(change)})"
            middle = change / base * 100 if base else None
        else:
            continue
        checked["text-change"] += 1
        if middle is not None and not _rate_holds(rate, computed):
            if previous is not None and any(_rate_holds(rate, _rate_range(a - previous, _half(a) + _half(previous), previous,
                                                                          _half(previous)))
                                            for a in _stated_elsewhere(evidence, row, amount)):
                continue  # the rate is right for the figure the tables print: text-table reports the text's other figure
            yield Finding("text-change", "warning", f"{label}: {working} = {_pct(middle)}, the text says {rate}%",
                          (_narrative_place(evidence, row, rate, label),), row["unit"] or "", rate - middle)


@rule("text-execution", "a stated 完成率/执行率 equals 决算 ÷ 年初预算")
def text_execution(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    final_phase = t.code("phase", "final").iri
    for row in evidence.executions:
        budget, final, rate = (_decimal(row[k]) for k in ("budgetAmount", "finalAmount", "executionRate"))
        if budget and final is not None and rate is not None:
            checked["text-execution"] += 1
            if not _rate_holds(rate, _rate_range(final, _half(final), budget, _half(budget))):
                if any(_rate_holds(rate, _rate_range(f, _half(f), budget, _half(budget)))
                       for f in _stated_elsewhere(evidence, row, final, final_phase)):
                    continue  # the rate is right for the 决算 the tables print: text-table reports the text's other figure
                label = row["label"] or ""
                computed = final / budget * 100
                yield Finding("text-execution", "warning",
                              f"{label}: {_fmt(final)} ÷ {_fmt(budget)} = {_pct(computed)}, the text says {rate}%",
                              (_narrative_place(evidence, row, rate, label),), row["unit"] or "", rate - computed)


def _whole(evidence: Evidence, row: dict) -> Cell | None:
    """The figure a share is of (its measure, fund and type, no subject): as the text states it before
    the share, else as the document's first table prints it."""
    wanted = evidence.share_wholes.get(row["of"] or "")
    if not wanted:
        return None
    line = int(row["line"] or 0)
    best: tuple[tuple, Cell] | None = None
    for cell in evidence.by_graph.get(row["doc"] or "", ()):
        if cell.key[D["unit"]] != row["unit"]:
            continue
        if cell.key[D["func"]] or cell.key[D["econ"]] or cell.key[D["project"]] or cell.key[D["details"]]:
            continue
        if str(cell.key[D["year"]]) != (row["fiscalYear"] or "") or cell.key[D["phase"]] != row["phase"]:
            continue
        if any(cell.key[D[name]] != wanted.get(name) for name in ("measure", "fund", "exptype")):
            continue
        if cell.table == 0 and cell.line > line:
            continue  # the text's figure said after the share is not what it was worked out from
        rank = (0, line - cell.line) if cell.table == 0 else (1, cell.table, cell.line)
        if best is None or rank < best[0]:
            best = (rank, cell)
    return best[1] if best else None


@rule("text-share", "a stated share equals the part over the whole it names")
def text_share(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for row in evidence.shares:
        part, rate = _decimal(row["amount"]), _decimal(row["shareRate"])
        if SUBJECT_WHOLE.search(t.normalize(row["ofLabel"] or "")) or t.normalize(row["ofLabel"] or "") in t.functional_classes():
            continue  # a share of a 类 or 款 (占社会保障和就业支出的…): the store keeps no subject for the whole
        whole = _whole(evidence, row)
        if part is None or rate is None or whole is None or not whole.amount:
            continue
        checked["text-share"] += 1
        if not _rate_holds(rate, _rate_range(part, _half(part), whole.amount, evidence.resolution(whole))):
            label = row["label"] or ""
            computed = part / whole.amount * 100
            yield Finding("text-share", "warning",
                          f"{label} {_fmt(part)} ÷ {row['ofLabel'] or '合计'} {_fmt(whole.amount)} = {_pct(computed)}, "
                          f"the text says {rate}%",
                          (_narrative_place(evidence, row, rate, label), evidence.place(whole)), row["unit"] or "", rate - computed)


# ---------------------------------------------------------------- across documents
@rule("final-budget", "a 决算's 年初预算 equals the 预算 document of that year")
def final_budget(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    budget_phase = t.code("phase", "budget").iri
    budget_docs = {d.iri for d in evidence.documents.values() if d.phase == "budget"}
    final_docs = {d.iri for d in evidence.documents.values() if d.phase == "final"}
    for graph in final_docs:
        for cell in evidence.by_graph.get(graph, ()):  # the 年初预算 columns, and the 年初预算 the text states
            if cell.key[D["phase"]] != budget_phase:
                continue
            matches = _like(evidence, evidence.documents[graph], evidence.documents[graph].year,
                            [c for c in evidence.by_key.get(cell.key, ()) if c.graph in budget_docs and c.table > 0])
            if not matches:
                continue
            checked["final-budget"] += 1
            if not any(_agree(evidence, cell, c) for c in matches):  # no printing in the 预算 agrees
                other = matches[0]
                yield Finding("final-budget", "warning",
                              f"{cell.describe()}: the 决算's 年初预算 is {_fmt(cell.amount)} 万元, the 预算 document says "
                              f"{_fmt(other.amount)} 万元", (evidence.place(cell), evidence.place(other)), _unit_of(cell),
                              cell.amount - other.amount)


@rule("previous-year", "last year's figure the text gives or implies (比上年 ±) equals last year's document")
def previous_year(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for graph, cells in evidence.by_graph.items():
        document = evidence.documents.get(graph)
        if document is None:
            continue
        for cell in cells:
            if cell.table != 0 or cell.key[D["year"]] != document.year - 1:
                continue
            matches = _like(evidence, document, document.year - 1,
                            [c for c in evidence.by_key.get(cell.key, ()) if c.graph != graph])
            if not matches:
                continue
            checked["previous-year"] += 1
            if not any(_agree(evidence, cell, c) for c in matches):
                other = matches[0]
                yield Finding("previous-year", "warning",
                              f"{cell.row}: the text gives {_fmt(cell.amount)} 万元 for {document.year - 1}, "
                              f"that year's document prints {_fmt(other.amount)} 万元",
                              (evidence.place(cell), evidence.place(other)), _unit_of(cell), cell.amount - other.amount)
    yield from _implied_previous(evidence, checked)


def _like(evidence: Evidence, document: DocumentFacts, year: int, cells: list[Cell]) -> list[Cell]:
    """The figures of documents of that year, those of the same kind as the document if there are any (a
    部门 document's figures are its department's; a 单位 document of the same name, its 本级 unit's)."""
    of_year = [c for c in cells if (d := evidence.documents.get(c.graph)) is not None and d.year == year]
    alike = [c for c in of_year if evidence.documents[c.graph].kind == document.kind]
    return alike or of_year


def _implied_previous(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    """"收入预算27,807.61万元，比2025年预算增加27.45万元" says 2025's was 27,780.16: last year's documents
    (their tables or their text, any phase: 比上年 may mean last year's 预算 or its 决算) should print it."""
    index: dict[tuple, list[Cell]] = defaultdict(list)  # (unit, year, measure, fund, type, subject, project) → figures
    for cell in evidence.cells:
        key = cell.key
        if not key[D["details"]]:
            index[(key[D["unit"]], key[D["year"]], key[D["measure"]], key[D["fund"]], key[D["exptype"]], key[D["func"]],
                   key[D["econ"]], key[D["project"]])].append(cell)
    for row in evidence.changes:
        amount, change, previous = _decimal(row["amount"]), _decimal(row["change"]), _decimal(row["previousAmount"])
        document = evidence.documents.get(row["doc"] or "")
        if document is None or amount is None or (change is None and previous is None):
            continue
        implied = previous if previous is not None else amount - change  # type: ignore[operator]
        slack = _half(implied) if previous is not None else _half(amount) + _half(change)  # type: ignore[arg-type]
        year = int(row["fiscalYear"] or document.year) - 1
        key = (row["unit"], year, row["measure"], row["fundSource"], row["expenditureType"], notation(row["functionalSubject"]),
               notation(row["economicSubject"]), row["project"])
        matches = _like(evidence, document, year, [c for c in index.get(key, ()) if c.graph != document.iri
                                                   and (row["basisPhase"] is None or c.key[D["phase"]] == row["basisPhase"])])
        if not matches:
            continue
        checked["previous-year"] += 1
        if not any(abs(c.amount - implied) <= slack + evidence.resolution(c) for c in matches):
            other = min(matches, key=lambda c: abs(c.amount - implied))
            label = row["label"] or ""
            yield Finding("previous-year", "warning",
                          f"{label}: {_fmt(amount)} 万元 and a change of {_fmt(amount - implied)} 万元 put {year} at "
                          f"{_fmt(implied)} 万元, that year's document prints {_fmt(other.amount)} 万元",
                          (_narrative_place(evidence, row, amount, label), evidence.place(other)), row["unit"] or "",
                          implied - other.amount)


@rule("department-units", "a department's figures equal its units' own documents: each unit's rows, and the sum of all")
def department_units(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    children: dict[str, list[str]] = defaultdict(list)
    for unit in evidence.units.values():
        if unit.parent and unit.parent != unit.iri:
            children[unit.parent].append(unit.iri)
    own = {(d.unit, d.year, d.phase): d for d in evidence.documents.values() if d.kind == "单位"}
    headline = {t.code("measure", m).iri for m in ("expenditure-total", "income-total")}
    for document in evidence.documents.values():
        if document.kind != "部门" or not children.get(document.unit):
            continue
        docs = {child: own.get((child, document.year, document.phase)) for child in children[document.unit]}
        yield from _unit_rows(evidence, checked, document.iri, {c: d.iri for c, d in docs.items() if d})
        if not all(docs.values()):
            continue  # a unit without its own document: nothing to add up
        seen: set[tuple] = set()
        for cell in evidence.by_graph.get(document.iri, ()):
            key = cell.key
            if cell.table == 0 or key in seen or key[D["unit"]] != document.unit or key[D["measure"]] not in headline:
                continue
            if any(key[D[d]] for d in ("fund", "exptype", "func", "econ", "project")) or key[D["details"]]:
                continue
            seen.add(key)
            parts = [next((c for c in evidence.by_key.get((child,) + key[1:], ()) if c.graph == d.iri and c.table > 0), None)
                     for child, d in docs.items() if d]
            if not all(parts):
                continue
            checked["department-units"] += 1
            total = sum((p.amount for p in parts), Decimal(0))  # type: ignore[union-attr]
            slack = evidence.resolution(cell) + sum(evidence.resolution(p) for p in parts)  # type: ignore[arg-type]
            if abs(total - cell.amount) > max(slack, ROUNDING):
                yield Finding("department-units", "warning",
                              f"{cell.describe()}: the department's document says {_fmt(cell.amount)} 万元, "
                              f"its {len(parts)} units' own documents add up to {_fmt(total)} 万元",
                              (evidence.place(cell), *(evidence.place(p) for p in parts if p)), document.unit,
                              cell.amount - total)


def _unit_rows(evidence: Evidence, checked: Counter, department: str, own: dict[str, str]) -> Iterator[Finding]:
    """A unit's rows in its department's document (its 合计, each subject) against its own document."""
    seen: set[tuple] = set()
    for cell in evidence.by_graph.get(department, ()):
        graph = own.get(cell.key[D["unit"]] or "")
        if graph is None or cell.table == 0 or cell.key in seen:
            continue
        matches = [c for c in evidence.by_key.get(cell.key, ()) if c.graph == graph and c.table > 0]
        if not matches:
            continue
        seen.add(cell.key)
        checked["department-units"] += 1
        if not any(_agree(evidence, cell, c) for c in matches):
            other = matches[0]
            difference = cell.amount - other.amount
            yield Finding("department-units", "hint" if abs(difference) <= ROUNDING else "warning",
                          f"{cell.describe()}: the department's document says {_fmt(cell.amount)} 万元 for the unit, "
                          f"the unit's own document {_fmt(other.amount)} 万元",
                          (evidence.place(cell), evidence.place(other)), _unit_of(cell), difference)


# ---------------------------------------------------------------- the templates
@rule("required-tables", "a 决算 has the national template's nine tables")
def required_tables(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        if document.phase != "final":
            continue
        titles = [t.normalize(title) for number, (title, _, _) in document.tables.items() if number > 0]
        for name, pattern in FINAL_TABLES.items():
            checked["required-tables"] += 1
            if not any(pattern.search(title) for title in titles):
                yield Finding("required-tables", "error", f"{document.title} lacks the template's {name}",
                              (Place(document.file, 1, 0, "正文", None, document.title, document.iri),), document.unit)


@rule("empty-table", "a table without figures says why (注：本表无数据, 本部门无政府性基金预算…)")
def empty_table(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        absences = evidence.absences.get(document.iri, [])
        for number, (title, figures, note) in sorted(document.tables.items()):
            if number == 0 or figures or TARGET_TABLE.search(title):
                continue
            start, end = document.table_span(number)
            if any(start < line < end for line in document.content_lines):
                continue  # its rows are projects or targets
            checked["empty-table"] += 1
            if EXPLAINED.search(note):
                continue
            words = {c.iri for _, _, c in t.lexicon().find(title) if c.dimension in ("fund", "measure") and
                     c.notation not in t.GENERAL_MEASURES}
            if any(words & {c.iri for _, _, c in t.lexicon().find(a)} for a in absences):
                continue
            yield Finding("empty-table", "warning", f"table {number} “{title}” has no figures and no note or sentence saying why",
                          (Place(document.file, start or 1, number, title, None, note, document.iri),), document.unit)


# ---------------------------------------------------------------- names and codes
@rule("unit-name", "the unit's name is the same on the cover, the tables' headers and the text")
def unit_name(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        cover = next((n for where, n, _ in document.names if where == "cover"), None)
        if cover is None:
            continue
        seen: set[str] = set()
        for where, name, line in document.names:
            if name in seen or where == "cover" and name == cover or GENERIC_NAME.match(t.normalize(name)):
                continue
            seen.add(name)
            checked["unit-name"] += 1
            if t.normalize(name) == t.normalize(cover):
                continue
            if canonical(name) == canonical(cover) or cover.endswith(name) or name.endswith(cover):
                continue  # the same name with its region shortened (普陀区司法局 for 上海市普陀区司法局)
            yield Finding("unit-name", "warning", f"the {where} names the unit “{name}”, the cover “{cover}”",
                          (Place(document.file, line, 0, "正文", None, name, document.iri),), document.unit)


def _wrapped(printed: str, name: str) -> bool:
    """Every character of the name is in what was printed, in another order: a cell wrapped over lines whose
    pieces were read interleaved with the row above ("险机缴关费事支业出单位职业年金缴" for 机关事业单位职业年金缴费支出),
    not another name."""
    return not Counter(t.normalize(name)) - Counter(printed)


@rule("code-name", "a subject code is printed with its name (the national 类 list; for 款/项 the name other documents print)")
def code_name(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    official = {code: name for name, code in t.functional_classes().items()}
    # (scheme, code) → name as printed → document → the first cell printing it there
    printed: dict[tuple[str, str], dict[str, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for cell in evidence.cells:
        for scheme in ("func", "econ"):
            code = cell.key[D[scheme]]
            if code and cell.row and cell.table > 0:
                name = t.normalize(re.sub(r"^[\d\s]+", "", cell.row))
                printed[(scheme, code)][name].setdefault(cell.graph, cell)
    for (scheme, code), names in printed.items():
        documents = Counter({name: len(where) for name, where in names.items()})
        common, count = documents.most_common(1)[0]
        for name, where in names.items():
            checked["code-name"] += len(where)
            if scheme == "func" and len(code) == 3 and code in official:
                if name != official[code] and t.normalize(official[code]) not in name and not _wrapped(name, official[code]):
                    yield from (Finding("code-name", "warning", f"功能分类 {code} is printed “{name}”, its name is “{official[code]}”",
                                        (evidence.place(cell),), _unit_of(cell)) for cell in where.values())
                continue
            if count >= 2 and documents[name] < count and not (common in name or name in common or _wrapped(name, common)):
                yield from (Finding("code-name", "hint", f"{'功能' if scheme == 'func' else '经济'}分类 {code} is printed “{name}”, "
                                    f"{count} other documents print “{common}”", (evidence.place(cell),), _unit_of(cell))
                            for cell in where.values())


@rule("code-unknown", "a 功能分类 code belongs to a 类 of the national list and has 3, 5 or 7 digits")
def code_unknown(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    classes = set(t.functional_classes().values())
    seen: set[str] = set()
    for cell in evidence.cells:
        code = cell.key[D["func"]]
        if not code or code in seen:
            continue
        seen.add(code)
        checked["code-unknown"] += 1
        if code[:3] not in classes or len(code) not in (3, 5, 7):
            yield Finding("code-unknown", "error", f"功能分类 {code} is not a code of the national list (no 类 {code[:3]})"
                          if code[:3] not in classes else f"功能分类 {code} has {len(code)} digits (类 3, 款 5, 项 7)",
                          (evidence.place(cell),), _unit_of(cell))


# ---------------------------------------------------------------- the graph itself
@rule("shacl", "the graph conforms to the SHACL shapes (ontology/shapes.ttl): what ingest wrote, not what the documents say",
      default=False)
def shacl(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    from budgetkg.query.check import validate_shapes

    report = validate_shapes(evidence.store)
    checked["shacl"] += report.triples
    cells = {c.obs.iri: c for c in evidence.cells}
    severities = {"Violation": "error", "Warning": "warning", "Info": "hint"}
    for result in report.results:
        cell = cells.get(result["focus"] or "")
        place = evidence.place(cell) if cell else Place("", 0, 0, "", None, result["focus"] or "")
        path = (result["path"] or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        yield Finding("shacl", severities.get(result["severity"], "error"),
                      f"{path or 'shape'}: {result['message']}" + (f" (value {result['value']})" if result["value"] else ""),
                      (place,), _unit_of(cell) if cell else "")
