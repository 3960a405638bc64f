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


#: The Service Description (and other small descriptions of the service) as RDF.
DESCRIPTION_TYPES = (
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
)
#: ``format=`` values clients send for SELECT / ASK results (YASGUI, SPARQLWrapper, browsers).
RESULTS_FORMAT_PARAM = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: ``format=`` values for CONSTRUCT / DESCRIBE results; ``json`` and ``xml`` mean the RDF
#: formats of that syntax, as SPARQLWrapper sends them for graph results.
GRAPH_FORMAT_PARAM = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "n3": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


def format_param(value: str, offered: tuple[str, ...]) -> str:
    """The media type a ``format=`` value asks for, among ``offered`` (406 if none).

    A short name (``json``, ``ttl`` ...) or an offered media type is accepted.

    >>> format_param("csv", RESULTS_TYPES)
    'text/csv'
    >>> format_param("json", GRAPH_TYPES)
    'application/ld+json'
    >>> format_param("application/n-triples", GRAPH_TYPES)
    'application/n-triples'
    >>> format_param("png", RESULTS_TYPES)
    Traceback (most recent call last):
    ...
    kg.errors.NotAcceptable: format=png is not offered for this result; offered: json, srj, xml, ...
    """
    table = GRAPH_FORMAT_PARAM if offered == GRAPH_TYPES else RESULTS_FORMAT_PARAM
    media_type = table.get(value.strip().lower(), value.strip().lower())
    media_type = ALIASES.get(media_type, media_type)
    if media_type in offered:
        return media_type
    raise NotAcceptable(
        f"format={value} is not offered for this result; offered: " + ", ".join(table)
    )


def negotiate(accept: MIMEAccept, offered: tuple[str, ...], default: str) -> str:
    """Pick the offered media type the client prefers.

    >>> from werkzeug.datastructures import MIMEAccept
    >>> negotiate(MIMEAccept([("text/turtle", 1)]), GRAPH_TYPES, "text/turtle")
    'text/turtle'
    >>> negotiate(MIMEAccept([]), RESULTS_TYPES, RESULTS_TYPES[0])
    'application/sparql-results+json'
    >>> negotiate(MIMEAccept([("application/json", 1)]), RESULTS_TYPES, RESULTS_TYPES[0])
    'application/sparql-results+json'
    >>> negotiate(MIMEAccept([("application/json", 1)]), GRAPH_TYPES, "text/turtle")
    'application/ld+json'
    >>> negotiate(MIMEAccept([("image/png", 1)]), GRAPH_TYPES, "text/turtle")
    Traceback (most recent call last):
    ...
    kg.errors.NotAcceptable: none of the requested media types is offered; offered: ...
    """
    if not accept:
        return default
    candidates = list(offered) + [a for a, target in ALIASES.items() if target in offered]
    # JSON-LD is JSON: where no SPARQL results JSON is offered, application/json means it.
    json_ld_only = "application/ld+json" in offered and RESULTS_TYPES[0] not in offered
    if json_ld_only:
        candidates.append("application/json")
    best = accept.best_match(candidates)
    if best is None or accept[best] <= 0:
        raise NotAcceptable(
            "none of the requested media types is offered; offered: " + ", ".join(offered)
        )
    if best == "application/json" and json_ld_only:
        return "application/ld+json"
    return ALIASES.get(best, best)
