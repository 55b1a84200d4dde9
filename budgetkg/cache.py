"""Files in the cache directory (Settings.cache_dir) that spare start-up work at scale.

Each file is named by its kind and a digest of everything it was made from, so a file that
exists is current; nothing is ever invalidated, old files of a kind are pruned instead.  The
files are pickles written by budgetkg into the user's own cache dir.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from budgetkg import settings

KEEP = 8  # newest files kept per kind


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def _path(kind: str, key: str) -> Path:
    return settings.active().cache_dir / f"{kind}-{key}.pickle"


def read(kind: str, key: str) -> Any | None:
    """The cached value, or None when there is none or it cannot be read."""
    path = _path(kind, key)
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
        os.utime(path)  # recently used: kept when pruning
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
        return None
    return value


def write(kind: str, key: str, value: Any) -> None:
    """Best effort: a cache that cannot be written only costs the next start-up its time."""
    path = _path(kind, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
        files = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
