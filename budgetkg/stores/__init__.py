"""Triple stores behind one interface (`Store`, in base.py).

`open_store(spec)` picks the backend from a spec string:

* ``"memory"``: an in-memory Oxigraph store (tests);
* ``"http://…"`` / ``"https://…"``: a remote SPARQL 1.1 endpoint (`remote.RemoteStore`);
* anything else: a path to an embedded, on-disk Oxigraph store (`embedded.EmbeddedStore`, the default).

Every backend answers SPARQL with the default graph as the union of all named graphs, stores
each document in its own named graph and replaces a graph in one transaction.  Callers use the
`Store` protocol only; which backend they have is this package's business.
"""
from __future__ import annotations

from pathlib import Path

from budgetkg.settings import Settings
from budgetkg.stores.base import Kind, Select, Snapshot, Store, StoreBusy, StoreError, StoreTimeout, Term

__all__ = ["Kind", "Select", "Snapshot", "Store", "StoreBusy", "StoreError", "StoreTimeout", "Term", "open_store"]


def open_store(spec: str | None = None, *, read_only: bool = False, settings: Settings | None = None) -> Store:
    """Open the store `spec` names (default: the settings' store).

    `read_only` applies to an on-disk store, which several processes may then read while one
    writes; a memory store and an endpoint are opened as they are.
    """
    settings = settings or Settings.from_env()
    spec = spec or settings.store_spec
    if spec == "memory":
        from budgetkg.stores.embedded import EmbeddedStore

        return EmbeddedStore(None)
    if spec.startswith(("http://", "https://")):
        from budgetkg.stores.remote import RemoteStore

        return RemoteStore(spec, update_url=settings.update_url, gsp_url=settings.gsp_url, user=settings.store_user,
                           password=settings.store_password, timeout=settings.store_timeout_s)
    from budgetkg.stores.embedded import EmbeddedStore

    return EmbeddedStore(Path(spec).expanduser(), read_only=read_only)
