"""The W3C SPARQL 1.1 Service Description of ``/sparql`` (and of ``/update`` when on).

Returned by ``GET /sparql`` without a query (SPARQL 1.1 Service Description §2). Our
limits have no term in the SD vocabulary; they are given as ``schema:PropertyValue``
entries named after their settings, so a client can read them.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SDO

from kg.config import Settings
from kg.namespaces import SD
from kg.web.negotiation import GRAPH_TYPES, RESULTS_TYPES

FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: Media type -> W3C unique URI of the format (https://www.w3.org/ns/formats/).
FORMAT_URIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/n-quads": FORMATS["N-Quads"],
    "application/trig": FORMATS.TriG,
}
#: Media type -> rdflib serializer name, for the description itself.
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


def _limit(g: Graph, service: URIRef, env: str, value: object, unit: str, text: str) -> None:
    node = BNode()
    g.add((service, SDO.additionalProperty, node))
    g.add((node, RDF.type, SDO.PropertyValue))
    g.add((node, SDO.name, Literal(env)))
    g.add((node, SDO.value, Literal(value)))
    g.add((node, SDO.unitText, Literal(unit)))
    g.add((node, SDO.description, Literal(text, lang="en")))


def service_description(
    endpoint: str, settings: Settings, *, update_endpoint: str | None = None
) -> Graph:
    """The description of the query endpoint at ``endpoint`` (an absolute URL).

    >>> g = service_description("http://127.0.0.1:5000/sparql", Settings())
    >>> (URIRef("http://127.0.0.1:5000/sparql"), SD.supportedLanguage, SD.SPARQL11Query) in g
    True
    >>> len(list(g.objects(None, SD.resultFormat)))
    10
    """
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("schema", SDO)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in RESULTS_TYPES + GRAPH_TYPES:
        g.add((service, SD.resultFormat, FORMAT_URIS[media_type]))
    g.add(
        (
            service,
            RDFS.comment,
            Literal(
                "SPARQL 1.1 Query over the knowledge graph of Cold War archival documents. "
                "The default graph is the union of all named graphs (one per source). "
                "SERVICE and LOAD are refused; updates are accepted only at /update.",
                lang="en",
            ),
        )
    )
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    g.add((service, RDFS.seeAlso, URIRef(endpoint.rsplit("/", 1)[0] + "/.well-known/void")))
    _limit(g, service, "KG_QUERY_TIMEOUT", settings.query_timeout, "seconds",
           "A query running longer is stopped and answered with 503.")  # fmt: skip
    _limit(g, service, "KG_MAX_RESULT_ROWS", settings.max_result_rows, "rows or triples",
           "A larger result is refused with 413, never cut silently.")  # fmt: skip
    _limit(g, service, "KG_MAX_BODY_BYTES", settings.max_body_bytes, "bytes",
           "A larger request body (or query) is refused with 413.")  # fmt: skip
    _limit(g, service, "KG_MAX_QUERY_DEPTH", settings.max_query_depth, "brackets",
           "A query nested deeper is refused with 400.")  # fmt: skip
    if update_endpoint:
        update = URIRef(update_endpoint)
        g.add((update, RDF.type, SD.Service))
        g.add((update, SD.endpoint, update))
        g.add((update, SD.supportedLanguage, SD.SPARQL11Update))
        g.add((update, RDFS.comment, Literal("Needs Authorization: Bearer <token>.", lang="en")))
    return g


def serialize_description(g: Graph, media_type: str) -> bytes:
    """Write the description as one of :data:`kg.web.negotiation.DESCRIPTION_TYPES`."""
    out = g.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
    return out if isinstance(out, bytes) else out.encode("utf-8")
