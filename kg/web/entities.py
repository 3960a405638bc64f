"""Dereferenceable entity URIs ("Cool URIs for the Semantic Web", W3C Note, §4.3: 303 URIs).

- ``/id/{kind}/{slug}`` names the thing. It answers 303 See Other to a document about it:
  ``/page/...`` (HTML) or ``/data/....{ttl,jsonld,nt,rdf,trig}``, chosen by Accept.
- ``/data/...`` without a suffix negotiates too; ``/data/document/....ris`` is RIS.
- Every representation lists the others in ``Link: <...>; rel="alternate"; type="..."``
  headers (RFC 8288) and names its stable URL under the base with ``rel="canonical"``
  (RFC 6596).
- An entity's data is its own triples (with the blank nodes they lead to), the links
  pointing at it, and the labels of everything it links to, paged at
  :data:`ENTITY_PAGE_TRIPLES` triples with a ``next`` link (Link header and
  ``hydra:next``), never unbounded. The TriG form keeps the source graph of each triple.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SDO, SKOS

from kg.errors import KgError, NotAcceptable, NotFound
from kg.namespaces import HYDRA, PREFIXES
from kg.store import Store
from kg.web import get_settings, get_store
from kg.web.negotiation import SHORT_NAMES, negotiate
from kg.web.oxrows import Term, select_ox
from kg.web.pages import (
    LABEL_PROPS,
    VOCAB_NS,
    Linker,
    entity_page,
    exists,
    sparql_iri,
)

bp = Blueprint("entities", __name__)

#: Suffix -> media type for /data/...{suffix}.
DATA_SUFFIXES = {k: SHORT_NAMES[k] for k in ("ttl", "jsonld", "nt", "rdf", "trig")}
#: Most triples one page of an entity's data holds (``app.config["KG_ENTITY_PAGE_TRIPLES"]``
#: overrides it); the rest is reached through ``next`` links.
ENTITY_PAGE_TRIPLES = 500
#: Highest ``page=`` number accepted for entity data.
MAX_DATA_PAGE = 100_000
_SUFFIX_OF = {v: k for k, v in DATA_SUFFIXES.items()}
_PRIMARY_TOPIC = ox.NamedNode(str(FOAF.primaryTopic))
_HYDRA_NEXT = ox.NamedNode(str(HYDRA.next))
#: Prefixes written in Turtle, TriG and JSON-LD (ours plus the common vocabularies).
PREFIXES_ALL = {
    **PREFIXES,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": str(FOAF),
    "org": "http://www.w3.org/ns/org#",
}


def entity_iri_for(path: str) -> str:
    """The IRI a path under /id/, /page/ or /data/ names (``vocab/...`` are our concepts)."""
    if path.startswith("vocab/"):
        return VOCAB_NS + path[len("vocab/") :]
    return f"{get_settings().base_uri}id/{path}"


#: Characters Werkzeug's ``path`` converter leaves unquoted (``BaseConverter.to_url``).
_PATH_SAFE = "!$&'()*+,/:;=@"


def linker() -> Linker:
    """Links for the current request: our entities go to their /page/.

    ``url_for`` is called once, for the prefix; a page with a thousand links would spend
    more time in ``url_for`` than in its queries (the path is quoted as Werkzeug's
    ``path`` converter quotes it)."""
    probe = url_for("entities.page", path="x")
    prefix = probe[: -len("x")]
    return Linker(get_settings().base_uri, lambda p: prefix + quote(p, safe=_PATH_SAFE))


def page_size() -> int:
    """Triples per page of entity data."""
    return int(current_app.config.get("KG_ENTITY_PAGE_TRIPLES", ENTITY_PAGE_TRIPLES))


def alternates(path: str) -> list[tuple[str, str]]:
    """(URL, media type) of every representation of the entity at ``path``."""
    out = [(url_for("entities.page", path=path), "text/html")]
    out += [(url_for("entities.data", path=f"{path}.{s}"), t) for s, t in DATA_SUFFIXES.items()]
    return out


def link_header(path: str, canonical: str | None, extra: list[str] | None = None) -> str:
    """The ``Link`` header value: alternates, canonical, and any extra links (RFC 8288)."""
    links = [f'<{u}>; rel="alternate"; type="{t}"' for u, t in alternates(path)]
    if canonical:
        links.append(f'<{canonical}>; rel="canonical"')
    return ", ".join(links + (extra or []))


def entity_quads(
    store: Store, iri: str, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Term]], bool]:
    """One page of (s, p, o, g) rows about ``iri``: its own triples, the blank nodes they
    lead to (two levels, as a Concise Bounded Description would), and the links from other
    named resources (a link from a blank node would dangle without its context).
    Returns the rows and whether more follow.

    There is no ORDER BY: sorting would read every link to a busy entity before the
    first page (tens of thousands at scale). Pages follow the store's own order, which
    Oxigraph keeps stable while the data does not change; each page is sorted on its own.
    """
    u = sparql_iri(iri)
    rows = select_ox(
        store,
        f"""SELECT ?s ?p ?o ?g WHERE {{
          {{ GRAPH ?g {{ {u} ?p ?o }} BIND({u} AS ?s) }}
          UNION {{ VALUES ?o {{ {u} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}
          UNION {{ GRAPH ?g {{ {u} ?p1 ?s . ?s ?p ?o }} FILTER(isBlank(?s)) }}
          UNION {{ GRAPH ?g {{ {u} ?p1 ?b . ?b ?p2 ?s . ?s ?p ?o }}
                   FILTER(isBlank(?b) && isBlank(?s)) }}
        }} LIMIT {limit + 1} OFFSET {offset}""",
    )
    return rows[:limit], len(rows) > limit


#: ``?s``'s labels in the graph ``?g`` that asserts them, one UNION branch per property
#: (two VALUES blocks joined with one pattern make Oxigraph scan every quad).
_LABEL_BRANCHES = " UNION ".join(
    f"{{ GRAPH ?g {{ ?s <{p}> ?o }} BIND(<{p}> AS ?p) }}" for p in LABEL_PROPS
)


def label_quads(store: Store, iris: set[str]) -> list[dict[str, Term]]:
    """(s, p, o, g) label rows of the given IRIs, in the graphs that assert them."""
    rows: list[dict[str, Term]] = []
    todo = sorted(iris)
    for start in range(0, len(todo), 200):
        values = " ".join(sparql_iri(i) for i in todo[start : start + 200])
        rows += select_ox(
            store, f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} {_LABEL_BRANCHES} }}"
        )
    return rows


Quad = tuple[Term, Term, Term, Term]


def _quad_order(q: Quad) -> tuple[str, str, str, str]:
    return (q[1].value, q[0].value, q[2].value, q[3].value)


def describe(
    store: Store, iri: str, *, page: int = 1, limit: int | None = None
) -> tuple[list[Quad], bool]:
    """The entity's data as (s, p, o, graph) quads of pyoxigraph terms, one graph per
    asserting source, and whether a next page exists. Raises :class:`NotFound` for an
    unknown IRI or an empty page."""
    limit = limit or ENTITY_PAGE_TRIPLES
    rows, more = entity_quads(store, iri, limit=limit, offset=(page - 1) * limit)
    if not rows:
        raise NotFound(f"no entity <{iri}>" if page == 1 else f"no page {page} for <{iri}>")
    linked = {
        n.value
        for r in rows
        for n in (r["s"], r["o"])
        if isinstance(n, ox.NamedNode) and n.value != iri
    }
    quads = [(r["s"], r["p"], r["o"], r["g"]) for r in rows]
    quads.sort(key=_quad_order)
    quads += [(r["s"], r["p"], r["o"], r["g"]) for r in label_quads(store, linked)]
    return list(dict.fromkeys(quads)), more


def serialize(quads: list[Quad], media_type: str) -> bytes:
    """Serialise with pyoxigraph's writers: TriG keeps the graphs; the other formats
    (JSON-LD too, as consumers expect one graph) merge them."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # pragma: no cover - DATA_SUFFIXES only holds formats Oxigraph writes
        raise NotAcceptable(f"cannot write entity data as {media_type}")
    # Build each Triple or Quad once, after removing duplicates as plain tuples (building
    # one costs ~10 µs, about 15 times hashing a tuple of terms).
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        items: list[Any] = [ox.Quad(s, p, o, g) for s, p, o, g in dict.fromkeys(quads)]  # type: ignore[arg-type]
    else:
        triples = dict.fromkeys((s, p, o) for s, p, o, _ in quads)
        items = [ox.Triple(s, p, o) for s, p, o in triples]  # type: ignore[arg-type]
    out = ox.serialize(items, format=fmt, prefixes=PREFIXES_ALL)
    assert out is not None  # no output file given: the bytes are returned
    return out


def read_page_number() -> int:
    """The ``page`` query parameter (1 when absent); anything else is a 400."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DATA_PAGE:
        raise KgError(f"page must be a whole number from 1 to {MAX_DATA_PAGE}, not {raw!r}")
    return int(raw)


def wants_html() -> bool:
    """True when the client prefers HTML (a browser), for choosing the 404 page."""
    accept = request.accept_mimetypes
    return bool(accept) and accept.best_match(["application/json", "text/html"]) == "text/html"


def not_found(path: str) -> Response:
    """404 for an unknown entity: a page linking to search for browsers, else our error shape."""
    iri = entity_iri_for(path)
    if not wants_html():
        raise NotFound(f"no entity <{iri}>; search at /search?q=...")
    words = path.rsplit("/", 1)[-1].replace("-", " ")
    body = render_template("not_found.html", iri=iri, query=words)
    return Response(body, status=404, mimetype="text/html")


@bp.route("/id/<path:path>")
def dereference(path: str) -> Response:
    """303 See Other to the page or the data, by Accept (Cool URIs §4.3)."""
    offered = ("text/html", *DATA_SUFFIXES.values())
    if not exists(get_store(), entity_iri_for(path)):
        resp = not_found(path)
    else:
        media_type = negotiate(request.accept_mimetypes, offered, "text/html")
        if media_type == "text/html":
            target = url_for("entities.page", path=path)
        else:
            target = url_for("entities.data", path=f"{path}.{_SUFFIX_OF[media_type]}")
        resp = Response(status=303, headers={"Location": target})
        resp.headers["Link"] = link_header(path, None)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/data/<path:path>")
def data(path: str) -> Response:
    """The entity's RDF in the format its suffix names (or by Accept without one)."""
    stem, _, suffix = path.rpartition(".")
    negotiated = False
    if stem and suffix == "ris":
        from kg.web.ris import ris_response

        return ris_response(stem)
    if stem and suffix in DATA_SUFFIXES:
        media_type = DATA_SUFFIXES[suffix]
    else:
        stem, negotiated = path, True
        media_type = negotiate(
            request.accept_mimetypes, tuple(DATA_SUFFIXES.values()), "text/turtle"
        )
    iri = entity_iri_for(stem)
    number = read_page_number()
    settings = get_settings()
    quads, more = describe(get_store(), iri, page=number, limit=page_size())
    suffix = _SUFFIX_OF[media_type]
    canonical = f"{settings.base_uri}data/{stem}.{suffix}"
    this_doc = ox.NamedNode(canonical + (f"?page={number}" if number > 1 else ""))
    meta = ox.NamedNode(f"{settings.base_uri}data/{stem}")
    quads.append((this_doc, _PRIMARY_TOPIC, ox.NamedNode(iri), meta))
    extra = []
    if more:
        nxt = url_for("entities.data", path=f"{stem}.{suffix}", page=number + 1)
        quads.append((this_doc, _HYDRA_NEXT, ox.NamedNode(f"{canonical}?page={number + 1}"), meta))
        extra.append(f'<{nxt}>; rel="next"')
    resp = Response(serialize(quads, media_type), mimetype=media_type)
    resp.headers["Link"] = link_header(stem, this_doc.value, extra)
    if negotiated:
        resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/page/<path:path>")
def page(path: str) -> Response:
    """The HTML page of the entity, by its type."""
    from kg.web.jsonld import page_jsonld, script_json

    iri = entity_iri_for(path)
    try:
        info: dict[str, Any] = entity_page(get_store(), iri, linker())
    except NotFound:
        return not_found(path)
    settings = get_settings()
    canonical = f"{settings.base_uri}page/{path}"
    ld = page_jsonld(info, canonical)
    body = render_template(
        f"{info['kind']}.html",
        e=info,
        p=info["parts"],
        path=path,
        canonical=canonical,
        alternates=alternates(path)[1:],
        jsonld=script_json(ld),
        ris_url=url_for("entities.data", path=f"{path}.ris")
        if info["kind"] == "document"
        else None,
    )
    resp = Response(body, mimetype="text/html")
    resp.headers["Link"] = link_header(path, canonical)
    return resp
