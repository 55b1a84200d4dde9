"""A question's words in one form: full-width to half-width, no spaces or quotes, traditional
characters in their simplified form (OpenCC), and Chinese numerals where they count or date
something ("二〇二四年" → 2024年, "前三名" → 前3名, "近两年" → 近2年) — never inside a name such as
一般公共预算 or 三公经费.  And the years a question asks about: one, several, a range or the last few.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import cn2an

_SPACES = re.compile(r"[\s\u3000]+")
_QUOTES = str.maketrans("", "", "“”\"‘’'")
_DIGIT_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_COUNTED = re.compile(r"(?P<before>前|近|最近|过去|后)(?P<number>[一二两三四五六七八九十]+)(?=名|个|位|年|家|项|$|[^\u4e00-\u9fff])")
_PERCENT = re.compile(r"百分之(?P<number>[一二两三四五六七八九十百点零〇]+)(?![几多])")


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _number(text: str) -> str:
    try:
        return str(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except (ValueError, KeyError):
        return text


def count_of(text: str) -> int | None:
    """A count written in digits or Chinese numerals ("4", "四", "十二", "两"), else None."""
    if text.isdigit():
        return int(text)
    value = _number(text)
    return int(value) if value.isdigit() else None


def normalize_question(question: str) -> str:
    text = unicodedata.normalize("NFKC", question)
    text = _SPACES.sub("", text).translate(_QUOTES)
    text = _converter().convert(text)
    text = _DIGIT_YEAR.sub(lambda m: "".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in m.group()), text)
    text = _COUNTED.sub(lambda m: m["before"] + _number(m["number"]), text)
    return _PERCENT.sub(lambda m: _number(m["number"]) + "%", text)


_YEAR = r"(20\d{2})\s*年?"
_RANGE = re.compile(rf"{_YEAR}(?:度)?\s*(?:到|至|-|—|~|～)\s*{_YEAR}")
_LIST = re.compile(r"(20\d{2})\s*年?度?(?:(?:和|与|、|及|跟|,|，)\s*(20\d{2})\s*年?度?)+")
_LAST = re.compile(r"(?:近|最近|过去)(\d+)年")
_ALL_YEARS = re.compile(r"历年|各年|每年|逐年|这几年|哪几年")
# "2025年年初预算、2025年决算、2026年预算", "2024、2025年按决算，2026年按预算": a figure of each
_PHASE_WORD = r"(年初预算数?|预算数?|决算数?|当年预算执行数|预算执行数|执行数|实际支出|实际)"
_PERIOD = re.compile(rf"(20\d{{2}})\s*年?度?(?:的)?{_PHASE_WORD}")
_BY_PHASE = re.compile(r"((?:20\d{2}\s*年?[、和与及,，]\s*)*20\d{2})\s*年?度?(?:按|用|取)(决算|预算|实际)")


@dataclass(frozen=True)
class Years:
    """The years asked: explicit ones, or the last `last` years held, or all years held."""

    years: tuple[int, ...] = ()
    last: int | None = None
    every: bool = False
    periods: tuple[tuple[int, str], ...] = ()  # (year, budget/final) when each year names its figure


    @property
    def several(self) -> bool:
        return len(self.years) > 1 or self.last is not None or self.every


def _phase(word: str) -> str:
    return "budget" if "预算" in word and "执行" not in word else "final"


def periods_asked(text: str) -> tuple[tuple[int, str], ...]:
    """The (year, phase) pairs a question lists, two or more, in its order; else none."""
    found = [(int(year), _phase(word)) for match in _BY_PHASE.finditer(text)
             for year in re.findall(r"20\d{2}", match.group(1)) for word in [match.group(2)]]
    if not found:
        found = [(int(m.group(1)), _phase(m.group(2))) for m in _PERIOD.finditer(text)]
    found = list(dict.fromkeys(found))
    return tuple(found) if len(found) > 1 else ()


def years_asked(text: str) -> Years:
    periods = periods_asked(text)
    if periods:
        return Years(tuple(sorted({year for year, _ in periods})), periods=periods)
    match = _RANGE.search(text)
    if match:
        first, last = sorted((int(match.group(1)), int(match.group(2))))
        if last - first <= 20:
            return Years(tuple(range(first, last + 1)))
    match = _LIST.search(text)
    if match:
        return Years(tuple(sorted({int(y) for y in re.findall(r"20\d{2}", match.group())})))
    match = _LAST.search(text)
    if match:
        return Years(last=max(1, min(int(match.group(1)), 20)))
    if _ALL_YEARS.search(text):
        return Years(every=True)
    return Years()
