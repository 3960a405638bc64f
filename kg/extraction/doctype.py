"""Document type from the title and layout: a local name of the ``dt:`` concept scheme
in ``ontology/cwa.ttl`` (minutes, telegram, memorandumOfConversation, report, letter,
resolution, notes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Title patterns, most specific first.
_TITLE_RULES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:record|memorandum|memo|notes?|minutes)\s+of\s+(?:a\s+|the\s+)?conversations?\b",
        "memorandumOfConversation",
    ),
    (r"\bminutes\b|\bprotocol\b|\btranscript\b|\bstenographic record\b", "minutes"),
    (
        r"\bconversation\b|\bjournal of\b|\bdiary\b|\btalks?\s+(?:with|between)\b",
        "memorandumOfConversation",
    ),
    (r"\btelegrams?\b|\bcables?\b|\bciphered\b|\bencoded\b", "telegram"),
    (r"\bletter\b|\bmessage\s+from\b", "letter"),
    (r"\breport\b|\binformation\s+(?:on|about)\b|\bsummary\b", "report"),
    (r"\bresolution\b|\bdecision\b|\bdecree\b|\bdirective\b", "resolution"),
    (r"\bnotes?\b|\bmemorandum\b", "notes"),
)


def document_type(title: str | None, text: str, header_keys: Iterable[str] = ()) -> str | None:
    """The ``dt:`` local name for a document, or None when nothing says.

    >>> document_type("Minutes of the Meeting concerning a Draft Resolution", "")
    'minutes'
    >>> document_type("Record of a Conversation with Kim Il", "")
    'memorandumOfConversation'
    >>> document_type("Mikoyan to the CPSU CC", "", ["To", "From"])
    'telegram'
    >>> document_type("Some Title", "") is None
    True
    """
    for pattern, kind in _TITLE_RULES:
        if title and re.search(pattern, title, re.I):
            return kind
    keys = {k.lower() for k in header_keys}
    if {"to", "from"} <= keys:
        return "telegram"
    lines = [ln.strip() for ln in text[:600].split("\n") if ln.strip()][:5]
    for line in lines:
        if re.match(r"[A-Z]{4,}\b", line):
            for pattern, kind in _TITLE_RULES:
                if re.search(pattern, line, re.I):
                    return kind
    return None
