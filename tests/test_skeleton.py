"""The walking skeleton end to end: ingest the seed, query it through the app and a real
client, and refuse unreadable records without touching the store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.cli import main
from tests.conftest import BASE, SEED

TITLE_QUERY = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#>
SELECT ?title ?date WHERE {
  ?doc a cwa:ArchivalDocument ; dcterms:title ?title ; dcterms:date ?date .
}"""
SEED_TITLE = (
    "Minutes of the Meeting concerning the Discussion of a Draft Resolution of the KWP CC Plenum"
)


def _ingest(runner: CliRunner, store: Path, *paths: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["ingest", *paths, "--store", str(store), "--base", BASE])
    return result.exit_code, result.stdout, result.stderr


def _export(runner: CliRunner, store: Path) -> bytes:
    result = runner.invoke(main, ["export", "--store", str(store), "--format", "nq"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_ingest_twice_leaves_store_unchanged(runner: CliRunner, store_dir: Path) -> None:
    code, out, _ = _ingest(runner, store_dir, "data")
    assert code == 0, out
    assert "stored: data/sources/000_433681a86fbd4be3.txt" in out
    first = _export(runner, store_dir)
    code, out, _ = _ingest(runner, store_dir, "data")
    assert code == 0
    assert "unchanged: data/sources/000_433681a86fbd4be3.txt" in out
    assert _export(runner, store_dir) == first


def test_base_uri_is_configurable(runner: CliRunner, store_dir: Path) -> None:
    result = runner.invoke(
        main, ["ingest", str(SEED), "--store", str(store_dir), "--base", "https://kg.example/x"]
    )
    assert result.exit_code == 0, result.output
    dump = _export(runner, store_dir).decode()
    assert "<https://kg.example/x/id/document/garf-5446-98-721-l27>" in dump
    assert "127.0.0.1:5000" not in dump


def test_one_named_graph_per_source_with_provenance(runner: CliRunner, store_dir: Path) -> None:
    assert _ingest(runner, store_dir, str(SEED))[0] == 0
    q = """SELECT ?g ?checksum ?method WHERE { GRAPH ?pg {
        ?g <https://w3id.org/coldwar-kg/ontology#sourceFile> ?f ;
           <https://w3id.org/coldwar-kg/ontology#derivationMethod> ?method .
        ?f <http://purl.org/dc/terms/identifier> ?checksum } }"""
    result = runner.invoke(main, ["query", q, "--store", str(store_dir)])
    rows = json.loads(result.stdout)["results"]["bindings"]
    methods = {r["g"]["value"]: r["method"]["value"].rsplit("/", 1)[1] for r in rows}
    seed = f"{BASE}graph/doc/000_433681a86fbd4be3"
    assert methods[seed] == methods[f"{seed}/catalogue"] == "extracted"
    assert methods["https://w3id.org/coldwar-kg/ontology"] == "loaded"
    assert all(r["checksum"]["value"].startswith("sha256:") for r in rows)


def test_unreadable_records_are_refused_and_store_nothing(
    runner: CliRunner, store_dir: Path, tmp_path: Path
) -> None:
    assert _ingest(runner, store_dir, str(SEED))[0] == 0
    before = _export(runner, store_dir)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    for bad, reason in ((empty, "empty"), (binary, "binary")):
        code, _, err = _ingest(runner, store_dir, str(bad))
        assert code == 1
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert reason in lines[0] and str(bad) in lines[0]
        assert "Traceback" not in err
    assert _export(runner, store_dir) == before


def test_sparql_get_and_post_through_test_client(client) -> None:  # type: ignore[no-untyped-def]
    get = client.get("/sparql", query_string={"query": TITLE_QUERY})
    form = client.post("/sparql", data={"query": TITLE_QUERY})
    direct = client.post(
        "/sparql", data=TITLE_QUERY, headers={"Content-Type": "application/sparql-query"}
    )
    for resp in (get, form, direct):
        assert resp.status_code == 200
        assert resp.mimetype == "application/sparql-results+json"
        row = resp.json["results"]["bindings"][0]
        assert row["title"]["value"] == SEED_TITLE
        assert row["date"]["value"] == "1956-09-23"


def test_sparql_construct_is_turtle(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/turtle"
    from rdflib import Graph

    assert len(Graph().parse(data=resp.data, format="turtle")) == 3


def test_sparql_syntax_error_is_400_with_parser_message(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/sparql", query_string={"query": "SELEC ?x"})
    assert resp.status_code == 400
    assert "syntax error" in resp.json["error"]["message"]


def test_seed_document_has_an_html_page(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/id/document/garf-5446-98-721-l27", headers={"Accept": "text/html"})
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    assert SEED_TITLE in page.get_data(as_text=True)


def test_live_server_answers_sparqlwrapper(live_server: str) -> None:
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(TITLE_QUERY)
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [(r["title"]["value"], r["date"]["value"]) for r in rows] == [(SEED_TITLE, "1956-09-23")]


def test_live_server_ask(live_server: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") as r:
        assert json.load(r)["boolean"] is True
