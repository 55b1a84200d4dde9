"""Which column each printed figure of a row stands in, when the text left out the blank cells.

Text extracted from a PDF prints only a row's non-blank figures, in column order: "6,103,096
6,103,096" under 合计 | 基本支出 | 项目支出 could be 合计+基本 or 合计+项目.  The columns are
found by arithmetic alone, never guessed:

* a row's candidates are every order-keeping way to put its figures in its columns (a blank
  cell is 0);
* within a row, linear relations of the table's template hold (合计 = 基本支出 + 项目支出);
* down the subject tree, a parent row is the sum of its children in every column;
* other tables of the document may state some cells (the 收支总表 says 事业收入 is blank).

A figure is placed when every candidate that satisfies all the relations puts it in the same
column.  The rest is undecided: the caller reports it and records no figure for it.  Relations
a document itself breaks (a parent that is not the sum of its children) are set aside rather
than allowed to decide anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from math import comb

Vector = tuple[Decimal, ...]
Placement = tuple[int, ...]  # the column of each figure, in printed order

_MAX_CANDIDATES = 5_000  # a row with more ways to place its figures is left undecided
_MAX_SUMS = 200_000  # partial sums kept while checking one tree relation exactly


@dataclass
class Problem:
    """One table's rows to place.

    `rows[r]` holds row r's figures in printed order; `allowed[r]` the columns they may stand
    in (all when None).  `row_relations` are {column: coefficient} maps whose weighted sum is
    0 in every row; `tree_relations` are {row: coefficient} maps whose weighted sum is 0 in
    every column.  `known[(row, column)]` is the (low, high) range, either end open when None,
    that other tables put the cell in."""

    width: int
    rows: list[list[Decimal]]
    allowed: list[list[int] | None] = field(default_factory=list)
    row_relations: list[dict[int, int]] = field(default_factory=list)
    tree_relations: list[dict[int, int]] = field(default_factory=list)
    known: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)


def place(problem: Problem) -> list[list[int | None]]:
    """The column of every figure of every row, or None where the arithmetic does not decide it.

    The table alone decides first; cells other tables state only decide what it leaves open,
    and only if they agree with everything the table decided."""
    domains = _row_domains(problem)
    alone = _propagate(problem, domains)
    decided = _decisions(problem, alone)
    if not problem.known or all(None not in row for row in decided):
        return decided
    with_known = _propagate(problem, _known_filtered(problem, domains))
    helped = _decisions(problem, with_known)
    for before, after in zip(decided, helped):
        if any(b is not None and b != a for b, a in zip(before, after)):
            return decided  # the other tables contradict this one: they decide nothing here
    return helped


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
    to list.  A row printing every column keeps its one placement even if its figures do not
    add up: the document says so, and nothing needs deciding."""
    domains: list[list[Placement] | None] = []
    for index, figures in enumerate(problem.rows):
        allowed = problem.allowed[index] if index < len(problem.allowed) and problem.allowed[index] is not None \
            else list(range(problem.width))
        if len(figures) > len(allowed) or comb(len(allowed), len(figures)) > _MAX_CANDIDATES:
            domains.append(None if len(figures) <= len(allowed) else [])
            continue
        options = candidates(len(figures), allowed)
        if len(options) > 1:
            options = [p for p in options if _keeps(problem.row_relations, _vector(problem.width, figures, p))]
        domains.append(options)
    return domains


def _keeps(relations: list[dict[int, int]], cells: Vector) -> bool:
    return all(sum(coefficient * cells[column] for column, coefficient in relation.items()) == 0 for relation in relations)


def _known_filtered(problem: Problem, domains: list[list[Placement] | None]) -> list[list[Placement] | None]:
    """Domains narrowed, cell by cell, to the placements that agree with what other tables
    state; a stated cell that no placement agrees with is passed over (the tables contradict
    each other there)."""
    result = []
    for index, domain in enumerate(domains):
        if domain is not None:
            for (row, column), (low, high) in sorted(problem.known.items()):
                if row == index:
                    kept = [p for p in domain if _within(_vector(problem.width, problem.rows[index], p)[column], low, high)]
                    domain = kept or domain
        result.append(domain)
    return result


def _within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _propagate(problem: Problem, domains: list[list[Placement] | None]) -> list[list[Placement] | None]:
    """Narrow the domains by the tree relations until nothing changes.  A relation that no
    combination of its rows satisfies is a contradiction inside the document and is set aside;
    if narrowing empties a domain all the same, only what each row decides alone is kept."""
    domains = [list(d) if d is not None else None for d in domains]
    vectors = {(r, p): _vector(problem.width, problem.rows[r], p) for r, d in enumerate(domains) if d for p in d}
    relations = []
    for relation in problem.tree_relations:
        if all(domains[r] for r in relation):
            support = _supported(relation, domains, vectors, problem.width)
            if all(support.values()):
                relations.append(relation)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            support = _supported(relation, domains, vectors, problem.width)
            for row, kept in support.items():
                if not kept:
                    return [d if d is not None and len(d) == 1 else None for d in _row_domains(problem)]
                if len(kept) < len(domains[row]):
                    domains[row] = kept
                    changed = True
    return domains


def _supported(relation: dict[int, int], domains: list[list[Placement] | None],
               vectors: dict[tuple[int, Placement], Vector], width: int) -> dict[int, list[Placement]]:
    """For each row of a relation, its placements that some placement of the other rows
    completes to a sum of 0 in every column (only the bounds are checked when the exact check
    would cost too much)."""
    rows = list(relation)
    domain = {r: list(domains[r]) for r in rows}
    # bounds first: a placement whose cell no combination of the others can balance is out
    changed = True
    while changed:
        changed = False
        low = {r: [min(relation[r] * vectors[r, p][c] for p in domain[r]) for c in range(width)] for r in rows}
        high = {r: [max(relation[r] * vectors[r, p][c] for p in domain[r]) for c in range(width)] for r in rows}
        total_low = [sum(low[r][c] for r in rows) for c in range(width)]
        total_high = [sum(high[r][c] for r in rows) for c in range(width)]
        for r in rows:
            kept = [p for p in domain[r]
                    if all(total_low[c] - low[r][c] + relation[r] * vectors[r, p][c] <= 0 <= total_high[c] - high[r][c] + relation[r] * vectors[r, p][c]
                           for c in range(width))]
            if len(kept) < len(domain[r]):
                domain[r] = kept
                changed = True
            if not kept:
                return {row: (domain[row] if row != r else []) for row in rows}
    # then exactly: partial sums of the rows before and after each one
    open_rows = [r for r in rows if len(domain[r]) > 1]
    if not open_rows:
        total = tuple(sum(relation[r] * vectors[r, domain[r][0]][c] for r in rows) for c in range(width))
        return domain if not any(total) else {r: [] for r in rows}
    fixed = tuple(sum(relation[r] * vectors[r, domain[r][0]][c] for r in rows if len(domain[r]) == 1) for c in range(width))

    def add(a: Vector, b: Vector) -> Vector:
        return tuple(x + y for x, y in zip(a, b))

    def scaled(r: int, p: Placement) -> Vector:
        return tuple(relation[r] * x for x in vectors[r, p])

    before: list[set[Vector]] = [{fixed}]
    for r in open_rows:
        sums = {add(s, scaled(r, p)) for s in before[-1] for p in domain[r]}
        if len(sums) > _MAX_SUMS:
            return domain
        before.append(sums)
    zero = tuple(Decimal(0) for _ in range(width))
    after: list[set[Vector]] = [{zero}]
    for r in reversed(open_rows):
        after.append({add(s, scaled(r, p)) for s in after[-1] for p in domain[r]})
    after.reverse()  # after[i]: sums of open_rows[i:]
    for i, r in enumerate(open_rows):
        rest = after[i + 1]
        domain[r] = [p for p in domain[r]
                     if any(tuple(-(x + y) for x, y in zip(s, scaled(r, p))) in rest for s in before[i])]
    return domain


def _decisions(problem: Problem, domains: list[list[Placement] | None]) -> list[list[int | None]]:
    result: list[list[int | None]] = []
    for figures, domain in zip(problem.rows, domains):
        if not domain:
            result.append([None] * len(figures))
            continue
        result.append([domain[0][i] if all(p[i] == domain[0][i] for p in domain) else None for i in range(len(figures))])
    return result
