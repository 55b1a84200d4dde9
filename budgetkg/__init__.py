"""budgetkg: a knowledge graph of Chinese public budget disclosures with a Chinese question layer.

The Python API that the command line and the web server share::

    from budgetkg import open_store, ingest, Asker
    store = open_store("memory")
    ingest(store, ["path/to/documents"])
    Asker(store).ask("热线中心三公经费多少", session_id="s1")["answer"]

Names are imported on first use, so `import budgetkg` stays cheap for the command line.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "open_store": "budgetkg.store",
    "Store": "budgetkg.store",
    "ingest": "budgetkg.ingest.pipeline",
    "ensure_data": "budgetkg.ingest.pipeline",
    "parse_file": "budgetkg.ingest.parse",
    "Asker": "budgetkg.query.ask",
    "check": "budgetkg.query.check",
    "export": "budgetkg.query.export",
    "stats": "budgetkg.query.stats",
    "create_app": "budgetkg.api.app",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'budgetkg' has no attribute {name!r}")
