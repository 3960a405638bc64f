"""The record: what a reader makes of one source file, before any interpretation.

Records are frozen, hold no RDF, and are the only input of extraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """One archival record as read from a source file.

    ``text`` is the reference text of the document (header, body and closing block as
    printed, without the archive's catalogue apparatus). Every text span that extraction
    reports, and every Web Annotation selector, is an offset into ``text``.
    """

    source_id: str
    """Stable identifier of the source, derived from its file name (``000_433681a86fbd4be3``)."""
    path: str
    """The path the record was read from, as given."""
    checksum: str
    """``sha256:<hex>`` of the raw bytes of the source file."""
    media_type: str
    """``text/plain``, ``application/x-research-info-systems`` or ``application/json``."""
    text: str = ""
    title: str | None = None
    date: str | None = None
    """The document's date as printed (``September 23, 1956``), unparsed."""
    header: tuple[tuple[str, str], ...] = ()
    """Header lines of the form ``Key: value`` (``Present``, ``Location``, ``To``, ...)."""
    summary: str | None = None
    """The archive's catalogue summary: the archive's words, not the document's."""
    citation: str | None = None
    """The archival citation line, raw (``GARF, Fond 5446, ... Translated by ...``)."""
    rights: str | None = None
    record_id: str | None = None
    uploaded: str | None = None
    language: str | None = None
    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    url: str | None = None
    curated: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)
    """For curated JSON records: the curated facts, already in the extraction contract."""
