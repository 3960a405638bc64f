"""Production serving: waitress (one process, threads) or gunicorn (several worker
processes, each opening the store read-only after the fork).

Behind a reverse proxy, see ``docs/deployment.md``.
"""

from __future__ import annotations

from typing import Any

from kg.config import Settings


def serve(settings: Settings, *, host: str, port: int, workers: int = 1, threads: int = 8) -> None:
    """Serve the app until interrupted."""
    if workers <= 1:
        from waitress import serve as waitress_serve

        from kg.web import create_app

        waitress_serve(create_app(settings), host=host, port=port, threads=threads, ident="kg")
        return
    _gunicorn(settings, host=host, port=port, workers=workers, threads=threads)


def _gunicorn(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": int(settings.query_timeout) + 30,
                "graceful_timeout": 10,
                "preload_app": False,  # each worker opens its own read-only store
                "accesslog": "-",
                "proc_name": "kg",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from kg.web import create_app

            return create_app(settings)

    _App().run()
