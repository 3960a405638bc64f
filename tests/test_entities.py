"""Dereferencing (Cool URIs §4.3): every URI the seed mints answers 303 to a page or data
that parse and hold the entity's triples; negotiation, Link/Vary headers, 404, 406, paging.

The seed tests run over the real ingested ``data/`` (fixture ``client``) and query the
store for what to expect, so they stay valid as extraction grows."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rispy
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from kg.web import get_store
from kg.web.ris import RIS_MAPPING
from tests.conftest import BASE
from tests.fixtures.model import ID, SEED_DOC, model_app

SEED_DOC_PATH = "document/garf-5446-98-721-l27"
RDF_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld"}


def _seed_iris(app: Flask) -> list[str]:
    with app.app_context():
        rows = get_store().select(
            f"""SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
            FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{BASE}id/")) }}"""
        )
    return sorted(str(r["x"]) for r in rows)


def _own_triples(app: Flask) -> dict[str, set[tuple[Any, Any]]]:
    """Every (p, o) of every subject under the base's id/ space, in one query."""
    with app.app_context():
        rows = get_store().select(
            f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}"""
        )
    out: dict[str, set[tuple[Any, Any]]] = {}
    for r in rows:
        out.setdefault(str(r["s"]), set()).add((r["p"], r["o"]))
    return out


def _labels(app: Flask) -> dict[str, list[str]]:
    """The labels of every subject under the base's id/ space, in one query."""
    with app.app_context():
        rows = get_store().select(
            f"""SELECT ?s ?l WHERE {{ ?s ?p ?l FILTER(STRSTARTS(STR(?s), "{BASE}id/"))
            FILTER(?p IN (<{SKOS.prefLabel}>, <{DCTERMS.title}>, <{RDFS.label}>)) }}"""
        )
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(str(r["s"]), []).append(str(r["l"]))
    return out


def _follow(client: FlaskClient, iri: str, accept: str) -> tuple[Any, Any]:
    first = client.get(iri[len(BASE) - 1 :], headers={"Accept": accept})
    second = client.get(first.headers.get("Location", "/missing"), headers={"Accept": accept})
    return first, second


def test_the_seed_mints_uris_under_the_base(app: Flask) -> None:
    iris = _seed_iris(app)
    assert f"{BASE}id/{SEED_DOC_PATH}" in iris
    assert len(iris) >= 10


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_every_seed_uri_gives_its_triples_through_303(
    app: Flask, client: FlaskClient, accept: str
) -> None:
    failures = []
    own = _own_triples(app)
    for iri in _seed_iris(app):
        first, second = _follow(client, iri, accept)
        if first.status_code != 303 or second.status_code != 200:
            failures.append((iri, first.status_code, second.status_code))
            continue
        assert second.mimetype == accept
        g = Graph().parse(data=second.data, format=RDF_FORMATS[accept])
        have = set(g.predicate_objects(URIRef(iri)))
        missing = own.get(iri, set()) - have
        if missing:
            failures.append((iri, "missing", sorted(missing)[:3]))
    assert not failures, failures


def test_every_seed_uri_has_an_html_page_with_its_label(app: Flask, client: FlaskClient) -> None:
    failures = []
    labels = _labels(app)
    for iri in _seed_iris(app):
        first, second = _follow(client, iri, "text/html")
        if first.status_code != 303 or second.status_code != 200:
            failures.append((iri, first.status_code, second.status_code))
            continue
        html = second.get_data(as_text=True)
        expected = [str(escape(label)) for label in labels.get(iri, [])] or [iri]
        if not any(e in html for e in expected):
            failures.append((iri, "no label", expected))
        assert "Content-Security-Policy" in second.headers
    assert not failures, failures


def test_trig_keeps_the_graph_of_each_statement(client: FlaskClient) -> None:
    resp = client.get(f"/data/{SEED_DOC_PATH}.trig")
    assert resp.status_code == 200 and resp.mimetype == "application/trig"
    ds = Dataset()
    ds.parse(data=resp.data, format="trig")
    doc = URIRef(f"{BASE}id/{SEED_DOC_PATH}")
    graphs = {str(c) for _, _, _, c in ds.quads((doc, DCTERMS.date, None, None))}
    assert graphs == {f"{BASE}graph/doc/000_433681a86fbd4be3/catalogue"}
    graphs = {str(c) for _, _, _, c in ds.quads((doc, DCTERMS.title, None, None))}
    assert graphs == {f"{BASE}graph/doc/000_433681a86fbd4be3"}


def test_data_has_incoming_links_and_labels_of_linked_things(client: FlaskClient) -> None:
    g = Graph().parse(data=client.get(f"/data/{SEED_DOC_PATH}.ttl").data, format="turtle")
    doc = URIRef(f"{BASE}id/{SEED_DOC_PATH}")
    translation = URIRef(f"{BASE}id/translation/000_433681a86fbd4be3")
    assert (translation, URIRef("https://w3id.org/coldwar-kg/ontology#translationOf"), doc) in g
    assert g.value(translation, DCTERMS.title) is not None
    unit = URIRef(f"{BASE}id/unit/garf/5446/98/721")
    assert g.value(unit, RDFS.label) is not None


# Accept header -> where /id/ sends the client (the table of STYLE habit 4).
ACCEPT_TABLE = [
    (None, "/page/"),
    ("text/html", "/page/"),
    ("*/*", "/page/"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/page/"),
    ("text/turtle", ".ttl"),
    ("application/x-turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("application/trig", ".trig"),
    ("text/html;q=0.5, text/turtle", ".ttl"),
    ("application/ld+json;q=0.9, text/turtle;q=0.1", ".jsonld"),
]


@pytest.mark.parametrize(("accept", "target"), ACCEPT_TABLE)
def test_dereference_negotiates(client: FlaskClient, accept: str | None, target: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    resp = client.get(f"/id/{SEED_DOC_PATH}", headers=headers)
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert location.endswith(target) if target.startswith(".") else target in location
    assert resp.headers["Vary"] == "Accept"
    assert 'rel="alternate"; type="text/turtle"' in resp.headers["Link"]
    assert client.get(location, headers=headers).status_code == 200


def test_nothing_acceptable_is_406_naming_the_offered_types(client: FlaskClient) -> None:
    resp = client.get(f"/id/{SEED_DOC_PATH}", headers={"Accept": "image/png"})
    assert resp.status_code == 406
    message = resp.json["error"]["message"]
    for media_type in ("text/html", "text/turtle", "application/ld+json", "application/trig"):
        assert media_type in message
    assert resp.headers["Vary"] == "Accept"


def test_data_without_suffix_negotiates(client: FlaskClient) -> None:
    resp = client.get(f"/data/{SEED_DOC_PATH}", headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200 and resp.mimetype == "application/n-triples"
    assert resp.headers["Vary"] == "Accept"
    assert len(Graph().parse(data=resp.data, format="nt")) > 5
    assert client.get(f"/data/{SEED_DOC_PATH}").mimetype == "text/turtle"
    assert client.get(f"/data/{SEED_DOC_PATH}", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "nt", "rdf", "trig"])
def test_each_format_parses_and_links_its_twins(client: FlaskClient, suffix: str) -> None:
    resp = client.get(f"/data/{SEED_DOC_PATH}.{suffix}")
    assert resp.status_code == 200
    fmt = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig"}[suffix]
    if fmt == "trig":
        Dataset().parse(data=resp.data, format="trig")
    else:
        g = Graph().parse(data=resp.data, format=fmt)
        assert (URIRef(f"{BASE}id/{SEED_DOC_PATH}"), None, None) in g
    link = resp.headers["Link"]
    for other in ("ttl", "jsonld", "nt", "rdf", "trig"):
        assert f'</data/{SEED_DOC_PATH}.{other}>; rel="alternate"' in link
    assert f'<{BASE}data/{SEED_DOC_PATH}.{suffix}>; rel="canonical"' in link


def test_page_links_its_twins_in_headers_and_tags(client: FlaskClient) -> None:
    resp = client.get(f"/page/{SEED_DOC_PATH}")
    html = resp.get_data(as_text=True)
    for suffix, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
        tag = f'<link rel="alternate" type="{media_type}" href="/data/{SEED_DOC_PATH}.{suffix}">'
        assert tag in html
        assert (
            f'</data/{SEED_DOC_PATH}.{suffix}>; rel="alternate"; type="{media_type}"'
            in (resp.headers["Link"])
        )
    assert f'<{BASE}page/{SEED_DOC_PATH}>; rel="canonical"' in resp.headers["Link"]
    assert "nt" in html and f"/data/{SEED_DOC_PATH}.nt" in html


def test_unknown_uri_is_404_with_a_page_that_links_to_search(client: FlaskClient) -> None:
    resp = client.get("/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert 'href="/search?q=nobody%20at%20all"' in html
    assert client.get("/page/person/nobody-at-all").status_code == 404
    as_json = client.get("/id/person/nobody-at-all", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and "nobody-at-all" in as_json.json["error"]["message"]
    data = client.get("/data/person/nobody-at-all.ttl")
    assert data.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/id/person/a%3E%20%7D%20;%20DROP%20ALL%20%23",
        '/data/person/x">.ttl',
        "/page/person/a%20b",
        "/id/person/%00",
    ],
)
def test_hostile_paths_are_404_not_500(client: FlaskClient, path: str) -> None:
    resp = client.get(path, headers={"Accept": "application/json"})
    assert resp.status_code == 404, resp.data


def test_bad_page_number_is_400(client: FlaskClient) -> None:
    for bad in ("0", "-1", "x", "99999999999"):
        resp = client.get(f"/data/{SEED_DOC_PATH}.ttl?page={bad}")
        assert resp.status_code == 400
        assert "page must be" in resp.json["error"]["message"]


def test_large_entities_are_paged_with_next_links() -> None:
    app = model_app(KG_ENTITY_PAGE_TRIPLES=3)
    client = app.test_client()
    iri = URIRef(ID + "person/anastas-mikoyan")
    seen: set[tuple[Any, Any, Any]] = set()
    url: str | None = "/data/person/anastas-mikoyan.nt"
    pages = 0
    while url and pages < 20:
        resp = client.get(url)
        assert resp.status_code == 200
        g = Graph().parse(data=resp.data, format="nt")
        about = {t for t in g if iri in (t[0], t[2]) and t[1] != FOAF.primaryTopic}
        assert len(about) <= 3
        seen |= about
        nxt = [part for part in resp.headers["Link"].split(", ") if 'rel="next"' in part]
        url = nxt[0].split(">")[0].lstrip("<") if nxt else None
        pages += 1
    assert pages >= 3
    with app.app_context():
        own = get_store().select(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{iri}> ?p ?o }}")
        incoming = get_store().select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{iri}> FILTER(isIRI(?s)) }}"
        )
    assert len(seen) == int(own[0]["n"]) + int(incoming[0]["n"])  # type: ignore[call-overload]
    last = client.get(f"/data/person/anastas-mikoyan.nt?page={pages + 1}")
    assert last.status_code == 404


def test_paging_is_announced_in_the_data_too() -> None:
    client = model_app(KG_ENTITY_PAGE_TRIPLES=5).test_client()
    g = Graph().parse(data=client.get("/data/person/anastas-mikoyan.ttl").data, format="turtle")
    nxt = list(g.objects(None, URIRef("http://www.w3.org/ns/hydra/core#next")))
    assert [str(n) for n in nxt] == [f"{BASE}data/person/anastas-mikoyan.ttl?page=2"]


def test_blank_nodes_come_with_the_entity() -> None:
    client = model_app().test_client()
    g = Graph().parse(data=client.get(f"/data/{SEED_DOC}.ttl").data, format="turtle")
    doc = URIRef(ID + SEED_DOC)
    prov = "http://www.w3.org/ns/prov#"
    attributions = list(g.objects(doc, URIRef(prov + "qualifiedAttribution")))
    assert len(attributions) == 2
    roles = {str(g.value(a, URIRef(prov + "hadRole"))).rsplit("/", 1)[-1] for a in attributions}
    assert roles == {"recorder", "typist"}


def test_ris_export_of_the_seed_document(client: FlaskClient) -> None:
    resp = client.get(f"/data/{SEED_DOC_PATH}.ris")
    assert resp.status_code == 200
    assert resp.mimetype == "application/x-research-info-systems"
    (entry,) = rispy.loads(resp.get_data(as_text=True), mapping=RIS_MAPPING)
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["title"].startswith("Minutes of the Meeting")
    assert entry["date"] == "1956/09/23/"
    assert entry["archive_location"].startswith("GARF, Fond 5446, Opis 98, Delo 721")
    page = client.get(f"/page/{SEED_DOC_PATH}").get_data(as_text=True)
    assert f'href="/data/{SEED_DOC_PATH}.ris"' in page


def test_ris_is_only_for_documents(client: FlaskClient) -> None:
    resp = client.get("/data/unit/garf/5446.ris", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert "documents only" in resp.json["error"]["message"]


def test_seed_page_embeds_parseable_schema_org(client: FlaskClient) -> None:
    html = client.get(f"/page/{SEED_DOC_PATH}").get_data(as_text=True)
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "ArchiveComponent"
    assert data["@id"] == f"{BASE}id/{SEED_DOC_PATH}"
    assert data["holdingArchive"]["name"] == "State Archive of the Russian Federation"
    assert data["name"].startswith("Minutes of the Meeting")
    assert data["isPartOf"]["@id"] == f"{BASE}id/unit/garf/5446/98/721"
