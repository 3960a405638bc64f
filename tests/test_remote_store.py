"""The remote store on a real Virtuoso: scope, limits that fail loudly, atomic replace,
credentials, timeouts, and a killed server answered with 502/504 while kg keeps serving.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.cli import main
from kg.config import Settings
from kg.errors import QueryError, RemoteStoreError, RemoteTimeout, ResultTooLarge, StoreError
from kg.store import open_store
from kg.store.remote import STAGING_PREFIX, RemoteStore
from kg.web import create_app
from tests.conftest import DATA, free_port
from tests.virtuoso import PAGE_SIZE, SERVER_MAX_ROWS, VirtuosoServer, remote_settings

pytest_plugins = ["tests.conftest_virtuoso"]

EX = "http://example.org/"
#: Bounds of the concurrent-reader check (counts, not time).
REPLACEMENTS = 2
MAX_READS = 400
KG_SERVE = (sys.executable, "-m", "kg.cli", "serve")
#: More graphs than Python's HTTP client accepts response headers by default (100).
MANY_GRAPHS = 150
#: Triples in the graph that is larger than the server's row cap.
BIG = 1100


def _isolated(server: VirtuosoServer, name: str, **overrides: object) -> RemoteStore:
    """A store on the shared server whose scope (its base URI) no other test uses."""
    settings = remote_settings(server, base_uri=f"http://kg.test/{name}/", **overrides)
    return RemoteStore(server.store_spec, settings=settings)


def _raw_graphs(server: VirtuosoServer) -> set[str]:
    """Every named graph on the server, asked without kg's scoping."""
    sparql = SPARQLWrapper(server.sparql_url)
    sparql.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    return {r["g"]["value"] for r in rows}


def _dataset(graph: str, n: int, value: str, *, bnode_fanout: int = 0) -> Dataset:
    ds = Dataset()
    g = ds.graph(URIRef(graph))
    for i in range(n):
        g.add((URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(f"{value}{i}")))
    if bnode_fanout:
        b = BNode()
        g.add((URIRef(f"{EX}root"), URIRef(f"{EX}has"), b))
        for i in range(bnode_fanout):
            g.add((b, URIRef(f"{EX}item"), Literal(i)))
    return ds


def _count(store: RemoteStore, graph: str) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


# -- scope ----------------------------------------------------------------------------------


def test_system_graphs_are_outside_the_union(virtuoso: VirtuosoServer, seeded_remote: str) -> None:
    raw = _raw_graphs(virtuoso)
    assert "http://www.openlinksw.com/schemas/virtrdf#" in raw, "Virtuoso has system graphs"
    store = open_store(seeded_remote, read_only=True, settings=remote_settings(virtuoso))
    graphs = store.graphs()
    assert graphs and all(
        g.startswith("http://127.0.0.1:5000/") or g == "https://w3id.org/coldwar-kg/ontology"
        for g in graphs
    )
    assert store.ask("ASK { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }") is False
    union = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(union[0]["n"]) == store.count_quads()


def test_graph_absent_from_the_dataset_is_empty(
    virtuoso: VirtuosoServer, seeded_remote: str
) -> None:
    """Virtuoso 7.2 answers true for a graph outside a declared dataset; kg must not."""
    store = open_store(seeded_remote, read_only=True, settings=remote_settings(virtuoso))
    missing = "http://127.0.0.1:5000/graph/doc/missing"
    assert store.ask(f"ASK {{ GRAPH <{missing}> {{ ?s ?p ?o }} }}") is False
    assert (
        store.ask("PREFIX g: <http://127.0.0.1:5000/graph/> ASK { GRAPH g:x { ?s ?p ?o } }")
        is False
    )
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{missing}>) }}"
    )
    assert int(rows[0]["n"]) == 0


def test_plain_and_xsd_string_literals_are_one(virtuoso: VirtuosoServer) -> None:
    store = _isolated(virtuoso, "literals")
    graph = f"{store.settings.base_uri}graph/doc/lit"
    store.update(
        f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> "x"^^<{XSD.string}> , "y"@en }} }}'
    )
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert sorted(r["o"] for r in rows) == [Literal("x"), Literal("y", lang="en")]
    assert Literal("x") in set(store.construct("CONSTRUCT WHERE { ?s ?p ?o }").objects())


# -- limits ---------------------------------------------------------------------------------


def test_server_row_cap_fails_loudly(virtuoso: VirtuosoServer, seeded_remote: str) -> None:
    store = open_store(seeded_remote, read_only=True, settings=remote_settings(virtuoso))
    with pytest.raises(ResultTooLarge, match=f"row limit of {SERVER_MAX_ROWS}"):
        store.select("SELECT ?s ?c WHERE { ?s a ?c . ?x a ?y }")
    app = create_app(remote_settings(virtuoso))
    resp = app.test_client().get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o . ?x a ?y }"}
    )
    assert resp.status_code == 413
    assert "ResultSetMaxRows" in resp.json["error"]["message"]


@pytest.fixture(scope="module")
def big(virtuoso: VirtuosoServer) -> tuple[RemoteStore, str]:
    """An isolated store with one graph larger than the server's row cap."""
    store = _isolated(virtuoso, "big")
    graph = f"{store.settings.base_uri}graph/doc/big"
    store.replace_graphs([graph], _dataset(graph, BIG, "v0-"))
    return store, graph


def test_export_pages_under_the_cap_or_fails(
    virtuoso: VirtuosoServer, big: tuple[RemoteStore, str]
) -> None:
    store, graph = big
    total = store.count_quads()
    assert total >= BIG > SERVER_MAX_ROWS > PAGE_SIZE, "the data must need several pages"
    out = io.BytesIO()
    store.export(out, "nq")
    lines = out.getvalue().splitlines()
    assert len(lines) == len(set(lines)) == total
    assert sum(1 for line in lines if line.endswith(f"<{graph}> .".encode())) == BIG
    too_big = _isolated(virtuoso, "big", remote_page_size=SERVER_MAX_ROWS + 1)
    with pytest.raises(ResultTooLarge, match="ResultSetMaxRows"):
        too_big.export(io.BytesIO(), "nq")


def test_server_timeout_is_504(big: tuple[RemoteStore, str]) -> None:
    store, _ = big
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
        "FILTER(CONTAINS(CONCAT(STR(?c), STR(?f)), 'zz')) }"
    )
    with pytest.raises(RemoteTimeout, match=r"time limit|too slow"):
        store.query(slow, timeout=0.05)
    app = create_app(store.settings.with_overrides(query_timeout=0.05), store=store)
    resp = app.test_client().get("/sparql", query_string={"query": slow})
    assert resp.status_code == 504
    assert "remote store" in resp.json["error"]["message"]


def test_query_errors_are_400_with_the_servers_message(
    virtuoso: VirtuosoServer, seeded_remote: str
) -> None:
    store = open_store(seeded_remote, read_only=True, settings=remote_settings(virtuoso))
    with pytest.raises(QueryError, match="refused the query"):
        store.select("SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryError, match="not a SPARQL query"):
        store.query("DROP GRAPH <http://127.0.0.1:5000/graph/doc/000_433681a86fbd4be3>")


def test_unreachable_server_is_502() -> None:
    spec = f"sparql+http://127.0.0.1:{free_port()}/sparql"
    app = create_app(Settings(store=spec, remote_timeout=5.0))
    resp = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert resp.status_code == 502
    assert "cannot reach the remote store" in resp.json["error"]["message"]


def test_bad_store_specs_are_refused() -> None:
    with pytest.raises(StoreError, match="not a valid SPARQL endpoint"):
        RemoteStore("sparql+http://", settings=Settings())
    with pytest.raises(StoreError, match="KG_REMOTE_AUTH"):
        RemoteStore("sparql+http://127.0.0.1:1/sparql", settings=Settings(remote_auth="ntlm"))


# -- writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["one request", "staging"])
def test_replace_is_atomic_for_readers(
    virtuoso: VirtuosoServer, big: tuple[RemoteStore, str], path: str
) -> None:
    if path == "staging":
        store, graph = big
        size = BIG
    else:
        store = _isolated(virtuoso, "small")
        graph = f"{store.settings.base_uri}graph/doc/small"
        size = 200
        store.replace_graphs([graph], _dataset(graph, size, "v0-"))
    assert _count(store, graph) == size
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        reader = RemoteStore(store.spec, read_only=True, settings=store.settings)
        for _ in range(MAX_READS):
            if done.is_set():
                return
            seen.add(_count(reader, graph))
            done.wait(0.02)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for k in range(1, REPLACEMENTS + 1):
            store.replace_graphs([graph], _dataset(graph, size, f"v{k}-"))
    finally:
        done.set()
        thread.join(timeout=120)
    assert seen == {size}, f"readers saw {seen} ({path})"
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{EX}s0> ?p ?o }} }}")
    assert [r["o"] for r in rows] == [Literal(f"v{REPLACEMENTS}-0")]
    assert not [g for g in _raw_graphs(virtuoso) if g.startswith(STAGING_PREFIX)]


def test_blank_nodes_survive_batching(virtuoso: VirtuosoServer) -> None:
    store = _isolated(
        virtuoso,
        "bnodes",
    )
    graph = f"{store.settings.base_uri}graph/doc/b"
    store.replace_graphs([graph], _dataset(graph, 100, "v", bnode_fanout=600))
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?b) AS ?n) (COUNT(*) AS ?items) WHERE {{ GRAPH <{graph}> {{ "
        f"<{EX}root> <{EX}has> ?b . ?b <{EX}item> ?i }} }}"
    )
    assert (int(rows[0]["n"]), int(rows[0]["items"])) == (1, 600)


def test_wrong_credentials_write_nothing(virtuoso: VirtuosoServer) -> None:
    store = _isolated(virtuoso, "creds", remote_password="wrong")
    graph = f"{store.settings.base_uri}graph/doc/c"
    with pytest.raises(RemoteStoreError, match="refused the credentials"):
        store.replace_graphs([graph], _dataset(graph, 600, "v"))
    assert store.graphs(store.settings.base_uri) == []
    assert not [g for g in _raw_graphs(virtuoso) if g.startswith("http://kg.test/creds/")]


def test_update_through_the_app_is_seen_at_once(virtuoso: VirtuosoServer) -> None:
    """``/update`` writes with a store of its own; the app's reader must see the new graph
    at once, not after its cached list of graphs expires."""
    settings = remote_settings(virtuoso, base_uri="http://kg.test/web-update/", update_token="t")
    client = create_app(settings).test_client()
    graph = "http://kg.test/web-update/graph/doc/u"
    ask = f"ASK {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> ?o }} }}"
    assert client.get("/sparql", query_string={"query": ask}).json["boolean"] is False
    resp = client.post(
        "/update",
        data={"update": f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> "u" }} }}'},
        headers={"Authorization": "Bearer t"},
    )
    assert resp.status_code == 204, resp.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": ask}).json["boolean"] is True
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = client.get("/sparql", query_string={"query": count}).json["results"]["bindings"]
    assert rows[0]["n"]["value"] != "0"


def test_many_graphs_in_the_dataset(virtuoso: VirtuosoServer) -> None:
    """Virtuoso answers with one response header per dataset graph; kg still reads it."""
    store = _isolated(virtuoso, "many")
    ds = Dataset()
    names = [f"{store.settings.base_uri}graph/doc/{i}" for i in range(MANY_GRAPHS)]
    for i, name in enumerate(names):
        ds.graph(URIRef(name)).add((URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(i)))
    store.replace_graphs(names, ds)
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{store.settings.base_uri}")) }}'
    )
    assert int(rows[0]["n"]) == MANY_GRAPHS


def test_read_only_store_refuses_writes(virtuoso: VirtuosoServer) -> None:
    settings = remote_settings(virtuoso)
    store = RemoteStore(virtuoso.store_spec, read_only=True, settings=settings)
    with pytest.raises(StoreError, match="read-only"):
        store.update("CLEAR ALL")
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graphs([], Dataset())


def test_kg_ingest_twice_on_virtuoso_changes_nothing(virtuoso: VirtuosoServer) -> None:
    runner = CliRunner()
    env = {"KG_REMOTE_USER": "dba", "KG_REMOTE_PASSWORD": "dba"}
    env["KG_REMOTE_PAGE_SIZE"] = str(PAGE_SIZE)
    args = ["--store", virtuoso.store_spec, "--base", "http://kg.test/cli/"]
    first = runner.invoke(main, ["ingest", str(DATA / "authorities"), *args], env=env)
    assert first.exit_code == 0, first.output
    assert "stored: " in first.stdout
    dump = runner.invoke(main, ["export", "--store", virtuoso.store_spec], env=env)
    second = runner.invoke(main, ["ingest", str(DATA / "authorities"), *args], env=env)
    assert second.exit_code == 0, second.output
    assert "stored: " not in second.stdout and "unchanged: " in second.stdout
    again = runner.invoke(main, ["export", "--store", virtuoso.store_spec], env=env)
    assert dump.exit_code == again.exit_code == 0
    assert dump.stdout_bytes == again.stdout_bytes


# -- a server that dies -------------------------------------------------------------------


def _get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"kg serve exited: {log.read_text(errors='replace')}")
        try:
            _get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("kg serve did not start")


def test_killed_virtuoso_gives_502_or_504_and_kg_keeps_serving(
    fresh_virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    server = fresh_virtuoso
    store = RemoteStore(server.store_spec, settings=remote_settings(server))
    graph = "http://127.0.0.1:5000/graph/doc/k"
    store.replace_graphs([graph], _dataset(graph, 5, "v"))
    port = free_port()
    remote_timeout = 3
    env = dict(os.environ, KG_REMOTE_TIMEOUT=str(remote_timeout), KG_QUERY_TIMEOUT="2")
    log = tmp_path / "kg-serve.log"
    with log.open("wb") as out:
        kg = subprocess.Popen(
            [*KG_SERVE, "--store", server.store_spec, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    root = f"http://127.0.0.1:{port}"
    ask = f"{root}/sparql?query=ASK%7BGRAPH%20%3F%67%7B%3Fs%20%3Fp%20%3Fo%7D%7D"
    try:
        _wait_for(f"{root}/no-such-page", kg, log)
        status, body = _get(ask)
        assert (status, b"true" in body) == (200, True)

        # A server that hangs: kg gives up after its timeout with 504.
        os.kill(server.process.pid, signal.SIGSTOP)  # type: ignore[union-attr]
        try:
            # kg must answer before this client gives up (a hang fails the test).
            status, body = _get(ask, timeout=remote_timeout + 20)
        finally:
            os.kill(server.process.pid, signal.SIGCONT)  # type: ignore[union-attr]
        assert status == 504, body
        assert b"did not answer" in body

        # A server that is gone: 502, at once, and again on the next request.
        server.kill()
        for _ in range(2):
            status, body = _get(ask)
            assert status == 502, body
            assert b"cannot reach the remote store" in body
        # The kg process itself keeps serving.
        assert kg.poll() is None
        status, body = _get(f"{root}/no-such-page")
        assert status == 404
    finally:
        kg.terminate()
        kg.wait(timeout=20)
