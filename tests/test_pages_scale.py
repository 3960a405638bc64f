"""Entity pages stay bounded and right when an entity is very busy (issue 9): a person in
more meetings than a page lists, a hierarchy repeated by many documents' graphs, and
links that are built without ``url_for`` per link. A synthetic store, built here."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from kg.config import Settings
from kg.store.oxigraph import OxigraphStore
from kg.web import create_app
from kg.web import pages as pages_module
from kg.web.entities import linker
from kg.web.pages import LIST_LIMIT

BASE = "http://127.0.0.1:5000/"
ID = BASE + "id/"
CWA = "https://w3id.org/coldwar-kg/ontology#"
RICO = "https://www.ica.org/standards/RiC/ontology#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: Meetings the busy person attends: more than a page lists.
MEETINGS = LIST_LIMIT + 40
#: Graphs repeating the archival hierarchy (the old chain query stopped at 100 rows).
UNIT_GRAPHS = 60


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def busy_store() -> OxigraphStore:
    """A busy person (``person/busy``) in :data:`MEETINGS` meetings, each asserted by its
    own document graph with ``person/friend`` present at every one; a fond > opis > delo
    hierarchy asserted by :data:`UNIT_GRAPHS` graphs; mentions of the busy person."""
    store = OxigraphStore(None)
    quads: list[ox.Quad] = []
    busy, friend = n(ID + "person/busy"), n(ID + "person/friend")
    people = n(BASE + "graph/file/people")
    for who, name in ((busy, "Busy Person"), (friend, "Friend Person")):
        quads += [
            ox.Quad(who, RDF_TYPE, n(CWA + "Person"), people),
            ox.Quad(who, n(SKOS + "prefLabel"), ox.Literal(name, language="en"), people),
        ]
    for i in range(MEETINGS):
        g = n(f"{BASE}graph/doc/d{i:04d}")
        doc = n(f"{ID}document/d{i:04d}")
        m = n(f"{ID}meeting/m{i:04d}")
        date = ox.Literal(
            f"{1950 + i // 12}-{i % 12 + 1:02d}-01",
            datatype=n("http://www.w3.org/2001/XMLSchema#date"),
        )
        quads += [
            ox.Quad(g, n(CWA + "sourceDocument"), doc, g),
            ox.Quad(doc, RDF_TYPE, n(CWA + "ArchivalDocument"), g),
            ox.Quad(doc, n("http://purl.org/dc/terms/title"), ox.Literal(f"Doc {i}"), g),
            ox.Quad(doc, n(CWA + "records"), m, g),
            ox.Quad(m, RDF_TYPE, n(CWA + "Meeting"), g),
            ox.Quad(m, n(RDFS + "label"), ox.Literal(f"Meeting {i}", language="en"), g),
            ox.Quad(m, n("https://schema.org/startDate"), date, g),
        ]
        for k, who in enumerate((busy, friend)):
            pa = n(f"{ID}participation/m{i:04d}/{k}")
            quads += [
                ox.Quad(m, n(CWA + "hasParticipation"), pa, g),
                ox.Quad(pa, n(CWA + "participant"), who, g),
                ox.Quad(pa, n(CWA + "nameInSource"), ox.Literal(f"name {k}"), g),
                ox.Quad(m, n(CWA + "attendee"), who, g),
            ]
    levels = [("u", None), ("u/1", "u"), ("u/1/2", "u/1")]
    for i in range(UNIT_GRAPHS):
        g = n(f"{BASE}graph/doc/d{i:04d}/catalogue")
        for path, parent in levels:
            unit = n(f"{ID}unit/{path}")
            quads += [
                ox.Quad(unit, RDF_TYPE, n(CWA + "ArchivalUnit"), g),
                ox.Quad(unit, n(RICO + "identifier"), ox.Literal(path.rsplit("/", 1)[-1]), g),
                ox.Quad(unit, n(RDFS + "label"), ox.Literal(f"Unit {path}"), g),
            ]
            if parent:
                quads.append(
                    ox.Quad(unit, n(RICO + "isOrWasIncludedIn"), n(f"{ID}unit/{parent}"), g)
                )
    for i in range(12):
        g = n(f"{BASE}graph/doc/d{i:04d}/mentions")
        mention, target = n(f"{ID}mention/d{i:04d}/1"), n(f"{ID}mention/d{i:04d}/1/target")
        text, tr = n(f"{ID}translation/d{i:04d}/text"), n(f"{ID}translation/d{i:04d}")
        quads += [
            ox.Quad(mention, n(OA + "hasBody"), busy, g),
            ox.Quad(mention, n(OA + "hasTarget"), target, g),
            ox.Quad(target, n(OA + "hasSource"), text, g),
            ox.Quad(text, n(PROV + "specializationOf"), tr, g),
            ox.Quad(tr, n(CWA + "translationOf"), n(f"{ID}document/d{i:04d}"), g),
        ]
    store.raw.extend(quads)
    return store


@pytest.fixture(scope="module")
def app() -> Flask:
    """The app over :func:`busy_store`, without the response cache (the tests change the
    page limits between requests)."""
    return create_app(Settings(base_uri=BASE, response_cache_mb=0), store=busy_store())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of :func:`app`."""
    return app.test_client()


def section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start : html.index("</section>", start)]


def test_busy_person_lists_a_bounded_number_of_meetings_in_date_order(
    client: FlaskClient,
) -> None:
    html = client.get("/page/person/busy").get_data(as_text=True)
    meetings = section(html, "meetings")
    dates = re.findall(r"<time>([^<]+)</time>", meetings)
    assert len(dates) == LIST_LIMIT
    assert dates == sorted(dates)
    assert "Only the first meetings are shown." in meetings
    assert "according to" in meetings and "written “name 0”" in meetings
    met = section(html, "met-most")
    assert "Friend Person" in met and f"({LIST_LIMIT} meetings)" in met
    assert "Counted over the meetings listed above." in met


def test_person_with_few_meetings_shows_them_all(client: FlaskClient) -> None:
    html = client.get("/page/meeting/m0007").get_data(as_text=True)
    participants = section(html, "participants") if 'id="participants"' in html else html
    assert "Busy Person" in participants and "Friend Person" in participants


def test_mentions_are_counted_over_a_bounded_sample(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = section(client.get("/page/person/busy").get_data(as_text=True), "mentioned-in")
    assert whole.count("<li>") == 12 and "first mentions only" not in whole
    monkeypatch.setattr(pages_module, "MENTION_SCAN", 5)
    sample = section(client.get("/page/person/busy").get_data(as_text=True), "mentioned-in")
    assert sample.count("<li>") == 5
    assert "Counted over the first mentions only" in sample


def test_breadcrumb_is_whole_when_many_graphs_repeat_the_hierarchy(client: FlaskClient) -> None:
    html = client.get("/page/unit/u/1/2").get_data(as_text=True)
    assert html.count('href="/page/unit/u"') >= 1
    assert 'href="/page/unit/u/1"' in html


def test_links_match_url_for(app: Flask) -> None:
    paths = ["person/busy", "unit/u/1/2", "person/a b", "person/ü-ñ", "x/a%2Fb", "x/a?b#c"]
    with app.test_request_context():
        link = linker()
        for path in paths:
            assert link.href(f"{ID}{path}") == url_for("entities.page", path=path)


def test_busy_person_data_pages_are_disjoint_and_complete(app: Flask) -> None:
    app.config["KG_ENTITY_PAGE_TRIPLES"] = 150
    client = app.test_client()
    busy = n(ID + "person/busy")
    seen: list[ox.Triple] = []
    url: str | None = "/data/person/busy.nt"
    while url:
        resp = client.get(url)
        assert resp.status_code == 200
        triples = list(ox.parse(resp.data, format=ox.RdfFormat.N_TRIPLES))
        seen += [
            t
            for t in triples
            if busy in (t.subject, t.object) and "primaryTopic" not in str(t.predicate)
        ]
        nxt = [part for part in resp.headers["Link"].split(", ") if 'rel="next"' in part]
        url = nxt[0].split(">")[0].lstrip("<") if nxt else None
    expected = 2 + MEETINGS * 2 + 12  # own triples; participant + attendee; mentions
    assert len(seen) == len(set(seen)) == expected
