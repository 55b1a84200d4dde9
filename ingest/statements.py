"""What a document's tables and text state, by meaning, to place what one table leaves open.

Every figure has a meaning independent of where it is printed: unit, year, phase, dimensions
(measure, fund, kind of spending …), subject and project (`fact_key`).  The 收支总表 says 事业收入
is blank; the 收入预算总表 has a 事业收入 column whose 合计 row means the same thing.  The
`Ledger` collects what the placed rows of every table state (a placed row's blank cells are 0,
a table printed empty is 0 throughout) and what the text states on its own ('其中：基本支出
14,206万元'), and answers, for a cell, the range other statements put it in: the stated figure,
or bounds from the nesting of funds, kinds of spending and 三公 items (one fund spends at
most what all funds spend less the others).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from budgetkg.ingest.facts import Fact, ParsedDocument
from budgetkg.ingest.layout import Paragraph
from budgetkg.ingest.text_rows import figure_value
from budgetkg.ontology.terms import broader_codes, code, codes, lexicon, normalize

Key = tuple  # what a figure is: unit, year, phase, dimensions, details, subject, project
TEXT = 0  # the "table" number of what the text states


def fact_key(fact: Fact) -> Key:
    """What a figure is, whichever table states it."""
    return (fact.unit.key, fact.year, fact.phase, tuple(sorted((d, c.notation) for d, c in fact.dims.items())),
            tuple(sorted(c.notation for c in fact.details)), (fact.subject.scheme, fact.subject.code) if fact.subject else None,
            fact.project.name if fact.project else None)


def _with(key: Key, dimension: str, value: str | None) -> Key:
    """The key with one dimension changed (None: left out)."""
    dims = tuple(sorted([(d, n) for d, n in key[3] if d != dimension] + ([(dimension, value)] if value else [])))
    return key[:3] + (dims,) + key[4:]


def factor(money: str) -> Decimal:
    """元 per unit of a table's money."""
    return Decimal(10000) if money == "万元" else Decimal(1)


def in_yuan(text: str, money: str) -> tuple[Decimal, Decimal]:
    """A printed figure in 元, with half its last digit as the tolerance."""
    value = figure_value(text)
    scale = factor(money)
    exponent = value.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return value * scale, step * scale / 2


# The dimensions whose values nest: all funds ⊃ 财政拨款 ⊃ 一般公共预算 …; all spending ⊃ 基本支出
# ⊃ 人员经费 …; 三公经费 ⊃ 公务用车 ⊃ 购置费 ….  None stands for "all" where a figure may leave the
# dimension out (a 支出合计 names no fund and no kind of spending), never for measures.
NESTED = {"fund": True, "exptype": True, "measure": False}


@dataclass
class Ledger:
    """What the document's tables state, by meaning: placed cells (a placed row's blank cells
    are 0), and the scope of tables printed empty (every figure in them is 0)."""

    values: dict[Key, tuple[Decimal, Decimal, int]] = field(default_factory=dict)  # value, tolerance, table
    clashes: set[Key] = field(default_factory=set)
    empty: dict[Key, int] = field(default_factory=dict)  # a table's total row key, subject left out → table
    _stems: set[Key] = field(default_factory=set)  # what is stated, nested dimensions left out
    _lows: dict[tuple[Key, int], Decimal] = field(default_factory=dict)
    _highs: dict[tuple[Key, int], Decimal | None] = field(default_factory=dict)

    def add(self, key: Key, value: Decimal, tolerance: Decimal, table: int) -> None:
        if key in self.values and abs(self.values[key][0] - value) > max(self.values[key][1], tolerance):
            self.clashes.add(key)
        self.values.setdefault(key, (value, tolerance, table))
        self._stems.add(_stem(key))

    def add_empty(self, scope: Key, table: int) -> None:
        self.empty[scope] = table
        self._stems.add(_stem(scope))

    def stated(self, key: Key, table: int) -> tuple[Decimal, Decimal] | None:
        """The value (and its tolerance) another table gives this meaning."""
        found = self.values.get(key)
        if found is not None and found[2] != table and key not in self.clashes:
            return found[0], found[1]
        scope = key[:5] + (None, None)
        if self.empty.get(scope, table) != table:
            return Decimal(0), Decimal(0)
        return None

    def range(self, key: Key, table: int) -> tuple[Decimal | None, Decimal | None] | None:
        """Where other tables put a cell: its stated value; else, money coming in and going out
        in amounts of 0 or more, at least the sum of the parts under it and at most what the
        whole above it gives less its other parts (funds, kinds of spending, 三公 items)."""
        stated = self.stated(key, table)
        if stated is not None:
            return stated[0] - stated[1], stated[0] + stated[1]
        if _stem(key) not in self._stems and _stem(key[:5] + (None, None)) not in self._stems:
            return None  # nothing stated about anything of this kind
        low = self.low(key, table)
        high = self.high(key, table)
        return None if high is None and not low else (low or None, high)

    def low(self, key: Key, table: int) -> Decimal:
        """At least: the stated figure, or the largest sum of the parts under it."""
        if (key, table) not in self._lows:
            stated = self.stated(key, table)
            if stated is not None:
                best = stated[0] - stated[1]
            else:
                dims = dict(key[3])
                best = max([sum((self.low(_with(key, dimension, part), table) for part in parts), Decimal(0))
                            for dimension in NESTED if (parts := _parts(dimension, dims.get(dimension)))] + [Decimal(0)])
            self._lows[key, table] = best
        return self._lows[key, table]

    def high(self, key: Key, table: int) -> Decimal | None:
        """At most: the stated figure, or the smallest of (a whole above it less its other parts)."""
        if (key, table) not in self._highs:
            stated = self.stated(key, table)
            best: Decimal | None = None if stated is None else stated[0] + stated[1]
            dims = dict(key[3])
            for dimension, open_above in NESTED.items():
                value = dims.get(dimension)
                if stated is not None or value is None or value not in _parents(dimension):
                    continue
                whole = _parents(dimension)[value]
                if whole is None and not open_above:
                    continue
                bound = self.high(_with(key, dimension, whole), table)
                if bound is not None:
                    bound -= sum((self.low(_with(key, dimension, part), table) for part in _parts(dimension, whole) if part != value), Decimal(0))
                    best = bound if best is None else min(best, bound)
            self._highs[key, table] = best
        return self._highs[key, table]


def _stem(key: Key) -> Key:
    """A key without its nested dimensions: what bounds can be worked out between."""
    return key[:3] + (tuple((d, n) for d, n in key[3] if d not in NESTED),) + key[4:]


@cache
def _parents(dimension: str) -> dict[str, str | None]:
    """Each value of a nested dimension → the value above it (None at the top)."""
    values = {c.iri: c.notation for c in codes().values() if c.dimension == dimension}
    broader = broader_codes()
    return {notation: values.get(broader.get(iri, "")) for iri, notation in values.items()}


@cache
def _parts(dimension: str, value: str | None) -> list[str]:
    """The values one level under a value (under None: the top-level ones, where None means all)."""
    if value is None and not NESTED[dimension]:
        return []
    return [part for part, above in _parents(dimension).items() if above == value]


_CLAUSE = re.compile(r"^(?:[(][一二三四五六七八九十]+[)]|[一二三四五六七八九十]+、|\d+[.、])?(?:其中:)?(?:(?P<year>20\d{2})年度?)?"
                     r"(?P<label>[^\d,:]{2,24}?)(?:为|是)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元$")
_NOT_A_LEVEL = re.compile(r"增加|减少|增长|下降|上升|持平|比|较|上年|同比|占|\((?:类|款|项)\)")


def text_statements(document: ParsedDocument, paragraphs: list[Paragraph]) -> list[tuple[Key, Decimal, Decimal]]:
    """Figures the text states on their own: a sentence (or its 其中 clause) that is a label the
    vocabulary knows and an amount in 万元, of the document's year: '本年支出合计19,044.27万元，
    其中：基本支出14,206万元', '（三）公务接待费1.53万元'.  Changes, shares and subject items are not."""
    from budgetkg.ingest.narrative import Text
    from budgetkg.ingest.tables import label_dims

    found = []
    for sentence in re.split(r"[。；;\n]", Text(paragraphs, wrapped=True).text):
        for position, clause in enumerate(re.split(r"(?<!\d),|,(?!\d)", normalize(sentence))):
            match = _CLAUSE.match(clause)
            if match is None or (position and not clause.startswith("其中")) or _NOT_A_LEVEL.search(match["label"]):
                continue
            label = match["label"]
            if match["year"] and int(match["year"]) != document.year or \
                    sum(end - start for start, end, _ in lexicon().find(label)) < 0.8 * len(label):
                continue
            dims, details = label_dims(label)
            phase = dims.pop("phase").notation if "phase" in dims else document.phase
            if "measure" not in dims and ("exptype" in dims or "支出" in label):
                dims["measure"] = code("measure", "expenditure")
            elif "measure" not in dims and "收入" in label:
                dims["measure"] = code("measure", "income")
            if "measure" not in dims or phase.startswith("prior-"):
                continue
            key = (document.unit.key, document.year, phase, tuple(sorted((d, c.notation) for d, c in dims.items())),
                   tuple(sorted(c.notation for c in details)), None, None)
            found.append((key, *in_yuan(match["amount"], "万元")))
    return found
