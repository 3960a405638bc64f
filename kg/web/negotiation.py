"""Content negotiation, in one module (STYLE habit 4).

Werkzeug's ``accept_mimetypes.best_match`` picks the representation. With no Accept
header at all the default is used; when nothing offered fits, :class:`NotAcceptable`
names the offered types (406).
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from kg.errors import NotAcceptable

#: SELECT / ASK results (SPARQL 1.1 Query Results JSON, XML, CSV, TSV).
RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Graph results and entity data.
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
)
#: Aliases that clients send for the same formats.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/x-trig": "application/trig",
}
#: ``format=`` values for browsers, and file suffixes of entity data.
SHORT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "html": "text/html",
}


def negotiate(accept: MIMEAccept, offered: tuple[str, ...], default: str) -> str:
    """Pick the offered media type the client prefers.

    >>> from werkzeug.datastructures import MIMEAccept
    >>> negotiate(MIMEAccept([("text/turtle", 1)]), GRAPH_TYPES, "text/turtle")
    'text/turtle'
    >>> negotiate(MIMEAccept([]), RESULTS_TYPES, RESULTS_TYPES[0])
    'application/sparql-results+json'
    >>> negotiate(MIMEAccept([("application/json", 1)]), RESULTS_TYPES, RESULTS_TYPES[0])
    'application/sparql-results+json'
    >>> negotiate(MIMEAccept([("image/png", 1)]), GRAPH_TYPES, "text/turtle")
    Traceback (most recent call last):
    ...
    kg.errors.NotAcceptable: none of the requested media types is offered; offered: ...
    """
    if not accept:
        return default
    candidates = list(offered) + [a for a, target in ALIASES.items() if target in offered]
    best = accept.best_match(candidates)
    if best is None or accept[best] <= 0:
        raise NotAcceptable(
            "none of the requested media types is offered; offered: " + ", ".join(offered)
        )
    return ALIASES.get(best, best)
