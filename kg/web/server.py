"""Production serving: waitress (one process, threads) or gunicorn (several worker
processes), from an in-memory copy of the store or from the on-disk store
(``KG_SERVE_FROM``).

- **memory**: the process that will serve copies the on-disk store into an in-memory
  pyoxigraph store (:mod:`kg.store.memory`), then, while it still runs one thread, starts
  the zygote that forks query workers sharing that copy (:mod:`kg.sparql.zygote`).
  With gunicorn the master does this once and its workers are forked from it
  (``preload_app``), so they share the copy's pages instead of loading one each.
- **disk**: each process opens the store read-only (gunicorn: after the fork), and query
  workers open it too (:class:`kg.sparql.executor.ProcessExecutor`).

Behind a reverse proxy, and how to swap in a re-ingested store, see
``docs/deployment.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from kg.config import Settings
from kg.errors import KgError
from kg.store import backend_for, open_store
from kg.store.memory import MemoryCopy, estimated_mb
from kg.store.oxigraph import OxigraphStore

#: The values of ``KG_SERVE_FROM``.
SERVE_FROM = ("auto", "memory", "disk")


class ServingConfigError(KgError):
    """``KG_SERVE_FROM`` asks for something this store or configuration cannot do."""


@dataclass
class Serving:
    """What ``kg serve`` serves from: an in-memory copy (``store``) or the disk store."""

    store: OxigraphStore | None
    reason: str

    @property
    def from_memory(self) -> bool:
        """True when serving from the in-memory copy."""
        return self.store is not None


def serving_mode(settings: Settings) -> str:
    """The validated ``KG_SERVE_FROM`` value.

    >>> serving_mode(Settings(serve_from=" Memory "))
    'memory'
    >>> serving_mode(Settings(serve_from="ram"))
    Traceback (most recent call last):
    ...
    kg.web.server.ServingConfigError: KG_SERVE_FROM must be auto, memory or disk, not 'ram'
    """
    mode = settings.serve_from.strip().lower()
    if mode not in SERVE_FROM:
        raise ServingConfigError(
            f"KG_SERVE_FROM must be auto, memory or disk, not {settings.serve_from!r}"
        )
    return mode


def processes_sharing_copy(settings: Settings, workers: int = 1) -> int:
    """How many processes may come to hold the copy's pages: each web worker and each of
    its query workers (pyoxigraph's in-memory reads write to the pages they touch, so
    copy-on-write sharing erodes as the processes query).

    >>> processes_sharing_copy(Settings(query_workers=4), workers=1)
    5
    """
    return max(1, workers) * (1 + max(1, settings.query_workers))


def choose_serving(settings: Settings, workers: int = 1) -> Serving:
    """Resolve ``KG_SERVE_FROM``: load the in-memory copy, or check that the disk store
    opens (so that a bad store fails before the server starts, with a message).

    ``auto`` loads the copy only when the worst case, one copy per process that queries it
    (:func:`processes_sharing_copy`), fits ``KG_MEMORY_BUDGET_MB``."""
    mode = serving_mode(settings)
    reason = ""
    if mode == "disk":
        reason = "KG_SERVE_FROM=disk"
    elif backend_for(settings.store) != "oxigraph":
        if mode == "memory":
            raise ServingConfigError(
                "KG_SERVE_FROM=memory needs the embedded store; a remote SPARQL store is "
                "queried where it is (use auto or disk)"
            )
        reason = "a remote store"
    elif settings.update_token:
        if mode == "memory":
            raise ServingConfigError(
                "KG_SERVE_FROM=memory cannot serve /update (KG_UPDATE_TOKEN is set): updates "
                "are written to the disk store, which the in-memory copy would not see; "
                "use KG_SERVE_FROM=disk"
            )
        reason = "/update is on (KG_UPDATE_TOKEN)"
    else:
        copy = MemoryCopy(settings.store)
        size = estimated_mb(copy.quads)
        copies = processes_sharing_copy(settings, workers)
        if mode == "auto" and size * copies > settings.memory_budget_mb:
            copy.cancel()
            reason = (
                f"{copy.quads} quads, ~{size:.0f} MB in memory, up to {copies} copies "
                f"(web and query workers): over KG_MEMORY_BUDGET_MB "
                f"({settings.memory_budget_mb})"
            )
        else:
            store = copy.load()
            return Serving(store, f"{copy.quads} quads, ~{size:.0f} MB")
    open_store(settings.store, read_only=True, settings=settings).close()
    return Serving(None, reason)


def build_app(settings: Settings, serving: Serving) -> Flask:
    """The app over the in-memory copy and its forked query workers, or over the disk
    store. Call it before any server thread starts (the zygote is forked here)."""
    from kg.web import create_app

    if serving.store is None:
        return create_app(settings)
    from kg.sparql.executor import ZygoteExecutor

    executor = ZygoteExecutor(
        serving.store,
        workers=settings.query_workers,
        timeout=settings.query_timeout,
        max_rows=settings.max_result_rows,
    )
    return create_app(settings, store=serving.store, executor=executor)


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = 1,
    threads: int = 8,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the app until interrupted; ``echo`` reports what is served from."""
    serving = choose_serving(settings, workers)
    where = "memory" if serving.from_memory else "disk"
    echo(f"serving {settings.store} from {where} ({serving.reason}) on http://{host}:{port}/")
    if workers <= 1:
        from waitress import serve as waitress_serve

        waitress_serve(
            build_app(settings, serving), host=host, port=port, threads=threads, ident="kg"
        )
        return
    _gunicorn(settings, serving, host=host, port=port, workers=workers, threads=threads)


def _gunicorn(
    settings: Settings, serving: Serving, *, host: str, port: int, workers: int, threads: int
) -> None:
    from gunicorn.app.base import BaseApplication

    preloaded = build_app(settings, serving) if serving.from_memory else None

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": int(settings.query_timeout) + 30,
                "graceful_timeout": 10,
                # memory: workers are forked from the master, which holds the one copy
                # (copy-on-write); disk: each worker opens its own read-only handle
                "preload_app": preloaded is not None,
                "accesslog": "-",
                "proc_name": "kg",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            if preloaded is not None:
                return preloaded
            from kg.web import create_app

            return create_app(settings)

    _App().run()
