"""Settings as data: every setting has a name, an environment variable, a default and help.

Nothing here reads the environment at import time; :func:`load_settings` does it when asked.

>>> s = load_settings({"KG_BASE_URI": "http://example.org/kg"})
>>> s.base_uri
'http://example.org/kg/'
>>> s.query_timeout
30.0
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One named setting: its environment variable, default value and help text."""

    name: str
    env: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "KG_STORE",
        "var/store",
        "Store location: a directory for the embedded Oxigraph store, or "
        "sparql+http://host:port/path for a remote SPARQL 1.1 server.",
    ),
    Setting(
        "base_uri",
        "KG_BASE_URI",
        "http://127.0.0.1:5000/",
        "Base under which data IRIs (/id/...) are minted and served.",
    ),
    Setting(
        "query_timeout",
        "KG_QUERY_TIMEOUT",
        30.0,
        "Seconds a SPARQL query may run before it is stopped and answered with 503.",
    ),
    Setting(
        "max_result_rows",
        "KG_MAX_RESULT_ROWS",
        100_000,
        "Most rows (or triples) a SPARQL result may have; larger results fail with 413.",
    ),
    Setting(
        "max_body_bytes",
        "KG_MAX_BODY_BYTES",
        1_000_000,
        "Largest request body accepted, in bytes; larger bodies get 413.",
    ),
    Setting(
        "update_token",
        "KG_UPDATE_TOKEN",
        "",
        "Bearer token for /update. Empty means SPARQL Update is switched off.",
    ),
    Setting(
        "remote_user",
        "KG_REMOTE_USER",
        "",
        "User name for writes to a remote SPARQL store (HTTP digest/basic).",
    ),
    Setting(
        "remote_password", "KG_REMOTE_PASSWORD", "", "Password for writes to a remote SPARQL store."
    ),
)


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def normalise_base(uri: str) -> str:
    """Return the base URI with exactly one trailing slash.

    >>> normalise_base("http://x.org/kg")
    'http://x.org/kg/'
    """
    return uri.rstrip("/") + "/"


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one process (CLI run or web app)."""

    store: str = "var/store"
    base_uri: str = "http://127.0.0.1:5000/"
    query_timeout: float = 30.0
    max_result_rows: int = 100_000
    max_body_bytes: int = 1_000_000
    update_token: str = ""
    remote_user: str = ""
    remote_password: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with the non-None overrides applied."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        if "base_uri" in clean:
            clean["base_uri"] = normalise_base(clean["base_uri"])
        return replace(self, **clean)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from an environment mapping (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.env in env and env[s.env] != "":
            values[s.name] = _coerce(env[s.env], s.default)
    settings = Settings(**values)
    return settings.with_overrides(base_uri=settings.base_uri)
