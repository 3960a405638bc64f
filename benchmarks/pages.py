"""Entity page (HTML) and entity data (Turtle) latency under 8 concurrent clients.

``kg serve`` runs in its own process; the load comes from a second process: ``wrk``
(Debian's, when installed: ``--seconds`` per row, ``--clients`` connections, 10 s request
timeout, cycling through the entity paths with a Lua script), or else this script re-run
with ``--client`` (a thread pool issuing ``--requests`` GETs, 30 s timeout each). Prints
p50/p99, requests per second, the error count and the memory of the serving processes.
Baseline: ``/sparql?query=ASK{}`` measured in the same run, so the ratio shows what an
entity costs over a trivial request.

    .venv/bin/python benchmarks/pages.py --store DIR [--seconds 20] [--clients 8]
        [--serve-env KG_SERVE_FROM=memory] [--python-client --requests 800]

The entities are spread over the store: documents, persons and meetings in IRI order,
every k-th one, plus the busiest person (most meetings), so Zipf's heavy head is in.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_check import run_wrk
from query_mix import start_serve, tree_memory_mb

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
    """About ``n`` entity local paths (documents, persons, meetings spread evenly in IRI
    order, and the busiest person), from the store."""
    db = ox.Store.read_only(str(store))
    paths: list[str] = []
    cwa = "https://w3id.org/coldwar-kg/ontology#"
    for cls in ("ArchivalDocument", "Person", "Meeting"):
        q = (
            f"SELECT DISTINCT ?s WHERE {{ ?s a <{cwa}{cls}> "
            f'FILTER(STRSTARTS(STR(?s), "{BASE}")) }} ORDER BY ?s'
        )
        found = [str(row[0].value) for row in db.query(q, use_default_graph_as_union=True)]  # type: ignore[union-attr]
        step = max(1, len(found) // (n // 3))
        paths += [iri[len(BASE) :] for iri in found[::step][: n // 3]]
    busiest = next(
        iter(
            db.query(  # type: ignore[union-attr]
                f"SELECT ?p WHERE {{ ?m <{cwa}attendee> ?p }} GROUP BY ?p "
                "ORDER BY DESC(COUNT(*)) LIMIT 1",
                use_default_graph_as_union=True,
            )
        )
    )
    paths.append(str(busiest[0].value)[len(BASE) :])
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
    parser.add_argument("--seconds", type=int, default=20, help="wrk: seconds per row")
    parser.add_argument("--requests", type=int, default=800, help="Python client: per row")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--entities", type=int, default=300)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--serve-env", action="append", default=[], metavar="NAME=VALUE",
        help="environment for kg serve (repeatable)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=1, help="kg serve --workers")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        paths = json.loads(sys.stdin.read())
        print(json.dumps(client(args.client, paths, args.requests, args.clients)))
        return
    if args.store is None:
        parser.error("--store is required")
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    ids = entity_paths(args.store, args.entities)
    env = dict(item.split("=", 1) for item in args.serve_env)
    proc, url = start_serve(args.store, env, workers=args.workers)
    tmp = Path(tempfile.mkdtemp(prefix="kg-pages-"))
    try:
        rss0, pss0 = tree_memory_mb(proc.pid)
        kinds = {
            "ASK {} (baseline)": ["/sparql?query=ASK%7B%7D"],
            "entity page HTML": [f"/page/{p}" for p in ids],
            "entity data Turtle": [f"/data/{p}.ttl" for p in ids],
        }
        for paths in kinds.values():  # warm-up, so caches and templates are loaded
            load(url, paths, min(len(paths), 400), args.clients)
        tool = f"wrk {args.seconds} s per row" if use_wrk else f"{args.requests} requests per row"
        print(
            f"{len(ids)} entities, {tool}, {args.clients} clients, kg serve {env or ''} "
            f"--workers {args.workers}; load average {os.getloadavg()[0]:.2f}"
        )
        print("| request | p50 ms | p99 ms | req/s | requests | errors | p99 / baseline |")
        print("|---|---|---|---|---|---|---|")
        base = None
        for name, paths in kinds.items():
            if use_wrk:
                f = run_wrk(url, paths, seconds=args.seconds, connections=args.clients, tmp=tmp)
                p50, p99, rate = float(f["p50_ms"]), float(f["p99_ms"]), float(f["rps"])
                count = int(f["requests"])
                errors = sum(int(f[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
            else:
                r = load(url, paths, args.requests, args.clients)
                ok: list[float] = r["ok"]  # type: ignore[assignment]
                p50, p99 = pct(ok, 50), pct(ok, 99)
                rate = args.requests / float(r["wall"])  # type: ignore[arg-type]
                count, errors = args.requests, int(r["errors"])  # type: ignore[call-overload]
            base = base or p99
            print(
                f"| {name} | {p50:.1f} | {p99:.1f} | {rate:.0f} | {count} | {errors} "
                f"| {p99 / base:.1f}× |"
            )
        rss1, pss1 = tree_memory_mb(proc.pid)
        print(
            f"\nkg serve with its workers: RSS {rss0:.0f} MB (PSS {pss0:.0f}) at start, "
            f"RSS {rss1:.0f} MB (PSS {pss1:.0f}) after the load; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
