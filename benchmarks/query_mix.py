"""Query mix Q1-Q7 (issue 9) over HTTP against ``kg serve``, compared in one run with raw
pyoxigraph in this process (on-disk read-only store, and an in-memory copy) and, with
``--virtuoso``, Debian's Virtuoso bulk-loaded from ``kg export``, and with
``--rdflib-endpoint``, rdflib-endpoint (PyPI, the ``bench`` extra) serving the same dump from
rdflib's in-memory store. Everything listens on 127.0.0.1 only.

    .venv/bin/python benchmarks/query_mix.py --store DIR [--repeat 5] [--virtuoso]
        [--rdflib-endpoint] [--serve-env KG_SERVE_FROM=memory]

Medians in ms; ratios against raw in-memory pyoxigraph. Every query has a client timeout
(``--client-timeout``); a query that runs past it is reported as ``>N s``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
KG = str(ROOT / ".venv" / "bin" / "kg")
BASE = "http://127.0.0.1:5000/"
P = """PREFIX cwa: <https://w3id.org/coldwar-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def queries(person: str, doc: str, fond: str) -> dict[str, str]:
    """Q1-Q7 of issue 9 against the cwa: ontology."""
    return {
        "Q1 entity": P + f"SELECT ?p ?o WHERE {{ <{doc}> ?p ?o }}",
        "Q2 person's meetings": P
        + f"""SELECT ?m ?date ?doc WHERE {{ ?m cwa:attendee <{person}> .
  OPTIONAL {{ ?m <https://schema.org/startDate> ?date }} ?doc cwa:records ?m }}""",
        "Q3 co-attendance": P
        + """SELECT ?a ?b (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m cwa:attendee ?a, ?b .
  FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b ORDER BY DESC(?n) LIMIT 20""",
        "Q4 docs of a fond": P
        + f"""SELECT ?doc ?date WHERE {{
  ?doc a cwa:ArchivalDocument ; rico:isOrWasIncludedIn/rico:isOrWasIncludedIn* <{fond}> .
  OPTIONAL {{ ?doc dcterms:date ?date }} }} ORDER BY ?date""",
        "Q5 title search": P
        + """SELECT ?doc ?title WHERE { ?doc dcterms:title ?title .
  FILTER(CONTAINS(LCASE(STR(?title)), "grain")) } LIMIT 100""",
        "Q6 count by class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
        "Q7 graphs of a participation": P
        + f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?m cwa:attendee <{person}> }} }}""",
    }


def pick(store: ox.Store) -> tuple[str, str, str]:
    """The busiest person, one document and the biggest fond in the store."""

    def one(q: str) -> str:
        row = next(iter(store.query(P + q, use_default_graph_as_union=True)))  # type: ignore[arg-type]
        return str(row[0].value)

    person = one(
        "SELECT ?p WHERE { ?m cwa:attendee ?p } GROUP BY ?p ORDER BY DESC(COUNT(*)) LIMIT 1"
    )
    doc = one("SELECT ?d WHERE { ?d a cwa:ArchivalDocument } ORDER BY ?d LIMIT 1")
    fond = one(
        f"""SELECT ?f WHERE {{ ?d a cwa:ArchivalDocument ;
          rico:isOrWasIncludedIn/rico:isOrWasIncludedIn* ?f .
        FILTER(REGEX(STR(?f), "^{BASE}id/unit/[^/]+/[^/]+$")) }}
        GROUP BY ?f ORDER BY DESC(COUNT(*)) LIMIT 1"""
    )
    return person, doc, fond


def rows(body: bytes) -> int:
    """The number of rows in a SPARQL JSON result.

    >>> rows(b'{"head": {}, "results": {"bindings": [{}, {}]}}')
    2
    """
    return len(json.loads(body)["results"]["bindings"])


def raw(store: ox.Store) -> Callable[[str], int]:
    """Run a query in-process and serialise it as SPARQL JSON; returns the row count."""

    def run(q: str) -> int:
        r = store.query(q, use_default_graph_as_union=True)
        return rows(r.serialize(format=ox.QueryResultsFormat.JSON))  # type: ignore[union-attr,arg-type]

    return run


class ClientTimeout(Exception):
    """The engine did not answer within the client timeout."""


def http(
    url: str, params: dict[str, str] | None = None, timeout: float = 120.0
) -> Callable[[str], int]:
    """GET a SPARQL endpoint; returns the row count (ClientTimeout past ``timeout``)."""

    def run(q: str) -> int:
        data = {"query": q, **(params or {})}
        req = urllib.request.Request(
            url + "?" + urllib.parse.urlencode(data),
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return rows(resp.read())
        except TimeoutError:
            raise ClientTimeout from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ClientTimeout from None
            raise

    return run


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(proc: subprocess.Popen[bytes], probe: str, seconds: float, what: str) -> None:
    """Wait until ``probe`` answers, at most ``seconds``; kill ``proc`` and exit otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with code {proc.returncode}")
        try:
            urllib.request.urlopen(probe, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"{what} did not answer in {seconds:g} s")


def start_serve(
    store: Path, env: dict[str, str] | None = None, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """``kg serve`` on a free port (extra environment ``env``); waits until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [KG, "serve", "--store", str(store), "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # the client timeout bounds every query here, not kg's 30 s default
        env={**os.environ, "KG_QUERY_TIMEOUT": "600", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    t = time.perf_counter()
    wait_for(proc, url + "/sparql?query=ASK%7B%7D", 600, "kg serve")
    print(f"kg serve {env or ''} answering after {time.perf_counter() - t:.1f} s")
    return proc, url


def start_rdflib_endpoint(dump: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """rdflib-endpoint (rdflib's in-memory Dataset, union default graph) serving ``dump``."""
    exe = Path(sys.executable).parent / "rdflib-endpoint"
    if not exe.exists():
        print("rdflib-endpoint left out: not installed (pip install -e '.[bench]')")
        return None
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    t = time.perf_counter()
    wait_for(proc, url + "?query=ASK%7B%7D", 1800, "rdflib-endpoint")
    print(f"rdflib-endpoint: parsed and answering after {time.perf_counter() - t:.1f} s")
    return proc, url


def rss_mb(pid: int) -> float:
    """Resident set size of a process, MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS (proportional set size: shared pages split between the processes that
    share them) summed over ``pid`` and its descendants, MB (Linux /proc). PSS is the
    honest total for forked workers that share a copy-on-write store."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
    todo, rss, pss = [pid], 0.0, 0.0
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                value = int(rest.split()[0]) / 1024
                rss, pss = (rss + value, pss) if name == "Rss" else (rss, pss + value)
    return rss, pss


def start_virtuoso(store: Path, work: Path):  # type: ignore[no-untyped-def]
    """A private Virtuoso bulk-loaded from ``kg export`` (tests/virtuoso.py)."""
    sys.path.insert(0, str(ROOT))
    from tests.virtuoso import VirtuosoServer, available

    reason = available()
    if reason:
        print(f"Virtuoso left out: {reason}")
        return None
    server = VirtuosoServer(work, result_set_max_rows=100_000).start()
    dump = server.load_dir / "all.nq"
    subprocess.run([KG, "export", "--store", str(store), "-o", str(dump)], check=True)
    t = time.perf_counter()
    # N-Quads carry their graph; the third argument is only for triples.
    server.isql(f"ld_dir('{server.load_dir}', '*.nq', 'urn:kg:default');", timeout=60)
    server.isql("rdf_loader_run();", timeout=600)
    server.isql("checkpoint;", timeout=300)
    print(f"Virtuoso bulk load: {time.perf_counter() - t:.1f} s")
    return server


def measure(fn: Callable[[str], int], q: str, repeat: int, budget: float) -> tuple[float, int]:
    """Median ms over ``repeat`` runs after one warm-up (stopping early after ``budget``
    s) and the row count; ``(inf, -1)`` when the warm-up runs past the client timeout."""
    try:
        n = fn(q)
    except ClientTimeout:
        return float("inf"), -1
    except urllib.error.HTTPError as exc:  # e.g. 503 past the server's own time limit
        print(f"HTTP {exc.code}: {exc.read()[:200]!r}")
        return float("nan"), -exc.code
    times: list[float] = []
    stop = time.monotonic() + budget
    for _ in range(repeat):
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
        if time.monotonic() > stop:
            break
    return statistics.median(times), n


def fmt_ms(ms: float, timeout: float) -> str:
    """A table cell: the median, or ``>N s`` past the client timeout."""
    if ms != ms:  # NaN: the engine answered with an HTTP error
        return "error"
    return f">{timeout:g} s" if ms == float("inf") else f"{ms:.1f}"


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store made by kg ingest")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and engine")
    parser.add_argument("--client-timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--virtuoso", action="store_true", help="also start a private Virtuoso")
    parser.add_argument(
        "--rdflib-endpoint", action="store_true", help="also serve the dump with rdflib-endpoint"
    )
    parser.add_argument(
        "--serve-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment for kg serve (repeatable); one kg serve column per --serve-env "
        "given as NAME=V1,V2 (e.g. KG_SERVE_FROM=disk,memory)",
    )
    args = parser.parse_args()
    disk = ox.Store.read_only(str(args.store))
    t = time.perf_counter()
    mem = ox.Store()
    mem.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    print(f"{len(disk)} quads; in-memory copy in {time.perf_counter() - t:.1f} s")
    person, doc, fond = pick(disk)
    print(f"person {person}\ndocument {doc}\nfond {fond}")
    qs = queries(person, doc, fond)
    variants: list[dict[str, str]] = [{}]
    for item in args.serve_env:
        name, _, values = item.partition("=")
        variants = [{**v, name: value} for v in variants for value in values.split(",")]
    servers: dict[str, subprocess.Popen[bytes]] = {}
    engines: dict[str, Callable[[str], int]] = {
        "oxigraph mem": raw(mem),
        "oxigraph disk": raw(disk),
    }
    timeout = args.client_timeout
    with tempfile.TemporaryDirectory() as tmp:
        virtuoso = None
        try:
            for env in variants:
                proc, url = start_serve(args.store, env)
                label = "kg " + ",".join(v for v in env.values()) if env else "kg serve"
                servers[label] = proc
                engines[f"{label} HTTP"] = http(url + "/sparql", timeout=timeout)
            if args.virtuoso:
                try:
                    virtuoso = start_virtuoso(args.store, Path(tmp))
                except (RuntimeError, subprocess.SubprocessError) as exc:
                    print(f"Virtuoso left out: {exc}")
            if virtuoso is not None:
                # Virtuoso's default dataset is the union of its graphs (ours plus its
                # system graphs, which hold no cwa: data), like kg's union default graph.
                engines["Virtuoso HTTP"] = http(virtuoso.sparql_url, timeout=timeout)
            if args.rdflib_endpoint:
                dump = Path(tmp) / "all.nq"
                subprocess.run(
                    [KG, "export", "--store", str(args.store), "-o", str(dump)], check=True
                )
                started = start_rdflib_endpoint(dump)
                if started is not None:
                    servers["rdflib-endpoint"] = started[0]
                    engines["rdflib-endpoint HTTP"] = http(started[1], timeout=timeout)
            load = os.getloadavg()
            table = {
                name: {e: measure(fn, q, args.repeat, args.budget) for e, fn in engines.items()}
                for name, q in qs.items()
            }
            print(f"\nload average {load[0]:.2f} -> {os.getloadavg()[0]:.2f}; median ms")
            names = list(engines)
            print("| query | " + " | ".join(names) + " | "
                  + " | ".join(f"{e} / mem" for e in names[1:]) + " |")  # fmt: skip
            print("|---" * (2 * len(names)) + "|")
            for name, row in table.items():
                base = row["oxigraph mem"][0]
                cells = " | ".join(fmt_ms(row[e][0], timeout) for e in names)
                ratios = " | ".join(f"{row[e][0] / base:.2f}×" for e in names[1:])
                print(f"| {name} | {cells} | {ratios} |")
            print(
                "\nrows: "
                + "; ".join(
                    f"{name.split()[0]} " + "/".join(str(row[e][1]) for e in names)
                    for name, row in table.items()
                )
            )
            rss = []
            for label, p in servers.items():
                tree_rss, tree_pss = tree_memory_mb(p.pid)
                rss.append(f"{label} {tree_rss:.0f} MB (PSS {tree_pss:.0f} MB, with its workers)")
            if virtuoso is not None and virtuoso.process is not None:
                rss.append(f"Virtuoso {rss_mb(virtuoso.process.pid):.0f} MB")
            print("\nRSS: " + "; ".join(rss))
        finally:
            for proc in servers.values():
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if virtuoso is not None:
                virtuoso.stop()


if __name__ == "__main__":
    main()
