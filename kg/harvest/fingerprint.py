"""A fingerprint of the store's data, to tell whether anything changed since the last
ingest (so that an unchanged store keeps its ``dcterms:modified`` and its dumps).

It is an order-independent hash of the N-Quads lines: the sum, modulo 2**256, of each
line's SHA-256, plus the number of lines. It streams the export, holding one chunk at a
time, and does not depend on the order in which a backend writes quads.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from kg.store.base import Store

_MOD = 1 << 256


class QuadHasher:
    """A binary writer that hashes N-Quads lines, skipping those of one graph.

    >>> h = QuadHasher(skip_graph="http://x/meta")
    >>> _ = h.write(b'<a:s> <a:p> "o" <a:g> .\\n<a:s> <a:p> "o" <http://x/meta> .\\n')
    >>> h.lines
    1
    >>> other = QuadHasher()
    >>> _ = other.write(b'<a:s> <a:p> "o" <a:g> .\\n')
    >>> h.hexdigest() == other.hexdigest()
    True
    """

    def __init__(self, skip_graph: str | None = None, sink: BinaryIO | None = None) -> None:
        self._skip = f" <{skip_graph}> .".encode() if skip_graph else None
        self._sink = sink
        self._tail = b""
        self._sum = 0
        self.lines = 0

    def write(self, data: bytes) -> int:
        """Take a chunk of N-Quads (and pass the lines it hashes on to the sink)."""
        chunk = self._tail + bytes(data)
        *lines, self._tail = chunk.split(b"\n")
        kept = [line for line in lines if self._add(line)]
        if self._sink is not None and kept:
            self._sink.write(b"\n".join(kept) + b"\n")
        return len(data)

    def flush(self) -> None:
        """Nothing to flush (the writer protocol asks for it)."""

    def _add(self, line: bytes) -> bool:
        line = line.rstrip(b"\r")
        if not line or line.startswith(b"#") or (self._skip and line.endswith(self._skip)):
            return False
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MOD
        self.lines += 1
        return True

    def hexdigest(self) -> str:
        """The fingerprint: ``{lines}:{sum as hex}``."""
        if self._tail:
            if self._add(self._tail) and self._sink is not None:
                self._sink.write(self._tail + b"\n")
            self._tail = b""
        return f"{self.lines}:{self._sum:064x}"


def data_fingerprint(store: Store, skip_graph: str, sink: BinaryIO | None = None) -> str:
    """The fingerprint of every quad in the store outside ``skip_graph``; those quads are
    also written to ``sink`` as N-Quads (the dump, in the same read of the store)."""
    hasher = QuadHasher(skip_graph, sink)
    store.export(hasher, "nq")  # type: ignore[arg-type]
    return "quads:" + hasher.hexdigest()
