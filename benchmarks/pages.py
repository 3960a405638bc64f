"""Entity page (HTML) and entity data (Turtle) latency under 8 concurrent clients.

``kg serve`` runs as one process; the load runs in a second process (this script re-run
with ``--client``): a thread pool of ``--clients`` threads issuing a fixed number of GETs
over a fixed list of entity paths, each with a 30 s timeout. Prints p50/p99, the error
count and the RSS of the serving process. Baseline: ``/sparql?query=ASK{}`` measured in
the same run, so the ratio shows what rendering an entity costs over a trivial request.

    .venv/bin/python benchmarks/pages.py --store DIR [--requests 800] [--clients 8]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_mix import rss_mb, start_serve

BASE = "http://127.0.0.1:5000/id/"


def client(url: str, paths: list[str], requests: int, clients: int) -> dict[str, object]:
    """Issue ``requests`` GETs over ``paths`` with ``clients`` threads; latencies in ms."""

    def one(i: int) -> float | None:
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(url + paths[i % len(paths)], timeout=30) as r:
                r.read()
                if r.status != 200:
                    return None
        except (urllib.error.URLError, OSError):
            return None
        return (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - t
    ok = sorted(r for r in results if r is not None)
    return {"ok": ok, "errors": requests - len(ok), "wall": wall}


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank).

    >>> pct([1.0, 2.0, 3.0, 4.0], 50)
    2.0
    """
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def entity_paths(store: Path, n: int) -> list[str]:
    """Up to ``n`` entity local paths (documents, persons, meetings), from the store."""
    db = ox.Store.read_only(str(store))
    paths: list[str] = []
    for cls in ("ArchivalDocument", "Person", "Meeting"):
        q = (
            f"SELECT DISTINCT ?s WHERE {{ ?s a <https://w3id.org/coldwar-kg/ontology#{cls}> "
            f'FILTER(STRSTARTS(STR(?s), "{BASE}")) }} LIMIT {n // 3}'
        )
        for row in db.query(q, use_default_graph_as_union=True):  # type: ignore[union-attr]
            paths.append(str(row[0].value)[len(BASE) :])
    return paths


def load(url: str, paths: list[str], requests: int, clients: int) -> dict[str, object]:
    """Run the client in a second process; its JSON result."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--client",
            url,
            "--requests",
            str(requests),
            "--clients",
            str(clients),
        ],
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    """Measure and print the table (or, with ``--client``, be the load process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        paths = json.loads(sys.stdin.read())
        print(json.dumps(client(args.client, paths, args.requests, args.clients)))
        return
    if args.store is None:
        parser.error("--store is required")
    ids = entity_paths(args.store, 300)
    proc, url = start_serve(args.store)
    try:
        rss0 = rss_mb(proc.pid)
        kinds = {
            "ASK {} (baseline)": ["/sparql?query=ASK%7B%7D"],
            "entity page HTML": [f"/page/{p}" for p in ids],
            "entity data Turtle": [f"/data/{p}.ttl" for p in ids],
        }
        for paths in kinds.values():  # warm-up, so caches and templates are loaded
            load(url, paths[:50], 50, args.clients)
        print(
            f"{len(ids)} entities, {args.requests} requests per row, {args.clients} clients; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'request':<22}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}{'errors':>8}{'p99 ratio':>11}"
        )
        base = None
        for name, paths in kinds.items():
            r = load(url, paths, args.requests, args.clients)
            ok: list[float] = r["ok"]  # type: ignore[assignment]
            p50, p99 = pct(ok, 50), pct(ok, 99)
            base = base or p99
            rate = args.requests / float(r["wall"])  # type: ignore[arg-type]
            print(
                f"{name:<22}{p50:>9.1f}{p99:>9.1f}{rate:>8.0f}{r['errors']:>8}{p99 / base:>10.1f}x"
            )
        print(
            f"RSS of kg serve: {rss0:.0f} MB at start, {rss_mb(proc.pid):.0f} MB after the load; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
