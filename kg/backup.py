"""Reading dumps made by ``kg export`` (N-Quads or TriG, optionally gzipped) for restore."""

from __future__ import annotations

import gzip
from pathlib import Path

from rdflib import Dataset

from kg.errors import ReaderError

_FORMATS = {"nq": "nquads", "trig": "trig"}


def dump_format(path: Path) -> str:
    """The dump format named by a file's suffixes.

    >>> dump_format(Path("kg.nq.gz")), dump_format(Path("backup.trig"))
    ('nq', 'trig')
    """
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    last = suffixes[-1].lstrip(".") if suffixes else ""
    if last in {"nq", "nquads"}:
        return "nq"
    if last == "trig":
        return "trig"
    raise ReaderError(f"{path}: cannot tell the dump format; use --format nq or trig")


def read_dump(path: Path, fmt: str | None = None) -> Dataset:
    """Parse a dump into an rdflib Dataset, with a one-line error on broken input."""
    fmt = fmt or dump_format(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise ReaderError(f"{path}: cannot read the dump ({exc})") from None
    ds = Dataset()
    try:
        ds.parse(data=raw, format=_FORMATS[fmt])
    except Exception as exc:  # rdflib's parsers raise assorted types on broken input
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ReaderError(f"{path}: not a valid {fmt} dump: {first}") from None
    return ds
