"""Security headers on every response (CSP, nosniff, Referrer-Policy)."""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def add_headers(resp: Response) -> Response:
    """Add the hardening headers."""
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", CSP)
    return resp


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_headers)
