"""Amounts as printed: what is one, what is blank, and what only looks like one.

A figure cell holds a well-formed amount ("96,282,213.44", "1113.42", "-0.5", "0"), a blank
("", "-", "—", "/"), or something else.  Something else that has digits in it ("16.59e9",
"1,2,322.19", "12.3.4") is a malformed amount: it gives no figure and a warning, never a guess.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from budgetkg.ontology.terms import money_units

WELL_FORMED = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
BLANKS = {"", "-", "--", "—", "——", "/", "－", "–", "…", "无", "*", "**"}


class MalformedAmount(ValueError):
    """A cell with digits that is not an amount."""


def parse_amount(text: str) -> Decimal | None:
    """The amount a cell states; None for a blank or a cell without digits (a label, a rate).

    Raises MalformedAmount for digits that do not form an amount."""
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("−", "-")
    if text in BLANKS or not any(ch.isdigit() for ch in text):
        return None
    if text.startswith("(") and text.endswith(")"):  # (1,234.00): an accountant's negative
        text = "-" + text[1:-1]
    if not WELL_FORMED.match(text):
        if text.endswith("%"):
            return None  # a rate, not money
        raise MalformedAmount(text)
    return Decimal(text.replace(",", ""))


def amount(text: str) -> Decimal | None:
    """The amount a cell states, or None (blank, not a figure, or malformed)."""
    try:
        return parse_amount(text)
    except MalformedAmount:
        return None


def to_wanyuan(value: Decimal, unit: str) -> Decimal:
    """An amount in 万元, the unit every stored figure is in, exactly (96,282,213.44 元 is 9,628.221344 万元)."""
    return value * money_units()[unit].wanyuan if unit != "万元" else value
