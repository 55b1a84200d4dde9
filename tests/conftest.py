"""Shared fixtures: the bundled corpus in a memory store, built once per test session.

Tests never touch the user's store or caches: the session's settings point both at temporary
directories and are put in force for the question layer before any test runs.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from budgetkg import settings as budgetkg_settings
from budgetkg.ingest.pipeline import ingest
from budgetkg.settings import CORPUS_DIR, Settings
from budgetkg.stores import open_store

TESTS = Path(__file__).parent
CORPUS = CORPUS_DIR
QUESTIONS = TESTS / "questions" / "dev.jsonl"  # the development question set, kept with the tests
sys.path[:0] = [str(TESTS), str(TESTS.parent / "benchmarks")]  # helpers, and the synthetic corpus generator


_ROOT = Path(tempfile.mkdtemp(prefix="budgetkg-test-"))
atexit.register(shutil.rmtree, _ROOT, True)
SETTINGS = Settings.from_env(home=_ROOT / "home", store="", cache_dir=_ROOT / "cache")
budgetkg_settings.activate(SETTINGS)


def child_env(**changes: object) -> dict[str, str]:
    """The environment for a budgetkg process a test starts: the test settings, with `changes`."""
    return {**os.environ, **replace(SETTINGS, **changes).environ()}


@pytest.fixture
def use_settings():
    """Put other settings in force for one test: `use_settings(cache_dir=…)`."""
    yield lambda **changes: budgetkg_settings.activate(replace(SETTINGS, **changes))
    budgetkg_settings.activate(SETTINGS)


@pytest.fixture(scope="session")
def corpus_store():
    store = open_store("memory")
    reports = ingest(store, [CORPUS])
    assert all(r.error is None for r in reports), [r.error for r in reports]
    return store


@pytest.fixture(scope="session")
def asker(corpus_store):
    from budgetkg.query.ask import Asker

    return Asker(corpus_store)


# a few real disclosures beside the bundled corpus: a 决算 listing its units (text), a 部门预算 and a 单位预算 (PDF),
# and a 街道's 部门预算 (a 派出机关 of its district)
REAL_SAMPLE = ("shanghai_putuo_sthj_2025_dept_final.txt", "shanghai_putuo_sfj_2026_dept_budget.pdf",
               "shanghai_putuo_sfj_2026_unit_budget.pdf", "shanghai_putuo_wanli_2024_dept_budget.pdf")


@pytest.fixture(scope="session")
def real_asker():
    """An Asker over the bundled corpus and REAL_SAMPLE."""
    from budgetkg.query.ask import Asker

    store = open_store("memory")
    reports = ingest(store, [CORPUS, *(TESTS / "data" / "real" / name for name in REAL_SAMPLE)])
    assert all(r.error is None for r in reports), [r.error for r in reports]
    return Asker(store)


def corpus_file(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}*.txt"))
