"""Shared fixtures: the bundled corpus in a memory store, built once per test session."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Tests never touch the user's store.
os.environ.setdefault("BUDGETKG_HOME", str(Path(__file__).parent / ".budgetkg-home-unused"))
if "BUDGETKG_CACHE" not in os.environ:
    os.environ["BUDGETKG_CACHE"] = tempfile.mkdtemp(prefix="budgetkg-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BUDGETKG_CACHE"], True)

from budgetkg import config  # noqa: E402
from budgetkg.ingest.pipeline import ingest  # noqa: E402
from budgetkg.store import open_store  # noqa: E402

CORPUS = config.CORPUS_DIR
SHARED_QUESTIONS = Path(__file__).resolve().parents[1].parent / "shared" / "questions" / "dev.jsonl"


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


def corpus_file(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}*.txt"))


sys.path.insert(0, str(Path(__file__).parent))
