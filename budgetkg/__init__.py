"""budgetkg: a knowledge graph of Chinese public budget disclosures with a Chinese question layer.

The Python API that the command line and the web server share::

    from budgetkg import open_store, ingest_documents, Asker, Settings
    store = open_store("memory")                 # or open_store(settings=Settings.from_env())
    ingest_documents(store, ["path/to/documents"])
    Asker(store).ask("热线中心三公经费多少", session_id="s1")["answer"]

Names are imported on first use, so `import budgetkg` stays cheap for the command line.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

# jieba logs "Building prefix dict … Loading model cost …" at DEBUG through its own stderr handler
# whenever a tokenizer loads its dictionary; a filter on its logger outlasts the level jieba sets on import.
logging.getLogger("jieba").addFilter(lambda record: record.levelno >= logging.WARNING)

_EXPORTS = {
    "open_store": "budgetkg.stores",
    "Store": "budgetkg.stores",
    "Settings": "budgetkg.settings",
    "ingest_documents": "budgetkg.ingest.pipeline",
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
        # `budgetkg.ingest` is the subpackage, so its entry point is exported as ingest_documents
        return getattr(importlib.import_module(_EXPORTS[name]), "ingest" if name == "ingest_documents" else name)
    raise AttributeError(f"module 'budgetkg' has no attribute {name!r}")
