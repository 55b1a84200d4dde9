"""Reconcile what each document claims about itself, and validate the graph with SHACL.

Budget disclosures print totals next to their parts.  `check(store)` recomputes every total it
can find from the parts the same document prints, per document and table:

* subjects — a functional (or economic) 类 equals the sum of its 款, a 款 the sum of its 项, and a
  row with no subject (合计, a unit row) the sum of the top-level subjects; parents come from the
  subject code (its skos:broader), within one table column and one unit, phase, fund, type …;
* funds, expenditure types, measures — 本年收入合计 = Σ fund sources, 单位资金 = Σ its parts,
  合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, 三公 = 因公出国 + 公务用车 + 公务接待,
  公务用车 = 购置 + 运行 (the skos:broader links of the vocabulary), across the cells of one row or
  down one column;
* details — a figure equals the sum of its 本级 / 上级补助 / 债券 parts, 采购 = 集中 + 分散, …;
* column totals — a 合计 / 小计 / 总计 column, or a spanning header over sub-columns, equals the
  sum of the columns beneath it, as the table's header paths say (其中 columns are not added);
* units — a 部门 row equals the sum of its sub-units (org:subOrganizationOf);
* balances — 收入总计 = 本年收入 + 上年结转 …, 支出总计 = 本年支出 + 结转下年 …, and
  收入总计 = 支出总计;
* the same figure — one unit, year, phase, measure, fund, type, detail, subject and project
  printed in several places of a document (收支总表 vs 支出总表, text vs table) has one amount.

Figures are 万元 with two decimals, so sums can be off by rounding: a difference up to
TOLERANCE (0.02 万元) counts as rounding, above it as a discrepancy.  A discrepancy is the
documents' own (the store holds what they print), but it is still something found: `CheckResult.ok`
is True only when there is none, SHACL finds no violation and every check ran, and `budgetkg
check` exits 1 otherwise.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from time import perf_counter

import pyoxigraph as ox
import rdflib

from budgetkg.ontology import terms as t
from budgetkg.query.observations import Observation, ObservationSet, load
from budgetkg.stores import Store

TOLERANCE = Decimal("0.02")
TOTAL_WORDS = {"合计", "小计", "总计"}
DIMS = ("unit", "year", "phase", "measure", "fund", "exptype", "details", "func", "econ", "project")
D = {name: index for index, name in enumerate(DIMS)}
# dimensions where a figure without a value (no fund, no subject …) is the total of those with one
NONE_IS_TOTAL = {"fund", "exptype", "func", "econ", "project"}
KIND_TITLES = {
    "functional-subject": "功能分类科目 类 = Σ款 = Σ项, 合计 = Σ类",
    "economic-subject": "经济分类科目 类 = Σ款, 合计 = Σ类",
    "fund": "资金来源: total = Σ sources",
    "expenditure-type": "支出类型: 合计 = 基本 + 项目 …, 基本 = 人员 + 公用",
    "measure": "三公 = 出国 + 公务用车 + 接待, 公务用车 = 购置 + 运行",
    "detail": "明细: total = Σ 本级/上级/债券, 集中/分散 …",
    "column-total": "合计/小计 columns = Σ the columns under the same header",
    "unit": "部门 = Σ 下属单位",
    "project": "total = Σ projects",
    "balance": "收入总计 = 本年收入 + 结转, 支出总计 = 本年支出 + 结转下年, 收入总计 = 支出总计",
    "same-figure": "one figure, one amount across the tables of a document",
}
DETAIL_FACETS = (("own-level", "transfer", "general-bond", "special-bond"), ("centralized", "decentralized"),
                 ("goods", "services", "works"))
BALANCES = {"income-total": ("income", "carryover", "nonfiscal-balance-used"),
            "expenditure-total": ("expenditure", "carryforward", "surplus-distribution")}
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class Cell:
    """A usable observation: its dimensions as a key, its amount and where it was printed."""

    obs: Observation
    key: tuple
    amount: Decimal
    graph: str
    file: str
    table: int
    table_title: str
    line: int
    column: str
    row: str

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(p for p in t.normalize(self.column).split("/") if p)

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        return " | ".join(x for x in (self.row, self.column) if x)

    def as_dict(self) -> dict:
        return {"source": self.source, "amount": _fmt(self.amount), "table": self.table, "row": self.row,
                "column": self.column, "observation": self.obs.iri}


@dataclass
class Discrepancy:
    kind: str
    file: str
    table: int
    table_title: str
    message: str
    stated: Cell  # the total as printed (or the first printing of a figure)
    parts: list[Cell]  # the parts it should equal (or the other printing)
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.stated.amount - self.computed

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "table": self.table, "table_title": self.table_title,
                "message": self.message, "stated": _fmt(self.stated.amount), "computed": _fmt(self.computed),
                "difference": _fmt(self.difference), "total": self.stated.as_dict(),
                "parts": [p.as_dict() for p in self.parts]}

    def text(self, max_parts: int = 8) -> str:
        label = "other" if self.kind == "same-figure" else "sum of parts"
        lines = [f"  [{self.kind}] T{self.table} {self.table_title}: {self.message}",
                 f"      stated {_fmt(self.stated.amount)} ≠ {label} {_fmt(self.computed)} (difference {self.difference:+})",
                 f"      {self.stated.source}  {_fmt(self.stated.amount):>12}  {self.stated.describe()}"]
        for part in self.parts[:max_parts]:
            lines.append(f"    {'=' if self.kind == 'same-figure' else '+'} {part.source}  {_fmt(part.amount):>12}  "
                         f"{part.describe()}" + (f"  (T{part.table})" if part.table != self.table else ""))
        if len(self.parts) > max_parts:
            lines.append(f"      … and {len(self.parts) - max_parts} more parts")
        return "\n".join(lines)


@dataclass
class ShaclReport:
    conforms: bool | None = None
    results: list[dict] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"conforms": self.conforms, "violations": len(self.results), "triples": self.triples,
                "seconds": round(self.seconds, 3), "results": self.results}


@dataclass
class CheckResult:
    tolerance: Decimal = TOLERANCE
    documents: list[dict] = field(default_factory=list)
    observations: int = 0
    checks: Counter = field(default_factory=Counter)  # by kind
    checks_by_file: Counter = field(default_factory=Counter)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    rounding: list[Discrepancy] = field(default_factory=list)
    shacl: ShaclReport = field(default_factory=ShaclReport)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing found: no discrepancy beyond rounding, no SHACL violation, no error."""
        return not self.errors and self.shacl.conforms is not False and not self.discrepancies

    def verdict(self) -> str:
        """"OK", or what was found: "FOUND 3 discrepancies, 1 SHACL violation"."""
        def count(n: int, what: str, plural: str) -> str:
            return f"{n} {what if n == 1 else plural}" if n else ""

        found = [count(len(self.discrepancies), "discrepancy", "discrepancies"),
                 count(len(self.shacl.results) if self.shacl.conforms is False else 0, "SHACL violation", "SHACL violations"),
                 count(len(self.errors), "error", "errors")]
        return "OK" if self.ok else "FOUND " + ", ".join(f for f in found if f)

    def as_dict(self) -> dict:
        by_kind = {kind: {"checks": self.checks[kind],
                          "discrepancies": sum(1 for d in self.discrepancies if d.kind == kind),
                          "rounding": sum(1 for d in self.rounding if d.kind == kind)} for kind in KIND_TITLES}
        return {
            "ok": self.ok,
            "tolerance": _fmt(self.tolerance),
            "summary": {"documents": len(self.documents), "observations": self.observations,
                        "checks": sum(self.checks.values()), "discrepancies": len(self.discrepancies),
                        "rounding": len(self.rounding), "by_kind": by_kind},
            "documents": self.documents,
            "discrepancies": [d.as_dict() for d in self.discrepancies],
            "rounding": [d.as_dict() for d in self.rounding],
            "shacl": self.shacl.as_dict(),
            "errors": self.errors,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def text(self) -> str:
        total = sum(self.checks.values())
        documents = f"{len(self.documents)} document{'' if len(self.documents) == 1 else 's'}"
        out = [f"budgetkg check: {self.verdict()} — {documents}, "
               f"{self.observations} observations",
               f"reconciliation: {total} equalities checked, {total - len(self.discrepancies) - len(self.rounding)} exact, "
               f"{len(self.rounding)} within rounding (≤ {_fmt(self.tolerance)} 万元), "
               f"{len(self.discrepancies)} discrepancies"]
        for kind, title in KIND_TITLES.items():
            if self.checks[kind]:
                bad = sum(1 for d in self.discrepancies if d.kind == kind)
                out.append(f"  {kind:<19} {self.checks[kind]:>5} checked, {bad:>3} discrepancies  ({title})")
        if self.shacl.conforms is None:
            out.append("SHACL: not run")
        else:
            out.append(f"SHACL: {'conforms' if self.shacl.conforms else f'{len(self.shacl.results)} violations'} "
                       f"({self.shacl.triples} triples, {self.shacl.seconds:.2f} s)")
            for result in self.shacl.results[:20]:
                out.append(f"  {result['severity']}: {result['focus']} {result['path'] or ''}: {result['message']}")
            if len(self.shacl.results) > 20:
                out.append(f"  … and {len(self.shacl.results) - 20} more")
        for error in self.errors:
            out.append(f"error: {error}")
        by_file: dict[str, list[Discrepancy]] = defaultdict(list)
        for d in self.discrepancies:
            by_file[d.file].append(d)
        for doc in self.documents:
            found = by_file.get(doc["file"], [])
            out.append(f"\n{doc['file']}: {doc['title']} — {doc['checks']} checks, {len(found)} discrepancies, "
                       f"{doc['rounding']} within rounding")
            out.extend(d.text() for d in found)
        out.append("\ntimings: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items()))
        return "\n".join(out)


def _fmt(value: Decimal) -> str:
    return format(value, "f")


# ---------------------------------------------------------------- hierarchies
def _subject_parent(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def _parents(observed: ObservationSet) -> dict[str, Callable[[object], object]]:
    broader = t.broader_codes()
    return {
        "unit": lambda u: observed.units[u].parent if u in observed.units else None,
        "measure": broader.get, "fund": broader.get, "exptype": broader.get,
        "func": _subject_parent, "econ": _subject_parent, "project": lambda p: None,
    }


def _is_ancestor(parent: Callable[[object], object], ancestor: object, value: object, none_total: bool) -> bool:
    if ancestor is None:
        return none_total and value is not None
    step = parent(value) if value is not None else None
    while step is not None:
        if step == ancestor:
            return True
        step = parent(step)
    return False


# ---------------------------------------------------------------- reconciliation
Check = tuple[str, Cell, list[Cell]]


def _single(cells: list[Cell]) -> Cell | None:
    """One cell for a value printed once or repeated identically; None when the copies differ."""
    return cells[0] if all(c.amount == cells[0].amount for c in cells) else None


def _without(key: tuple, index: int) -> tuple:
    return key[:index] + key[index + 1:]


def _rollups(cells: Iterable[Cell], dim: str, parent: Callable[[object], object]) -> Iterator[tuple[Cell, list[Cell]]]:
    """Each figure against the figures one level below it in one dimension, others equal."""
    index, none_total = D[dim], dim in NONE_IS_TOTAL
    groups: dict[tuple, dict[object, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        groups[_without(cell.key, index)][cell.key[index]].append(cell)
    for by_value in groups.values():
        if len(by_value) < 2:
            continue
        children: dict[object, list[object]] = defaultdict(list)
        for value in by_value:
            if value is None:
                continue
            above = parent(value)
            while above is not None and above not in by_value:
                above = parent(above)
            if above is not None or none_total:
                children[above].append(value)
        for top, below in children.items():
            if top not in by_value:
                continue
            total = _single(by_value[top])
            parts = [_single(by_value[v]) for v in sorted(below, key=str)]
            if total is not None and all(parts):
                yield total, parts  # type: ignore[misc]


def _detail_rollups(cells: Iterable[Cell]) -> Iterator[tuple[Cell, list[Cell]]]:
    """A figure against its parts along one facet of details (本级/上级/债券, 集中/分散, 货物/服务/工程)."""
    index = D["details"]
    for facet_notations in DETAIL_FACETS:
        facet = frozenset(t.code("detail", n).iri for n in facet_notations)
        groups: dict[tuple, dict[str | None, list[Cell]]] = defaultdict(lambda: defaultdict(list))
        for cell in cells:
            inside = cell.key[index] & facet
            if len(inside) <= 1:
                base = cell.key[:index] + (cell.key[index] - facet,) + cell.key[index + 1:]
                groups[base][next(iter(inside), None)].append(cell)
        for by_value in groups.values():
            if None in by_value and len(by_value) > 1:
                total = _single(by_value[None])
                parts = [_single(by_value[v]) for v in sorted(v for v in by_value if v is not None)]
                if total is not None and all(parts):
                    yield total, parts  # type: ignore[misc]


def _balances(cells: Iterable[Cell]) -> Iterator[tuple[Cell, list[Cell]]]:
    """收入总计 = 本年收入 + 上年结转 (+ 使用非财政拨款结余); 支出总计 = 本年支出 + 结转下年 (+ 结余分配)."""
    index = D["measure"]
    groups: dict[tuple, dict[str, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        groups[_without(cell.key, index)][cell.key[index]].append(cell)
    for by_measure in groups.values():
        for total_notation, part_notations in BALANCES.items():
            total_iri = t.code("measure", total_notation).iri
            iris = [t.code("measure", n).iri for n in part_notations]
            if total_iri in by_measure and iris[0] in by_measure:
                total = _single(by_measure[total_iri])
                parts = [_single(by_measure[i]) for i in iris if i in by_measure]
                if total is not None and all(parts):
                    yield total, parts  # type: ignore[misc]


def _income_equals_expenditure(cells: Iterable[Cell]) -> Iterator[tuple[Cell, list[Cell]]]:
    index = D["measure"]
    income, spending = t.code("measure", "income-total").iri, t.code("measure", "expenditure-total").iri
    groups: dict[tuple, dict[str, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        if cell.key[index] in (income, spending):
            groups[_without(cell.key, index)][cell.key[index]].append(cell)
    for by_measure in groups.values():
        if income in by_measure and spending in by_measure:
            total, other = _single(by_measure[income]), _single(by_measure[spending])
            if total is not None and other is not None:
                yield total, [other]


def _column_totals(cells: list[Cell], parents: dict[str, Callable[[object], object]]) -> Iterator[tuple[Cell, list[Cell]]]:
    """On one table row: a 合计/小计/总计 column, or a spanning header with its own figure, against
    the columns beneath it (a sub-group counts by its own total when it prints one)."""
    by_path: dict[tuple[str, ...], list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.path:
            by_path[cell.path].append(cell)

    def names_below(group: tuple[str, ...]) -> list[str]:
        found = {p[len(group)] for p in by_path if len(p) > len(group) and p[:len(group)] == group}
        return sorted(n for n in found if n not in TOTAL_WORDS and not n.startswith("其中"))

    def value(path: tuple[str, ...]) -> list[Cell] | None:
        if path in by_path:
            cell = _single(by_path[path])
            return [cell] if cell else None
        for word in sorted(TOTAL_WORDS):
            if path + (word,) in by_path:
                cell = _single(by_path[path + (word,)])
                return [cell] if cell else None
        return members(path)

    def members(group: tuple[str, ...]) -> list[Cell] | None:
        names = names_below(group)
        if not names:
            return None
        parts: list[Cell] = []
        for name in names:
            found = value(group + (name,))
            if found is None:
                return None
            parts.extend(found)
        return parts

    for path, found in by_path.items():
        if path[-1] in TOTAL_WORDS:
            group = path[:-1]
        elif any(len(p) > len(path) and p[:len(path)] == path for p in by_path):
            group = path
        else:
            continue
        total, parts = _single(found), members(group)
        if total is not None and parts:
            parts = _drop_refinements(parts, parents)
            if parts and parts != [total]:
                yield total, parts


def _group(path: tuple[str, ...]) -> tuple[str, ...]:
    """The header group a column totals: 本年收入/小计 → 本年收入, 合计 → the whole row."""
    return path[:-1] if path and path[-1] in TOTAL_WORDS else path


def _drop_refinements(parts: list[Cell], parents: dict[str, Callable[[object], object]]) -> list[Cell]:
    """Leave out a part that is a breakdown of another part (an unmarked 其中 column)."""
    def refines(a: Cell, b: Cell) -> bool:
        if a.key == b.key:
            return False
        for dim, x, y in zip(DIMS, a.key, b.key):
            if x == y:
                continue
            if dim == "details":
                if not y < x:
                    return False
            elif dim not in parents or not _is_ancestor(parents[dim], y, x, dim in NONE_IS_TOTAL):
                return False
        return True

    return [a for a in parts if not any(refines(a, b) for b in parts if b is not a)]


def _cells(observed: ObservationSet) -> tuple[list[Cell], list[Observation]]:
    cells: list[Cell] = []
    unusable: list[Observation] = []
    for obs in observed.observations:
        amount, line, table = obs.amount, obs.line, observed.tables.get(obs.one("table") or "")
        doc = observed.document_of(obs)
        if obs.ambiguous or amount is None or line is None or table is None or obs.one("unit") is None:
            unusable.append(obs)
            continue
        func, econ = obs.one("func"), obs.one("econ")
        key = (obs.one("unit"), obs.year, obs.one("phase"), obs.one("measure"), obs.one("fund"), obs.one("exptype"),
               frozenset(obs.details), observed.notation(func), observed.notation(econ), obs.one("project"))
        cells.append(Cell(obs, key, amount, obs.graph, doc.file if doc else obs.graph, table[0], table[1], line,
                          obs.one("column") or "", obs.one("row") or ""))
    return cells, unusable


def _describe(kind: str, total: Cell, parts: list[Cell], observed: ObservationSet) -> str:
    what = total.describe()

    def short(part: Cell) -> str:  # what tells a part from the total: its column on one row, its row in one column
        if part.row == total.row and part.column:
            return part.column
        return part.row if part.column == total.column and part.row else part.describe()

    if kind in ("functional-subject", "economic-subject"):
        codes = [p.key[D["func" if kind.startswith("functional") else "econ"]] or "" for p in parts]
        return f"{what} = Σ {len(parts)} subjects below it ({', '.join(codes[:6])}{'…' if len(codes) > 6 else ''})"
    if kind == "unit":
        return f"{what} ({observed.units[total.key[0]].name}) = Σ {len(parts)} sub-units"
    if kind == "same-figure":
        return f"{what} printed as {_fmt(total.amount)} and as {_fmt(parts[0].amount)}"
    if kind == "balance" and len(parts) == 1:
        return f"{what} = {short(parts[0])}"
    return f"{what} = Σ {' + '.join(short(p) for p in parts[:5])}{' …' if len(parts) > 5 else ''}"


def reconcile(observed: ObservationSet, tolerance: Decimal = TOLERANCE) -> CheckResult:
    result = CheckResult(tolerance=tolerance, observations=len(observed.observations))
    cells, unusable = _cells(observed)
    ambiguous = [o for o in unusable if o.ambiguous]
    if ambiguous:
        names = Counter(n for o in ambiguous for n in o.ambiguous)
        result.errors.append(f"{len(ambiguous)} observations have several values for a single-valued property "
                             f"({', '.join(f'{n} ×{c}' for n, c in names.most_common())}), e.g. {ambiguous[0].iri}; "
                             f"they cannot be reconciled")
    parents = _parents(observed)
    checks: list[Check] = []
    tables: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.table > 0:  # table 0 is the running text: its figures are only compared, not summed
            tables[(cell.graph, cell.table)].append(cell)
    for table_cells in tables.values():
        scopes: dict[tuple, list[Cell]] = defaultdict(list)
        for cell in table_cells:
            scopes[("line", cell.line, cell.row)].append(cell)
            scopes[("column", t.normalize(cell.column))].append(cell)
        for scope_key, scope in scopes.items():
            if len(scope) < 2:
                continue
            for dim, kind in (("func", "functional-subject"), ("econ", "economic-subject"), ("fund", "fund"),
                              ("exptype", "expenditure-type"), ("measure", "measure"), ("unit", "unit"),
                              ("project", "project")):
                checks.extend((kind, total, parts) for total, parts in _rollups(scope, dim, parents[dim]))
            checks.extend(("detail", total, parts) for total, parts in _detail_rollups(scope))
            if scope_key[0] == "column":
                checks.extend(("balance", total, parts) for total, parts in _balances(scope))
            else:
                checks.extend(("column-total", total, parts) for total, parts in _column_totals(scope, parents))
        checks.extend(("balance", total, parts) for total, parts in _income_equals_expenditure(table_cells))

    seen: set[tuple] = set()
    for kind, total, parts in checks:
        signature = (total.obs.iri, frozenset(p.obs.iri for p in parts))
        if signature in seen:
            continue
        seen.add(signature)
        _record(result, kind, total, parts, sum((p.amount for p in parts), Decimal(0)), observed)
    _same_figures(result, cells, observed)

    per_doc = Counter(c.file for c in cells)
    for doc in sorted(observed.documents.values(), key=lambda d: d.file):
        result.documents.append({
            "file": doc.file, "title": doc.title, "graph": doc.graph, "observations": per_doc[doc.file],
            "checks": result.checks_by_file[doc.file],
            "discrepancies": sum(1 for d in result.discrepancies if d.file == doc.file),
            "rounding": sum(1 for d in result.rounding if d.file == doc.file)})
    return result


def _record(result: CheckResult, kind: str, total: Cell, parts: list[Cell], computed: Decimal, observed: ObservationSet) -> None:
    result.checks[kind] += 1
    result.checks_by_file[total.file] += 1
    difference = abs(total.amount - computed)
    if difference == 0:
        return
    found = Discrepancy(kind, total.file, total.table, total.table_title, _describe(kind, total, parts, observed),
                        total, parts, computed)
    (result.rounding if difference <= result.tolerance else result.discrepancies).append(found)


def _same_figures(result: CheckResult, cells: list[Cell], observed: ObservationSet) -> None:
    """One figure (same key) printed twice on one row (资金类型合计 vs 项目类型合计), or in several
    tables of a document (收支总表 vs 支出总表, text vs table), with different amounts.

    Rows of one table that share a key are not one figure (a table may list several purchases of
    one project under one subject), so a table whose rows disagree takes no part across tables."""
    rows: dict[tuple, list[Cell]] = defaultdict(list)
    places: dict[tuple, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        rows[(cell.graph, cell.table, cell.line, cell.row, cell.key)].append(cell)
        places[(cell.graph, cell.key)][cell.table].append(cell)
    comparisons: list[list[Cell]] = []
    for found in rows.values():
        # a column whose header group holds another one (合计 over 本年收入/小计) is a larger total
        kept = [c for c in found if not any(o is not c and o.path[:len(_group(c.path))] == _group(c.path)
                                            for o in found)]
        if len(kept) > 1:
            comparisons.append(kept)
    for by_table in places.values():
        printed = [found[0] for found in by_table.values() if len({c.amount for c in found}) == 1]
        if len(printed) > 1:
            comparisons.append(printed)
    for found in comparisons:
        found.sort(key=lambda c: (c.table if c.table > 0 else 10**6, c.line, c.column))
        first = found[0]
        by_amount: dict[Decimal, list[Cell]] = defaultdict(list)
        for cell in found[1:]:
            by_amount[cell.amount].append(cell)
        for amount, others in by_amount.items():
            if amount == first.amount:
                result.checks["same-figure"] += 1
                result.checks_by_file[first.file] += 1
            else:
                _record(result, "same-figure", first, others, amount, observed)


# ---------------------------------------------------------------- SHACL
@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(t.HERE / "shapes.ttl", format="turtle")


def _shape_predicates(shapes: rdflib.Graph) -> list[str]:
    """The predicates the shapes look at: their paths, targetObjectsOf, and rdf:type for targets."""
    found = {str(rdflib.RDF.type)}
    for predicate in (SH.path, SH.targetObjectsOf, SH.targetSubjectsOf):
        found.update(str(o) for o in shapes.objects(None, predicate) if isinstance(o, rdflib.URIRef))
    return sorted(found)


def _to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal, memo: dict) -> rdflib.term.Node:
    converted = memo.get(term)
    if converted is None:
        if isinstance(term, ox.NamedNode):
            converted = rdflib.URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            converted = rdflib.BNode(term.value)
        elif term.language:
            converted = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == str(rdflib.XSD.string):
            converted = rdflib.Literal(term.value)
        else:
            converted = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        memo[term] = converted
    return converted


def data_graph(store: Store) -> rdflib.Graph:
    """The union of all named graphs, cut down to the predicates the shapes look at."""
    values = " ".join(str(ox.NamedNode(p)) for p in _shape_predicates(shapes_graph()))
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    graph = rdflib.Graph()
    memo: dict = {}
    graph.addN((_to_rdflib(x.subject, memo), _to_rdflib(x.predicate, memo), _to_rdflib(x.object, memo), graph)
               for x in triples)
    return graph


def validate_shapes(store: Store) -> ShaclReport:
    import pyshacl

    start = perf_counter()
    graph = data_graph(store)
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=False,
                                            meta_shacl=False, allow_infos=True, allow_warnings=True)
    report = ShaclReport(bool(conforms), triples=len(graph))
    for node in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        def get(predicate: rdflib.URIRef, node: rdflib.term.Node = node) -> str | None:
            value = results.value(node, predicate)
            return str(value) if value is not None else None
        report.results.append({"severity": (get(SH.resultSeverity) or "").rsplit("#", 1)[-1], "focus": get(SH.focusNode),
                               "path": get(SH.resultPath), "value": get(SH.value), "message": get(SH.resultMessage),
                               "shape": get(SH.sourceShape) if isinstance(results.value(node, SH.sourceShape), rdflib.URIRef) else None})
    report.results.sort(key=lambda r: (r["focus"] or "", r["path"] or ""))
    report.seconds = perf_counter() - start
    return report


# ---------------------------------------------------------------- entry point
def check(store: Store, tolerance: Decimal = TOLERANCE, shacl: bool = True) -> CheckResult:
    """Reconcile every document's totals and validate the graph against ontology/shapes.ttl."""
    timings: dict[str, float] = {}
    start = perf_counter()
    try:
        observed = load(store)
        timings["load"] = perf_counter() - start
        mark = perf_counter()
        result = reconcile(observed, tolerance)
        timings["reconcile"] = perf_counter() - mark
    except Exception as error:  # a check that cannot run makes the result not ok
        result = CheckResult(tolerance=tolerance)
        result.errors.append(f"reconciliation could not run: {type(error).__name__}: {error}")
    if shacl:
        mark = perf_counter()
        try:
            result.shacl = validate_shapes(store)
        except Exception as error:
            result.errors.append(f"SHACL validation could not run: {type(error).__name__}: {error}")
        timings["shacl"] = perf_counter() - mark
    timings["total"] = perf_counter() - start
    result.timings = timings
    return result
