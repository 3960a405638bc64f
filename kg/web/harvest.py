"""Harvesting routes (issue 7): ``/.well-known/void``, ``/dumps/...``, ``/fragments`` and
``/sitemap.xml``. Every view reads what ``kg ingest`` precomputed (the VoID graph, the
dump files, the sitemaps) or runs one bounded query (a fragment page); none writes.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, send_file
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD
from rdflib.term import Node

from kg.errors import NotFound
from kg.harvest.dumps import DumpFile, dump_entries, dumps_dir, read_manifest
from kg.harvest.refresh import stored_description
from kg.harvest.tpf import (
    FRAGMENT_FORMATS,
    Pattern,
    estimate_count,
    links_for,
    metadata_quads,
    parse_page,
    select_page,
    serialize_fragment,
)
from kg.harvest.vocab import DCAT3
from kg.harvest.void import DUMP_FORMATS, description_iri
from kg.web import get_settings, get_store
from kg.web.negotiation import SHORT_NAMES, negotiate

bp = Blueprint("harvest", __name__)

#: Suffix -> media type of the VoID description's machine twins.
VOID_SUFFIXES = {k: SHORT_NAMES[k] for k in ("ttl", "jsonld", "nt", "rdf")}
_RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
#: Characters left as they are when a request's query string becomes an IRI (RFC 3987
#: iquery: unreserved, sub-delims, ":", "@", "/", "?", and existing %-escapes).
_QUERY_SAFE = "!$&'()*+,;=:@/?%~-._"


@bp.after_request
def _open_to_all(resp: Response) -> Response:
    """Harvesting is for any client, including browser-based TPF clients (CORS)."""
    resp.headers.setdefault("Access-Control-Allow-Origin", "*")
    return resp


# --- VoID and DCAT -----------------------------------------------------------------


def _manifest() -> dict[str, Any] | None:
    return read_manifest(dumps_dir(get_settings()))


def _http_time(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def void_description() -> Graph:
    """The stored description plus what only the dump files know (size, time made):
    those facts cannot be in the stored graph, which is itself part of the dumps."""
    base = get_settings().base_uri
    g = stored_description(get_store(), base)
    if len(g) == 0:
        raise NotFound(
            "the VoID description has not been computed for this store yet; "
            "run 'kg ingest' to compute it"
        )
    manifest = _manifest()
    for name, entry in dump_entries(manifest).items():
        dist = description_iri(base, f"dump-{name.split('.')[1]}")
        g.add((dist, DCAT3.byteSize, Literal(entry.bytes, datatype=XSD.nonNegativeInteger)))
        if manifest and manifest.get("generated"):
            g.add((dist, DCTERMS.modified, Literal(manifest["generated"], datatype=XSD.dateTime)))
    return g


def _void_response(media_type: str) -> Response:
    g = void_description()
    if media_type == "text/html":
        resp = Response(_void_html(g), mimetype="text/html")
    else:
        body = g.serialize(format=_RDFLIB_FORMAT[media_type], encoding="utf-8")
        resp = Response(body, mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = ", ".join(
        f'</.well-known/void.{suffix}>; rel="alternate"; type="{mt}"'
        for suffix, mt in VOID_SUFFIXES.items()
    )
    return resp


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID + DCAT description (VoID §6.2 well-known location), by Accept."""
    offered = (*VOID_SUFFIXES.values(), "text/html")
    return _void_response(negotiate(request.accept_mimetypes, offered, "text/turtle"))


@bp.route("/.well-known/void.<suffix>")
def void_data(suffix: str) -> Response:
    """The description in the format its suffix names."""
    if suffix not in VOID_SUFFIXES:
        raise NotFound(f"no format .{suffix}; offered: " + ", ".join(sorted(VOID_SUFFIXES)))
    return _void_response(VOID_SUFFIXES[suffix])


def _void_html(g: Graph) -> str:
    base = get_settings().base_uri
    ds = description_iri(base, "dataset")

    def value(node: Node, prop: URIRef) -> str:
        v = g.value(node, prop)
        return "" if v is None else str(v)

    classes = sorted(
        (
            (value(p, VOID["class"]), int(value(p, VOID.entities) or 0))
            for p in g.objects(ds, VOID.classPartition)
        ),
        key=lambda row: (-row[1], row[0]),
    )
    properties = sorted(
        (
            (value(p, VOID.property), int(value(p, VOID.triples) or 0))
            for p in g.objects(ds, VOID.propertyPartition)
        ),
        key=lambda row: (-row[1], row[0]),
    )
    entries = dump_entries(_manifest())
    dumps = [
        {"url": f"{base}dumps/{name}", "name": name, "media_type": mt, "entry": entries.get(name)}
        for name, mt, _ in DUMP_FORMATS
    ]
    return render_template(
        "void.html",
        title=value(ds, DCTERMS.title),
        description=value(ds, DCTERMS.description),
        modified=value(ds, DCTERMS.modified),
        version=value(ds, DCAT3.version),
        license=value(ds, DCTERMS.license),
        rights=value(ds, DCTERMS.rights),
        triples=value(ds, VOID.triples),
        entities=value(ds, VOID.entities),
        uri_space=value(ds, VOID.uriSpace),
        sparql=value(ds, VOID.sparqlEndpoint),
        examples=sorted(str(e) for e in g.objects(ds, VOID.exampleResource)),
        vocabularies=sorted(str(v) for v in g.objects(ds, VOID.vocabulary)),
        classes=classes,
        properties=properties,
        dumps=dumps,
        types=sorted(str(t) for t in g.objects(ds, RDF.type)),
        alternates=VOID_SUFFIXES,
    )


# --- dumps ---------------------------------------------------------------------------


def _send_dump(directory: Path, entry: DumpFile, generated: str | None) -> Response:
    return send_file(
        directory / entry.file,
        mimetype="application/gzip",
        etag=entry.etag,
        last_modified=_http_time(generated),
        conditional=True,
        download_name=entry.name,
        max_age=0,
    )


@bp.route("/dumps/")
def dumps_index() -> Response:
    """The dumps on offer, as JSON (the VoID description lists them too)."""
    base = get_settings().base_uri
    manifest = _manifest()
    entries = dump_entries(manifest)
    items = [
        {
            "url": f"{base}dumps/{name}",
            "media_type": media_type,
            "compression": "application/gzip",
            "bytes": entries[name].bytes if name in entries else None,
            "etag": entries[name].etag if name in entries else None,
        }
        for name, media_type, _ in DUMP_FORMATS
    ]
    body = {
        "dumps": items,
        "generated": manifest.get("generated") if manifest else None,
        "description": f"{base}.well-known/void",
    }
    return Response(json.dumps(body, indent=2), mimetype="application/json")


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump file, streamed from disk with ETag and Last-Modified (304 when the client's
    copy is current; Range requests are honoured)."""
    directory = dumps_dir(get_settings())
    for _ in range(2):  # a concurrent ingest may replace the files between the two reads
        manifest = read_manifest(directory)
        entry = dump_entries(manifest).get(name)
        if entry is None:
            break
        try:
            return _send_dump(directory, entry, manifest.get("generated") if manifest else None)
        except FileNotFoundError:
            continue
    offered = ", ".join(n for n, _, _ in DUMP_FORMATS)
    raise NotFound(f"no dump {name!r}; offered: {offered} (after 'kg ingest' has made them)")


# --- sitemaps ------------------------------------------------------------------------


def _send_sitemap(name: str) -> Response:
    path = dumps_dir(get_settings()) / name
    try:
        return send_file(path, mimetype="application/xml", conditional=True, max_age=0)
    except FileNotFoundError:
        raise NotFound(f"no {name}: 'kg ingest' writes the sitemaps") from None


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """The sitemap of entity pages (a sitemap index when there are more than 50,000)."""
    return _send_sitemap("sitemap.xml")


@bp.route("/sitemap-<int:part>.xml")
def sitemap_part(part: int) -> Response:
    """One part of a split sitemap."""
    return _send_sitemap(f"sitemap-{part}.xml")


# --- Triple Pattern Fragments ----------------------------------------------------------


def _requested_iri(endpoint: str) -> str:
    """This page's IRI: the URL as the client asked for it (a TPF client matches the
    metadata to the URL it fetched), with characters that an IRI cannot hold escaped."""
    raw = request.query_string.decode("utf-8", "replace")
    return endpoint + ("?" + quote(raw, safe=_QUERY_SAFE) if raw else "")


@bp.route("/fragments")
def fragments() -> Response:
    """One page of a Triple Pattern Fragment."""
    settings = get_settings()
    args = request.args
    pattern = Pattern.parse(args.get("subject"), args.get("predicate"), args.get("object"))
    page = parse_page(args.get("page"))
    offered = (*FRAGMENT_FORMATS, "text/html")
    media_type = negotiate(request.accept_mimetypes, offered, "text/turtle")
    size = max(1, settings.fragment_page_size)
    store = get_store()
    found = select_page(store, pattern, page, size, settings.query_timeout)
    seen = (page - 1) * size + len(found.triples) + (1 if found.has_next else 0)
    total = max(estimate_count(store, pattern, settings.base_uri, settings.query_timeout), seen)
    endpoint = request.host_url + "fragments"
    links = links_for(endpoint, _requested_iri(endpoint), pattern, page, found.has_next)
    metadata = metadata_quads(links, pattern, total, size)
    if media_type == "text/html":
        body = render_template(
            "fragment.html",
            pattern=pattern,
            params=pattern.params(),
            triples=found.triples,
            total=total,
            page=page,
            links=links,
        )
    else:
        body = serialize_fragment(metadata, found.triples, media_type)  # type: ignore[assignment]
    resp = Response(body, mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    return resp
