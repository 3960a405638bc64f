"""Reader for archive page text (the layout of the Wilson Center Digital Archive pages).

The layout, top to bottom: a date line, a title, the document (header block, body,
closing block), the archive's catalogue summary, "Document Information" with the
citation, rights text, and empty "Original Uploaded Date" / "Record ID" fields.
Any part may be missing; the reader never assumes the seed's exact shape.
"""

from __future__ import annotations

import re

from kg.errors import ReaderError
from kg.records import Record

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_LINE = re.compile(
    rf"^\s*(?:(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}"
    rf"|(?:{_MONTHS})\s+\d{{4}}|\d{{4}}(?:-\d{{2}}(?:-\d{{2}})?)?)\s*$",
    re.IGNORECASE,
)
_BOILERPLATE = {"skip to content"}
_DOC_INFO = re.compile(r"^\s*Document Information\s*$", re.IGNORECASE | re.MULTILINE)
_TRAILER_FIELD = re.compile(r"^\s*(Original Uploaded Date|Record ID)\s*:?\s*(.*)$", re.IGNORECASE)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _split_trailer(rest: str) -> tuple[str, str | None, str | None, str | None, str | None]:
    """Split off the catalogue apparatus: returns (document part, summary, citation,
    rights, record id)."""
    m = _DOC_INFO.search(rest)
    if not m:
        return rest, None, None, None, None
    before, after = rest[: m.start()], rest[m.end() :]
    paras = _paragraphs(before)
    summary = None
    if len(paras) >= 2:
        summary = paras[-1]
        cut = before.rstrip().rfind(summary)
        before = before[:cut]
    tail = _paragraphs(after)
    citation = None
    rights_parts: list[str] = []
    record_id = None
    for i, para in enumerate(tail):
        field = _TRAILER_FIELD.match(para)
        if field:
            if field.group(1).lower() == "record id" and field.group(2).strip():
                record_id = field.group(2).strip()
            continue
        if i == 0:
            citation = " ".join(para.split())
        else:
            rights_parts.append(para)
    rights = "\n\n".join(rights_parts) or None
    return before, summary, citation, rights, record_id


def read_text_record(text: str, *, source_id: str, path: str, checksum: str) -> Record:
    """Read archive page text into a :class:`Record`.

    >>> r = read_text_record("May 1, 1957\\n\\nA Title\\n\\nBody text here.",
    ...                      source_id="x", path="x.txt", checksum="sha256:0")
    >>> (r.date, r.title, r.text)
    ('May 1, 1957', 'A Title', 'Body text here.')
    """
    lines = text.split("\n")
    # Drop site boilerplate before the record proper.
    while lines and (not lines[0].strip() or lines[0].strip().lower() in _BOILERPLATE):
        lines.pop(0)
    date = None
    if lines and DATE_LINE.match(lines[0]):
        date = lines.pop(0).strip()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ReaderError(f"{path}: the record has no title or text (truncated?)")
    title = " ".join(lines.pop(0).split())
    rest = "\n".join(lines)
    document, summary, citation, rights, record_id = _split_trailer(rest)
    body = document.strip("\n").strip()
    if not body:
        raise ReaderError(f"{path}: the record has a title but no document text (truncated?)")
    header = tuple(
        (m.group(1).strip(), m.group(2).strip())
        for m in re.finditer(r"^([A-Z][A-Za-z ]{1,30}):[ \t]+(\S.*)$", body, re.MULTILINE)
    )
    return Record(
        source_id=source_id,
        path=path,
        checksum=checksum,
        media_type="text/plain",
        text=body,
        title=title,
        date=date,
        header=header,
        summary=summary,
        citation=citation,
        rights=rights,
        record_id=record_id,
    )
