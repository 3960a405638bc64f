"""``/ontology``: the cwa: ontology and its SKOS vocabularies, as an HTML page listing
classes, properties and concept schemes (labels, comments, alignments), and as Turtle or
JSON-LD by content negotiation (Cool URIs for the Semantic Web §4.1: one URI, several
representations, ``Vary: Accept``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.codegen import ontology_graph
from kg.namespaces import ONTOLOGY_IRI, PREFIXES
from kg.web import get_store
from kg.web.negotiation import negotiate

bp = Blueprint("ontology", __name__)

#: Representations of /ontology, HTML first (the default without an Accept header).
OFFERED = ("text/html", "text/turtle", "application/ld+json")
_RDFLIB_FORMAT = {"text/turtle": "turtle", "application/ld+json": "json-ld"}
_KNOWN = {
    **PREFIXES,
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "skos": str(SKOS),
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcmitype": "http://purl.org/dc/dcmitype/",
}


def curie(iri: object) -> str:
    """A compact name for an IRI with one of the known prefixes.

    >>> curie(URIRef("https://w3id.org/coldwar-kg/ontology#Meeting"))
    'cwa:Meeting'
    >>> curie(URIRef("https://example.org/x"))
    'https://example.org/x'
    """
    text = str(iri)
    best = max(
        ((p, ns) for p, ns in _KNOWN.items() if text.startswith(ns)),
        default=None,
        key=lambda item: len(item[1]),
    )
    return f"{best[0]}:{text[len(best[1]) :]}" if best else text


@dataclass
class Term:
    """One class, property or concept as the page shows it."""

    iri: str
    name: str
    label: str
    comment: str = ""
    kind: str = ""
    parents: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)


def load() -> Graph:
    """The ontology graph as stored (``kg ingest`` loads it), else as shipped."""
    g = get_store().construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }} }}"
    )
    return g if len(g) else ontology_graph()


def _label(g: Graph, node: Node) -> str:
    for p in (RDFS.label, SKOS.prefLabel):
        values = sorted(
            g.objects(node, p), key=lambda v: (getattr(v, "language", "") != "en", str(v))
        )
        if values:
            return str(values[0])
    return curie(node)


def _term(g: Graph, node: Node, kind: str = "") -> Term:
    def names(p: URIRef) -> list[str]:
        return sorted(curie(o) for o in g.objects(node, p))

    comment = (
        g.value(node, RDFS.comment)
        or g.value(node, SKOS.definition)
        or g.value(node, SKOS.scopeNote)
    )
    matches = [
        f"{curie(p)} {curie(o)}"
        for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch)
        for o in sorted(g.objects(node, p), key=str)
    ]
    return Term(
        iri=str(node),
        name=curie(node),
        label=_label(g, node),
        comment=str(comment or ""),
        kind=kind,
        parents=names(RDFS.subClassOf) + names(RDFS.subPropertyOf) + names(SKOS.broader),
        domain=names(RDFS.domain),
        range=names(RDFS.range),
        matches=matches,
    )


def terms(g: Graph) -> dict[str, object]:
    """Classes, properties and concept schemes (with their concepts), sorted by name."""
    classes = [_term(g, c) for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)]
    props = [
        _term(g, p, kind)
        for t, kind in ((OWL.ObjectProperty, "object"), (OWL.DatatypeProperty, "datatype"))
        for p in g.subjects(RDF.type, t)
        if isinstance(p, URIRef)
    ]
    schemes = []
    for s in sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = sorted((_term(g, c) for c in g.subjects(SKOS.inScheme, s)), key=lambda t: t.name)
        schemes.append((_term(g, s), concepts))
    return {
        "classes": sorted(classes, key=lambda t: t.name),
        "properties": sorted(props, key=lambda t: t.name),
        "schemes": schemes,
    }


@bp.route("/ontology")
def ontology() -> Response:
    """The ontology in the representation the client prefers (406 if none fits)."""
    media_type = negotiate(request.accept_mimetypes, OFFERED, "text/html")
    g = load()
    if media_type == "text/html":
        body = render_template("ontology.html", iri=str(ONTOLOGY_IRI), **terms(g))
        resp = Response(body, mimetype="text/html")
    else:
        for prefix, ns in _KNOWN.items():
            g.bind(prefix, ns, override=True)
        resp = Response(g.serialize(format=_RDFLIB_FORMAT[media_type]), mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = ", ".join(
        f'</ontology>; rel="alternate"; type="{t}"' for t in OFFERED if t != media_type
    )
    return resp
