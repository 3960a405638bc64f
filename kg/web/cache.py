"""A bounded in-process cache of rendered GET responses.

The data a ``kg serve`` process answers from does not change while it runs: an
in-memory copy is taken once at start, and a read-only Oxigraph handle sees the snapshot
of the moment it was opened (DESIGN §11; ``docs/deployment.md``: a re-ingested store is
served after a restart or a gunicorn HUP/USR2, which starts with an empty cache). A
successful GET response is therefore a function of the request alone, and is kept:

- the key is the path with its query string, plus the request headers that the
  response's ``Vary`` names (RFC 9111 §4.1): every negotiated route sends
  ``Vary: Accept``, so ``/sparql`` is kept per ``Accept``, while ``/page/…`` and
  ``/data/….ttl`` are one entry whatever ``Accept`` a client sends;
- only 200 responses with a body in memory are kept, at most a 16th of the budget each;
  errors, redirects, streamed files (``/dumps/``, front-end assets) and conditional or
  authorised requests go straight to the app;
- least recently used entries go first once ``KG_RESPONSE_CACHE_MB`` is reached;
- a successful ``/update`` clears the cache of its process (:func:`clear`);
- over a remote SPARQL store there is no cache: other writers change it at any time.

>>> cache = ResponseCache(max_bytes=100)
>>> cache.put(("/a", ()), 200, [("Content-Type", "text/plain")], b"x" * 6)
True
>>> cache.get(("/a", ())) is not None, cache.get(("/b", ())) is None
(True, True)
>>> cache.put(("/big", ()), 200, [], b"x" * 7)  # over a 16th of the budget
False
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

#: Paths never cached: files with their own conditional handling, and writes.
SKIP_PREFIXES = ("/dumps/", "/assets/", "/static/", "/update")
#: Request headers that make a response depend on more than the key.
SKIP_HEADERS = ("If-None-Match", "If-Modified-Since", "If-Match", "If-Range", "Authorization")

#: The path with its query string, and the values of the request headers named by Vary.
Key = tuple[str, tuple[str, ...]]
#: Most paths whose Vary header names are remembered (then the memory starts afresh).
MAX_VARY_PATHS = 100_000


@dataclass(frozen=True)
class Entry:
    """One stored response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class ResponseCache:
    """Least-recently-used responses up to ``max_bytes`` of bodies; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_item = max_bytes // 16
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._vary: dict[str, tuple[str, ...]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Entry | None:
        """The stored response for ``key``, now the most recently used, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Key, status: int, headers: list[tuple[str, str]], body: bytes) -> bool:
        """Keep a response unless it is over a 16th of the budget; True when kept."""
        if len(body) > self.max_item:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = Entry(status, headers, body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)
        return True

    def vary(self, path: str) -> tuple[str, ...]:
        """The request headers the responses for ``path`` vary on (none known: ``()``)."""
        return self._vary.get(path, ())

    def set_vary(self, path: str, names: tuple[str, ...]) -> None:
        """Remember the request headers the responses for ``path`` vary on."""
        with self._lock:
            if len(self._vary) >= MAX_VARY_PATHS:
                self._vary.clear()
            self._vary[path] = names

    def clear(self) -> None:
        """Forget every response (the data changed)."""
        with self._lock:
            self._entries.clear()
            self._vary.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def _cacheable() -> bool:
    """Whether the current request may be answered from, or kept in, the cache."""
    if request.method != "GET" or request.path.startswith(SKIP_PREFIXES):
        return False
    return not any(name in request.headers for name in SKIP_HEADERS)


def _key(names: tuple[str, ...]) -> Key:
    """The current request's key, with the values of the request headers ``names``."""
    return request.full_path, tuple(request.headers.get(name, "") for name in names)


def _lookup() -> Response | None:
    if not _cacheable():
        return None
    g.kg_cacheable = True
    cache: ResponseCache = current_app.extensions["kg.cache"]
    entry = cache.get(_key(cache.vary(request.full_path)))
    if entry is None:
        return None
    g.kg_cache_hit = True
    return Response(entry.body, status=entry.status, headers=entry.headers)


def _store(resp: Response) -> Response:
    if not g.get("kg_cacheable") or g.get("kg_cache_hit") or resp.status_code != 200:
        return resp
    if resp.direct_passthrough or resp.is_streamed:
        return resp
    names = tuple(sorted({v.strip().title() for v in resp.vary if v.strip()}))
    if "*" in names:  # varies on something outside the request (RFC 9110 §12.5.5)
        return resp
    cache: ResponseCache = current_app.extensions["kg.cache"]
    cache.set_vary(request.full_path, names)
    cache.put(_key(names), resp.status_code, list(resp.headers.items()), resp.get_data())
    return resp


def clear() -> None:
    """Forget the current app's cached responses (after a write to the store)."""
    cache = current_app.extensions.get("kg.cache")
    if cache is not None:
        cache.clear()


def init_app(app: Flask, max_mb: float) -> None:
    """Cache the app's responses in ``max_mb`` MB (0: no cache). Register it before the
    other ``after_request`` hooks, so that it runs last and keeps their headers."""
    if max_mb <= 0:
        return
    app.extensions["kg.cache"] = ResponseCache(int(max_mb * (1 << 20)))
    app.before_request(_lookup)
    app.after_request(_store)
