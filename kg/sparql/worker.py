"""A query worker process: opens the store read-only and answers queries over a pipe.

pyoxigraph's ``Store.query`` has no timeout and cannot be cancelled (DESIGN §11); the
only way to stop a runaway query is to end the process running it. The web process
keeps a pool of these workers (:mod:`kg.sparql.executor`) and kills one at the deadline.

Protocol, over two pipes given as file descriptors (``multiprocessing.connection``
framing): the worker first sends ``{"ready": true}``; then for each request
``{"query", "base_iri", "default_graphs", "named_graphs", "media_type", "max_rows"}``
it sends a JSON header ``{"ok": true, "rows": n}`` followed by the serialised result, or a header
``{"ok": false, "error": kind, "message": text}`` followed by an empty payload.

Run as ``python -m kg.sparql.worker STORE_DIR READ_FD WRITE_FD``. When the web process
serves from an in-memory copy, workers are forked instead (:mod:`kg.sparql.zygote`) and
run the same loop, :func:`answer_requests`, over the copy they share.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.sparql.results import TooManyRows, UnsupportedFormat, serialize_capped
from kg.sparql.safety import declares_dataset


def _dataset_kwargs(
    default_graphs: list[str], named_graphs: list[str], query: str = ""
) -> dict[str, Any]:
    """Protocol dataset (SPARQL 1.1 Protocol §2.1.4) as pyoxigraph arguments; without one
    (and without FROM in the query), the default graph is the union of the named graphs."""
    if not default_graphs and not named_graphs:
        return {} if declares_dataset(query) else {"use_default_graph_as_union": True}
    kwargs: dict[str, Any] = {"default_graph": [ox.NamedNode(g) for g in default_graphs]}
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return kwargs


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one request; return the header and the payload.

    >>> store = ox.Store()
    >>> answer(store, {"query": "ASK {}", "media_type": "text/turtle", "max_rows": 1})[0]
    {'ok': False, 'error': 'format', 'message': 'cannot write a ask result as text/turtle'}
    >>> answer(store, {"query": "ASK {", "media_type": "text/csv", "max_rows": 1})[0]["error"]
    'syntax'
    """
    try:
        kwargs = _dataset_kwargs(
            request.get("default_graphs", []), request.get("named_graphs", []), request["query"]
        )
        result = store.query(request["query"], base_iri=request.get("base_iri"), **kwargs)
        body, rows = serialize_capped(result, request["media_type"], request["max_rows"])
    except SyntaxError as exc:
        return {"ok": False, "error": "syntax", "message": f"SPARQL syntax error: {exc}"}, b""
    except TooManyRows as exc:
        return {"ok": False, "error": "too_large", "message": str(exc.max_rows)}, b""
    except UnsupportedFormat as exc:
        return {"ok": False, "error": "format", "message": str(exc)}, b""
    except OSError as exc:
        return {"ok": False, "error": "store", "message": str(exc)}, b""
    except RuntimeError as exc:  # RocksDB: files replaced under a read-only handle
        if "Corruption" in str(exc) or "IO error" in str(exc):
            return {"ok": False, "error": "store", "message": str(exc)}, b""
        return {"ok": False, "error": "query", "message": f"query failed: {exc}"}, b""
    except (ValueError, TypeError) as exc:
        return {"ok": False, "error": "query", "message": f"query failed: {exc}"}, b""
    return {"ok": True, "rows": rows}, body


def exit_with_parent(parent: int) -> None:
    """End this worker when its parent (the web process, or the zygote that forked it)
    is gone (checked every half second)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def serve(store_dir: str, read_fd: int, write_fd: int) -> None:
    """Open the store read-only and answer requests until the pipe closes."""
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    for attempt in range(5):  # a writer may be replacing files at this very moment
        try:
            store = ox.Store.read_only(store_dir)
            break
        except (OSError, RuntimeError) as exc:
            if attempt == 4:
                outbox.send_bytes(json.dumps({"ready": False, "message": str(exc)}).encode())
                return
            time.sleep(0.2)
    outbox.send_bytes(b'{"ready": true}')
    answer_requests(store, inbox, outbox)


def answer_requests(store: ox.Store, inbox: Connection, outbox: Connection) -> None:
    """Answer requests from ``inbox`` on ``outbox`` until the channel closes (the loop of
    every worker, spawned or forked by :mod:`kg.sparql.zygote`)."""
    while True:
        try:
            request = json.loads(inbox.recv_bytes())
        except (EOFError, OSError):
            return
        header, payload = answer(store, request)
        outbox.send_bytes(json.dumps(header).encode())
        outbox.send_bytes(payload)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
