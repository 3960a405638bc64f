"""The SPARQL 1.1 Protocol at ``/sparql`` and ``/update``, against a live server.

Every query case of the W3C protocol test suite (``sparql/sparql11/protocol/
manifest.ttl`` in w3c/rdf-tests) is replayed below as a test of our own, named after
the manifest entry; the update cases run against ``/update`` with a token. Then:
content negotiation as a table, the Service Description, the query UI, CORS, the
example queries, and the result and body caps.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from flask import Flask
from rdflib import Graph, URIRef

from kg.config import Settings
from kg.namespaces import SD
from kg.sparql.examples import EXAMPLES
from kg.store.oxigraph import OxigraphStore
from kg.web import create_app
from kg.web.negotiation import GRAPH_TYPES, RESULTS_TYPES
from tests.conftest import BASE, free_port

KASEI = "http://kasei.us/2009/09/sparql/data/"
TOKEN = "protocol-test-token"
#: The manifest's data0.nt ... data3.nt: each graph says its own name is a document.
PROTOCOL_DATA = " ".join(
    f"GRAPH <{KASEI}data{n}.rdf> {{ <{KASEI}data{n}.rdf> a <http://xmlns.com/foaf/0.1/Document> }}"
    for n in range(4)
)


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port (a threaded Werkzeug server, which can be
    shut down cleanly from another thread); yield its root URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["kg.executor"].close()


def copy_store(src: Path, dst: Path, update: str | None = None) -> Path:
    """A private copy of a store, optionally with an update applied."""
    shutil.copytree(src, dst)
    if update:
        store = OxigraphStore(dst)
        store.raw.update(update)
        store.close()
    return dst


@pytest.fixture(scope="module")
def protocol_url(seeded_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over the seed plus the protocol suite's four graphs, updates on."""
    path = copy_store(
        seeded_store_dir,
        tmp_path_factory.mktemp("protocol") / "store",
        f"INSERT DATA {{ {PROTOCOL_DATA} }}",
    )
    settings = Settings(store=str(path), base_uri=BASE, query_workers=2, update_token=TOKEN)
    with served(create_app(settings)) as url:
        yield url


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def mimetype(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def message(self) -> str:
        return str(json.loads(self.body)["error"]["message"])


def call(
    url: str,
    method: str,
    path: str,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One raw HTTP request (http.client sends exactly what we give it)."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        data = body.encode("utf-8") if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def boolean(reply: Reply) -> bool:
    """The boolean of an ASK result in SPARQL JSON or XML."""
    assert 200 <= reply.status < 400, reply.body
    if reply.mimetype == "application/sparql-results+json":
        return bool(json.loads(reply.body)["boolean"])
    assert reply.mimetype == "application/sparql-results+xml", reply.mimetype
    ns = "{http://www.w3.org/2005/sparql-results#}"
    node = ET.fromstring(reply.body).find(f"{ns}boolean")
    assert node is not None
    return node.text == "true"


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
D = {n: q(f"{KASEI}data{n}.rdf") for n in range(4)}
ASK_BOTH_DEFAULT = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
ASK_BOTH_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
)


# --- the W3C protocol suite's query cases ------------------------------------------------


def test_query_post_form(protocol_url: str) -> None:
    r = call(protocol_url, "POST", f"/sparql?default-graph-uri={D[0]}", "query=ASK%20%7B%7D", FORM)
    assert boolean(r) is True


def test_query_dataset_default_graphs_get(protocol_url: str) -> None:
    path = f"/sparql?query={q(ASK_BOTH_DEFAULT)}&default-graph-uri={D[1]}&default-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "GET", path)) is True
    # Without the protocol dataset the default graph is the union, which also holds both;
    # with only data1 as default graph the pattern cannot match.
    only_one = f"/sparql?query={q(ASK_BOTH_DEFAULT)}&default-graph-uri={D[1]}"
    assert boolean(call(protocol_url, "GET", only_one)) is False


def test_query_dataset_default_graphs_post(protocol_url: str) -> None:
    path = f"/sparql?default-graph-uri={D[1]}&default-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "POST", path, ASK_BOTH_DEFAULT, DIRECT)) is True


def test_query_dataset_named_graphs_post(protocol_url: str) -> None:
    path = f"/sparql?named-graph-uri={D[1]}&named-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "POST", path, ASK_BOTH_NAMED, DIRECT)) is True


def test_query_dataset_named_graphs_get(protocol_url: str) -> None:
    path = f"/sparql?query={q(ASK_BOTH_NAMED)}&named-graph-uri={D[1]}&named-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "GET", path)) is True


def test_query_dataset_full(protocol_url: str) -> None:
    query = (
        f"ASK {{ <{KASEI}data3.rdf> a ?type "
        f"GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
    )
    path = f"/sparql?default-graph-uri={D[3]}&named-graph-uri={D[1]}&named-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "POST", path, query, DIRECT)) is True


def test_query_multiple_dataset(protocol_url: str) -> None:
    """The protocol dataset overrides FROM in the query (§2.1.4). The manifest's URL
    encodes its '&' as %26, making one odd graph name; we send the two parameters it
    means, and check that FROM <data3> was really ignored."""
    query = f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} }}"
    path = f"/sparql?named-graph-uri={D[1]}&named-graph-uri={D[2]}"
    assert boolean(call(protocol_url, "POST", path, query, DIRECT)) is True
    overridden = f"ASK FROM <{KASEI}data3.rdf> {{ <{KASEI}data3.rdf> a ?type }}"
    assert boolean(call(protocol_url, "POST", path, overridden, DIRECT)) is False


def test_query_get(protocol_url: str) -> None:
    r = call(protocol_url, "GET", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D[0]}")
    assert boolean(r) is True


def test_query_content_type_select(protocol_url: str) -> None:
    r = call(
        protocol_url,
        "POST",
        f"/sparql?default-graph-uri={D[0]}",
        "SELECT (1 AS ?value) {}",
        DIRECT,
    )
    assert r.status == 200 and r.mimetype in RESULTS_TYPES
    assert json.loads(r.body)["results"]["bindings"][0]["value"]["value"] == "1"


def test_query_content_type_ask(protocol_url: str) -> None:
    r = call(protocol_url, "POST", f"/sparql?default-graph-uri={D[0]}", "ASK {}", DIRECT)
    assert r.mimetype in ("application/sparql-results+json", "application/sparql-results+xml")
    assert boolean(r) is True


@pytest.mark.parametrize(
    "query", ["DESCRIBE <http://example.org/>", "CONSTRUCT { <s> <p> 1 } WHERE {}"]
)
def test_query_content_type_describe_and_construct(protocol_url: str, query: str) -> None:
    r = call(protocol_url, "POST", f"/sparql?default-graph-uri={D[0]}", query, DIRECT)
    assert r.status == 200 and r.mimetype in GRAPH_TYPES
    graph = Graph().parse(data=r.body, format="turtle")
    if query.startswith("CONSTRUCT"):  # relative IRIs resolve against the endpoint's URL
        assert (URIRef(f"{protocol_url}/s"), URIRef(f"{protocol_url}/p"), None) in graph


def test_query_post_direct(protocol_url: str) -> None:
    assert boolean(call(protocol_url, "POST", "/sparql", "ASK {}", DIRECT)) is True


def test_bad_query_method(protocol_url: str) -> None:
    r = call(protocol_url, "PUT", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D[0]}", b"", FORM)
    assert r.status == 405
    assert {m.strip() for m in r.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_bad_multiple_queries(protocol_url: str) -> None:
    r = call(protocol_url, "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert r.status == 400 and "exactly one 'query'" in r.message()


def test_bad_query_wrong_media_type(protocol_url: str) -> None:
    r = call(protocol_url, "POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"})
    assert r.status == 415 and "text/plain" in r.message()


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}"])
def test_bad_query_missing_form_or_direct_type(protocol_url: str, body: str) -> None:
    r = call(protocol_url, "POST", "/sparql", body)
    assert r.status == 415 and "application/sparql-query" in r.message()


def test_bad_query_non_utf8(protocol_url: str) -> None:
    utf16 = "ASK {}".encode("utf-16")  # with a BOM, as the manifest says
    r = call(
        protocol_url,
        "POST",
        "/sparql",
        utf16,
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status == 415 and "UTF-8" in r.message()
    r = call(protocol_url, "POST", "/sparql", utf16, DIRECT)  # same bytes, no charset
    assert r.status == 400 and "not UTF-8" in r.message()


def test_non_utf8_form_body_is_400(protocol_url: str) -> None:
    r = call(protocol_url, "POST", "/sparql", "query=ASK%20%7B%7D%20%23%FF", FORM)
    assert r.status == 400 and "UTF-8" in r.message()


def test_bad_query_syntax(protocol_url: str) -> None:
    r = call(protocol_url, "GET", "/sparql?query=ASK%20%7B")
    assert r.status == 400
    assert r.message().startswith("SPARQL syntax error: error at 1:")  # the parser's words


# --- the suite's update cases, at /update ------------------------------------------------

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_update_post_form_and_direct(protocol_url: str) -> None:
    graph = "http://example.org/protocol-update-test/"
    form = "update=" + q(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:s> <urn:p> 'form' }} }}")
    assert call(protocol_url, "POST", "/update", form, {**FORM, **AUTH}).status == 204
    direct = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:s> <urn:p> 'direct' }} }}"
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    assert call(protocol_url, "POST", "/update", direct, headers).status == 204
    ask = f"ASK {{ GRAPH <{graph}> {{ <urn:s> <urn:p> 'form', 'direct' }} }}"
    assert boolean(call(protocol_url, "POST", "/sparql", ask, DIRECT)) is True


def test_update_base_uri(protocol_url: str) -> None:
    graph = "http://example.org/protocol-base-test/"
    update = (
        f"CLEAR SILENT GRAPH <{graph}> ;\n"
        f"INSERT DATA {{ GRAPH <{graph}> {{ "
        "<http://example.org/s> <http://example.org/p> <test> } }"
    )
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    assert call(protocol_url, "POST", "/update", update, headers).status == 204
    select = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <http://example.org/s> ?p ?o }} }}"
    rows = json.loads(call(protocol_url, "POST", "/sparql", select, DIRECT).body)
    [row] = rows["results"]["bindings"]
    assert row["o"]["type"] == "uri" and row["o"]["value"] == f"{protocol_url}/test"


def test_update_dataset_parameters_are_refused_with_a_message(protocol_url: str) -> None:
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    r = call(protocol_url, "POST", f"/update?using-graph-uri={D[1]}", "CLEAR SILENT ALL", headers)
    assert r.status == 400 and "using-graph-uri" in r.message()


def test_bad_update_get(protocol_url: str) -> None:
    r = call(protocol_url, "GET", "/sparql?update=CLEAR%20ALL")
    assert r.status == 400 and "/update" in r.message()
    assert call(protocol_url, "GET", "/update?update=CLEAR%20ALL", headers=AUTH).status == 405


def test_bad_multiple_updates(protocol_url: str) -> None:
    body = "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"
    assert call(protocol_url, "POST", "/sparql", body, FORM).status == 400
    r = call(protocol_url, "POST", "/update", body, {**FORM, **AUTH})
    assert r.status == 400 and "exactly one 'update'" in r.message()


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ("CLEAR NAMED", {"Content-Type": "text/plain"}, 415),  # bad_update_wrong_media_type
        ("update=CLEAR%20NAMED", {}, 415),  # bad_update_missing_form_type
        ("CLEAR NAMED".encode("utf-16"), {"Content-Type": "application/sparql-update"}, 400),
        ("CLEAR XYZ", {"Content-Type": "application/sparql-update"}, 400),  # bad_update_syntax
    ],
)
def test_bad_update_requests(
    protocol_url: str, body: str | bytes, headers: dict[str, str], status: int
) -> None:
    r = call(protocol_url, "POST", "/update", body, {**headers, **AUTH})
    assert r.status == status, r.body
    assert r.message()


def test_update_needs_the_token(protocol_url: str) -> None:
    headers = {"Content-Type": "application/sparql-update"}
    update = "INSERT DATA { GRAPH <urn:g:intruder> { <urn:s> <urn:p> 1 } }"
    missing = call(protocol_url, "POST", "/update", update, headers)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = call(protocol_url, "POST", "/update", update, {**headers, "Authorization": "Bearer x"})
    assert wrong.status == 403 and "not valid" in wrong.message()
    basic = call(
        protocol_url, "POST", "/update", update, {**headers, "Authorization": "Basic eA=="}
    )
    assert basic.status == 401
    ask = "ASK { GRAPH <urn:g:intruder> { ?s ?p ?o } }"
    assert boolean(call(protocol_url, "POST", "/sparql", ask, DIRECT)) is False


def test_update_while_another_process_writes_is_503(seeded_store_dir: Path, tmp_path: Path) -> None:
    path = copy_store(seeded_store_dir, tmp_path / "store")
    writer = OxigraphStore(path)  # as kg ingest would hold it
    app = create_app(Settings(store=str(path), base_uri=BASE, update_token=TOKEN))
    try:
        r = app.test_client().post(
            "/update",
            data="INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }",
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
        assert r.status_code == 503 and "another process" in r.json["error"]["message"]
    finally:
        app.extensions["kg.executor"].close()
        writer.close()


def test_update_is_off_without_a_token(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/update",
        data="INSERT DATA { <urn:s> <urn:p> 1 }",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
    )
    assert r.status_code == 404 and "KG_UPDATE_TOKEN" in r.json["error"]["message"]


# --- content negotiation, as a table -------------------------------------------------------

SELECT_ONE = "SELECT ?x WHERE { VALUES ?x { <urn:a> } }"
CONSTRUCT_ONE = "CONSTRUCT { <urn:a> <urn:b> 'c' } WHERE {}"
NEGOTIATION = [
    # (query, Accept or None, format= or None, expected media type or 406)
    (SELECT_ONE, None, None, "application/sparql-results+json"),
    (SELECT_ONE, "*/*", None, "application/sparql-results+json"),
    (SELECT_ONE, "application/sparql-results+xml", None, "application/sparql-results+xml"),
    (SELECT_ONE, "application/json", None, "application/sparql-results+json"),
    (SELECT_ONE, "text/csv", None, "text/csv"),
    (SELECT_ONE, "text/tab-separated-values", None, "text/tab-separated-values"),
    (SELECT_ONE, "text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
    (SELECT_ONE, "text/turtle", None, 406),
    (SELECT_ONE, "text/html", "csv", "text/csv"),
    (SELECT_ONE, None, "xml", "application/sparql-results+xml"),
    (SELECT_ONE, None, "ttl", 406),
    (CONSTRUCT_ONE, None, None, "text/turtle"),
    (CONSTRUCT_ONE, "application/n-triples", None, "application/n-triples"),
    (CONSTRUCT_ONE, "application/ld+json", None, "application/ld+json"),
    (CONSTRUCT_ONE, "application/rdf+xml", None, "application/rdf+xml"),
    (CONSTRUCT_ONE, "application/n-quads", None, "application/n-quads"),
    (CONSTRUCT_ONE, "application/trig", None, "application/trig"),
    (CONSTRUCT_ONE, "application/sparql-results+json", None, 406),
    (CONSTRUCT_ONE, None, "jsonld", "application/ld+json"),
    (CONSTRUCT_ONE, None, "json", "application/ld+json"),
    (CONSTRUCT_ONE, None, "csv", 406),
]


@pytest.mark.parametrize(("query", "accept", "fmt", "expected"), NEGOTIATION)
def test_content_negotiation(
    client,  # type: ignore[no-untyped-def]
    query: str,
    accept: str | None,
    fmt: str | None,
    expected: str | int,
) -> None:
    params = {"query": query, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", query_string=params, headers=headers)
    assert r.headers["Vary"] == "Accept"
    if expected == 406:
        assert r.status_code == 406
        assert "offered" in r.get_data(as_text=True)
        return
    assert r.status_code == 200, r.data
    assert r.mimetype == expected
    if expected in RESULTS_TYPES:
        assert b"urn:a" in r.data
    else:
        graph = Graph().parse(data=r.data, format=_RDFLIB[expected])
        assert len(graph) == 1


_RDFLIB = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


# --- Service Description, query UI, CORS ---------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        (None, "turtle"),
    ],
)
def test_service_description(client, accept: str | None, rdflib_format: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["Vary"] == "Accept"
    g = Graph().parse(data=r.data, format=rdflib_format)
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in g
    assert len(set(g.objects(endpoint, SD.resultFormat))) == 10
    assert "KG_QUERY_TIMEOUT" in {
        str(o) for o in g.objects(None, URIRef("https://schema.org/name"))
    }


def test_browser_gets_the_query_ui_without_inline_scripts(client) -> None:  # type: ignore[no-untyped-def]
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "/assets/yasgui.min.js" in page and "/static/sparql.js" in page
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    import re

    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    examples = json.loads(re.search(r'id="kg-examples">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert [e["name"] for e in examples] == [e.name for e in EXAMPLES]
    with client.get("/static/sparql.js") as script:
        assert script.status_code == 200 and b"new Yasgui" in script.data


def test_cors(protocol_url: str) -> None:
    pre = call(
        protocol_url,
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status == 204
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert set(pre.headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()
    get = call(
        protocol_url, "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "https://x.example"}
    )
    assert get.status == 200 and get.headers["Access-Control-Allow-Origin"] == "*"
    bad = call(protocol_url, "GET", "/sparql?query=ASK%7B", headers={"Origin": "https://x.example"})
    assert bad.status == 400 and bad.headers["Access-Control-Allow-Origin"] == "*"


# --- example queries, caps -----------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_queries_run_on_the_seed(client, example) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/sparql", data={"query": example.query})
    assert r.status_code == 200, r.data


def test_fond_example_finds_the_seed_document(client) -> None:  # type: ignore[no-untyped-def]
    [fond] = [e for e in EXAMPLES if e.name == "Documents of a fond"]
    rows = client.post("/sparql", data={"query": fond.query}).json["results"]["bindings"]
    assert [r["document"]["value"] for r in rows] == [f"{BASE}id/document/garf-5446-98-721-l27"]


def test_result_cap_is_an_explicit_error(seeded_store_dir: Path) -> None:
    app = create_app(
        Settings(store=str(seeded_store_dir), base_uri=BASE, max_result_rows=5, query_workers=1)
    )
    client = app.test_client()
    try:
        over = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
        assert over.status_code == 413
        assert "KG_MAX_RESULT_ROWS" in over.json["error"]["message"]
        graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert graph.status_code == 413
        capped = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 5"})
        assert capped.status_code == 200
        assert len(capped.json["results"]["bindings"]) == 5
    finally:
        app.extensions["kg.executor"].close()


def test_body_cap_is_413(protocol_url: str) -> None:
    big = "ASK { FILTER('" + "a" * 1_100_000 + "' != '') }"
    r = call(protocol_url, "POST", "/sparql", big, DIRECT)
    assert r.status == 413 and r.message()
    r = call(protocol_url, "POST", "/sparql", "query=" + q(big), FORM)
    assert r.status == 413


def test_long_get_query_is_413(client) -> None:  # type: ignore[no-untyped-def]
    big = "ASK { FILTER('" + "a" * 1_100_000 + "' != '') }"
    r = client.get("/sparql", query_string={"query": big})
    assert r.status_code == 413 and "KG_MAX_BODY_BYTES" in r.json["error"]["message"]
