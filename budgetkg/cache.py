"""Files in the cache directory (Settings.cache_dir) that spare start-up work at scale.

Each file is named by its kind and a digest of everything it was made from (budgetkg's own code
among it), so a file that exists is current; nothing is ever invalidated, old files of a kind are
pruned instead.  The files are pickles written by budgetkg into the user's own cache dir.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
from functools import cache
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


# the packages whose code and vocabulary files make what is cached (found without importing them)
PACKAGES = ("budgetkg", "budgetkg.stores", "budgetkg.ontology", "budgetkg.ingest", "budgetkg.ingest.readers",
            "budgetkg.query", "budgetkg.query.intents", "budgetkg.query.audit")


def _code_files(packages: tuple[str, ...] = PACKAGES) -> list[Path]:
    files: list[Path] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            files += [f for f in Path(folder).iterdir() if f.suffix in (".py", ".ttl", ".csv")]
    return sorted(files, key=lambda f: f.as_posix())


@cache
def code_digest(packages: tuple[str, ...] = PACKAGES) -> str:
    """A digest of budgetkg's code and vocabulary files (of `packages`): a cache file written by other
    code (an upgrade, an edited checkout) is never read, whatever its version number says."""
    return digest(*(part for f in _code_files(packages) for part in (f.name, f.read_bytes())))


def _path(kind: str, key: str) -> Path:
    return settings.active().cache_dir / f"{kind}-{digest(code_digest(), key)}.pickle"


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
