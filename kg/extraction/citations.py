"""Archival citation parsing (DESIGN §4).

The raw string is always kept; the parser extracts what is there.

>>> c = parse_citation(
...     "GARF, Fond 5446, Opis 98, Delo 721, Listy 27-30. Translated by Gary Goldberg.")
>>> loc = c.locations[0]
>>> (loc.repository, loc.fond, loc.opis, loc.delo, loc.folios)
('GARF', '5446', '98', '721', '27-30')
>>> c.translators
('Gary Goldberg',)
"""

from __future__ import annotations

import re

from kg.errors import CitationError
from kg.extraction.model import ArchivalLocation, Citation

_FIELD = {
    "fond": r"(?:Fond|f\.)\s*([0-9]+[A-Za-z]?)",
    "opis": r"(?:Opis|op\.)\s*([0-9]+[A-Za-z]?)",
    "delo": r"(?:Delo|d\.)\s*([0-9]+[A-Za-z]?)",
    "papka": r"(?:Papka|p\.)\s*([0-9]+[A-Za-z]?)",
    "folios": r"(?:Listy|List|ll\.|l\.)\s*([0-9]+(?:ob)?(?:\s*-\s*[0-9]+(?:ob)?)?)",
}
_TRANSLATED = re.compile(r"Translated by\s+([^.;()]+)", re.I)


def parse_citation(text: str) -> Citation:
    """Parse one citation string. Raises :class:`CitationError` when nothing can be read."""
    raw = " ".join(text.split())
    if len(raw) < 3:
        raise CitationError(f"citation {text!r} is too short to parse")
    translators = tuple(
        n.strip() for m in _TRANSLATED.finditer(raw) for n in re.split(r",|\band\b", m.group(1))
    )
    location_part = _TRANSLATED.split(raw)[0]
    repo = re.match(r"\s*([A-Z][A-Za-z]+)\s*,", location_part)
    values = {}
    for name, pattern in _FIELD.items():
        m = re.search(pattern, location_part)
        values[name] = m.group(1).replace(" ", "") if m else None
    if not repo and not any(values.values()) and not translators:
        raise CitationError(f"no archive location or credit found in citation {raw!r}")
    locations = ()
    if repo or any(values.values()):
        locations = (ArchivalLocation(repository=repo.group(1) if repo else None, **values),)
    return Citation(
        citation=raw, locations=locations, translators=tuple(t for t in translators if t)
    )
