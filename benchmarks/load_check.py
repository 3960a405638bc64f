"""Load check (issue 10): 60 s of ``wrk`` at 8 connections against ``kg serve`` on
127.0.0.1, on a mix of entity pages, entity data and SPARQL queries. Reports requests per
second, p99 latency and the error count (non-2xx/3xx responses, socket errors, timeouts).

    apt-get install -y wrk          # Debian's wrk
    python benchmarks/load_check.py [--store DIR] [--seconds 60] [--connections 8]

Never run in CI. Without --store, the bundled data is ingested into a temporary store.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_mix import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
QUERIES = [
    "ASK { ?s ?p ?o }",
    "PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#> "
    "SELECT ?m (COUNT(?p) AS ?n) WHERE { ?m cwa:attendee ?p } "
    "GROUP BY ?m ORDER BY DESC(?n) LIMIT 10",
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "SELECT ?d ?t WHERE { ?d dcterms:title ?t } LIMIT 20",
]
ENTITIES = """PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#>
SELECT ?e WHERE { { SELECT ?e WHERE { ?e a cwa:Person } LIMIT 3 }
  UNION { SELECT ?e WHERE { ?e a cwa:Meeting } LIMIT 3 }
  UNION { SELECT ?e WHERE { ?e a cwa:ArchivalDocument } LIMIT 2 } }"""


def entity_paths(base: str) -> list[str]:
    """Pages and Turtle data of a few persons, meetings and documents of the store."""
    url = f"{base}/sparql?query={urllib.parse.quote(ENTITIES)}"
    with urllib.request.urlopen(url, timeout=30) as resp:
        rows = json.load(resp)["results"]["bindings"]
    paths = []
    for row in rows:
        rest = row["e"]["value"].split("/id/", 1)[1]
        paths += [f"/page/{rest}", f"/data/{rest}.ttl"]
    return paths


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = "*/*"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d seconds=%%.2f rps=%%.1f p50_ms=%%.2f p99_ms=%%.2f "
    .. "non2xx=%%d connect=%%d read=%%d write=%%d timeout=%%d\\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def run_wrk(
    base: str, paths: list[str], *, seconds: int, connections: int, tmp: Path
) -> dict[str, str]:
    """Run wrk (2 threads) for ``seconds`` over ``paths`` in turn; the RESULT fields."""
    script = tmp / "mix.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    result = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return dict(item.split("=") for item in result.split()[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    tmp = Path(tempfile.mkdtemp(prefix="kg-load-"))
    store = args.store or tmp / "store"
    if args.store is None:
        subprocess.run(
            [*KG, "ingest", str(ROOT / "data"), "--store", str(store)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [*KG, "serve", "--store", str(store), "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(server, f"{base}/sparql?query=ASK%7B%7D", 60, "kg serve")
        paths = entity_paths(base) + ["/sparql?query=" + urllib.parse.quote(q) for q in QUERIES]
        fields = run_wrk(base, paths, seconds=args.seconds, connections=args.connections, tmp=tmp)
        errors = sum(int(fields[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
        print("| connections | seconds | requests | req/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {args.connections} | {fields['seconds']} | {fields['requests']} | "
            f"{fields['rps']} | {fields['p50_ms']} | {fields['p99_ms']} | {errors} |"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
