"""Standard clients query a live server and get the same answers as pyoxigraph itself.

SPARQLWrapper (JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD), rdflib's SPARQLStore,
and Comunica's command line each send real HTTP to 127.0.0.1; the expected answers come
from opening the same store read-only and querying pyoxigraph directly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import ROOT

LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER(LANG(?label) = "en") }"""
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
ASK = "ASK { ?s a <https://w3id.org/coldwar-kg/ontology#ArchivalDocument> }"
CONSTRUCT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?s skos:prefLabel ?label }
WHERE { ?s skos:prefLabel ?label FILTER(LANG(?label) = "en") }"""
#: Comunica's CLI from ``make install`` (``KG_COMUNICA_BIN`` points elsewhere).
CHROMIUM = "/usr/bin/chromium"
COMUNICA = Path(
    os.environ.get("KG_COMUNICA_BIN", ROOT / "node_modules" / ".bin" / "comunica-sparql")
)


@pytest.fixture(scope="module")
def direct(seeded_store_dir: Path) -> Iterator[ox.Store]:
    """The same store, opened read-only by this process: the expected answers."""
    yield ox.Store.read_only(str(seeded_store_dir))


def expected_rows(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return {tuple(sol[n].value for n in names) for sol in result}  # type: ignore[union-attr]


def expected_labels(store: ox.Store) -> set[tuple[str, str]]:
    return {(s, label) for s, label in expected_rows(store, LABELS)}


def wrapper(url: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_sparqlwrapper_select_in_every_results_format(live_server: str, direct: ox.Store) -> None:
    want = expected_labels(direct)
    assert len(want) > 10
    as_json = wrapper(live_server, LABELS, JSON).queryAndConvert()
    got_json = {
        (b["s"]["value"], b["label"]["value"])
        for b in as_json["results"]["bindings"]  # type: ignore[index]
    }
    assert got_json == want

    as_xml = wrapper(live_server, LABELS, XML).query()
    assert as_xml.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    doc = as_xml.convert()
    got_xml = set()
    for result in doc.getElementsByTagNameNS(ns[1:-1], "result"):  # type: ignore[union-attr]
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
            for b in result.getElementsByTagNameNS(ns[1:-1], "binding")
        }
        got_xml.add((values["s"], values["label"]))
    assert got_xml == want

    as_csv = wrapper(live_server, LABELS, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(as_csv.decode("utf-8"))))  # type: ignore[union-attr]
    assert {(r["s"], r["label"]) for r in rows} == want

    as_tsv = wrapper(live_server, LABELS, TSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    lines = as_tsv.splitlines()
    assert lines[0] == "?s\t?label" and len(lines) - 1 == len(want)


def test_sparqlwrapper_ask_and_graph_formats(live_server: str, direct: ox.Store) -> None:
    assert wrapper(live_server, ASK, JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    want = {
        (URIRef(s), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(o, lang="en"))
        for s, o in expected_labels(direct)
    }
    for fmt, media_type, rdflib_format in (
        (TURTLE, "text/turtle", "turtle"),
        (N3, "text/turtle", "turtle"),
        (JSONLD, "application/ld+json", "json-ld"),
        (XML, "application/rdf+xml", "xml"),
    ):
        response = wrapper(live_server, CONSTRUCT, fmt).query().response
        assert response.headers["Content-Type"].startswith(media_type), fmt
        graph = Graph().parse(data=response.read(), format=rdflib_format)
        assert set(graph) == want, fmt


def test_rdflib_sparqlstore(live_server: str, direct: ox.Store) -> None:
    store = SPARQLStore(f"{live_server}/sparql", returnFormat="json")
    graph = Graph(store=store)
    got = {(str(r[0]), str(r[1])) for r in graph.query(LABELS)}  # type: ignore[index]
    assert got == expected_labels(direct)
    assert graph.query(ASK).askAnswer is True
    assert {str(r[0]) for r in graph.query(GRAPHS)} == {g for (g,) in expected_rows(direct, GRAPHS)}  # type: ignore[index]
    store.close()


def node_too_old_for_undici() -> str | None:
    """Why the installed Comunica cannot start on this Node.js, if it cannot.

    ``@comunica/actor-http-fetch`` 5.4 pulls ``undici`` 8, which needs Node.js 22.19+;
    Debian's Node.js 20 fails at import time. Pinning ``undici`` to 7.16 with an npm
    ``overrides`` entry in package.json fixes it (see the report of issue 5).
    """
    roots = [p for p in COMUNICA.resolve().parents if p.name == "node_modules"]
    node = shutil.which("node")
    if not roots or node is None:
        return None
    manifest = roots[0] / "undici" / "package.json"
    if not manifest.exists():
        return None
    needed = json.loads(manifest.read_text(encoding="utf-8")).get("engines", {}).get("node", "")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    major = int(version.stdout.strip().lstrip("v").split(".")[0] or 0)
    wanted = needed.lstrip(">=^~ ").split(".")[0]
    if wanted.isdigit() and major < int(wanted):
        return f"installed undici needs Node.js {needed}, this is {version.stdout.strip()}"
    return None


def comunica(url: str, query: str) -> list[dict[str, str]]:
    """Run Comunica's CLI against the endpoint; its SELECT output is a JSON array."""
    assert COMUNICA.exists(), "node_modules is missing: run 'make install'"
    env = {**os.environ, "NODE_NO_WARNINGS": "1"}
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, str(COMUNICA), f"sparql@{url}/sparql", query],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_comunica(live_server: str, direct: ox.Store) -> None:
    reason = node_too_old_for_undici()
    if reason:
        pytest.skip(reason)
    rows = comunica(live_server, LABELS)
    got = {(r["s"], r["label"]) for r in rows}
    # Comunica writes terms in N-Triples-like form: IRIs bare, literals quoted with tags.
    want = {(s, f'"{label}"@en') for s, label in expected_labels(direct)}
    assert got == want


def test_yasgui_in_chromium_runs_an_example(live_server: str) -> None:
    """The query UI loads under our CSP with no console error, shows the examples, and
    an example run from its button returns the seed document."""
    from playwright.sync_api import sync_playwright

    from kg.sparql.examples import EXAMPLES

    index = next(i for i, e in enumerate(EXAMPLES) if e.name == "Documents by date")
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{live_server}/sparql")
            page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
            assert page.evaluate("window.kgYasgui.getTab().getQuery()") == EXAMPLES[0].query
            page.click(f"button.example[data-example='{index}']")
            page.evaluate("window.kgYasgui.getTab().query()")
            table = page.locator(".tabPanel.active .yasr table.dataTable")
            table.wait_for(timeout=20_000)
            assert "garf-5446-98-721-l27" in table.inner_text()
        finally:
            browser.close()
    assert [m for m in problems if "favicon" not in m] == []
