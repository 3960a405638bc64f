"""The ``kg`` command line (DESIGN §10). Thin commands over library functions.

User errors are ``click.ClickException`` with a one-line message; a failure exits non-zero.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from kg import __version__
from kg.codegen import ROOT
from kg.config import Settings, load_settings
from kg.errors import KgError

#: The bundled data folder, whose authorities ``kg extract`` reconciles against.
DATA_DIR = ROOT / "data"

FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


def _settings(ctx: click.Context, **overrides: object) -> Settings:
    base: Settings = ctx.obj
    return base.with_overrides(**overrides)


#: The default of ``kg ingest --jobs``: the number of CPUs, capped (the single writer
#: becomes the bottleneck beyond a few workers).
MAX_INGEST_JOBS = 4


def _store_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--store",
        metavar="DIR|URL",
        help="Store directory, or sparql+http://host:port/path. Default: $KG_STORE, then "
        "./var/store.",
    )(f)


def _open(settings: Settings, *, read_only: bool):  # type: ignore[no-untyped-def]
    from kg.store import open_store

    try:
        return open_store(settings.store, read_only=read_only, settings=settings)
    except KgError as exc:
        raise click.ClickException(exc.message) from None


@click.group()
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """kg: a linked-data service for Cold War archival documents.

    Ingest records into a knowledge graph, validate them with SHACL, and serve the graph
    over a SPARQL 1.1 endpoint with dereferenceable entity pages.
    """
    ctx.obj = load_settings()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@click.option("--base", metavar="URI", help="Base URI for minted IRIs. Default: $KG_BASE_URI.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL gate (not recommended).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes that read, extract and validate records while this process "
    f"writes them in order. Default: the number of CPUs, at most {MAX_INGEST_JOBS}. "
    "The result is the same for every N.",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    store: str | None,
    base: str | None,
    no_validate: bool,
    jobs: int | None,
) -> None:
    """Ingest files and folders: records (.txt) and RDF files (authorities).

    Prints one line per source. Exits 1 if any source was rejected; the others are
    still stored.
    """
    from kg.harvest import refresh_harvest
    from kg.ingest import ingest_paths
    from kg.validation import Validator

    settings = _settings(ctx, store=store, base_uri=base)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.ClickException(f"no such file or folder: {', '.join(missing)}")
    validator = None if no_validate else Validator()
    db = _open(settings, read_only=False)
    try:
        jobs = jobs or min(os.cpu_count() or 1, MAX_INGEST_JOBS)
        started = time.monotonic()
        reports = ingest_paths(paths, db, settings.base_uri, validator=validator, jobs=jobs)
        ingested = time.monotonic()
        refresh_harvest(db, settings)  # VoID statistics, dumps, sitemaps (issue 7)
        refreshed = time.monotonic()
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()
    _print_reports(reports, _timing(len(reports), ingested - started, refreshed - ingested, jobs))
    if any(not r.ok for r in reports):
        sys.exit(1)


def _timing(count: int, seconds: float, refresh: float, jobs: int) -> str:
    """The rate of an ingest and the time of its harvest refresh, for the report.

    >>> _timing(100, 4.0, 1.25, 2)
    'ingested 100 sources in 4.0 s (25.0/s, --jobs 2); VoID, dumps and sitemaps in 1.2 s'
    """
    rate = count / seconds if seconds > 0 else float("inf")
    return (
        f"ingested {count} sources in {seconds:.1f} s ({rate:.1f}/s, --jobs {jobs}); "
        f"VoID, dumps and sitemaps in {refresh:.1f} s"
    )


def _print_reports(reports: list, timing: str = "") -> None:  # type: ignore[type-arg]
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.ok:
            click.echo(f"{r.status}: {r.path} ({r.quads} quads)")
        else:
            click.echo(f"rejected: {r.message}", err=True)
        for line in r.violations:
            click.echo(f"  {line}", err=True)
        for line in r.warnings:
            click.echo(f"  {line}")
        if r.unreconciled:
            click.echo(f"  unreconciled names: {', '.join(r.unreconciled)}")
    if timing:
        click.echo(timing)
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--base", metavar="URI", help="Base URI for minted IRIs.")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], base: str | None) -> None:
    """Validate sources against the SHACL shapes. Nothing is stored. Exits 1 on a violation."""
    from kg.ingest import ingest_paths
    from kg.validation import Validator

    settings = _settings(ctx, base_uri=base)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.ClickException(f"no such file or folder: {', '.join(missing)}")
    validator = Validator()
    reports = ingest_paths(paths, None, settings.base_uri, validator=validator)
    _print_reports(reports)
    if any(not r.ok for r in reports):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction contract as JSON.")
@click.option("--base", metavar="URI", help="Base URI for entity IRIs in the output.")
@click.pass_context
def extract(ctx: click.Context, file: Path, as_json: bool, base: str | None) -> None:
    """Show what the extractor finds in one record, without storing anything."""
    from kg.extraction import extract as run_extract
    from kg.ingest import authority_context, authority_index
    from kg.readers import read_source

    settings = _settings(ctx, base_uri=base)
    try:
        record = read_source(file)
        context = authority_context([DATA_DIR], settings.base_uri)
        extraction = run_extract(record, authority_index(context, settings.base_uri))
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    data = extraction.to_json(settings.base_uri)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key}: {json.dumps(value, ensure_ascii=False)}")


@main.command("parse-citation")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the parsed citation as JSON.")
def parse_citation_cmd(text: str, as_json: bool) -> None:
    """Parse one archival citation string."""
    from kg.extraction.citations import parse_citation

    try:
        citation = parse_citation(text)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    data = citation.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key}: {json.dumps(value, ensure_ascii=False)}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--graph", "graph", required=True, metavar="IRI", help="Named graph to replace.")
@_store_option
@click.option("--base", metavar="URI", help="Base for relative IRIs in the file.")
@click.pass_context
def load(ctx: click.Context, file: Path, graph: str, store: str | None, base: str | None) -> None:
    """Load an RDF file into a named graph, replacing that graph."""
    from kg.ingest import write_source
    from kg.rdf_files import rdf_file_source

    settings = _settings(ctx, store=store, base_uri=base)
    if not graph.startswith(("http://", "https://", "urn:")):
        raise click.ClickException(f"--graph must be an absolute IRI, got {graph!r}")
    try:
        mapped = rdf_file_source(file, settings.base_uri, graph_name=graph)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    db = _open(settings, read_only=False)
    try:
        write_source(db, mapped)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()
    click.echo(f"loaded {file} into <{graph}>")


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Result format (json for SELECT/ASK and ttl for graphs by default).",
)
@_store_option
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str | None, store: str | None) -> None:
    """Run a SPARQL query (QUERY, or @FILE to read it from a file) against the store."""
    settings = _settings(ctx, store=store)
    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot read {query[1:]}: {exc.strerror}") from None
    db = _open(settings, read_only=True)
    try:
        result = db.query(query)
        chosen = fmt or ("ttl" if result.kind == "graph" else "json")
        graph_formats = {"ttl", "nt", "jsonld"}
        if (result.kind == "graph") != (chosen in graph_formats):
            raise click.ClickException(f"format {chosen} does not fit a {result.kind} result")
        sys.stdout.buffer.write(result.serialize(FORMATS[chosen]))
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "trig"]),
    default="nq",
    help="N-Quads (default) or TriG.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output.",
)
@_store_option
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, store: str | None) -> None:
    """Export the whole dataset (every named graph) as N-Quads or TriG."""
    settings = _settings(ctx, store=store)
    db = _open(settings, read_only=True)
    try:
        if output is None:
            db.export(sys.stdout.buffer, fmt)
        else:
            with output.open("wb") as out:
                db.export(out, fmt)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "trig"]),
    default=None,
    help="Dump format; by default from the suffix (.nq, .trig, optionally .gz).",
)
@_store_option
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, fmt: str | None, store: str | None) -> None:
    """Restore a dump made by 'kg export': every named graph in it replaces the store's
    graph of the same name, in one atomic write."""
    from kg.backup import read_dump

    settings = _settings(ctx, store=store)
    try:
        dataset = read_dump(file, fmt)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    db = _open(settings, read_only=False)
    try:
        graphs = sorted({str(g) for _, _, _, g in dataset.quads((None, None, None, None))})
        db.replace_graphs(graphs, dataset)
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()
    click.echo(f"imported {len(graphs)} graphs from {file}")


@main.command()
@_store_option
@click.pass_context
def stats(ctx: click.Context, store: str | None) -> None:
    """Print counts: quads, graphs, and entities per class."""
    settings = _settings(ctx, store=store)
    db = _open(settings, read_only=True)
    try:
        click.echo(f"quads: {db.count_quads()}")
        click.echo(f"graphs: {len(db.graphs())}")
        rows = db.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)"
        )
        for row in rows:
            click.echo(f"{row['n']:>8}  {row['c']}")
    except KgError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.close()


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--base", metavar="URI", help="Base URI the data was minted under.")
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes. 1 serves with waitress; more run gunicorn, whose workers share "
    "the in-memory copy (forked from the master) or each open the store read-only.",
)
@click.option(
    "--serve-from",
    type=click.Choice(["auto", "memory", "disk"], case_sensitive=False),
    help="Answer from an in-memory copy of the store loaded at start, or from the disk "
    "store; auto picks memory when it fits the memory budget. Default: $KG_SERVE_FROM, "
    "then auto.",
)
@click.option(
    "--memory-budget-mb",
    type=click.IntRange(0),
    metavar="MB",
    help="Largest estimated in-memory copy that auto loads. Default: $KG_MEMORY_BUDGET_MB, "
    "then 2048.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    store: str | None,
    host: str,
    port: int,
    base: str | None,
    threads: int,
    workers: int,
    serve_from: str | None,
    memory_budget_mb: int | None,
) -> None:
    """Serve the web app (SPARQL endpoint, entity pages) from an in-memory copy of the
    store or from the store itself, read-only."""
    from kg.web.server import serve as run_server

    settings = _settings(
        ctx,
        store=store,
        base_uri=base,
        serve_from=serve_from and serve_from.lower(),
        memory_budget_mb=memory_budget_mb,
    )
    click.echo(f"kg {__version__} loading {settings.store}")
    try:
        run_server(
            settings, host=host, port=port, workers=workers, threads=threads, echo=click.echo
        )
    except KgError as exc:  # a bad store or setting, before the server starts
        raise click.ClickException(exc.message) from None


if __name__ == "__main__":
    main()
