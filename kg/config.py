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
        "query_workers",
        "KG_QUERY_WORKERS",
        4,
        "Worker processes that run SPARQL queries over an on-disk store; a query past the "
        "timeout is stopped by killing its worker, which is then replaced.",
    ),
    Setting(
        "response_cache_mb",
        "KG_RESPONSE_CACHE_MB",
        64,
        "Memory, in MB, for rendered GET responses (entity pages and data, SPARQL results, "
        "VoID) kept per web process; the data a process serves does not change while it "
        "runs. 0 switches the cache off.",
    ),
    Setting(
        "serve_from",
        "KG_SERVE_FROM",
        "auto",
        "Where kg serve answers from: memory (an in-memory copy of the embedded store, "
        "loaded at start; the disk store stays the durable copy), disk (the on-disk store), "
        "or auto (memory when the worst case of one copy per web and query worker fits "
        "KG_MEMORY_BUDGET_MB and KG_UPDATE_TOKEN is empty, else disk).",
    ),
    Setting(
        "memory_budget_mb",
        "KG_MEMORY_BUDGET_MB",
        2048,
        "Memory, in MB, that KG_SERVE_FROM=auto may give the in-memory copy: its estimated "
        "size (quads x 400 bytes) times the processes that may each come to hold the pages "
        "they read (kg serve --workers x (1 + KG_QUERY_WORKERS)); over it, disk is used.",
    ),
    Setting(
        "max_query_depth",
        "KG_MAX_QUERY_DEPTH",
        64,
        "Deepest nesting of brackets ({, ( and [) a SPARQL query or update may have; "
        "deeper ones get 400 before they are parsed.",
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
    Setting(
        "remote_update_url",
        "KG_REMOTE_UPDATE_URL",
        "",
        "SPARQL Update endpoint of a remote store. Empty means the query endpoint, or "
        "Virtuoso's /sparql-auth beside /sparql when KG_REMOTE_USER is set.",
    ),
    Setting(
        "remote_auth",
        "KG_REMOTE_AUTH",
        "digest",
        "HTTP authentication for writes to a remote store: digest (Virtuoso) or basic "
        "(Fuseki, GraphDB).",
    ),
    Setting(
        "remote_timeout",
        "KG_REMOTE_TIMEOUT",
        60.0,
        "Seconds kg waits for a remote SPARQL store to answer a request before it gives "
        "up with 504 (queries wait at most KG_QUERY_TIMEOUT plus 5 s).",
    ),
    Setting(
        "remote_page_size",
        "KG_REMOTE_PAGE_SIZE",
        5000,
        "Rows per request when kg pages through a remote store (graph lists, kg export). "
        "Keep it below the server's own cap (Virtuoso: ResultSetMaxRows, 10000).",
    ),
    Setting(
        "dumps_dir",
        "KG_DUMPS_DIR",
        "",
        "Folder for the dump files and sitemaps that kg ingest writes and /dumps/ serves. "
        "Empty means a dumps/ folder beside the store directory (var/dumps for var/store).",
    ),
    Setting(
        "fragment_page_size",
        "KG_FRAGMENT_PAGE_SIZE",
        100,
        "Triples per page of a Triple Pattern Fragment (/fragments).",
    ),
    Setting(
        "license",
        "KG_LICENSE",
        "",
        "IRI of the licence advertised for the dataset in /.well-known/void (dcterms:license). "
        "Empty means none is claimed; the description then points to each record's rights.",
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
    query_workers: int = 4
    response_cache_mb: int = 64
    serve_from: str = "auto"
    memory_budget_mb: int = 2048
    max_query_depth: int = 64
    max_body_bytes: int = 1_000_000
    update_token: str = ""
    remote_user: str = ""
    remote_password: str = ""
    remote_update_url: str = ""
    remote_auth: str = "digest"
    remote_timeout: float = 60.0
    remote_page_size: int = 5000
    dumps_dir: str = ""
    fragment_page_size: int = 100
    license: str = ""
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
