"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (W3C SPARQL 1.1 Protocol §2.1).

- a query by GET, by POST ``application/x-www-form-urlencoded`` or by POST
  ``application/sparql-query`` (§2.1.1-§2.1.3), with ``default-graph-uri`` and
  ``named-graph-uri`` overriding FROM / FROM NAMED (§2.1.4);
- the query is inspected before it runs (:mod:`kg.sparql.safety`: SERVICE and LOAD are
  refused, updates belong to ``/update``), the result type is negotiated, and the query
  runs in a worker process under the time and row limits (:mod:`kg.sparql.executor`);
- ``GET /sparql`` without a query gives the Service Description, or the query UI to a
  browser;
- CORS for GET, POST and OPTIONS, so browser clients on other origins can query.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from kg.config import Settings
from kg.errors import KgError, NotAcceptable, QueryError
from kg.sparql.examples import EXAMPLES
from kg.sparql.executor import Executor, make_executor
from kg.sparql.safety import inspect_query
from kg.sparql.service_description import serialize_description, service_description
from kg.store.base import QueryDataset
from kg.web import get_settings
from kg.web.negotiation import (
    DESCRIPTION_TYPES,
    GRAPH_TYPES,
    RESULTS_TYPES,
    format_param,
    negotiate,
)

bp = Blueprint("sparql", __name__)

#: The two POST media types of a query request (§2.1.2, §2.1.3).
FORM_TYPE = "application/x-www-form-urlencoded"
DIRECT_TYPE = "application/sparql-query"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


class UnsupportedMediaType(KgError):
    """A POST body in a media type the protocol does not define for queries."""

    status = 415


class PayloadTooLarge(KgError):
    """A query (in the URL or the body) longer than the body cap."""

    status = 413


def get_executor() -> Executor:
    """The query executor of the current app."""
    return current_app.extensions["kg.executor"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Create the app's executor, unless one was given (worker processes start on the
    first query)."""
    if "kg.executor" in app.extensions:
        return
    settings: Settings = app.extensions["kg.settings"]
    app.extensions["kg.executor"] = make_executor(app.extensions["kg.store"], settings)


def _charset_is_utf8() -> bool:
    charset = request.mimetype_params.get("charset")
    return charset is None or charset.strip().lower() in ("utf-8", "utf8")


def read_protocol_request() -> tuple[str | None, QueryDataset]:
    """The query (None when absent) and the protocol dataset of a query request (§2.1)."""
    if request.method == "GET":
        params = request.args
        queries = params.getlist("query")
    else:
        ctype = request.mimetype
        if ctype == FORM_TYPE:
            if not _charset_is_utf8():
                raise UnsupportedMediaType("the form body must be UTF-8")
            try:  # Werkzeug's form parser would replace bad bytes silently
                parse_qsl(request.get_data(cache=True).decode("ascii"), errors="strict")
            except UnicodeDecodeError:
                raise QueryError("the form body is not URL-encoded UTF-8") from None
            params = request.form
            queries = params.getlist("query") + request.args.getlist("query")
        elif ctype == DIRECT_TYPE:
            if not _charset_is_utf8():
                raise UnsupportedMediaType(
                    f"the query body must be UTF-8, not {request.mimetype_params['charset']}"
                )
            params = request.args
            raw = request.get_data(cache=False)
            try:
                queries = [raw.decode("utf-8")]
            except UnicodeDecodeError:
                raise QueryError("the query body is not UTF-8") from None
        else:
            raise UnsupportedMediaType(
                f"POST needs Content-Type {FORM_TYPE} or {DIRECT_TYPE}, "
                f"not {ctype or 'none'!r} (SPARQL 1.1 Protocol §2.1)"
            )
    if len(queries) > 1:
        raise QueryError(f"exactly one 'query' parameter is allowed, {len(queries)} were given")
    if "update" in params:
        raise QueryError("/sparql answers queries only; SPARQL Update goes to /update")
    dataset = QueryDataset(
        tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri"))
    )
    return (queries[0] if queries else None), dataset


def _respond(body: bytes, media_type: str, status: int = 200) -> Response:
    resp = Response(body, status=status, mimetype=media_type)  # text/* get charset=utf-8
    resp.headers["Vary"] = "Accept"
    return resp


def _describe_service() -> Response:
    """Service Description (SD §2), or the query UI when a browser prefers HTML."""
    accept = request.accept_mimetypes
    fmt = request.args.get("format", "").strip().lower()
    if fmt:
        wants_html = fmt == "html"
    else:  # a browser lists text/html explicitly; "*/*" alone gets the description
        best = accept.best_match((*DESCRIPTION_TYPES, "text/html")) if accept else None
        wants_html = best == "text/html"
    if wants_html:
        resp = Response(_render_ui(), mimetype="text/html")
        resp.headers["Vary"] = "Accept"
        return resp
    if fmt:
        media_type = format_param(fmt, GRAPH_TYPES)
        if media_type not in DESCRIPTION_TYPES:
            raise NotAcceptable(
                f"format={fmt} is not offered for the service description; "
                "offered: ttl, jsonld, rdf, nt, html"
            )
    else:
        media_type = negotiate(accept, DESCRIPTION_TYPES, DESCRIPTION_TYPES[0])
    settings = get_settings()
    update = url_for("update.update", _external=True) if settings.update_token else None
    graph = service_description(
        url_for("sparql.sparql", _external=True), settings, update_endpoint=update
    )
    return _respond(serialize_description(graph, media_type), media_type)


def _render_ui() -> str:
    examples = [{"name": e.name, "question": e.question, "query": e.query} for e in EXAMPLES]
    return render_template(
        "sparql.html",
        examples=examples,
        examples_json=json.dumps(examples).replace("</", "<\\/"),
        settings=get_settings(),
    )


def _media_type_for(form: str) -> str:
    offered = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_TYPES
    fmt = request.values.get("format")
    if fmt:
        return format_param(fmt, offered)
    return negotiate(request.accept_mimetypes, offered, offered[0])


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """Answer one SPARQL query (or describe the service)."""
    if request.method == "OPTIONS":
        return Response(status=204)
    settings = get_settings()
    query, dataset = read_protocol_request()
    if query is None:
        if request.method == "GET" and not dataset.is_set:
            return _describe_service()
        raise QueryError("no 'query' parameter (SPARQL 1.1 Protocol §2.1)")
    if len(query.encode("utf-8")) > settings.max_body_bytes:
        raise PayloadTooLarge(
            f"the query is longer than {settings.max_body_bytes} bytes (limit KG_MAX_BODY_BYTES)"
        )
    info = inspect_query(query, max_depth=settings.max_query_depth)
    media_type = _media_type_for(info.form)
    body = get_executor().run(query, dataset, media_type, base_iri=request.base_url)
    return _respond(body, media_type)


@bp.after_request
def add_cors(resp: Response) -> Response:
    """CORS on every ``/sparql`` answer, errors included (Fetch standard, CORS protocol)."""
    for name, value in CORS_HEADERS.items():
        resp.headers.setdefault(name, value)
    resp.headers.setdefault("Vary", "Accept")
    return resp
