"""Parallel ingest: worker processes read, extract, map and validate record sources; the
calling process stays the only writer and writes them in file order.

Each worker is started once (``forkserver``, or ``spawn`` where there is none: never a
``fork`` of a process that holds the store) and rebuilds the authority index and the
SHACL validator from what the parent sends it. Work goes out in chunks of files and comes
back in the same order, at most a few chunks ahead of the writer, so memory stays bounded
and the store ends up exactly as after an ingest in one process: same reports, same
quads (the provenance times aside).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from kg import __version__
from kg.errors import KgError, ValidationFailed
from kg.mapping import MappedSource
from kg.namespaces import CWA
from kg.store.base import Store

#: Chunks of work queued per worker ahead of the writer.
AHEAD = 2

#: How often a worker checks that the ingest process is still there.
WATCH_SECONDS = 0.5


@dataclass(frozen=True)
class Judged:
    """One source as a worker leaves it: rejected (``report``), passed (``nquads`` to
    write), or ``skipped`` because the store held it unchanged when the pool started."""

    path: Path
    report: object | None = None  # a SourceReport (kept untyped: no import cycle)
    mapped: MappedSource | None = None
    """The mapped source without its quads (they travel as ``nquads``)."""
    unreconciled: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    nquads: bytes = b""
    quads: int = 0
    skipped: bool = False


def stored_checksums(store: Store) -> frozenset[tuple[str, str]]:
    """(provenance graph, checksum) of every source the store holds from this version of
    kg: the sources :func:`kg.ingest.is_unchanged` would skip."""
    rows = store.select(
        f"""SELECT ?prov ?sum WHERE {{ GRAPH ?prov {{
        ?g <{CWA.softwareVersion}> {Literal(__version__).n3()} ; <{CWA.sourceFile}> ?f .
        ?f <{DCTERMS.identifier}> ?sum }} }}"""
    )
    return frozenset((str(r["prov"]), str(r["sum"])) for r in rows if "sum" in r)


# --- the worker side ------------------------------------------------------------------

_STATE: dict[str, object] = {}


def _gone(pid: int) -> bool:
    """True when process ``pid`` has ended (or is a zombie waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[-1].split()[:1] == [b"Z"]


def _watch(parent: int) -> None:
    """End this worker when the ingest process is gone: a ``SIGKILL`` of ``kg ingest``
    must not leave its workers (and through them the fork server) behind."""
    while not _gone(parent):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _init(
    parent: int, base: str, context_nt: bytes, validate: bool, skip: frozenset[tuple[str, str]]
) -> None:
    from kg.ingest import authority_index
    from kg.validation import Validator

    threading.Thread(target=_watch, args=(parent,), name="kg-parent-watch", daemon=True).start()

    context = Graph()
    if context_nt:
        context.parse(data=context_nt, format="nt")
    _STATE.update(
        base=base,
        context=context,
        index=authority_index(context, base),
        validator=Validator() if validate else None,
        skip=skip,
    )


def _judge_chunk(paths: Sequence[str]) -> list[Judged]:
    """Prepare and validate a chunk of files (one pyshacl pass for the chunk)."""
    from kg.ingest import PreparedSource, prepare_source, quad_count
    from kg.validation import check

    base, index, validator = _STATE["base"], _STATE["index"], _STATE["validator"]
    context, skip = _STATE["context"], _STATE["skip"]
    out: list[Judged | None] = []
    todo: list[tuple[int, PreparedSource]] = []
    for path in map(Path, paths):
        prepared = prepare_source(path, base, index)  # type: ignore[arg-type]
        if not isinstance(prepared, PreparedSource):
            out.append(Judged(path, report=prepared))
            continue
        mapped = prepared.mapped
        if (mapped.provenance_graph, mapped.checksum) in skip:  # type: ignore[operator]
            out.append(
                Judged(
                    path,
                    None,
                    _light(mapped),
                    prepared.unreconciled,
                    (),
                    b"",
                    quad_count(mapped),
                    True,
                )
            )
            continue
        todo.append((len(out), prepared))
        out.append(None)
    reports = (
        validator.validate_many([(p.mapped, str(p.path)) for _, p in todo], context)  # type: ignore[attr-defined]
        if validator is not None and todo
        else [None] * len(todo)
    )
    for (i, prepared), report in zip(todo, reports, strict=True):
        try:
            warnings = check(report) if report is not None else ()
        except ValidationFailed as exc:
            from kg.ingest import _rejected

            out[i] = Judged(prepared.path, report=_rejected(prepared.path, exc))
            continue
        mapped = prepared.mapped
        out[i] = Judged(
            prepared.path,
            None,
            _light(mapped),
            prepared.unreconciled,
            tuple(warnings),
            mapped.nquads,
            quad_count(mapped),
        )
    return [j for j in out if j is not None]


def _light(mapped: MappedSource) -> MappedSource:
    return replace(mapped, data=None, quads=())


# --- the parent side ------------------------------------------------------------------


def judged_sources(
    paths: Sequence[Path],
    base: str,
    context: Graph,
    *,
    validate: bool,
    skip: frozenset[tuple[str, str]],
    jobs: int,
    chunk: int,
) -> Iterator[Judged]:
    """Judge ``paths`` in ``jobs`` worker processes; yield the results in file order."""
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    context_nt = context.serialize(format="nt", encoding="utf-8") if len(context) else b""
    chunks = [[str(p) for p in paths[i : i + chunk]] for i in range(0, len(paths), chunk)]
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)),
        mp_context=mp,
        initializer=_init,
        initargs=(os.getpid(), base, context_nt, validate, skip),
    )
    pending: deque[Future[list[Judged]]] = deque()
    try:
        todo = iter(chunks)
        for item in todo:
            pending.append(pool.submit(_judge_chunk, item))
            if len(pending) >= AHEAD * jobs:
                break
        while pending:
            done = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_judge_chunk, nxt))
            yield from done
    except BrokenProcessPool:
        raise KgError("an ingest worker process died; nothing of its sources was written") from None
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def parse_nquads(data: bytes) -> list[ox.Quad]:
    """The quads a worker sent."""
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
