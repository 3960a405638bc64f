"""Harvesting (issue 7): the VoID/DCAT description, the dumps, Triple Pattern Fragments and
the sitemap, over a real store ingested once and refreshed by the same function that
``kg ingest`` calls."""

from __future__ import annotations

import gzip
import http.client
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, VOID

from kg.cli import main
from kg.config import Settings
from kg.harvest import refresh_harvest
from kg.harvest.sitemap import write_sitemaps
from kg.harvest.tpf import HYDRA_NS
from kg.harvest.vocab import DCAT3
from kg.harvest.void import description_iri
from kg.ingest import ingest_paths
from kg.store.oxigraph import OxigraphStore
from kg.web import create_app
from tests.conftest import BASE, DATA, free_port

LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
PAGE_SIZE = 80
DATASET = description_iri(BASE, "dataset")
HYDRA_NEXT = URIRef(HYDRA_NS + "next")
HYDRA_TOTAL = URIRef(HYDRA_NS + "totalItems")


def harvested_settings(root: Path) -> Settings:
    """Settings of a store under ``root`` with its dumps beside it (the default place)."""
    return Settings(
        store=str(root / "store"),
        base_uri=BASE,
        license=LICENSE,
        fragment_page_size=PAGE_SIZE,
    )


def build_harvested_store(root: Path) -> Settings:
    """Ingest ``data/`` and refresh the harvest files, as ``kg ingest`` does (without the
    SHACL gate, which other tests cover: harvesting does not depend on it)."""
    settings = harvested_settings(root)
    store = OxigraphStore(settings.store)
    try:
        reports = ingest_paths([DATA], store, BASE)
        assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
        refresh_harvest(store, settings)
    finally:
        store.close()
    return settings


@pytest.fixture(scope="session")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a store with ``data/`` ingested and harvest files written."""
    return build_harvested_store(tmp_path_factory.mktemp("harvest"))


@pytest.fixture(scope="session")
def harvest_app(harvested: Settings) -> Flask:
    """The real app over the harvested store, opened read-only."""
    return create_app(harvested)


@pytest.fixture
def hclient(harvest_app: Flask) -> FlaskClient:
    """A test client of the harvested app."""
    return harvest_app.test_client()


def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` with waitress on a free 127.0.0.1 port; yield the root URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def harvest_server(harvest_app: Flask) -> Iterator[str]:
    """The harvested app on a live 127.0.0.1 server."""
    yield from serve(harvest_app)


def store_quads(app: Flask) -> int:
    return app.extensions["kg.store"].count_quads()  # type: ignore[no-any-return]


def download(client: FlaskClient, path: str) -> bytes:
    """GET a streamed file and close the response (send_file holds the file open)."""
    resp = client.get(path)
    try:
        assert resp.status_code == 200, path
        return resp.get_data()
    finally:
        resp.close()


def export(settings: Settings, fmt: str) -> bytes:
    result = CliRunner().invoke(main, ["export", "--store", settings.store, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def as_dataset(data: bytes, fmt: str) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format=fmt)
    return ds


def assert_same_dataset(got: Dataset, want: Dataset) -> None:
    """Same named graphs, each isomorphic (with a readable difference when not)."""
    names = {str(g.identifier) for g in want.graphs() if len(g)}
    assert {str(g.identifier) for g in got.graphs() if len(g)} == names
    for name in names:
        a, b = got.graph(URIRef(name)), want.graph(URIRef(name))
        assert isomorphic(a, b), (name, set(a) ^ set(b))


# --- dumps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "rdflib_fmt"), [("kg.nq.gz", "nq", "nquads"), ("kg.trig.gz", "trig", "trig")]
)
def test_each_dump_is_isomorphic_to_kg_export(
    hclient: FlaskClient, harvested: Settings, name: str, fmt: str, rdflib_fmt: str
) -> None:
    resp = hclient.get(f"/dumps/{name}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/gzip"
    body = gzip.decompress(resp.get_data())
    resp.close()
    want = export(harvested, fmt)
    assert_same_dataset(as_dataset(body, rdflib_fmt), as_dataset(want, rdflib_fmt))
    if fmt == "nq":  # no blank nodes here, so the lines themselves agree
        assert sorted(body.splitlines()) == sorted(want.splitlines())


def test_second_get_with_the_etag_is_304_with_an_empty_body(harvest_server: str) -> None:
    host = urlsplit(harvest_server).netloc
    conn = http.client.HTTPConnection(host, timeout=10)
    try:
        conn.request("GET", "/dumps/kg.nq.gz")
        first = conn.getresponse()
        first_body = first.read()
        assert first.status == 200 and len(first_body) > 0
        etag, last_modified = first.getheader("ETag"), first.getheader("Last-Modified")
        assert etag and last_modified
        conn.request("GET", "/dumps/kg.nq.gz", headers={"If-None-Match": etag})
        again = conn.getresponse()
        assert again.status == 304
        assert again.read() == b""
        assert again.getheader("ETag") == etag
        conn.request("GET", "/dumps/kg.nq.gz", headers={"If-Modified-Since": last_modified})
        since = conn.getresponse()
        assert since.status == 304 and since.read() == b""
        conn.request("GET", "/dumps/kg.nq.gz", headers={"If-None-Match": '"stale"'})
        stale = conn.getresponse()
        assert stale.status == 200 and stale.read() == first_body
    finally:
        conn.close()


def test_dump_listing_and_unknown_dump(hclient: FlaskClient) -> None:
    listing = hclient.get("/dumps/").json
    assert [d["url"] for d in listing["dumps"]] == [
        f"{BASE}dumps/kg.nq.gz",
        f"{BASE}dumps/kg.trig.gz",
    ]
    assert all(d["bytes"] > 0 and d["etag"] for d in listing["dumps"])
    missing = hclient.get("/dumps/everything.zip")
    assert missing.status_code == 404
    assert "kg.nq.gz" in missing.json["error"]["message"]


# --- VoID ----------------------------------------------------------------------------


def void_graph(client: FlaskClient, accept: str, fmt: str) -> Graph:
    resp = client.get("/.well-known/void", headers={"Accept": accept})
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == accept
    assert resp.headers["Vary"] == "Accept"
    return Graph().parse(data=resp.data, format=fmt)


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_void_parses_and_its_triple_count_is_the_stores(
    hclient: FlaskClient, harvest_app: Flask, accept: str, fmt: str
) -> None:
    g = void_graph(hclient, accept, fmt)
    triples = int(g.value(DATASET, VOID.triples))
    assert triples == store_quads(harvest_app)
    nquads = gzip.decompress(download(hclient, "/dumps/kg.nq.gz"))
    assert triples == len(nquads.splitlines())
    # The property partitions cover every triple, the description included.
    partitions = list(g.objects(DATASET, VOID.propertyPartition))
    assert sum(int(g.value(p, VOID.triples)) for p in partitions) == triples


def test_void_says_what_aggregators_need(hclient: FlaskClient) -> None:
    g = void_graph(hclient, "text/turtle", "turtle")
    ds = DATASET
    assert (ds, RDF.type, VOID.Dataset) in g and (ds, RDF.type, DCAT3.Dataset) in g
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    assert set(g.objects(ds, VOID.dataDump)) == {
        URIRef(f"{BASE}dumps/kg.nq.gz"),
        URIRef(f"{BASE}dumps/kg.trig.gz"),
    }
    assert g.value(ds, VOID.uriSpace) == Literal(f"{BASE}id/")
    assert URIRef(f"{BASE}id/document/garf-5446-98-721-l27") in set(
        g.objects(ds, VOID.exampleResource)
    )
    assert int(g.value(ds, VOID.entities)) > 0
    assert URIRef("https://w3id.org/coldwar-kg/ontology#") in set(g.objects(ds, VOID.vocabulary))
    classes = {g.value(p, VOID["class"]): p for p in g.objects(ds, VOID.classPartition)}
    person = URIRef("https://w3id.org/coldwar-kg/ontology#Person")
    assert int(g.value(classes[person], VOID.entities)) > 1
    assert g.value(ds, DCTERMS.license) == URIRef(LICENSE)
    assert g.value(ds, DCTERMS.modified) is not None
    # DCAT: a catalogue, one distribution per dump, two data services.
    catalog = g.value(predicate=DCAT3.dataset, object=ds)
    assert (catalog, RDF.type, DCAT3.Catalog) in g
    downloads = {g.value(d, DCAT3.downloadURL) for d in g.objects(ds, DCAT3.distribution)}
    assert set(g.objects(ds, VOID.dataDump)) <= downloads
    for dist in g.objects(ds, DCAT3.distribution):
        if g.value(dist, DCAT3.downloadURL) is not None:
            assert int(g.value(dist, DCAT3.byteSize)) > 0
    endpoints = {g.value(s, DCAT3.endpointURL) for s in g.subjects(RDF.type, DCAT3.DataService)}
    assert endpoints == {URIRef(f"{BASE}sparql"), URIRef(f"{BASE}fragments")}


def test_void_html_and_machine_twins(hclient: FlaskClient, harvest_app: Flask) -> None:
    page = hclient.get("/.well-known/void", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert str(store_quads(harvest_app)) in text and "kg.nq.gz" in text
    assert 'rel="alternate"' in page.headers["Link"]
    for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
        twin = hclient.get(f"/.well-known/void.{suffix}")
        assert twin.status_code == 200
        assert len(Graph().parse(data=twin.data, format=fmt)) > 100
    assert hclient.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
    assert hclient.get("/.well-known/void.xlsx").status_code == 404


def test_without_an_ingest_the_routes_say_what_to_do(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "store"), base_uri=BASE)
    client = create_app(settings, store=OxigraphStore(None)).test_client()
    for path in ("/.well-known/void", "/dumps/kg.nq.gz", "/sitemap.xml"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert "kg ingest" in resp.json["error"]["message"]


# --- ingest-time refresh ---------------------------------------------------------------


def _ingest(store: Path, *paths: str) -> None:
    result = CliRunner().invoke(
        main, ["ingest", *paths, "--store", str(store), "--base", BASE, "--no-validate"]
    )
    assert result.exit_code == 0, result.output


def _description(store: Path) -> tuple[str, int, int]:
    db = OxigraphStore(store, read_only=True)
    try:
        rows = db.select(
            f"""SELECT ?m ?n WHERE {{ GRAPH ?g {{ <{DATASET}> <{DCTERMS.modified}> ?m ;
            <{VOID.triples}> ?n }} }}"""
        )
        return str(rows[0]["m"]), int(rows[0]["n"]), db.count_quads()
    finally:
        db.close()


def _rdf_file(path: Path, label: str) -> str:
    path.write_text(
        f'<{BASE}id/person/test> <http://www.w3.org/2004/02/skos/core#prefLabel> "{label}" .\n',
        encoding="utf-8",
    )
    return str(path)


def test_ingest_refreshes_only_when_something_changed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    manifest = tmp_path / "dumps" / "manifest.json"
    first = _rdf_file(tmp_path / "a.ttl", "A")
    _ingest(store, first)
    modified, triples, quads = _description(store)
    assert triples == quads
    first_manifest = manifest.read_bytes()

    _ingest(store, first)
    assert _description(store) == (modified, triples, quads)
    assert manifest.read_bytes() == first_manifest

    _ingest(store, _rdf_file(tmp_path / "b.ttl", "B"))
    new_modified, new_triples, new_quads = _description(store)
    assert new_triples == new_quads > quads
    assert new_modified >= modified
    assert manifest.read_bytes() != first_manifest
    dumps = sorted(p.name for p in manifest.parent.glob("kg-*.gz"))
    assert len(dumps) == 2, dumps  # the previous generation is gone


def test_unwritable_dumps_folder_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "dumps"
    blocker.write_text("not a folder", encoding="utf-8")
    source = _rdf_file(tmp_path / "a.ttl", "A")
    result = CliRunner().invoke(
        main, ["ingest", source, "--store", str(tmp_path / "store"), "--no-validate"]
    )
    assert result.exit_code == 1
    assert "cannot write the dumps" in result.output
    assert "Traceback" not in result.output


# --- Triple Pattern Fragments ------------------------------------------------------------


def fragment(client: FlaskClient, accept: str = "application/trig", **params: str) -> ox.Dataset:
    resp = client.get("/fragments", query_string=params, headers={"Accept": accept})
    assert resp.status_code == 200, resp.data
    return ox.Dataset(ox.parse(resp.data, format=ox.RdfFormat.from_media_type(accept)))


def data_triples(ds: ox.Dataset) -> set[ox.Triple]:
    return {q.triple for q in ds if q.graph_name == ox.DefaultGraph()}


def meta_value(ds: ox.Dataset, predicate: str) -> ox.Term | None:
    for q in ds:
        if q.predicate.value == predicate and q.graph_name != ox.DefaultGraph():
            return q.object
    return None


def union_triples(app: Flask, predicate: str | None = None) -> set[ox.Triple]:
    """Every triple of the union of the named graphs (with ``predicate``, when given)."""
    store = app.extensions["kg.store"].raw
    values = f"VALUES ?p {{ <{predicate}> }}" if predicate else ""
    rows = store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}")
    return {ox.Triple(r["s"], r["p"], r["o"]) for r in rows}


def test_walking_every_page_gives_each_triple_of_the_union_once(
    hclient: FlaskClient, harvest_app: Flask
) -> None:
    want = union_triples(harvest_app)
    seen: list[ox.Triple] = []
    url: str | None = "/fragments"
    for _ in range(len(want) // PAGE_SIZE + 2):  # bounded walk
        if url is None:
            break
        resp = hclient.get(url, headers={"Accept": "application/n-quads"})
        assert resp.status_code == 200
        ds = ox.Dataset(ox.parse(resp.data, format=ox.RdfFormat.N_QUADS))
        page = data_triples(ds)
        assert len(page) <= PAGE_SIZE
        seen.extend(page)
        nxt = meta_value(ds, HYDRA_NS + "next")
        url = urlsplit(nxt.value)._replace(scheme="", netloc="").geturl() if nxt else None
    assert url is None, "the walk did not reach the last page"
    assert len(seen) == len(set(seen))
    assert set(seen) == want


def test_fragment_metadata_and_controls(hclient: FlaskClient, harvest_app: Flask) -> None:
    title = "http://purl.org/dc/terms/title"
    ds = fragment(hclient, predicate=title)
    want = union_triples(harvest_app, title)
    assert data_triples(ds) == want
    assert int(meta_value(ds, HYDRA_NS + "totalItems").value) == len(want)
    assert int(meta_value(ds, "http://rdfs.org/ns/void#triples").value) == len(want)
    template = meta_value(ds, HYDRA_NS + "template").value
    assert template.endswith("/fragments{?subject,predicate,object}")
    variables = {q.object.value for q in ds if q.predicate.value == HYDRA_NS + "variable"}
    assert variables == {"subject", "predicate", "object"}
    graphs = {q.graph_name for q in ds} - {ox.DefaultGraph()}
    assert len(graphs) == 1
    (metadata_graph,) = graphs
    assert metadata_graph.value.endswith("#metadata")
    assert meta_value(ds, "http://xmlns.com/foaf/0.1/primaryTopic") is not None

    second = fragment(hclient, page="2")
    assert meta_value(second, HYDRA_NS + "previous").value.endswith("page=1")
    assert meta_value(second, HYDRA_NS + "first").value.endswith("page=1")


def test_literal_and_iri_objects_match(hclient: FlaskClient) -> None:
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    ds = fragment(hclient, predicate=label, object='"Kim Il Sung"@en')
    subjects = {t.subject.value for t in data_triples(ds)}
    assert subjects == {f"{BASE}id/person/kim-il-sung"}
    person = "https://w3id.org/coldwar-kg/ontology#Person"
    typed = fragment(hclient, object=person)
    assert f"{BASE}id/person/kim-il-sung" in {t.subject.value for t in data_triples(typed)}
    triples = int(void_graph(hclient, "text/turtle", "turtle").value(DATASET, VOID.triples))
    count = fragment(hclient, object=f'"{triples}"^^http://www.w3.org/2001/XMLSchema#integer')
    assert ox.NamedNode(str(DATASET)) in {t.subject for t in data_triples(count)}


@pytest.mark.parametrize(
    ("accept", "quads"),
    [
        ("application/trig", True),
        ("application/n-quads", True),
        ("application/ld+json", True),
        ("text/turtle", False),
        ("application/n-triples", False),
    ],
)
def test_fragment_formats(hclient: FlaskClient, accept: str, quads: bool) -> None:
    subject = f"{BASE}id/person/kim-il-sung"
    ds = fragment(hclient, accept, subject=subject)
    data = {q for q in ds if q.subject.value == subject}
    assert len(data) > 2
    assert all((q.graph_name == ox.DefaultGraph()) for q in data)
    assert any(q.graph_name != ox.DefaultGraph() for q in ds) == quads


def test_fragment_html_and_406(hclient: FlaskClient) -> None:
    page = hclient.get(
        "/fragments?predicate=http%3A%2F%2Fpurl.org%2Fdc%2Fterms%2Ftitle",
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Minutes of the Meeting" in page.get_data(as_text=True)
    assert hclient.get("/fragments", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"subject": "kim il sung"}, "subject: 'kim il sung' is not an absolute IRI"),
        ({"subject": '"Kim"'}, "subject: a literal can only be an object"),
        ({"predicate": "_:b0"}, "predicate: blank node"),
        ({"predicate": "http://x.org/<p>"}, "predicate: 'http://x.org/<p>' is not an absolute IRI"),
        ({"object": '"unterminated'}, "object: '\"unterminated' is not a literal"),
        ({"object": '"x"@not a tag'}, "object:"),
        ({"object": '"x"^^not-an-iri'}, "object:"),
        ({"page": "0"}, "page: must be a whole number"),
        ({"page": "two"}, "page: must be a whole number"),
        ({"page": "99999999999"}, "page: must be a whole number"),
    ],
)
def test_bad_fragment_parameters_are_400(
    hclient: FlaskClient, params: dict[str, str], message: str
) -> None:
    resp = hclient.get("/fragments", query_string=params)
    assert resp.status_code == 400, resp.data
    assert message in resp.json["error"]["message"]


def test_a_page_past_the_end_is_empty_with_a_count(hclient: FlaskClient) -> None:
    ds = fragment(hclient, page="100000")
    assert data_triples(ds) == set()
    assert int(meta_value(ds, HYDRA_NS + "totalItems").value) > 0
    assert meta_value(ds, HYDRA_NS + "next") is None


# --- sitemap ---------------------------------------------------------------------------

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_every_entity_page(hclient: FlaskClient) -> None:
    root = ET.fromstring(download(hclient, "/sitemap.xml"))
    assert root.tag == f"{SM}urlset"
    locs = [el.text or "" for el in root.iter(f"{SM}loc")]
    assert all(loc.startswith(f"{BASE}page/") for loc in locs)
    g = void_graph(hclient, "text/turtle", "turtle")
    assert len(locs) == len(set(locs)) == int(g.value(DATASET, VOID.entities))
    page = f"{BASE}page/document/garf-5446-98-721-l27"
    assert page in locs
    assert hclient.get(page.removeprefix(BASE.rstrip("/"))).status_code == 200


def test_a_long_sitemap_becomes_an_index(tmp_path: Path) -> None:
    urls = [f"{BASE}page/person/p{i}" for i in range(5)]
    names = write_sitemaps(urls, tmp_path, BASE, limit=2)
    assert names == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = ET.parse(tmp_path / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    assert [el.text for el in index.iter(f"{SM}loc")] == [f"{BASE}{n}" for n in names[1:]]
    parts = [ET.parse(tmp_path / n).getroot() for n in names[1:]]
    assert [el.text for p in parts for el in p.iter(f"{SM}loc")] == urls
