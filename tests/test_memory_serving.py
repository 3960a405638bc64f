"""Serving from an in-memory copy of the store (KG_SERVE_FROM): the same answers as the
disk store, real query timeouts through forked workers, the auto budget, and a disk
store changed under a running server (seen only after a restart).

Memory mode forks its query-worker zygote, which must happen in a single-threaded
process, so these tests run ``kg serve`` as a subprocess, as it is deployed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.config import Settings
from kg.errors import StoreError
from kg.sparql.zygote import Zygote
from kg.store.oxigraph import OxigraphStore
from kg.web.server import choose_serving
from tests.conftest import BASE, free_port

KG_SERVE = (sys.executable, "-m", "kg.cli", "serve")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"
QUERIES = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } ORDER BY ?s ?o",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "ASK { ?s ?p ?o }",
)


def get(url: str, accept: str = JSON, timeout: float = 60) -> tuple[int, bytes]:
    """Status and body of a GET (errors included)."""
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sparql(root: str, query: str, accept: str = JSON) -> tuple[int, bytes]:
    """Run a query by GET."""
    return get(f"{root}/sparql?" + urllib.parse.urlencode({"query": query}), accept)


@contextmanager
def kg_serve(store: Path, log: Path, *args: str, **env: str) -> Iterator[str]:
    """``kg serve`` on a free port; yields its root URL once it answers."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*KG_SERVE, "--store", str(store), "--port", str(port), "--base", BASE, *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if get(f"{root}/sparql?query=ASK%7B%7D", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield root
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def memory_and_disk(seeded_store_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A memory-mode and a disk-mode server over the seeded store (2 s query limit)."""
    logs = tmp_path_factory.mktemp("logs")
    with (
        kg_serve(seeded_store_dir, logs / "memory.log", "--serve-from", "memory",
                 KG_QUERY_TIMEOUT="2", KG_QUERY_WORKERS="2") as memory,
        kg_serve(seeded_store_dir, logs / "disk.log", "--serve-from", "disk") as disk,
    ):  # fmt: skip
        yield memory, disk, logs


def test_memory_answers_as_disk(memory_and_disk) -> None:  # type: ignore[no-untyped-def]
    memory, disk, logs = memory_and_disk
    assert "from memory" in (logs / "memory.log").read_text()
    assert "from disk" in (logs / "disk.log").read_text()
    for query in QUERIES:
        from_memory, from_disk = sparql(memory, query), sparql(disk, query)
        assert from_memory[0] == from_disk[0] == 200
        assert json.loads(from_memory[1]) == json.loads(from_disk[1]), query


def test_memory_pages_match_disk(memory_and_disk) -> None:  # type: ignore[no-untyped-def]
    memory, disk, _ = memory_and_disk
    rows = json.loads(sparql(disk, "SELECT DISTINCT ?s WHERE { ?s a ?c } ORDER BY ?s")[1])
    ids = [r["s"]["value"] for r in rows["results"]["bindings"]]
    entities = [iri for iri in ids if iri.startswith(BASE + "id/")][::7][:6]
    assert entities
    for iri in entities:
        data = iri.replace("/id/", "/data/", 1).removeprefix(BASE) + ".ttl"
        a, b = get(f"{memory}/{data}", "*/*"), get(f"{disk}/{data}", "*/*")
        assert a[0] == b[0] == 200, data
        assert isomorphic(Graph().parse(data=a[1], format="turtle"),
                          Graph().parse(data=b[1], format="turtle")), data  # fmt: skip
        page = iri.replace("/id/", "/page/", 1).removeprefix(BASE)
        a, b = get(f"{memory}/{page}", "text/html"), get(f"{disk}/{page}", "text/html")
        assert a[0] == b[0] == 200 and len(a[1]) == len(b[1]), page


def test_memory_timeout_stops_the_query_and_serves_the_next(memory_and_disk) -> None:  # type: ignore[no-untyped-def]
    memory, _, _ = memory_and_disk
    results: dict[str, tuple[int, bytes]] = {}
    runaway = threading.Thread(target=lambda: results.update(slow=sparql(memory, CARTESIAN)))
    start = time.monotonic()
    runaway.start()
    time.sleep(0.3)
    assert sparql(memory, "ASK { ?s ?p ?o }") == (200, b'{"head":{},"boolean":true}')
    runaway.join(timeout=30)
    assert not runaway.is_alive()
    status, body = results["slow"]
    assert status == 503 and b"KG_QUERY_TIMEOUT" in body, body
    assert time.monotonic() - start < 20
    for query in QUERIES:  # the killed worker was replaced
        assert sparql(memory, query)[0] == 200


def test_auto_picks_disk_over_budget_and_memory_within(seeded_store_dir: Path) -> None:
    settings = Settings(store=str(seeded_store_dir), base_uri=BASE)
    over = choose_serving(settings.with_overrides(memory_budget_mb=0))
    assert over.store is None and "KG_MEMORY_BUDGET_MB" in over.reason
    within = choose_serving(settings)
    assert within.store is not None and within.store.read_only
    disk = OxigraphStore(seeded_store_dir, read_only=True)
    assert within.store.count_quads() == disk.count_quads() > 0
    assert choose_serving(settings.with_overrides(serve_from="disk")).store is None
    assert choose_serving(settings.with_overrides(update_token="t")).store is None


def test_changed_disk_store_is_seen_after_restart(seeded_store_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store_dir, store)
    marker = "ASK { GRAPH <urn:x-test:g> { <urn:x-test:s> <urn:x-test:p> 1 } }"
    false, true = b'{"head":{},"boolean":false}', b'{"head":{},"boolean":true}'
    with kg_serve(store, tmp_path / "1.log", "--serve-from", "memory") as root:
        assert sparql(root, marker) == (200, false)
        writer = OxigraphStore(store)  # memory mode holds no handle on the disk store
        writer.update("INSERT DATA { GRAPH <urn:x-test:g> { <urn:x-test:s> <urn:x-test:p> 1 } }")
        writer.close()
        del writer
        assert sparql(root, marker) == (200, false)  # the copy is as it was at start
    with kg_serve(store, tmp_path / "2.log", "--serve-from", "memory") as root:
        assert sparql(root, marker) == (200, true)


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"KG_SERVE_FROM": "ram"}, [], "KG_SERVE_FROM must be auto, memory or disk"),
        ({"KG_UPDATE_TOKEN": "t"}, ["--serve-from", "memory"], "cannot serve /update"),
        ({}, ["--serve-from", "memory", "--store", "sparql+http://127.0.0.1:1/sparql"],
         "needs the embedded store"),
    ],
)  # fmt: skip
def test_bad_serving_settings_are_cli_errors(
    seeded_store_dir: Path, env: dict[str, str], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--store", str(seeded_store_dir), "--port", "1", *args], env=env
    )
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


def test_missing_store_is_a_cli_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--store", str(tmp_path / "none"), "--serve-from", "memory"]
    )
    assert result.exit_code != 0 and "no store at" in result.output


def test_zygote_refuses_a_threaded_process() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(StoreError, match="threads"):
            Zygote(ox.Store())
    finally:
        stop.set()
        thread.join()
