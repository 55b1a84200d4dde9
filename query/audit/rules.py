"""The audit's rules.  Each yields findings and counts how many comparisons it made (`checked[rule]`).

Severities: an error is a figure that cannot be right (a total that is not the sum of its parts, one
figure printed two ways, 元 printed as 万元, a required table missing); a warning is a claim that does
not hold against another document or against its own operands (a stated rate, 比上年, a 决算's 年初预算);
a hint is a difference of rounding (under 0.01 万元) or of wording.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from budgetkg.ontology import terms as t
from budgetkg.ontology.names import canonical
from budgetkg.query.audit.evidence import Evidence
from budgetkg.query.audit.findings import Finding, Place
from budgetkg.query.audit.registry import rule
from budgetkg.query.check import Cell, D, Discrepancy

ROUNDING = Decimal("0.01")  # 万元: the last printed digit of most tables
PERCENT_ROUNDING = Decimal("0.01")  # a rate printed with two decimals
MONEY_SLIP = Decimal(10000)  # 元 printed where 万元 is meant, or the other way round
# the nine tables of the national 部门决算 template, told by the words of their titles
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


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _discrepancy_places(evidence: Evidence, found: Discrepancy, limit: int = 8) -> tuple[Place, ...]:
    return tuple(evidence.place(c) for c in [found.stated, *found.parts[:limit]])


def _unit_of(cell: Cell) -> str:
    return cell.key[D["unit"]] or ""


# ---------------------------------------------------------------- inside one document
@rule("total-parts", "a total equals the sum of its parts: 类 = Σ款 = Σ项, 合计 = 基本 + 项目, 三公 = Σ parts, 收支平衡 …")
def total_parts(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    result = evidence.reconciled
    checked["total-parts"] += sum(n for kind, n in result.checks.items() if kind != "same-figure")
    for found in result.discrepancies + result.rounding:
        if found.kind == "same-figure":
            continue
        difference = abs(found.difference)
        severity = "hint" if difference <= ROUNDING else "warning" if difference <= ROUNDING * len(found.parts) / 2 else "error"
        yield Finding("total-parts", severity,
                      f"{found.message}: stated {_fmt(found.stated.amount)} 万元 ≠ {_fmt(found.computed)} 万元 "
                      f"(difference {found.difference:+.2f})", _discrepancy_places(evidence, found), _unit_of(found.stated))


def _same_figures(evidence: Evidence) -> Iterator[tuple[Discrepancy, Cell]]:
    for found in evidence.reconciled.discrepancies + evidence.reconciled.rounding:
        if found.kind == "same-figure":
            for other in found.parts:
                yield found, other


def _is_money_slip(a: Decimal, b: Decimal) -> bool:
    if not a or not b:
        return False
    ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return abs(ratio - MONEY_SLIP) / MONEY_SLIP < Decimal("0.001")


@rule("same-figure", "one figure printed in two tables has one amount")
def same_figure(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    checked["same-figure"] += evidence.reconciled.checks["same-figure"]
    for found, other in _same_figures(evidence):
        if found.stated.table == 0 or other.table == 0 or _is_money_slip(found.stated.amount, other.amount):
            continue  # text-table and money-unit
        difference = abs(found.stated.amount - other.amount)
        yield Finding("same-figure", "hint" if difference <= ROUNDING else "error",
                      f"{found.stated.describe()} is {_fmt(found.stated.amount)} 万元 in table {found.stated.table} "
                      f"and {_fmt(other.amount)} 万元 in table {other.table}",
                      (evidence.place(found.stated), evidence.place(other)), _unit_of(found.stated))


@rule("text-table", "a figure the text states equals the table's")
def text_table(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    checked["text-table"] += sum(1 for c in evidence.cells if c.table == 0)
    for found, other in _same_figures(evidence):
        text, table = (found.stated, other) if found.stated.table == 0 else (other, found.stated) if other.table == 0 else (None, None)
        if text is None or table is None or _is_money_slip(text.amount, table.amount):
            continue
        difference = abs(text.amount - table.amount)
        yield Finding("text-table", "hint" if difference <= ROUNDING else "error",
                      f"the text states {_fmt(text.amount)} 万元 for {text.row}, table {table.table} prints {_fmt(table.amount)} 万元",
                      (evidence.place(text), evidence.place(table)), _unit_of(table))


@rule("money-unit", "no figure is 10,000 times its counterpart (元 printed as 万元)")
def money_unit(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for found, other in _same_figures(evidence):
        checked["money-unit"] += 1
        if _is_money_slip(found.stated.amount, other.amount):
            yield Finding("money-unit", "error",
                          f"{found.stated.describe()} is {_fmt(found.stated.amount)} 万元 in one place and {_fmt(other.amount)} 万元 "
                          f"in another: 10,000 times apart, 元 and 万元 confused",
                          (evidence.place(found.stated), evidence.place(other)), _unit_of(found.stated))


def _narrative_place(evidence: Evidence, row: dict, figure: Decimal | None, text: str) -> Place:
    document = evidence.documents.get(row["doc"] or "")
    return Place(document.file if document else row["doc"] or "", int(row["line"] or 0), 0, "正文", figure, text, row["doc"] or "")


@rule("text-change", "a stated change equals the figure minus last year's, and its rate the change over last year's")
def text_change(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for row in evidence.changes:
        amount, previous, change, rate = (_decimal(row[k]) for k in ("amount", "previousAmount", "change", "changeRate"))
        label = row["label"] or ""
        if amount is not None and previous is not None and change is not None:
            checked["text-change"] += 1
            if abs(amount - previous - change) > ROUNDING:
                yield Finding("text-change", "warning",
                              f"{label}: {_fmt(amount)} − {_fmt(previous)} = {_fmt(amount - previous)} 万元, the text says {change:+.2f}",
                              (_narrative_place(evidence, row, change, label),), row["unit"] or "")
        base = previous if previous is not None else (amount - change if amount is not None and change is not None else None)
        if rate is not None and change is not None and base:
            checked["text-change"] += 1
            computed = (change / base * 100).quantize(PERCENT_ROUNDING)
            if abs(computed - rate) > PERCENT_ROUNDING:
                yield Finding("text-change", "warning",
                              f"{label}: {_fmt(change)} ÷ {_fmt(base)} = {computed}%, the text says {rate}%",
                              (_narrative_place(evidence, row, rate, label),), row["unit"] or "")


@rule("text-execution", "a stated 完成率/执行率 equals 决算 ÷ 年初预算")
def text_execution(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for row in evidence.executions:
        budget, final, rate = (_decimal(row[k]) for k in ("budgetAmount", "finalAmount", "executionRate"))
        if budget and final is not None and rate is not None:
            checked["text-execution"] += 1
            computed = (final / budget * 100).quantize(PERCENT_ROUNDING)
            if abs(computed - rate) > PERCENT_ROUNDING:
                label = row["label"] or ""
                yield Finding("text-execution", "warning",
                              f"{label}: {_fmt(final)} ÷ {_fmt(budget)} = {computed}%, the text says {rate}%",
                              (_narrative_place(evidence, row, rate, label),), row["unit"] or "")


def _whole(evidence: Evidence, row: dict) -> Cell | None:
    """The document's table figure for the whole a share is of: its measure, fund and type, no subject."""
    wanted = evidence.share_wholes.get(row["of"] or "")
    if not wanted:
        return None
    best: Cell | None = None
    for cell in evidence.cells:
        if cell.graph != row["doc"] or cell.table == 0 or cell.key[D["unit"]] != row["unit"]:
            continue
        if cell.key[D["func"]] or cell.key[D["econ"]] or cell.key[D["project"]] or cell.key[D["details"]]:
            continue
        if str(cell.key[D["year"]]) != (row["fiscalYear"] or "") or cell.key[D["phase"]] != row["phase"]:
            continue
        if any(cell.key[D[name]] != wanted.get(name) for name in ("measure", "fund", "exptype")):
            continue
        if best is None or (cell.table, cell.line) < (best.table, best.line):
            best = cell
    return best


@rule("text-share", "a stated share equals the part over the whole it names")
def text_share(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for row in evidence.shares:
        part, rate = _decimal(row["amount"]), _decimal(row["shareRate"])
        whole = _whole(evidence, row)
        if part is None or rate is None or whole is None or not whole.amount:
            continue
        checked["text-share"] += 1
        computed = (part / whole.amount * 100).quantize(PERCENT_ROUNDING)
        if abs(computed - rate) > PERCENT_ROUNDING:
            label = row["label"] or ""
            yield Finding("text-share", "warning",
                          f"{label} {_fmt(part)} ÷ {row['ofLabel']} {_fmt(whole.amount)} = {computed}%, the text says {rate}%",
                          (_narrative_place(evidence, row, rate, label), evidence.place(whole)), row["unit"] or "")


# ---------------------------------------------------------------- across documents
def _by_key(cells: list[Cell]) -> dict[tuple, list[Cell]]:
    found: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        found[cell.key].append(cell)
    return found


@rule("final-budget", "a 决算's 年初预算 equals the 预算 document of that year")
def final_budget(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    budget_phase = t.code("phase", "budget").iri
    budget_docs = {d.iri for d in evidence.documents.values() if d.phase == "budget"}
    final_docs = {d.iri for d in evidence.documents.values() if d.phase == "final"}
    budgeted = _by_key([c for c in evidence.cells if c.graph in budget_docs and c.table > 0])
    for cell in evidence.cells:
        if cell.graph not in final_docs or cell.table == 0 or cell.key[D["phase"]] != budget_phase:
            continue
        others = [c for c in budgeted.get(cell.key, []) if c.amount != cell.amount]
        matches = budgeted.get(cell.key, [])
        if matches:
            checked["final-budget"] += 1
        if matches and len(others) == len(matches):  # no printing in the 预算 agrees
            other = others[0]
            yield Finding("final-budget", "warning",
                          f"{cell.describe()}: the 决算's 年初预算 is {_fmt(cell.amount)} 万元, the 预算 document says {_fmt(other.amount)} 万元",
                          (evidence.place(cell), evidence.place(other)), _unit_of(cell))


@rule("previous-year", "a figure the text gives for last year equals last year's document")
def previous_year(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    by_key = _by_key([c for c in evidence.cells if c.table > 0])
    for cell in evidence.cells:
        document = evidence.document_of(cell)
        if cell.table != 0 or document is None or cell.key[D["year"]] != document.year - 1:
            continue
        matches = [c for c in by_key.get(cell.key, []) if c.graph != cell.graph]
        if not matches:
            continue
        checked["previous-year"] += 1
        if all(c.amount != cell.amount for c in matches):
            other = matches[0]
            yield Finding("previous-year", "warning",
                          f"{cell.row}: the text gives {_fmt(cell.amount)} 万元 for {document.year - 1}, "
                          f"that year's document prints {_fmt(other.amount)} 万元",
                          (evidence.place(cell), evidence.place(other)), _unit_of(cell))


@rule("department-units", "a department's figure equals the sum of its units' own documents")
def department_units(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    units = evidence.catalog.units
    children: dict[str, list[str]] = defaultdict(list)
    for unit in units.values():
        if unit.parent and unit.parent != unit.iri:
            children[unit.parent].append(unit.iri)
    own = {(d.unit, d.year, d.phase): d for d in evidence.documents.values() if d.kind == "单位"}
    headline = {t.code("measure", m).iri for m in ("expenditure-total", "income-total")}
    by_key = _by_key([c for c in evidence.cells if c.table > 0])
    for document in evidence.documents.values():
        if document.kind != "部门" or not children.get(document.unit):
            continue
        docs = [own.get((child, document.year, document.phase)) for child in children[document.unit]]
        if not all(docs):
            continue  # a unit without its own document: nothing to add up
        for key, cells in by_key.items():
            if key[D["unit"]] != document.unit or key[D["measure"]] not in headline or cells[0].graph != document.iri:
                continue
            if any(key[D[d]] for d in ("fund", "exptype", "func", "econ", "project")) or key[D["details"]]:
                continue
            parts = [next((c for c in by_key.get((child,) + key[1:], []) if c.graph == d.iri), None)
                     for child, d in zip(children[document.unit], docs)]
            if not all(parts):
                continue
            checked["department-units"] += 1
            total = sum((p.amount for p in parts), Decimal(0))  # type: ignore[union-attr]
            if abs(total - cells[0].amount) > ROUNDING:
                yield Finding("department-units", "warning",
                              f"{cells[0].describe()}: the department's document says {_fmt(cells[0].amount)} 万元, "
                              f"its {len(parts)} units' own documents add up to {_fmt(total)} 万元",
                              (evidence.place(cells[0]), *(evidence.place(p) for p in parts if p)), document.unit)


# ---------------------------------------------------------------- the templates
@rule("required-tables", "a 部门决算 has the national template's nine tables")
def required_tables(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        if document.phase != "final" or document.kind != "部门":
            continue
        titles = [title for number, (title, _, _) in document.tables.items() if number > 0]
        for name, pattern in FINAL_TABLES.items():
            checked["required-tables"] += 1
            if not any(pattern.search(t.normalize(title)) for title in titles):
                yield Finding("required-tables", "error", f"{document.title} lacks the template's {name}",
                              (Place(document.file, 1, 0, "正文", None, document.title, document.iri),), document.unit)


@rule("empty-table", "a table without figures says why (注：本表无数据, 本部门无政府性基金预算…)")
def empty_table(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        absences = evidence.absences.get(document.iri, [])
        for number, (title, figures, note) in sorted(document.tables.items()):
            if number == 0 or figures:
                continue
            checked["empty-table"] += 1
            if EXPLAINED.search(note):
                continue
            words = {c.iri for _, _, c in t.lexicon().find(title) if c.dimension in ("fund", "measure") and
                     c.notation not in t.GENERAL_MEASURES}
            if any(words & {c.iri for _, _, c in t.lexicon().find(a)} for a in absences):
                continue
            yield Finding("empty-table", "warning", f"table {number} “{title}” has no figures and no note or sentence saying why",
                          (Place(document.file, 1, number, title, None, note, document.iri),), document.unit)


# ---------------------------------------------------------------- names and codes
@rule("unit-name", "the unit's name is the same on the cover, the tables' headers and the text")
def unit_name(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    for document in evidence.documents.values():
        cover = next((n for where, n, _ in document.names if where == "cover"), None)
        if cover is None:
            continue
        seen: set[str] = set()
        for where, name, line in document.names:
            if name in seen or where == "cover" and name == cover:
                continue
            seen.add(name)
            checked["unit-name"] += 1
            if t.normalize(name) == t.normalize(cover):
                continue
            same_unit = canonical(name) in {canonical(cover)} or cover.endswith(name) or name.endswith(cover)
            yield Finding("unit-name", "hint" if same_unit else "warning",
                          f"the {where} names the unit “{name}”, the cover “{cover}”"
                          + (" (the same name, region shortened)" if same_unit else ""),
                          (Place(document.file, line, 0, "正文", None, name, document.iri),), document.unit)


@rule("code-name", "a subject code is printed with its name (the national 类 list; for 款/项 the name other documents print)")
def code_name(evidence: Evidence, checked: Counter) -> Iterator[Finding]:
    official = {code: name for name, code in t.functional_classes().items()}
    printed: dict[tuple[str, str], dict[str, Cell]] = defaultdict(dict)  # (scheme, code) → name → a cell printing it
    for cell in evidence.cells:
        for scheme in ("func", "econ"):
            code = cell.key[D[scheme]]
            if code and cell.row and cell.table > 0:
                name = re.sub(r"^[\d\s]+", "", cell.row)
                printed[(scheme, code)].setdefault(t.normalize(name), cell)
    documents_per_name: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (scheme, code), names in printed.items():
        for name in names:
            documents_per_name[(scheme, code)][name] += 1
    for (scheme, code), names in printed.items():
        for name, cell in names.items():
            checked["code-name"] += 1
            if scheme == "func" and len(code) == 3 and code in official:
                if name != official[code] and t.normalize(official[code]) not in name:
                    yield Finding("code-name", "warning", f"功能分类 {code} is printed “{name}”, its name is “{official[code]}”",
                                  (evidence.place(cell),), _unit_of(cell))
                continue
            common, count = documents_per_name[(scheme, code)].most_common(1)[0]
            if name != common and count >= 2 and not (common in name or name in common):
                yield Finding("code-name", "hint", f"{'功能' if scheme == 'func' else '经济'}分类 {code} is printed “{name}”, "
                              f"other documents print “{common}”", (evidence.place(cell),), _unit_of(cell))


@rule("code-unknown", "a 功能分类 code belongs to a 类 of the national list")
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
