"""The one error ingest raises for a document it cannot read or parse."""
from __future__ import annotations


class DocumentError(ValueError):
    """A document that cannot be read or parsed; the message names the file (and line or page)."""
