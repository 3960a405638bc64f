"""Dereferenceable entity URIs (Cool URIs for the Semantic Web, §4.3: 303 URIs).

``/id/{kind}/{slug}`` answers 303 to ``/page/...`` (HTML) or ``/data/...{.ttl,...}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.errors import NotFound
from kg.web import get_settings, get_store
from kg.web.negotiation import GRAPH_TYPES, SHORT_NAMES, negotiate

bp = Blueprint("entities", __name__)

#: Suffix -> media type for /data/...{suffix}.
DATA_SUFFIXES = {k: SHORT_NAMES[k] for k in ("ttl", "nt", "jsonld", "rdf", "trig")}
_RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
}


def entity_uri(path: str) -> URIRef:
    """The entity IRI for a path under /id/."""
    return URIRef(f"{get_settings().base_uri}id/{path}")


def describe(uri: URIRef) -> Graph:
    """The entity's own triples, the incoming links, and labels of linked resources."""
    g = get_store().construct(
        f"""CONSTRUCT {{ <{uri}> ?p ?o . ?s ?ip <{uri}> . ?o ?lp ?ol . ?s ?lp2 ?sl }}
        WHERE {{
          {{ <{uri}> ?p ?o . OPTIONAL {{ ?o ?lp ?ol
              FILTER(?lp IN (<{SKOS.prefLabel}>, <{RDFS.label}>, <{DCTERMS.title}>)) }} }}
          UNION
          {{ ?s ?ip <{uri}> . OPTIONAL {{ ?s ?lp2 ?sl
              FILTER(?lp2 IN (<{SKOS.prefLabel}>, <{RDFS.label}>, <{DCTERMS.title}>)) }} }}
        }}"""
    )
    if len(g) == 0:
        raise NotFound(f"no entity {uri}")
    return g


@bp.route("/id/<path:path>")
def dereference(path: str) -> Response:
    """303 See Other to the page or the data, by Accept."""
    offered = ("text/html", *DATA_SUFFIXES.values())
    media_type = negotiate(request.accept_mimetypes, offered, "text/html")
    if media_type == "text/html":
        target = url_for("entities.page", path=path)
    else:
        suffix = next(k for k, v in DATA_SUFFIXES.items() if v == media_type)
        target = url_for("entities.data", path=f"{path}.{suffix}")
    resp = redirect(target, code=303)
    resp.headers["Vary"] = "Accept"
    return resp  # type: ignore[return-value]


@bp.route("/data/<path:path>")
def data(path: str) -> Response:
    """The entity's RDF in the format its suffix names (or by Accept without one)."""
    stem, _, suffix = path.rpartition(".")
    if stem and suffix in DATA_SUFFIXES:
        media_type = DATA_SUFFIXES[suffix]
    else:
        stem = path
        media_type = negotiate(request.accept_mimetypes, GRAPH_TYPES[:4], "text/turtle")
    g = describe(entity_uri(stem))
    body = g.serialize(format=_RDFLIB_FORMAT[media_type])
    resp = Response(body, mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/page/<path:path>")
def page(path: str) -> str:
    """A plain HTML page for the entity."""
    uri = entity_uri(path)
    g = describe(uri)
    label = (
        g.value(uri, SKOS.prefLabel)
        or g.value(uri, DCTERMS.title)
        or g.value(uri, RDFS.label)
        or path
    )

    def name(node: object) -> str:
        lab = (
            g.value(node, SKOS.prefLabel)
            or g.value(node, DCTERMS.title)
            or g.value(node, RDFS.label)
        )
        return str(lab) if lab else str(node)

    outgoing = sorted((str(p), o, name(o)) for p, o in g.predicate_objects(uri))
    incoming = sorted((str(s), str(p), name(s)) for s, p in g.subject_predicates(uri))
    return render_template(
        "entity.html",
        uri=str(uri),
        label=str(label),
        outgoing=outgoing,
        incoming=incoming,
        base=get_settings().base_uri,
        path=path,
    )
