"""HTTP overhead of ``/sparql`` over calling pyoxigraph directly, measured in one run.

For three queries (a trivial ASK, the seed's title join, and a scan of every quad), the
baseline is pyoxigraph in this process: open the store read-only, query, serialise as
SPARQL JSON. The same query then goes through the full service: HTTP to a waitress
server on 127.0.0.1, protocol parsing, safety inspection, content negotiation, a warm
worker process, the row cap and the response. After a warm-up, both sides run
``--repeat`` times, interleaved; the table gives medians and the ratio.

    .venv/bin/python benchmarks/http_overhead.py [--store DIR] [--repeat N]

Without ``--store`` it ingests ``data/`` into a temporary store first.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.web import create_app

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "ASK {}": "ASK {}",
    "title join": """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#>
SELECT ?doc ?title ?date WHERE {
  ?doc a cwa:ArchivalDocument ; dcterms:title ?title ; dcterms:date ?date }""",
    "all quads": "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def build_store(path: Path) -> None:
    """Ingest the bundled data (ontology, authorities, sources) into ``path``."""
    from kg.ingest import ingest_paths
    from kg.store.oxigraph import OxigraphStore
    from kg.validation import Validator

    store = OxigraphStore(path)
    ingest_paths([ROOT / "data"], store, Settings().base_uri, validator=Validator())
    store.close()


def time_direct(store: ox.Store, query: str, repeat: int) -> list[float]:
    """Seconds per query + JSON serialisation, in this process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = store.query(query, use_default_graph_as_union=True)
        result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        times.append(time.perf_counter() - start)
    return times


def time_http(url: str, query: str, repeat: int) -> list[float]:
    """Seconds per GET /sparql answered in full."""
    target = f"{url}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as resp:
            resp.read()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    parser.add_argument("--repeat", type=int, default=200, help="runs per query and side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store
        if path is None:
            path = Path(tmp) / "store"
            build_store(path)
        run(path, args.repeat)


def run(path: Path, repeat: int) -> None:
    """Serve ``path``, then time both sides of every query."""
    from waitress.server import create_server

    direct = ox.Store.read_only(str(path))
    app = create_app(Settings(store=str(path), query_workers=2))
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port = server.effective_port  # type: ignore[union-attr]
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    quads = len(direct)
    print(f"store: {path} ({quads} quads); {repeat} runs per query and side, medians\n")
    header = ("query", "rows", "pyoxigraph ms", "HTTP ms", "overhead ms", "ratio")
    print("{:<12} {:>6} {:>14} {:>9} {:>12} {:>7}".format(*header))
    try:
        for name, query in QUERIES.items():
            result = direct.query(query, use_default_graph_as_union=True)
            rows = 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)  # type: ignore[union-attr]
            time_direct(direct, query, 10)
            time_http(url, query, 10)
            # interleaved, so that a change in machine load hits both sides alike
            pairs = [
                (time_direct(direct, query, 1)[0], time_http(url, query, 1)[0])
                for _ in range(repeat)
            ]
            base = statistics.median(d for d, _ in pairs) * 1000
            http = statistics.median(h for _, h in pairs) * 1000
            print(
                f"{name:<12} {rows:>6} {base:>14.3f} {http:>9.3f} {http - base:>12.3f} "
                f"{http / base:>6.1f}x"
            )
    finally:
        app.extensions["kg.executor"].close()
        server.close()


if __name__ == "__main__":
    main()
