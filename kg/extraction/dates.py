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

import re

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
    import datetime

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
