"""Comunica answers SPARQL queries over the Triple Pattern Fragments interface alone, and
its answers equal those of ``/sparql`` (issue 7), against a live server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.config import Settings
from kg.web import create_app
from tests.conftest import ROOT
from tests.test_harvest import build_harvested_store, serve

COMUNICA = ROOT / "node_modules" / ".bin" / "comunica-sparql"
PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#>
"""
QUERIES = {
    # Every title: a page's own metadata (which has dcterms:title too) must not leak in.
    "titles": "SELECT ?s ?title WHERE { ?s dcterms:title ?title }",
    # A join with a filter, over fragments of more than one page.
    "persons": """SELECT ?person ?label WHERE {
        ?person a cwa:Person ; skos:prefLabel ?label FILTER(lang(?label) = "en") }""",
    # A literal with a language tag in the object position.
    "by-label": 'SELECT ?who ?type WHERE { ?who skos:prefLabel "Kim Il Sung"@en ; a ?type }',
}
#: @comunica/query-sparql 5 pulls in undici 8, which needs two Node 22 APIs at import time
#: (zlib zstd, worker_threads.markAsUncloneable) but uses neither for plain HTTP. On an
#: older Node this stub lets it load; on Node 22+ it does nothing.
NODE_SHIM = """const zlib = require('zlib');
if (typeof zlib.createZstdDecompress !== 'function') {
  zlib.createZstdDecompress = () => { throw new Error('zstd needs Node.js 22'); };
}
const wt = require('worker_threads');
if (typeof wt.markAsUncloneable !== 'function') { wt.markAsUncloneable = () => {}; }
"""


@pytest.fixture(scope="module")
def tpf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over a harvested store (fragments of 80 triples a page)."""
    settings: Settings = build_harvested_store(tmp_path_factory.mktemp("tpf"))
    app: Flask = create_app(settings)
    yield from serve(app)


@pytest.fixture(scope="module")
def node_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for running Comunica."""
    assert COMUNICA.exists(), "Comunica is missing: run 'make install-test' (npm ci)"
    shim = tmp_path_factory.mktemp("node") / "node22-shim.js"
    shim.write_text(NODE_SHIM, encoding="utf-8")
    return {**os.environ, "NODE_OPTIONS": f"--require {shim}"}


def normalise(results: dict) -> set[frozenset]:  # type: ignore[type-arg]
    """SPARQL JSON results as a set of rows (xsd:string spelled out or not, the same)."""
    rows = set()
    for binding in results["results"]["bindings"]:
        row = []
        for var, term in binding.items():
            datatype = term.get("datatype")
            if datatype == "http://www.w3.org/2001/XMLSchema#string":
                datatype = None
            kind = "uri" if term["type"] in ("uri", "iri") else term["type"]
            row.append((var, kind, term["value"], term.get("xml:lang"), datatype))
        rows.add(frozenset(row))
    return rows


def sparql_endpoint(server: str, query: str) -> dict:  # type: ignore[type-arg]
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)  # type: ignore[no-any-return]


def comunica(server: str, query: str, env: dict[str, str], tmp: Path) -> dict:  # type: ignore[type-arg]
    query_file = tmp / "query.rq"
    query_file.write_text(query, encoding="utf-8")
    args = ["-f", str(query_file), "-t", "application/sparql-results+json"]
    proc = subprocess.run(
        [str(COMUNICA), f"{server}/fragments", *args, "--httpTimeout", "30000"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_comunica_over_fragments_equals_sparql(
    tpf_server: str, node_env: dict[str, str], tmp_path: Path, name: str
) -> None:
    query = PREFIXES + QUERIES[name]
    want = normalise(sparql_endpoint(tpf_server, query))
    assert want, f"query {name} has no answers to compare"
    got = comunica(tpf_server, query, node_env, tmp_path)
    assert normalise(got) == want
