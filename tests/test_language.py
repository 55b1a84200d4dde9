"""How a question's wording is read before any name is looked up: characters, numerals, years and
the (year, phase) pairs of a series."""
from __future__ import annotations

import pytest

from budgetkg.query.language import Years, normalize_question, years_asked


@pytest.mark.parametrize("question,normalised", [
    ("長沙熱線中心項目支出佔比", "长沙热线中心项目支出占比"),  # traditional characters (OpenCC)
    ("二〇二四年预算", "2024年预算"),  # a year in Chinese numerals
    ("预算最多的前三个单位", "预算最多的前3个单位"),
    ("百分之五十", "50%"),
    ("柳州热线中心 三公经费", "柳州热线中心三公经费"),
])
def test_normalised_wording(question, normalised):
    assert normalize_question(question) == normalised


@pytest.mark.parametrize("text,years", [
    ("2022到2024年", Years((2022, 2023, 2024))),
    ("2023年和2024年预算", Years((2023, 2024))),
    ("近三年", Years()),  # numerals become digits before years are read (normalize_question)
    ("近3年", Years(last=3)),
    ("历年的三公经费", Years(every=True)),
    ("2024年预算", Years()),  # one year is a look-up, not a series
    # each year with the figure it names, in the order listed
    ("2025年年初预算、2025年决算、2026年预算", Years((2025, 2026), periods=((2025, "budget"), (2025, "final"), (2026, "budget")))),
    ("2025年预算、2025年执行数和2026年预算", Years((2025, 2026), periods=((2025, "budget"), (2025, "final"), (2026, "budget")))),
    ("近三年？2024、2025年按决算，2026年按预算", Years((2024, 2025, 2026), periods=((2024, "final"), (2025, "final"), (2026, "budget")))),
])
def test_years_asked(text, years):
    assert years_asked(text) == years
