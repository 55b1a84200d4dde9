"""Settings that several parts of budgetkg share, each overridable from the environment."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CORPUS_DIR = Path(__file__).with_name("corpus")


def data_dir() -> Path:
    """Where the default on-disk store lives (BUDGETKG_HOME overrides the per-user data dir)."""
    return Path(os.environ.get("BUDGETKG_HOME") or platformdirs.user_data_dir("budgetkg"))


def cache_dir() -> Path:
    """Where caches of what is read from a store live (BUDGETKG_CACHE overrides the per-user cache dir)."""
    return Path(os.environ.get("BUDGETKG_CACHE") or platformdirs.user_cache_dir("budgetkg"))


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


# Limits for the public SPARQL endpoint, the console and the chat (README: "Limits").
QUERY_TIMEOUT_S = _number("BUDGETKG_QUERY_TIMEOUT", 10.0)
MAX_RESULT_ROWS = int(_number("BUDGETKG_MAX_ROWS", 10_000))
MAX_QUERY_BYTES = int(_number("BUDGETKG_MAX_QUERY_BYTES", 20_000))
MAX_REQUEST_BYTES = int(_number("BUDGETKG_MAX_REQUEST_BYTES", 1_000_000))
MAX_QUESTION_CHARS = int(_number("BUDGETKG_MAX_QUESTION_CHARS", 500))
QUERY_MEMORY_BYTES = int(_number("BUDGETKG_QUERY_MEMORY_MB", 2048)) * 1024 * 1024
