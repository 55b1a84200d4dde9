"""The kinds of question, one module each, every one registering itself on import.

A new kind is a new module here that calls `register(Intent(...))` with its cues, templates and
writer (see registry.py), and its tests; nothing else needs to name it.
"""
from __future__ import annotations

import importlib
import pkgutil

from budgetkg.query.intents.registry import REGISTRY, Context, Cue, Intent, answer, named, register, select, words

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Context", "Cue", "Intent", "answer", "named", "register", "select", "words"]
