"""Date parsing for archival records: printed dates to ISO 8601 (``xsd:date``).

>>> parse_date("September 23, 1956")
'1956-09-23'
>>> parse_date("24 September 1956")
'1956-09-24'
>>> parse_date("March 1953")
'1953-03'
>>> parse_date("1956")
'1956'
>>> parse_date("no date") is None
True
>>> resolve_day_month("22 September", "1956-09-23")
'1956-09-22'
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_M = "|".join(MONTHS)
_MDY = re.compile(rf"^\s*({_M})\s+(\d{{1,2}}),?\s+(\d{{4}})\s*$", re.I)
_DMY = re.compile(rf"^\s*(\d{{1,2}})\s+({_M}),?\s+(\d{{4}})\s*$", re.I)
_MY = re.compile(rf"^\s*({_M})\s+(\d{{4}})\s*$", re.I)
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*$")
_DM = re.compile(rf"^\s*(\d{{1,2}})\s+({_M})\s*$", re.I)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        datetime.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_date(text: str | None) -> str | None:
    """Parse a printed date into ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None if it is not one."""
    if not text:
        return None
    if m := _MDY.match(text):
        y, mo, d = int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))
    elif m := _DMY.match(text):
        y, mo, d = int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))
    elif m := _MY.match(text):
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}"
    elif m := _ISO.match(text):
        if m.group(3):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m.group(2):
            return f"{m.group(1)}-{m.group(2)}" if 1 <= int(m.group(2)) <= 12 else None
        else:
            return m.group(1)
    else:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None


def resolve_day_month(text: str, reference: str | None) -> str | None:
    """Resolve a day and month without a year ("22 September") against a reference date."""
    m = _DM.match(text)
    if not m or not reference or len(reference) < 4:
        return None
    y, mo, d = int(reference[:4]), MONTHS[m.group(2).lower()], int(m.group(1))
    return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None


_CAP_MONTHS = "|".join(m.capitalize() for m in MONTHS)
_BODY_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_CAP_MONTHS})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_CAP_MONTHS})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?)\b"
)
_RELATIVE = re.compile(
    r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|"
    r"tonight|tomorrow)\b",
    re.I,
)
_OFFSETS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}


@dataclass(frozen=True)
class DateMention:
    """A date written in the body, resolved to ISO 8601, with its offsets."""

    start: int
    end: int
    exact: str
    value: str
    relative: bool = False


def shift(iso: str, days: int) -> str | None:
    """Add days to an ISO date (None unless it is a full date).

    >>> shift("1956-09-22", 1)
    '1956-09-23'
    >>> shift("1956-09", 1) is None
    True
    """
    if len(iso) != 10:
        return None
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=days)).isoformat()


def nearest_year(day: int, month: int, reference: str) -> str | None:
    """The date with this day and month closest to the reference date (year before,
    same or after), so "28 December" in a letter of 3 January 1957 is 1956-12-28.

    >>> nearest_year(28, 12, "1957-01-03")
    '1956-12-28'
    >>> nearest_year(22, 9, "1956-09-23")
    '1956-09-22'
    """
    year = int(reference[:4])
    ref = datetime.date(year, int(reference[5:7] or 6) if len(reference) >= 7 else 6, 1)
    if len(reference) == 10:
        ref = datetime.date.fromisoformat(reference)
    best = None
    for y in (year - 1, year, year + 1):
        if not _valid(y, month, day):
            continue
        d = datetime.date(y, month, day)
        if best is None or abs((d - ref).days) < abs((best - ref).days):
            best = d
    return best.isoformat() if best else None


def find_dates(
    text: str, reference: str | None, start: int = 0, end: int | None = None
) -> list[DateMention]:
    """Dates in ``text[start:end]``: written dates resolved against ``reference`` (the
    document date) and "yesterday"/"today"/"tomorrow" against it, in text order.

    >>> [(d.exact, d.value) for d in find_dates(
    ...     "on 22 September; yesterday; September 20, 1956", "1956-09-22")]
    [('22 September', '1956-09-22'), ('yesterday', '1956-09-21'),
     ('September 20, 1956', '1956-09-20')]
    """
    end = len(text) if end is None else end
    out: list[DateMention] = []
    for m in _BODY_DATE.finditer(text, start, end):
        day = int(m.group("d1") or m.group("d2"))
        month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
        year = m.group("y1") or m.group("y2")
        if year:
            ok = _valid(int(year), month, day)
            value = f"{int(year):04d}-{month:02d}-{day:02d}" if ok else None
        else:
            value = nearest_year(day, month, reference) if reference else None
        if value:
            out.append(DateMention(m.start(), m.end(), m.group(), value))
    if reference and len(reference) == 10:
        for m in _RELATIVE.finditer(text, start, end):
            word = " ".join(m.group().lower().split())
            days = {"the day before yesterday": -2, "the day after tomorrow": 2}.get(
                word, _OFFSETS.get(word, 0)
            )
            value = shift(reference, days)
            if value:
                out.append(DateMention(m.start(), m.end(), m.group(), value, relative=True))
    return sorted(out, key=lambda d: d.start)
