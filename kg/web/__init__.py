"""The Flask application factory (STYLE habit 1): no globals, no environment at import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

from kg.config import Settings, load_settings
from kg.store import Store, open_store

if TYPE_CHECKING:
    from kg.sparql.executor import Executor


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    executor: Executor | None = None,
) -> Flask:
    """Create the web app over a store opened once (read-only unless one is given), with
    the SPARQL executor given or the one that suits the store.

    ``kg serve`` passes an in-memory copy and its executor (:mod:`kg.web.server`);
    without ``store`` the on-disk store is opened read-only.

    >>> from kg.store.oxigraph import OxigraphStore
    >>> app = create_app(Settings(), store=OxigraphStore(None))
    >>> app.test_client().get("/sparql?query=ASK%7B%7D").json["boolean"]
    True
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["kg.settings"] = settings
    app.extensions["kg.store"] = store or open_store(
        settings.store, read_only=True, settings=settings
    )
    if executor is not None:
        app.extensions["kg.executor"] = executor

    from kg.web import (
        assets,
        browse,
        cache,
        entities,
        errors,
        harvest,
        home,
        openapi,
        search,
        security,
        sparql,
        update,
    )

    # First, so that its hook runs after the others. Only over a snapshot: a remote
    # SPARQL server can change under a running kg serve.
    snapshot = app.extensions["kg.store"].snapshot
    cache.init_app(app, settings.response_cache_mb if snapshot else 0)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(assets.bp)
    sparql.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(update.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(harvest.bp)
    app.register_blueprint(openapi.bp)
    from kg.web import ontology

    app.register_blueprint(ontology.bp)
    from kg.web import explore

    app.register_blueprint(explore.bp)
    return app


def get_store() -> Store:
    """The store of the current app."""
    return current_app.extensions["kg.store"]  # type: ignore[no-any-return]


def get_settings() -> Settings:
    """The settings of the current app."""
    return current_app.extensions["kg.settings"]  # type: ignore[no-any-return]
