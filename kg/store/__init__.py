"""Store backends behind one interface (DESIGN §8), chosen by the store spec.

A registry of name -> (module, class) with lazy imports keeps optional backends optional
(the pattern of ``rdflib/plugin.py``).

- a directory path: the embedded Oxigraph store;
- ``sparql+http://host:port/path`` (or ``sparql+https``): a remote SPARQL 1.1 server.
"""

from __future__ import annotations

import importlib

from kg.config import Settings
from kg.store.base import QueryDataset, QueryResult, Store

__all__ = ["QueryDataset", "QueryResult", "Store", "backend_for", "open_store"]

BACKENDS: dict[str, tuple[str, str]] = {
    "oxigraph": ("kg.store.oxigraph", "OxigraphStore"),
    "sparql": ("kg.store.remote", "RemoteStore"),
}


def backend_for(spec: str) -> str:
    """The backend name for a store spec.

    >>> backend_for("var/store")
    'oxigraph'
    >>> backend_for("sparql+http://127.0.0.1:8890/sparql")
    'sparql'
    """
    return "sparql" if spec.startswith(("sparql+http://", "sparql+https://")) else "oxigraph"


def open_store(spec: str, *, read_only: bool = False, settings: Settings | None = None) -> Store:
    """Open the store named by ``spec``."""
    name = backend_for(spec)
    module_name, class_name = BACKENDS[name]
    cls = getattr(importlib.import_module(module_name), class_name)
    if name == "oxigraph":
        return cls(spec, read_only=read_only)  # type: ignore[no-any-return]
    return cls(spec, read_only=read_only, settings=settings or Settings())  # type: ignore[no-any-return]
