"""One exception -> response function, one error shape (STYLE habit 3).

The body is JSON, HTML or plain text by Accept. A 5xx never echoes exception text.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KgError

log = logging.getLogger("kg.web")

_SAFE_5XX = {
    500: "internal error: the server failed to answer; the failure was logged",
    502: "the remote SPARQL store failed",
    503: "the service is temporarily unable to answer",
    504: "the remote SPARQL store did not answer in time",
}


def error_response(status: int, message: str, *, title: str | None = None) -> Response:
    """Build the error response in the representation the client prefers."""
    title = title or _title(status)
    accept = request.accept_mimetypes
    best = accept.best_match(["application/json", "text/html", "text/plain"]) if accept else None
    if best == "text/html" and accept["text/html"] > accept["application/json"]:
        body = render_template("error.html", status=status, title=title, message=message)
        resp = Response(body, status=status, mimetype="text/html")
    elif best == "text/plain":
        resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    else:
        import json

        payload = {"error": {"status": status, "title": title, "message": message}}
        resp = Response(json.dumps(payload), status=status, mimetype="application/json")
    resp.headers["Vary"] = "Accept"
    return resp


def _title(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "Error")


def handle_kg_error(exc: KgError) -> Response:
    """Our own errors carry their status and a message meant for the user."""
    status = exc.status
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message)
        message = exc.message if status in (502, 503, 504) else _SAFE_5XX[500]
        return error_response(status, message)
    return error_response(status, exc.message)


def handle_http_error(exc: HTTPException) -> Response:
    """Werkzeug's errors (404, 405, 413, ...) in our error shape."""
    status = exc.code or 500
    message = exc.description or _title(status)
    if status >= 500:
        message = _SAFE_5XX.get(status, _SAFE_5XX[500])
    resp = error_response(status, message)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


def handle_unexpected(exc: Exception) -> Response:
    """Anything else is our bug: log it, never show it."""
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error")
    return error_response(500, _SAFE_5XX[500])


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(KgError, handle_kg_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
