"""Which column each printed figure of a row stands in, when the text left out the blank cells.

Text extracted from a PDF prints only a row's non-blank figures, in column order: "6,103,096
6,103,096" under 合计 | 基本支出 | 项目支出 could be 合计+基本 or 合计+项目.  The columns are
found by arithmetic alone, never guessed:

* a row's candidates are every order-keeping way to put its figures in its columns (a blank
  cell is 0);
* within a row, linear relations of the table's template hold (合计 = 基本支出 + 项目支出);
* down the subject tree, a parent row is the sum of its children, column by column;
* other tables of the document may state some cells, or bound them (the 收支总表 says 事业收入
  is blank; one fund spends at most what all funds spend).

Sums hold up to the rounding of the printed figures (`Problem.tolerance` per figure).  A figure
is placed when every candidate that satisfies the relations puts it in the same column; the
rest is undecided, and the caller reports it and records no figure for it.  A column sum the
document itself breaks (a parent that is not the sum of its children) is set aside rather than
allowed to decide anything.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from math import ceil, comb, floor

Vector = tuple[Decimal, ...]
Placement = tuple[int, ...]  # the column of each figure, in printed order
Sum = tuple[dict[int, int], int]  # {row: coefficient} summing to 0 in one column

_MAX_CANDIDATES = 5_000  # a row with more ways to place its figures is left undecided
_MAX_SUMS = 20_000  # partial sums kept while checking one column sum exactly


@dataclass
class Problem:
    """One table's rows to place.

    `rows[r]` holds row r's figures in printed order; `allowed[r]` the columns they may stand
    in (all when None).  `row_relations` are {column: coefficient} maps whose weighted sum is
    0 in every row; `tree_relations` are {row: coefficient} maps whose weighted sum is 0 in
    every column.  `known[(row, column)]` is the (low, high) range, either end open when None,
    that other tables put the cell in.  `tolerance` is the rounding of one printed figure (half
    its last digit): a sum of n figures may be off by n times as much."""

    width: int
    rows: list[list[Decimal]]
    allowed: list[list[int] | None] = field(default_factory=list)
    row_relations: list[dict[int, int]] = field(default_factory=list)
    tree_relations: list[dict[int, int]] = field(default_factory=list)
    known: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    tolerance: Decimal = Decimal(0)


def place(problem: Problem) -> list[list[int | None]]:
    """The column of every figure of every row, or None where the arithmetic does not decide it.

    The table alone decides first; what other tables state only decides what it leaves open,
    and only if it agrees with everything the table decided."""
    problem = _in_integers(problem)
    domains = _row_domains(problem)
    decided = _decisions(problem, _propagate(problem, domains))
    if not problem.known or all(None not in row for row in decided):
        return decided
    helped = _decisions(problem, _propagate(problem, _known_filtered(problem, domains)))
    for before, after in zip(decided, helped):
        if any(b is not None and b != a for b, a in zip(before, after)):
            return decided  # the other tables contradict this one: they decide nothing here
    return helped


def _in_integers(problem: Problem) -> Problem:
    """The problem in whole units of its smallest printed digit (sums of Decimals are slow);
    stated bounds that fall between two units are widened to the next unit out."""
    exponents = [n.as_tuple().exponent for row in problem.rows for n in row] + [problem.tolerance.as_tuple().exponent]
    digits = min(max([-e for e in exponents if isinstance(e, int)] + [0]), 6)
    scale = 10 ** digits

    def widened(low: Decimal | None, high: Decimal | None) -> tuple[int | None, int | None]:
        return (None if low is None else floor(low * scale), None if high is None else ceil(high * scale))

    return Problem(problem.width, [[int(n * scale) for n in row] for row in problem.rows], problem.allowed,
                   problem.row_relations, problem.tree_relations,
                   {cell: widened(*bounds) for cell, bounds in problem.known.items()}, Decimal(problem.tolerance * scale))


def candidates(figures: int, columns: list[int]) -> list[Placement]:
    """Every order-keeping placement of `figures` figures in `columns`."""
    return list(combinations(columns, figures))


def _vector(width: int, figures: list[Decimal], placement: Placement) -> Vector:
    cells = [Decimal(0)] * width
    for value, column in zip(figures, placement):
        cells[column] = value
    return tuple(cells)


def _row_domains(problem: Problem) -> list[list[Placement] | None]:
    """Each row's placements that keep the template's relations; None when there are too many
    to list.  A row whose figures break the relations however they are placed (a misprint)
    keeps every placement: only the tree and other tables can decide it.  A row printing every
    column has one placement anyway."""
    domains: list[list[Placement] | None] = []
    for index, figures in enumerate(problem.rows):
        allowed = problem.allowed[index] if index < len(problem.allowed) and problem.allowed[index] is not None \
            else list(range(problem.width))
        if len(figures) > len(allowed):
            domains.append([])
            continue
        if comb(len(allowed), len(figures)) > _MAX_CANDIDATES:
            domains.append(None)
            continue
        options = candidates(len(figures), allowed)
        keeping = [p for p in options if all(_holds(relation, _vector(problem.width, figures, p), problem.tolerance)
                                             for relation in problem.row_relations)]
        domains.append(keeping or options)  # figures that contradict each other: only the other relations can place them
    return domains


def _holds(relation: dict[int, int], cells: Vector, tolerance: Decimal) -> bool:
    return abs(sum(coefficient * cells[column] for column, coefficient in relation.items())) <= tolerance * len(relation)


def _within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _known_filtered(problem: Problem, domains: list[list[Placement] | None]) -> list[list[Placement] | None]:
    """Domains narrowed, cell by cell, to the placements that agree with what other tables
    state, the most precise statements first (a stated figure before a bound worked out from
    several); a statement that no placement left agrees with is passed over (the tables
    contradict each other there)."""

    def precision(item: tuple[tuple[int, int], tuple[Decimal | None, Decimal | None]]) -> tuple:
        (row, column), (low, high) = item
        return (low is None or high is None, (high - low) if low is not None and high is not None else 0, row, column)

    statements = sorted(problem.known.items(), key=precision)
    result = []
    for index, domain in enumerate(domains):
        if domain is not None:
            for (row, column), (low, high) in statements:
                if row == index:
                    kept = [p for p in domain if _within(_vector(problem.width, problem.rows[index], p)[column], low, high)]
                    domain = kept or domain
        result.append(domain)
    return result


def _propagate(problem: Problem, domains: list[list[Placement] | None]) -> list[list[Placement] | None]:
    """Narrow the domains by the column sums of the tree relations until nothing changes.  A
    column sum that no combination of its rows satisfies is a contradiction inside the
    document and is set aside; if narrowing empties a domain all the same, only what each row
    decides alone is kept."""
    domains = [list(d) if d is not None else None for d in domains]
    sums: list[Sum] = []
    first: list[dict[int, list[Placement]]] = []
    for relation in problem.tree_relations:
        if all(domains[r] for r in relation):
            for column in range(problem.width):
                support = _supported((relation, column), domains, problem)
                if all(support.values()):
                    sums.append((relation, column))
                    first.append(support)
    by_row: dict[int, list[int]] = {}
    for index, (relation, _) in enumerate(sums):
        for row in relation:
            by_row.setdefault(row, []).append(index)
    queue: list[int] = []
    waiting: set[int] = set()

    def narrow(support: dict[int, list[Placement]], source: int | None) -> bool:
        for row, kept in support.items():
            kept = [p for p in kept if p in domains[row]]  # type: ignore[operator]
            if not kept:
                return False
            if len(kept) < len(domains[row]):  # type: ignore[arg-type]
                domains[row] = kept
                for other in by_row[row]:
                    if other != source and other not in waiting:
                        waiting.add(other)
                        queue.append(other)
        return True

    for support in first:  # what each sum allowed of the domains it started from
        if not narrow(support, None):
            return [d if d is not None and len(d) == 1 else None for d in _row_domains(problem)]
    while queue:  # the sums whose rows others narrowed since
        index = queue.pop(0)
        waiting.discard(index)
        if not narrow(_supported(sums[index], domains, problem), index):
            return [d if d is not None and len(d) == 1 else None for d in _row_domains(problem)]
    return domains


def _supported(column_sum: Sum, domains: list[list[Placement] | None], problem: Problem) -> dict[int, list[Placement]]:
    """For each row of a column sum, its placements whose cell some placement of the other rows
    completes to 0, within the rounding (only the bounds are checked when the exact check would
    cost too much)."""
    relation, column = column_sum
    rows = list(relation)
    slack = problem.tolerance * len(rows)

    def cell(row: int, placement: Placement) -> Decimal:
        figures = problem.rows[row]
        return relation[row] * next((figures[i] for i, c in enumerate(placement) if c == column), Decimal(0))

    values = {r: sorted({cell(r, p) for p in domains[r]}) for r in rows}  # type: ignore[union-attr]
    low = sum(v[0] for v in values.values())
    high = sum(v[-1] for v in values.values())
    kept_values = {r: [x for x in v if low - v[0] + x <= slack and high - v[-1] + x >= -slack] for r, v in values.items()}
    open_rows = [r for r in rows if len(kept_values[r]) > 1]
    fixed = sum(kept_values[r][0] for r in rows if len(kept_values[r]) == 1)
    if all(kept_values[r] for r in rows) and open_rows:
        before: list[list[Decimal]] = [[fixed]]
        for r in open_rows:
            sums = sorted({s + x for s in before[-1] for x in kept_values[r]})
            if len(sums) > _MAX_SUMS:
                break
            before.append(sums)
        else:
            after: list[list[Decimal]] = [[Decimal(0)]]
            for r in reversed(open_rows):
                after.append(sorted({s + x for s in after[-1] for x in kept_values[r]}))
            after.reverse()  # after[i]: the sums of open_rows[i:]
            for i, r in enumerate(open_rows):
                kept_values[r] = [x for x in kept_values[r] if any(_near(after[i + 1], -(s + x), slack) for s in before[i])]
    elif all(kept_values[r] for r in rows) and abs(fixed) > slack:
        kept_values = {r: [] for r in rows}
    return {r: [p for p in domains[r] if cell(r, p) in kept_values[r]] for r in rows}  # type: ignore[union-attr]


def _near(ordered: list[Decimal], target: Decimal, slack: Decimal) -> bool:
    """Whether a sorted list holds a value within slack of target."""
    index = bisect_left(ordered, target - slack)
    return index < len(ordered) and ordered[index] <= target + slack


def _decisions(problem: Problem, domains: list[list[Placement] | None]) -> list[list[int | None]]:
    result: list[list[int | None]] = []
    for figures, domain in zip(problem.rows, domains):
        if not domain:
            result.append([None] * len(figures))
            continue
        result.append([domain[0][i] if all(p[i] == domain[0][i] for p in domain) else None for i in range(len(figures))])
    return result
