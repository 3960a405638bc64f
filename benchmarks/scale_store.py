"""Scale a store made by ``kg ingest`` up by copying its records, for serving at sizes the
time box cannot ingest (issue 9 (e): 100k records).

    .venv/bin/python benchmarks/scale_store.py --store DIR --out DIR --copies 10

Every per-record resource (the document, its source graphs, meetings, participations,
resolutions, mentions, translations, archival records) is copied ``--copies`` times with
``x{k}-`` put in front of its slug; the shared authorities (persons, organizations,
places, archival units, RDF-file graphs) are kept once, so Zipf's heavy head gets
``--copies`` times heavier, as in a larger archive. The VoID graph is left out (it
describes the original). The result is written with pyoxigraph's bulk loader into a new
on-disk store, so it measures serving, not ingest: the ingest rate is measured by
``benchmarks/ingest.py``.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import pyoxigraph as ox

#: The path segments of per-record resources (kg/uris.py mints them under the base).
PER_RECORD = (
    "graph/doc",
    "id/document",
    "id/mention",
    "id/participation",
    "id/translation",
    "id/meeting",
    "id/resolution",
    "id/source",
    "id/record",
)


def rename_copy(text: bytes, base: str, k: int) -> bytes:
    """N-Quads ``text`` with every per-record IRI renamed for copy ``k``.

    >>> rename_copy(b"<http://h/id/document/a> <p> <http://h/id/person/b> <http://h/graph/doc/a> .",
    ...             "http://h/", 3).decode()
    '<http://h/id/document/x3-a> <p> <http://h/id/person/b> <http://h/graph/doc/x3-a> .'
    """
    kinds = b"|".join(re.escape(kind.encode()) for kind in PER_RECORD)
    pattern = re.compile(b"<(" + re.escape(base.encode()) + b"(?:" + kinds + b")/)")
    return pattern.sub(b"<\\g<1>x" + str(k).encode() + b"-", text)


def split_dump(source: ox.Store, base: str) -> tuple[bytes, bytes]:
    """The store as N-Quads: the per-record graphs, and the shared ones (no VoID graph)."""
    per_record = f"<{base}graph/doc/".encode()
    void = f"<{base}graph/meta/".encode()
    records: list[bytes] = []
    shared: list[bytes] = []
    dump = source.dump(format=ox.RdfFormat.N_QUADS)
    for line in dump.splitlines(keepends=True):
        graph_start = line.rfind(b" <", 0, len(line) - 3)
        graph = line[graph_start + 1 :]
        if graph.startswith(per_record):
            records.append(line)
        elif not graph.startswith(void):
            shared.append(line)
    return b"".join(records), b"".join(shared)


def main() -> None:
    """Write the scaled store and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--base", default="http://127.0.0.1:5000/")
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists")
    source = ox.Store.read_only(str(args.store))
    target = ox.Store(str(args.out))
    t = time.perf_counter()
    records, shared = split_dump(source, args.base)
    target.bulk_load(shared, format=ox.RdfFormat.N_QUADS)
    for k in range(args.copies):
        target.bulk_load(rename_copy(records, args.base, k), format=ox.RdfFormat.N_QUADS)
        print(
            f"copy {k + 1}/{args.copies} loaded after {time.perf_counter() - t:.0f} s", flush=True
        )
    target.flush()
    target.optimize()
    seconds = time.perf_counter() - t
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file()) / 2**30
    print(f"{len(target)} quads ({args.copies} copies) in {seconds:.0f} s; {size:.1f} GiB on disk")


if __name__ == "__main__":
    main()
