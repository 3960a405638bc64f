"""An in-memory copy of the on-disk Oxigraph store, for serving (DESIGN §11: in-memory
pyoxigraph answers the same queries 2-12x faster than RocksDB).

The on-disk store stays the durable copy, written only by ``kg ingest`` / ``kg load`` /
``kg import``; the copy is taken once when ``kg serve`` starts and never written back.

The copy is read by a short-lived child process (``python -m kg.store.memory DIR``)
that opens the store read-only, reports its quad count, and, when asked, streams it as
N-Quads (W3C RDF 1.1 N-Quads) into the serving process's ``Store.bulk_load``. The
serving process therefore never opens RocksDB, whose background threads would make it
unsafe to fork the query-worker zygote (:mod:`kg.sparql.zygote`) afterwards; the child
also keeps RocksDB's caches out of the serving process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store.oxigraph import OxigraphStore

#: Estimated bytes per quad of an in-memory pyoxigraph store. DESIGN §11 measured
#: ~320 B; the serving process measured 375 B on the 430k-quad benchmark store.
BYTES_PER_QUAD = 400


def estimated_mb(quads: int) -> float:
    """Estimated size in MB of an in-memory copy holding ``quads`` quads.

    >>> estimated_mb(2_621_440)
    1000.0
    """
    return quads * BYTES_PER_QUAD / (1 << 20)


class MemoryCopy:
    """The copy-in child, between its count and its dump."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not (self.path / "CURRENT").exists():
            raise StoreError(
                f"no store at {self.path}: run 'kg ingest data --store {self.path}' first"
            )
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "kg.store.memory", str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self._proc.stdout is not None and self._proc.stdin is not None
        try:
            header = json.loads(self._proc.stdout.readline() or b"{}")
        except ValueError:
            header = {}
        if "quads" not in header:
            self.cancel()
            raise StoreError(
                f"cannot read the store at {self.path}: {header.get('message', 'no answer')}"
            )
        #: Quads in the store (counted by the child; 0.25 s for 430k quads).
        self.quads: int = int(header["quads"])

    def load(self) -> OxigraphStore:
        """Stream the whole store into a new in-memory store, marked read-only."""
        assert self._proc.stdout is not None and self._proc.stdin is not None
        self._proc.stdin.write(b"dump\n")
        self._proc.stdin.close()
        store = OxigraphStore(None)
        try:
            store.raw.bulk_load(self._proc.stdout, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            self.cancel()
            raise StoreError(f"cannot copy the store at {self.path} into memory: {exc}") from None
        finally:
            self._proc.stdout.close()
        if self._proc.wait() != 0 or len(store.raw) != self.quads:
            raise StoreError(
                f"cannot copy the store at {self.path} into memory: the copy is incomplete"
            )
        store.read_only = True
        return store

    def cancel(self) -> None:
        """End the child without copying."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                pipe.close()


def copy_into_memory(path: str | Path) -> tuple[OxigraphStore, float]:
    """A read-only in-memory copy of the on-disk store at ``path``, and the seconds taken."""
    started = time.monotonic()
    store = MemoryCopy(path).load()
    return store, time.monotonic() - started


def _child(path: str) -> int:
    """Report the quad count on stdout, then dump N-Quads if stdin says ``dump``."""
    out = sys.stdout.buffer
    try:
        store = ox.Store.read_only(path)
        quads = len(store)
    except (OSError, RuntimeError) as exc:
        out.write(json.dumps({"message": str(exc)}).encode() + b"\n")
        return 1
    out.write(json.dumps({"quads": quads}).encode() + b"\n")
    out.flush()
    if sys.stdin.buffer.readline().strip() != b"dump":
        return 0
    try:
        store.dump(out, format=ox.RdfFormat.N_QUADS)
        out.flush()
    except (OSError, RuntimeError):  # the reader went away
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
