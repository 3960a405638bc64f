"""One behaviour suite over both backends: the embedded Oxigraph store and a real Virtuoso.

Each test answers the same question on both and compares the answers (not just status
codes): the query mix through the app's ``/sparql``, every entity URI of the bundled data,
``kg query``, ``kg export``, and the SHACL gate leaving a store unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from kg.cli import main
from kg.config import Settings
from kg.store import open_store
from kg.web import create_app
from tests.conftest import BASE, DATA
from tests.virtuoso import PAGE_SIZE, PASSWORD, USER, VirtuosoServer, remote_settings

pytest_plugins = ["tests.conftest_virtuoso"]

BACKENDS = ("oxigraph", "virtuoso")
CWA = "https://w3id.org/coldwar-kg/ontology#"
PERSONS = f"{BASE}graph/file/authorities/persons"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")

#: The query mix: what scholars and harvesters ask (each answer is compared as a set).
QUERY_MIX = {
    "documents": f"""PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX cwa: <{CWA}>
        SELECT ?doc ?title ?date WHERE {{
          ?doc a cwa:ArchivalDocument ; dcterms:title ?title ; dcterms:date ?date }}""",
    "classes": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "distinct triples": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
    "WHERE { ?s ?p ?o } }",
    "provenance": f"""SELECT ?g ?checksum ?method WHERE {{ GRAPH ?pg {{
        ?g <{CWA}sourceFile> ?f ; <{CWA}derivationMethod> ?method .
        ?f <http://purl.org/dc/terms/identifier> ?checksum }} }}""",
    "persons": f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?p ?label WHERE {{ ?p a <{CWA}Person> ; skos:prefLabel ?label
        FILTER(LANG(?label) = "en") }} ORDER BY ?label LIMIT 20""",
    "participants": f"""SELECT ?meeting ?person WHERE {{
        ?meeting a <{CWA}Meeting> ; ?rel ?person . ?person a <{CWA}Person> }}""",
    "ask any": "ASK { ?s ?p ?o }",
    "ask missing graph": f"ASK {{ GRAPH <{BASE}graph/doc/no-such-source> {{ ?s ?p ?o }} }}",
    "ask system graph": "ASK { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }",
    "count missing graph": f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{BASE}graph/doc/no-such-source> {{ ?s ?p ?o }} }}""",
}
GRAPH_QUERIES = {
    "persons graph": f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        CONSTRUCT {{ ?p skos:prefLabel ?l }} WHERE {{ ?p a <{CWA}Person> ;
        skos:prefLabel ?l }}""",
    # Not DESCRIBE: its answer is the engine's choice (SPARQL 1.1 Query §16.4), and
    # Virtuoso adds incoming links where Oxigraph gives outgoing ones only.
    "seed document": f"""CONSTRUCT {{ ?doc ?p ?o }} WHERE {{
        BIND(<{BASE}id/document/garf-5446-98-721-l27> AS ?doc) ?doc ?p ?o }}""",
}


@pytest.fixture(scope="session")
def remote_app(seeded_remote: str, virtuoso: VirtuosoServer) -> Flask:
    """The real app over the seeded Virtuoso, as ``kg serve --store sparql+http://...``."""
    return create_app(remote_settings(virtuoso, remote_user="", remote_password=""))


@pytest.fixture(scope="session")
def apps(app: Flask, remote_app: Flask) -> dict[str, Flask]:
    """Both apps, by backend name."""
    return {"oxigraph": app, "virtuoso": remote_app}


@pytest.fixture(scope="session")
def specs(seeded_store_dir: Path, seeded_remote: str) -> dict[str, str]:
    """Both store specs, by backend name."""
    return {"oxigraph": str(seeded_store_dir), "virtuoso": seeded_remote}


def _cli_env() -> dict[str, str]:
    return {
        "KG_REMOTE_USER": USER,
        "KG_REMOTE_PASSWORD": PASSWORD,
        "KG_REMOTE_PAGE_SIZE": str(PAGE_SIZE),
        "KG_BASE_URI": BASE,
    }


def _solutions(body: bytes) -> object:
    """A JSON result as a comparable value: the boolean, or the multiset of rows."""
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    rows = []
    for b in data["results"]["bindings"]:
        row = []
        for var, term in sorted(b.items()):
            kind = "literal" if term["type"] == "typed-literal" else term["type"]
            dt = term.get("datatype")
            if dt == str(XSD.string):
                dt = None
            row.append((var, kind, term["value"], term.get("xml:lang"), dt))
        rows.append(tuple(row))
    return sorted(rows)


def _assert_same_graph(first: Graph, second: Graph, what: str) -> None:
    if not isomorphic(first, second):
        _, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
        pytest.fail(
            f"{what} differs.\nonly on oxigraph:\n{only_first.serialize(format='nt')}\n"
            f"only on virtuoso:\n{only_second.serialize(format='nt')}"
        )


def _timeless(nquads: bytes) -> Dataset:
    """A dump without its time-of-ingest literals (the two stores were filled apart), and
    so without the VoID version, a fingerprint of the data that includes those times."""
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    for s, p, o, g in list(ds.quads((None, None, None, None))):
        if (isinstance(o, Literal) and o.datatype == XSD.dateTime) or p == DCAT_VERSION:
            ds.remove((s, p, o, g))
    return ds


@pytest.mark.parametrize("name", sorted(QUERY_MIX))
def test_query_mix_answers_the_same(apps: dict[str, Flask], name: str) -> None:
    answers = {}
    for backend, flask_app in apps.items():
        resp = flask_app.test_client().post(
            "/sparql",
            data={"query": QUERY_MIX[name]},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert resp.status_code == 200, (backend, resp.get_data(as_text=True))
        answers[backend] = _solutions(resp.data)
    assert answers["oxigraph"] == answers["virtuoso"]
    assert answers["oxigraph"] not in ([], None), "the query should find something"


def test_query_mix_expected_values(apps: dict[str, Flask]) -> None:
    """Answers that are known, so that two equally wrong backends cannot pass."""
    client = apps["virtuoso"].test_client()

    def ask(query: str) -> bool:
        return bool(client.get("/sparql", query_string={"query": query}).json["boolean"])

    assert ask(QUERY_MIX["ask any"]) is True
    assert ask(QUERY_MIX["ask missing graph"]) is False
    assert ask(QUERY_MIX["ask system graph"]) is False
    rows = client.get("/sparql", query_string={"query": QUERY_MIX["count missing graph"]}).json
    assert rows["results"]["bindings"][0]["n"]["value"] == "0"


FROM_QUERIES = (
    pytest.param(
        f"SELECT (COUNT(*) AS ?n) FROM <{PERSONS}> WHERE {{ ?s ?p ?o }}",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PERSONS}> {{ ?s ?p ?o }} }}",
        id="from",
    ),
    pytest.param(
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{PERSONS}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g = <{PERSONS}>) }} GROUP BY ?g",
        id="from-named",
    ),
)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("with_from", "with_graph"), FROM_QUERIES)
def test_from_clause_sets_the_dataset(
    apps: dict[str, Flask],
    backend: str,
    with_from: str,
    with_graph: str,
) -> None:
    """SPARQL 1.1 Query §13.2: FROM / FROM NAMED give the dataset of the query."""
    client = apps[backend].test_client()
    answers = []
    for query in (with_from, with_graph):
        resp = client.get("/sparql", query_string={"query": query})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        answers.append(_solutions(resp.data))
    assert answers[0] == answers[1] != []


@pytest.mark.parametrize("name", sorted(GRAPH_QUERIES))
@pytest.mark.parametrize("media_type", ["text/turtle", "application/n-triples"])
def test_graph_queries_answer_the_same(apps: dict[str, Flask], name: str, media_type: str) -> None:
    graphs = {}
    for backend, flask_app in apps.items():
        resp = flask_app.test_client().get(
            "/sparql", query_string={"query": GRAPH_QUERIES[name]}, headers={"Accept": media_type}
        )
        assert resp.status_code == 200, (backend, resp.get_data(as_text=True))
        assert resp.mimetype == media_type
        graphs[backend] = Graph().parse(data=resp.data, format=media_type)
    assert len(graphs["oxigraph"]) > 0
    _assert_same_graph(graphs["oxigraph"], graphs["virtuoso"], name)


@pytest.mark.parametrize("media_type", ["text/csv", "text/tab-separated-values"])
def test_results_formats_are_the_same(apps: dict[str, Flask], media_type: str) -> None:
    query = QUERY_MIX["persons"]
    bodies = {}
    for backend, flask_app in apps.items():
        resp = flask_app.test_client().get(
            "/sparql", query_string={"query": query}, headers={"Accept": media_type}
        )
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.mimetype == media_type
        bodies[backend] = resp.data
    assert bodies["oxigraph"] == bodies["virtuoso"]


def _entity_paths(specs: dict[str, str]) -> list[str]:
    store = open_store(specs["oxigraph"], read_only=True)
    try:
        rows = store.select(
            f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o
            FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}"""
        )
    finally:
        store.close()
    return sorted(str(r["s"])[len(BASE) + 3 :] for r in rows)


def test_every_entity_uri_answers_the_same(apps: dict[str, Flask], specs: dict[str, str]) -> None:
    paths = _entity_paths(specs)
    assert "document/garf-5446-98-721-l27" in paths
    clients = {name: a.test_client() for name, a in apps.items()}
    for path in paths:
        graphs = {}
        for backend, client in clients.items():
            see_other = client.get(f"/id/{path}", headers={"Accept": "text/turtle"})
            assert see_other.status_code == 303, (backend, path)
            resp = client.get(see_other.headers["Location"])
            assert resp.status_code == 200, (backend, path, resp.get_data(as_text=True))
            graphs[backend] = Graph().parse(data=resp.data, format="turtle")
        _assert_same_graph(graphs["oxigraph"], graphs["virtuoso"], f"/id/{path}")


def test_seed_document_page_on_both(apps: dict[str, Flask]) -> None:
    titles = []
    for flask_app in apps.values():
        page = flask_app.test_client().get(
            "/page/document/garf-5446-98-721-l27", headers={"Accept": "text/html"}
        )
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        titles.append(text[text.index("<title>") : text.index("</title>")])
    assert titles[0] == titles[1]
    assert "Draft Resolution" in titles[0]


def test_kg_query_cli_answers_the_same(specs: dict[str, str]) -> None:
    runner = CliRunner()
    answers = {}
    for backend, spec in specs.items():
        result = runner.invoke(
            main, ["query", QUERY_MIX["documents"], "--store", spec], env=_cli_env()
        )
        assert result.exit_code == 0, result.output
        answers[backend] = _solutions(result.stdout_bytes)
    assert answers["oxigraph"] == answers["virtuoso"] != []


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_kg_export_is_the_same_dataset(specs: dict[str, str], fmt: str) -> None:
    runner = CliRunner()
    dumps = {}
    for backend, spec in specs.items():
        result = runner.invoke(main, ["export", "--store", spec, "--format", fmt], env=_cli_env())
        assert result.exit_code == 0, result.output
        if fmt == "trig":
            ds = Dataset()
            ds.parse(data=result.stdout_bytes, format="trig")
            dumps[backend] = _timeless(ds.serialize(format="nquads", encoding="utf-8"))
        else:
            dumps[backend] = _timeless(result.stdout_bytes)
    graphs = {b: sorted(str(g.identifier) for g in d.graphs()) for b, d in dumps.items()}
    assert graphs["oxigraph"] == graphs["virtuoso"]
    assert f"{BASE}graph/doc/000_433681a86fbd4be3" in graphs["oxigraph"]
    for g in graphs["oxigraph"]:
        _assert_same_graph(
            dumps["oxigraph"].graph(g), dumps["virtuoso"].graph(g), f"graph <{g}> of the dump"
        )


def test_count_and_graphs_are_the_same(specs: dict[str, str], virtuoso: VirtuosoServer) -> None:
    stores = {
        "oxigraph": open_store(specs["oxigraph"], read_only=True),
        "virtuoso": open_store(
            specs["virtuoso"], read_only=True, settings=remote_settings(virtuoso)
        ),
    }
    try:
        counts = {b: s.count_quads() for b, s in stores.items()}
        graphs = {b: s.graphs(f"{BASE}graph/") for b, s in stores.items()}
    finally:
        for s in stores.values():
            s.close()
    assert counts["oxigraph"] == counts["virtuoso"] > 500
    assert graphs["oxigraph"] == graphs["virtuoso"] != []


# -- the SHACL gate -----------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def writable(
    request: pytest.FixtureRequest, tmp_path: Path, virtuoso: VirtuosoServer
) -> Iterator[tuple[str, Settings]]:
    """A store that holds the bundled authorities, on each backend (spec, settings)."""
    if request.param == "virtuoso":
        request.getfixturevalue("seeded_remote")
        yield virtuoso.store_spec, remote_settings(virtuoso)
        return
    spec = str(tmp_path / "store")
    result = CliRunner().invoke(
        main, ["ingest", str(DATA / "authorities"), "--store", spec, "--base", BASE]
    )
    assert result.exit_code == 0, result.output
    yield spec, Settings(store=spec, base_uri=BASE)


def _dump(spec: str) -> bytes:
    result = CliRunner().invoke(main, ["export", "--store", spec], env=_cli_env())
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_rejected_source_leaves_the_store_unchanged(
    writable: tuple[str, Settings], tmp_path: Path
) -> None:
    spec, _ = writable
    before = _dump(spec)
    # A new version of an authority file that is already stored, with a name that lacks
    # its language tag: the whole file is refused and the stored version stays as it was.
    bad_dir = tmp_path / "authorities"
    bad_dir.mkdir()
    bad = bad_dir / "persons.ttl"
    bad.write_text(
        (DATA / "authorities" / "persons.ttl").read_text(encoding="utf-8")
        + '\n<person/nameless-one> a cwa:Person ; skos:prefLabel "Nameless One" .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["ingest", str(bad), "--store", spec, "--base", BASE], env=_cli_env()
    )
    assert result.exit_code == 1, result.output
    assert "rejected" in result.stderr and "persons.ttl" in result.stderr
    assert "Traceback" not in result.output
    assert _dump(spec) == before
    assert b"nameless-one" not in before
