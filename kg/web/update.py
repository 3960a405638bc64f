"""SPARQL Update at ``/update`` (SPARQL 1.1 Protocol §2.2), for deployments that opt in.

- off (404 with a message) unless ``KG_UPDATE_TOKEN`` is set;
- only with ``Authorization: Bearer <token>``, compared in constant time: 401 without
  it (with ``WWW-Authenticate: Bearer``, RFC 6750 §3), 403 with a wrong one;
- by POST ``application/sparql-update`` or form ``update=`` (§2.2.1, §2.2.2);
- ``LOAD`` and ``SERVICE`` are refused here too, before the update is parsed.

The web process keeps the store open read-only (DESIGN §8). An update therefore opens
a writable handle for the length of one request, applies the update in one transaction,
closes it, and then replaces the app's read-only handle and the query workers so that
later requests see the change. While ``kg ingest`` holds the store, updates get 503.
"""

from __future__ import annotations

import hmac
import threading

from flask import Blueprint, Response, current_app, request

from kg.config import Settings
from kg.errors import KgError, NotFound, QueryError, StoreError
from kg.sparql.safety import inspect_update
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore
from kg.web import cache, get_settings, get_store
from kg.web.sparql import FORM_TYPE, UnsupportedMediaType, get_executor

bp = Blueprint("update", __name__)

UPDATE_TYPE = "application/sparql-update"
_WRITE_LOCK = threading.Lock()


class Unauthorized(KgError):
    """No bearer token was sent."""

    status = 401


class Forbidden(KgError):
    """The bearer token is wrong."""

    status = 403


class StoreBusy(KgError):
    """Another process holds the store for writing."""

    status = 503


def check_token(settings: Settings, authorization: str | None) -> None:
    """Raise unless ``authorization`` is ``Bearer <KG_UPDATE_TOKEN>`` (constant-time).

    >>> check_token(Settings(update_token="s3cret"), "Bearer s3cret")
    >>> check_token(Settings(update_token="s3cret"), "Bearer guess")
    Traceback (most recent call last):
    ...
    kg.web.update.Forbidden: the bearer token is not valid for /update
    """
    if not settings.update_token:
        raise NotFound("SPARQL Update is switched off on this server (KG_UPDATE_TOKEN is not set)")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("/update needs the header 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise Forbidden("the bearer token is not valid for /update")


def read_update_request() -> str:
    """The update string of a direct or form POST (§2.2)."""
    if request.mimetype == UPDATE_TYPE:
        try:
            return request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise QueryError("the update body is not UTF-8") from None
    if request.mimetype == FORM_TYPE:
        updates = request.form.getlist("update")
        if len(updates) != 1:
            raise QueryError(
                f"exactly one 'update' parameter is required, {len(updates)} were given"
            )
        return updates[0]
    raise UnsupportedMediaType(
        f"POST needs Content-Type {UPDATE_TYPE} or {FORM_TYPE}, not {request.mimetype or 'none'!r}"
    )


def apply_update(text: str) -> None:
    """Apply one update in one transaction with a short-lived writable handle."""
    settings = get_settings()
    store = get_store()
    executor = get_executor()
    with _WRITE_LOCK, executor.writing():
        if not store.read_only:
            store.update(text)
        else:
            try:
                writer = open_store(settings.store, read_only=False, settings=settings)
            except StoreError:
                raise StoreBusy(
                    "the store is being written by another process (kg ingest?); try again later"
                ) from None
            try:
                writer.update(text)
            finally:
                writer.close()
                del writer
            if isinstance(store, OxigraphStore) and store.path is not None:
                current_app.extensions["kg.store"] = OxigraphStore(store.path, read_only=True)
    executor.refresh()
    cache.clear()


@bp.route("/update", methods=["POST"])
def update() -> Response:
    """Apply a SPARQL Update sent with the right bearer token."""
    settings = get_settings()
    check_token(settings, request.headers.get("Authorization"))
    if request.args.getlist("using-graph-uri") or request.args.getlist("using-named-graph-uri"):
        raise QueryError("using-graph-uri and using-named-graph-uri are not supported here")
    text = read_update_request()
    inspect_update(text, max_depth=settings.max_query_depth)
    # Relative IRIs resolve against the endpoint's URL (SPARQL 1.1 Query §4.1.1.1).
    apply_update(f"BASE <{request.base_url}>\n{text}")
    return Response(status=204)


@bp.errorhandler(Unauthorized)
def _challenge(exc: Unauthorized) -> Response:
    from kg.web.errors import error_response

    resp = error_response(401, exc.message)
    resp.headers["WWW-Authenticate"] = 'Bearer realm="kg update"'
    return resp
