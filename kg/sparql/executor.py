"""Run SPARQL queries under a deadline that really stops the work.

pyoxigraph cannot cancel a query, and SIGALRM only fires after it returns (DESIGN §11).
:class:`ProcessExecutor` therefore keeps a pool of warm worker processes
(:mod:`kg.sparql.worker`), each with its own read-only handle on the store. A query is
sent to an idle worker; if no answer arrives by the deadline the worker is killed, a
replacement is started in the background, and the caller gets :class:`QueryTimeout`
(503) naming the limit. Other requests keep being answered by the other workers.

When the web process serves from an in-memory copy (``KG_SERVE_FROM``),
:class:`ZygoteExecutor` keeps the same pool, but its workers are forked from a zygote
process that shares the copy (:mod:`kg.sparql.zygote`). Other in-memory Oxigraph stores
(tests, doctests) and stores that enforce time themselves (a remote SPARQL server, given
``timeout=``) use :class:`InlineExecutor`.
"""

from __future__ import annotations

import atexit
import csv
import io
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import KgError, QueryError, QueryTimeout, ResultTooLarge, StoreError
from kg.sparql.worker import answer
from kg.sparql.zygote import ForkedChannel, Zygote
from kg.store.base import QueryDataset, Store
from kg.store.oxigraph import OxigraphStore

log = logging.getLogger("kg.sparql")

#: Seconds a new worker may take to open the store and say it is ready.
WORKER_START_TIMEOUT = 60.0


class WorkerFailed(KgError):
    """A worker process ended while running a query (crash, out of memory)."""

    status = 503


def too_large(max_rows: int) -> ResultTooLarge:
    """The error for a result over the row cap (names the setting)."""
    return ResultTooLarge(
        f"the result has more than {max_rows} rows or triples (limit KG_MAX_RESULT_ROWS); "
        "add LIMIT or narrow the query"
    )


def timed_out(seconds: float) -> QueryTimeout:
    """The error for a query stopped at the deadline (names the setting)."""
    return QueryTimeout(
        f"the query ran longer than the {seconds:g} s limit (KG_QUERY_TIMEOUT) and was stopped"
    )


class StoreUnreadable(KgError):
    """The store could not be read (its files changed under a read-only handle)."""

    status = 503


def _raise_for(header: dict[str, Any], max_rows: int) -> None:
    """Turn a worker's error header into our exception."""
    kind, message = header.get("error"), str(header.get("message", ""))
    if kind == "too_large":
        raise too_large(max_rows)
    if kind == "store":
        log.error("store failure in a query worker: %s", message)
        raise StoreUnreadable("the store could not be read just now (it may be changing); retry")
    if kind == "format":
        raise KgError(message)
    raise QueryError(message)


class Executor(ABC):
    """Runs a query and returns its result serialised as the negotiated media type."""

    timeout: float
    max_rows: int

    @abstractmethod
    def run(
        self, query: str, dataset: QueryDataset, media_type: str, base_iri: str | None = None
    ) -> bytes:
        """Answer ``query`` as ``media_type`` within the time and row limits; relative
        IRIs in the query resolve against ``base_iri`` (the endpoint's URL)."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold off opening new read-only handles while another handle writes the store."""
        yield

    def refresh(self) -> None:  # noqa: B027 - optional hook
        """Forget any snapshot of the store (called after a write through ``/update``)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release worker processes."""


def _request(
    query: str, dataset: QueryDataset, media_type: str, max_rows: int, base_iri: str | None
) -> dict[str, Any]:
    return {
        "query": query,
        "base_iri": base_iri,
        "default_graphs": list(dataset.default_graph_uris),
        "named_graphs": list(dataset.named_graph_uris),
        "media_type": media_type,
        "max_rows": max_rows,
    }


class InlineExecutor(Executor):
    """Run in the calling thread: in-memory Oxigraph stores and remote stores."""

    def __init__(self, store: Store, *, timeout: float, max_rows: int) -> None:
        self.store, self.timeout, self.max_rows = store, timeout, max_rows

    def run(
        self, query: str, dataset: QueryDataset, media_type: str, base_iri: str | None = None
    ) -> bytes:
        """Oxigraph in memory: the worker's own code, in this thread (no deadline).
        Other stores: their own ``query(timeout=...)``, then the row cap on the result."""
        if isinstance(self.store, OxigraphStore):
            header, body = answer(
                self.store.raw, _request(query, dataset, media_type, self.max_rows, base_iri)
            )
            if not header["ok"]:
                _raise_for(header, self.max_rows)
            return body
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        result = self.store.query(query, dataset=dataset, timeout=self.timeout)
        body = result.serialize(media_type)
        if _count(body, media_type) > self.max_rows:
            raise too_large(self.max_rows)
        return body


def _count(body: bytes, media_type: str) -> int:
    """Rows or triples in a serialised result (for stores we do not stream from).

    pyoxigraph refuses to parse CSV results (the format is lossy), so CSV rows are
    counted by Python's csv reader, less the header.

    >>> _count(b'x\\r\\n"a\\nb"\\r\\n2\\r\\n', "text/csv")
    2
    >>> _count(b'?x\\n1\\n', "text/tab-separated-values")
    1
    """
    if media_type == "text/csv":
        reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
        return max(sum(1 for _ in reader) - 1, 0)
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if results_format is not None:
        parsed = ox.parse_query_results(body, format=results_format)
        return sum(1 for _ in parsed) if isinstance(parsed, ox.QuerySolutions) else 1
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    return sum(1 for _ in ox.parse(body, format=rdf_format)) if rdf_format else 0


#: Every running worker, so that none outlives the web process (see :func:`_kill_all`).
_LIVE: set[_Worker] = set()


class _Deadline(Exception):
    """No answer by the deadline."""


class _Worker:
    """One worker process and its channel (two pipes to a spawned process, or one socket
    to a forked one)."""

    generation: int
    inbox: Connection
    outbox: Connection

    def _hello(self) -> None:
        _LIVE.add(self)
        try:
            hello = json.loads(self._receive(time.monotonic() + WORKER_START_TIMEOUT))
        except BaseException:
            self.kill()
            raise
        if not hello.get("ready"):
            self.kill()
            raise StoreError(f"a query worker could not open the store: {hello.get('message')}")

    def _receive(self, deadline: float) -> bytes:
        if not self.inbox.poll(max(deadline - time.monotonic(), 0)):
            raise _Deadline
        return self.inbox.recv_bytes()

    def call(self, request: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        """Send one request and wait for its answer until ``deadline`` (monotonic)."""
        self.outbox.send_bytes(json.dumps(request).encode("utf-8"))
        header = json.loads(self._receive(deadline))
        return header, self._receive(deadline)

    def kill(self) -> None:
        """End the process now and release its channel."""
        raise NotImplementedError


class _SpawnedWorker(_Worker):
    """A ``python -m kg.sparql.worker`` process with its own read-only store handle."""

    def __init__(self, store_dir: str, generation: int) -> None:
        self.generation = generation
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql.worker", store_dir, str(child_in), str(child_out)],
            pass_fds=(child_in, child_out),
            stdin=subprocess.DEVNULL,
            close_fds=True,
        )
        os.close(child_in)
        os.close(child_out)
        self.outbox = Connection(parent_out, readable=False)
        self.inbox = Connection(parent_in, writable=False)
        self._hello()

    def kill(self) -> None:
        """End the process now and release the pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not exit after SIGKILL", self.proc.pid)
        for conn in (self.inbox, self.outbox):
            conn.close()
        _LIVE.discard(self)


class _ForkedWorker(_Worker):
    """A worker forked by the zygote over the in-memory store (:mod:`kg.sparql.zygote`)."""

    def __init__(self, zygote: Zygote, generation: int) -> None:
        self.generation = generation
        self.channel = ForkedChannel(zygote, WORKER_START_TIMEOUT)
        self.inbox = self.outbox = self.channel.conn
        _LIVE.add(self)

    def kill(self) -> None:
        """SIGKILL the worker through its pidfd and release the channel."""
        if not self.channel.kill():
            log.error("a forked query worker did not exit after SIGKILL")
        _LIVE.discard(self)


_SHUTTING_DOWN = threading.Event()


def _kill_all() -> None:
    _SHUTTING_DOWN.set()
    for worker in list(_LIVE):
        worker.kill()


atexit.register(_kill_all)


class ProcessExecutor(Executor):
    """A pool of warm worker processes over an on-disk store.

    Workers start on demand: whenever no worker is idle (before or after a query takes
    one) another is started, up to ``workers``; they then stay warm. An app that is never
    queried starts none. The most recently used idle worker is taken first (its caches,
    and in memory mode its already copied pages, are the warmest).
    """

    def __init__(self, store_dir: str, *, workers: int, timeout: float, max_rows: int) -> None:
        self.store_dir, self.size = store_dir, max(1, workers)
        self.timeout, self.max_rows = timeout, max_rows
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._gate = threading.Lock()  # held while a worker opens the store, or a write runs
        self._count = 0  # workers running or starting
        self._closed = False
        self._generation = 0

    def _grow(self) -> None:
        """Start another worker if none is idle and the pool is not full."""
        with self._lock:
            if self._idle.empty() and self._count < self.size:
                self._count += 1
                self._replace()

    def _replace(self) -> None:
        """Start one worker in the background and add it to the idle pool when ready."""
        threading.Thread(target=self._spawn, args=(self._generation,), daemon=True).start()

    def _spawn(self, generation: int) -> None:
        try:
            with self._gate:
                worker: _Worker | None = self._start(generation)
        except Exception as exc:  # any failure to start is logged and reported to run()
            if _SHUTTING_DOWN.is_set():
                return
            log.error("could not start a query worker: %s", exc or type(exc).__name__)
            worker = None
        if self._closed and worker is not None:
            worker.kill()
            return
        self._idle.put(worker)

    def _start(self, generation: int) -> _Worker:
        """A new worker, ready to answer."""
        return _SpawnedWorker(self.store_dir, generation)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker whose state is unknown and start a replacement."""
        worker.kill()
        if not self._closed:
            self._replace()

    def _release(self, worker: _Worker) -> None:
        if self._closed or worker.generation != self._generation:
            worker.kill()
            if not self._closed:
                self._replace()
        else:
            self._idle.put(worker)

    def run(
        self, query: str, dataset: QueryDataset, media_type: str, base_iri: str | None = None
    ) -> bytes:
        """Send the query to an idle worker; kill and replace it at the deadline."""
        self._grow()
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"all {self.size} query workers (KG_QUERY_WORKERS) stayed busy for the "
                f"{self.timeout:g} s limit (KG_QUERY_TIMEOUT); try again later"
            ) from None
        if worker is None:
            self._replace()
            raise StoreError("a query worker could not be started")
        self._grow()  # keep a spare warming up while this one works
        request = _request(query, dataset, media_type, self.max_rows, base_iri)
        try:
            header, body = worker.call(request, deadline)
        except _Deadline:
            self._discard(worker)
            raise timed_out(self.timeout) from None
        except (EOFError, OSError, ValueError):
            self._discard(worker)
            raise WorkerFailed(
                "the query stopped its worker process (it may be too large or too deeply "
                "nested); simplify it"
            ) from None
        except BaseException:
            self._discard(worker)
            raise
        if header.get("error") == "store":  # this worker's handle is suspect
            self._discard(worker)
        else:
            self._release(worker)
        if not header.get("ok"):
            _raise_for(header, self.max_rows)
        return body

    @contextmanager
    def writing(self) -> Iterator[None]:
        """No worker opens the store while the caller writes it (RocksDB would see files
        that are being replaced)."""
        with self._gate:
            yield

    def refresh(self) -> None:
        """Replace every worker so the next queries see the store as it is now."""
        self._generation += 1
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.kill()
            self._replace()

    def close(self) -> None:
        """Kill the idle workers; busy ones are killed when they finish."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            if worker is not None:
                worker.kill()


class ZygoteExecutor(ProcessExecutor):
    """The worker pool over an in-memory store: workers are forked by a zygote that
    shares the store (:mod:`kg.sparql.zygote`), so they start in milliseconds and hold
    no copy of their own; a query past the deadline is stopped as with
    :class:`ProcessExecutor`.

    Create it while the process runs a single thread (before the server starts).
    """

    def __init__(
        self, store: OxigraphStore, *, workers: int, timeout: float, max_rows: int
    ) -> None:
        super().__init__("", workers=workers, timeout=timeout, max_rows=max_rows)
        self.zygote = Zygote(store.raw)

    def _start(self, generation: int) -> _Worker:
        return _ForkedWorker(self.zygote, generation)

    def close(self) -> None:
        """Kill the idle workers and let the zygote go."""
        super().close()
        self.zygote.close()


def make_executor(store: Store, settings: Settings) -> Executor:
    """Worker processes for an on-disk Oxigraph store; inline execution otherwise."""
    if isinstance(store, OxigraphStore) and store.path is not None:
        return ProcessExecutor(
            str(store.path),
            workers=settings.query_workers,
            timeout=settings.query_timeout,
            max_rows=settings.max_result_rows,
        )
    return InlineExecutor(store, timeout=settings.query_timeout, max_rows=settings.max_result_rows)
