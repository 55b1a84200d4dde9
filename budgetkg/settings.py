"""Everything an operator can set, in one frozen `Settings`.

`Settings.from_env()` reads the BUDGETKG_* variables (and only this module reads them); the command
line adds its options with `dataclasses.replace`.  The result is handed to `open_store`,
`create_app` and the stores.  `Settings()` alone holds the built-in defaults.

The question layer and its caches are not handed a Settings object; they read `active()`, the
settings that the process's entry point (the command line, `create_app`) put in force, or the
environment's when none did.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

CORPUS_DIR = Path(__file__).with_name("corpus")  # the bundled corpus, ingested into an empty store


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


def _setting(env: str, default: Any = None, *, limit: bool = False, secret: bool = False, **kwargs: Any) -> Any:
    """A field read from `env`; `limit` marks the public-facing limits the README's table lists."""
    metadata = {"env": env, "limit": limit}
    if "default_factory" in kwargs:
        return field(metadata=metadata, repr=not secret, **kwargs)
    return field(default=default, metadata=metadata, repr=not secret)


def _data_dir() -> Path:
    return Path(platformdirs.user_data_dir("budgetkg"))


@dataclass(frozen=True)
class Settings:
    # where the data is
    home: Path = _setting("BUDGETKG_HOME", default_factory=_data_dir)  # the default store lives here
    store: str = _setting("BUDGETKG_STORE", "")  # a directory, "memory" or an http(s) endpoint; "" = home/store
    cache_dir: Path = _setting("BUDGETKG_CACHE", default_factory=lambda: Path(platformdirs.user_cache_dir("budgetkg")))
    # limits of the public endpoint, the console and the chat (README: "Limits")
    query_timeout_s: float = _setting("BUDGETKG_QUERY_TIMEOUT", 10.0, limit=True)
    max_rows: int = _setting("BUDGETKG_MAX_ROWS", 10_000, limit=True)
    query_memory_mb: int = _setting("BUDGETKG_QUERY_MEMORY_MB", 2048, limit=True)
    max_query_bytes: int = _setting("BUDGETKG_MAX_QUERY_BYTES", 20_000, limit=True)
    max_request_bytes: int = _setting("BUDGETKG_MAX_REQUEST_BYTES", 1_000_000, limit=True)
    max_question_chars: int = _setting("BUDGETKG_MAX_QUESTION_CHARS", 500, limit=True)
    cors_origins: tuple[str, ...] = _setting("BUDGETKG_CORS_ORIGINS", (), limit=True)
    # the server
    workers: int = _setting("BUDGETKG_WORKERS", default_factory=lambda: os.cpu_count() or 1)  # uvicorn processes
    query_workers: int = _setting("BUDGETKG_QUERY_WORKERS", 2)
    # overload: beyond these, 503 with Retry-After at once (README: "Limits")
    ask_threads: int = _setting("BUDGETKG_ASK_THREADS", 2)  # questions answered at once per server process
    ask_queue: int = _setting("BUDGETKG_ASK_QUEUE", 64, limit=True)  # questions waiting for a thread, per process
    sparql_queue: int = _setting("BUDGETKG_SPARQL_QUEUE", 32, limit=True)  # queries waiting for a query worker, per process
    max_wait_s: float = _setting("BUDGETKG_MAX_WAIT", 1.0, limit=True)  # longest wait for a thread or worker before 503
    retry_after_s: int = _setting("BUDGETKG_RETRY_AFTER", 2)  # what a 503 tells the client to wait
    answer_cache: int = _setting("BUDGETKG_ANSWER_CACHE", 4096)  # answers kept per server process (0: none)
    # a remote store (budgetkg/stores/remote.py)
    update_url: str = _setting("BUDGETKG_UPDATE_URL", "")  # "" = derived from the query URL
    gsp_url: str = _setting("BUDGETKG_GSP_URL", "")  # Graph Store Protocol; "" = SPARQL Update
    store_user: str = _setting("BUDGETKG_STORE_USER", "")
    store_password: str = _setting("BUDGETKG_STORE_PASSWORD", "", secret=True)
    store_timeout_s: float = _setting("BUDGETKG_STORE_TIMEOUT", 120.0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then the BUDGETKG_* variables that are set and not empty, then `overrides`."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f.metadata["env"], "").strip()
            if raw:
                values[f.name] = _parse(f, raw)
        return cls(**{**values, **overrides})

    @property
    def store_spec(self) -> str:
        """The store to open when none is named: BUDGETKG_STORE, else `store` under the data directory."""
        return self.store or str(self.home / "store")

    @property
    def query_memory_bytes(self) -> int:
        return self.query_memory_mb * 1024 * 1024

    def environ(self) -> dict[str, str]:
        """Variables that make `from_env` give these settings again (for processes this one starts)."""
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.metadata["env"]] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a setting, for messages that tell how to change it."""
        return next(f.metadata["env"] for f in dataclasses.fields(Settings) if f.name == name)


def _parse(f: dataclasses.Field[Any], raw: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "int":
            value: Any = int(raw.replace("_", "").replace(",", ""))
        elif kind == "float":
            value = float(raw)
        elif kind == "Path":
            return Path(raw).expanduser()
        elif kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        else:
            return raw
    except ValueError:
        raise SettingsError(f"{f.metadata['env']}={raw!r} is not a number") from None
    if value < 0 or (value == 0 and f.name not in _ZERO_ALLOWED):
        raise SettingsError(f"{f.metadata['env']}={raw!r} must be greater than zero")
    return value


_ZERO_ALLOWED = {"answer_cache", "ask_queue", "sparql_queue"}  # 0 turns the cache off, or refuses whatever must wait
DEFAULTS = Settings()
_active: Settings | None = None


def active() -> Settings:
    """The settings in force in this process: the entry point's, or else the environment's."""
    return _active if _active is not None else Settings.from_env()


def activate(settings: Settings) -> None:
    global _active
    _active = settings


def __getattr__(name: str) -> Any:
    # `settings.MAX_QUESTION_CHARS`: the active limit, for code that reads it by that name
    if name == "MAX_QUESTION_CHARS":
        return active().max_question_chars
    raise AttributeError(f"module 'budgetkg.settings' has no attribute {name!r}")
