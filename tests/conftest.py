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
REAL = TESTS / "data" / "real"  # published disclosures of other units and provinces, unchanged
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


@pytest.fixture(scope="session")
def everything_dir(tmp_path_factory) -> Path:
    """An on-disk store of the bundled corpus and the real documents, closed, for processes to open."""
    path = tmp_path_factory.mktemp("everything") / "store"
    store = open_store(str(path))
    reports = ingest(store, [CORPUS, REAL])
    store.close()
    assert all(r.error is None for r in reports), [r.error for r in reports]
    return path


@pytest.fixture(scope="session")
def real_asker(everything_dir):
    """Questions over the bundled corpus and the real documents."""
    from budgetkg.query.ask import Asker

    return Asker(open_store(str(everything_dir), read_only=True))


def corpus_file(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}*.txt"))
