"""Reader for RIS, the archive's own export (TY, TI, DA, AB, AV, LA, KW, AU, UR).

RIS has no document text: a RIS record gives the catalogue's facts (title, date, summary,
archive location, language, keywords, authors, URL). ``AV`` (archive location) is the
archival citation.
"""

from __future__ import annotations

import re

from kg.errors import ReaderError
from kg.records import Record

_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_LANGUAGES = {
    "english": "en",
    "russian": "ru",
    "korean": "ko",
    "chinese": "zh",
    "hungarian": "hu",
    "german": "de",
    "polish": "pl",
    "czech": "cs",
    "romanian": "ro",
    "bulgarian": "bg",
    "mongolian": "mn",
    "vietnamese": "vi",
    "japanese": "ja",
}


def ris_date(value: str) -> str:
    """RIS dates ("1956/09/23/", "1956/09//", "1956") as ISO 8601 text.

    >>> ris_date("1956/09/23/"), ris_date("1956/09//"), ris_date("1956")
    ('1956-09-23', '1956-09', '1956')
    >>> ris_date("September 23, 1956")
    'September 23, 1956'
    """
    m = re.fullmatch(r"\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?/?(?:[^/]*)?\s*", value)
    if not m:
        return value.strip()
    year, month, day = m.groups()
    if month and day:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if month:
        return f"{year}-{int(month):02d}"
    return year


def parse_ris(text: str, path: str) -> list[tuple[str, str]]:
    """The (tag, value) pairs of the one record in a RIS file, continuation lines joined.

    >>> parse_ris("TY  - GEN\\nTI  - A title\\n  continued\\nER  - \\n", "x.ris")
    [('TY', 'GEN'), ('TI', 'A title continued'), ('ER', '')]
    """
    pairs: list[tuple[str, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = _TAG.match(line)
        if m:
            pairs.append((m.group(1), m.group(2).strip()))
        elif pairs:
            tag, value = pairs[-1]
            pairs[-1] = (tag, f"{value} {line.strip()}".strip())
        else:
            raise ReaderError(f"{path}: line {n} is not a RIS tag line (expected 'TY  - ...')")
    if not pairs or pairs[0][0] != "TY":
        raise ReaderError(f"{path}: a RIS record must start with a 'TY  - ' line")
    ends = [i for i, (tag, _) in enumerate(pairs) if tag == "ER"]
    if not ends:
        raise ReaderError(f"{path}: the RIS record is truncated (no 'ER  - ' line)")
    if len(ends) > 1 or ends[0] != len(pairs) - 1:
        raise ReaderError(f"{path}: the file holds more than one RIS record; give one per file")
    return pairs


def read_ris_record(text: str, *, source_id: str, path: str, checksum: str) -> Record:
    """Read one RIS record into a :class:`Record` (with no document text)."""
    pairs = parse_ris(text, path)
    values: dict[str, list[str]] = {}
    for tag, value in pairs:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        return next((values[t][0] for t in tags if t in values), None)

    title = first("TI", "T1", "CT")
    if not title:
        raise ReaderError(f"{path}: the RIS record has no title (TI)")
    date = first("DA", "PY", "Y1")
    language = first("LA")
    if language:
        language = _LANGUAGES.get(language.strip().lower(), language.strip())
    return Record(
        source_id=source_id,
        path=path,
        checksum=checksum,
        media_type="application/x-research-info-systems",
        text="",
        title=" ".join(title.split()),
        date=ris_date(date) if date else None,
        summary=first("AB", "N2"),
        citation=first("AV"),
        language=language,
        keywords=tuple(values.get("KW", ())),
        authors=tuple(values.get("AU", []) + values.get("A1", [])),
        url=first("UR"),
    )
