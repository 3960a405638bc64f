"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (W3C SPARQL 1.1 Protocol §2.1)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg.errors import QueryError
from kg.store.base import GRAPH, QueryDataset
from kg.web import get_settings, get_store
from kg.web.negotiation import GRAPH_TYPES, RESULTS_TYPES, SHORT_NAMES, negotiate

bp = Blueprint("sparql", __name__)


def read_protocol_request() -> tuple[str, QueryDataset]:
    """The query string and protocol dataset of a GET, form POST or direct POST (§2.1)."""
    if request.method == "GET":
        params = request.args
        queries = params.getlist("query")
    else:
        ctype = request.mimetype
        if ctype == "application/x-www-form-urlencoded":
            params = request.form
            queries = params.getlist("query")
        elif ctype == "application/sparql-query":
            params = request.args
            raw = request.get_data(cache=False)
            try:
                queries = [raw.decode("utf-8")]
            except UnicodeDecodeError:
                raise QueryError("the query body is not UTF-8") from None
        else:
            raise QueryError(
                "POST needs Content-Type application/x-www-form-urlencoded or "
                f"application/sparql-query, not {ctype or 'none'!r}"
            )
    if len(queries) != 1:
        raise QueryError(
            "exactly one 'query' parameter is required" if queries else "no 'query' parameter"
        )
    dataset = QueryDataset(
        tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri"))
    )
    return queries[0], dataset


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer one SPARQL query."""
    query, dataset = read_protocol_request()
    settings = get_settings()
    result = get_store().query(query, dataset=dataset, timeout=settings.query_timeout)
    offered = GRAPH_TYPES if result.kind == GRAPH else RESULTS_TYPES
    fmt = request.values.get("format")
    if fmt and SHORT_NAMES.get(fmt) in offered:
        media_type = SHORT_NAMES[fmt]
    else:
        media_type = negotiate(request.accept_mimetypes, offered, offered[0])
    resp = Response(result.serialize(media_type), mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    return resp
