"""Archival citation parsing (DESIGN §4): ``parse_citation(text) -> Citation``.

The raw string is always kept (whitespace collapsed); the parser extracts what is there
and never guesses. Every value it returns is written as in the source. The only
exception it raises is :class:`~kg.errors.CitationError`.

How a citation is read:

1. **Credits** are found first: "Translated by", "Obtained by", "Contributed by",
   "Edited by", chains such as "translated and edited by", with optional "for NKIDP" /
   "from the Russian" before or after the names. Translated/edited-by names go to
   ``translators``, obtained/contributed/provided/donated-by names to ``contributors``.
2. What is left is cut into **segments** at ";" and at " and " between two archive
   locations (never inside parentheses).
3. Each segment is read, most specific family first, as a Russian-style location
   (Fond/Opis/Delo/Papka/Listy, written out, abbreviated or in Cyrillic), a Chinese
   Foreign Ministry file number, a **published source** (a book or journal), or a
   generic location: repository, then the other locators as written (Hungarian
   doboz/folder numbers, East German and Polish signatures, record groups, boxes).

Russian archives, written out (the seed):

>>> c = parse_citation(
...     "GARF, Fond 5446, Opis 98, Delo 721, Listy 27-30. Translated by Gary Goldberg.")
>>> loc = c.locations[0]
>>> (loc.repository, loc.fond, loc.opis, loc.delo, loc.papka, loc.folios)
('GARF', '5446', '98', '721', None, '27-30')
>>> c.translators
('Gary Goldberg',)

Abbreviated, with suffixes, reverse sides and folio lists, in Latin or Cyrillic:

>>> loc = parse_citation("TsAMO, f. R-32, op. 98c, d. 5a, l. 2-2ob.").locations[0]
>>> (loc.repository, loc.fond, loc.opis, loc.delo, loc.folios)
('TsAMO', 'R-32', '98c', '5a', '2-2ob')
>>> parse_citation("RGANI, f. 5, op. 30, d. 163, ll. 12, 15-17").locations[0].folios
'12, 15-17'
>>> loc = parse_citation("ГАРФ, ф. Р-5446, оп. 98, д. 721, лл. 27-30").locations[0]
>>> (loc.repository, loc.fond, loc.folios)
('ГАРФ', 'Р-5446', '27-30')

Several locations joined by "and" or ";", one entry each, in order:

>>> c = parse_citation("APRF, Fond 45, Opis 1, Delo 347, Listy 12-13 and "
...                    "AVPRF, Fond 059a, Opis 5a, Delo 4, Papka 11, Listy 159-160")
>>> [(x.repository, x.fond, x.opis, x.delo, x.papka, x.folios) for x in c.locations]
[('APRF', '45', '1', '347', None, '12-13'), ('AVPRF', '059a', '5a', '4', '11', '159-160')]

Chinese Foreign Ministry file numbers:

>>> loc = parse_citation("PRC FMA 106-00719-04, 39-40. Translated by Caixia Lu.").locations[0]
>>> (loc.repository, loc.other_locator, loc.folios)
('PRC FMA', '106-00719-04', '39-40')

Hungarian box (doboz) and folder numbers, kept as written:

>>> loc = parse_citation("MOL, XIX-J-1-j Korea, 2. doboz, 2/b, 001118/ 1/1955.").locations[0]
>>> (loc.repository, loc.other_locator)
('MOL', 'XIX-J-1-j Korea, 2. doboz, 2/b, 001118/ 1/1955')

East German and Polish signatures; American record groups:

>>> loc = parse_citation("SAPMO-BArch, DY 30/IV 2/2.035/37, Bl. 1-5").locations[0]
>>> (loc.repository, loc.other_locator, loc.folios)
('SAPMO-BArch', 'DY 30/IV 2/2.035/37', '1-5')
>>> loc = parse_citation("AAN, KC PZPR, sygn. XI A/10, k. 12-14").locations[0]
>>> (loc.repository, loc.other_locator, loc.folios)
('AAN', 'KC PZPR, sygn. XI A/10', '12-14')
>>> loc = parse_citation("NARA, RG 59, Central Decimal File 1955-59, Box 3921").locations[0]
>>> (loc.repository, loc.other_locator)
('NARA', 'RG 59, Central Decimal File 1955-59, Box 3921')

Credits, several names, diacritics kept:

>>> c = parse_citation("Obtained by Béla Révész; translated and edited by "
...                    "Barnabás Vajda, Laura Deal, and Karl P. Benziger.")
>>> c.contributors, c.translators
(('Béla Révész',), ('Barnabás Vajda', 'Laura Deal', 'Karl P. Benziger'))
>>> parse_citation("Translated for NKIDP by Jihye Hwang and Seung-Young Kim").translators
('Jihye Hwang', 'Seung-Young Kim')

A published book is a published source, not an archive:

>>> c = parse_citation("Milovan Djilas. Wartime. Translated by Michael B. Petrovich. "
...                    "(New York: Harcourt Brace Jovanovich, 1977), 385-387.")
>>> c.locations, c.translators
((), ('Michael B. Petrovich',))
>>> c.published_source
'Milovan Djilas. Wartime. (New York: Harcourt Brace Jovanovich, 1977), 385-387.'

Nothing to read is an error:

>>> parse_citation("n/a")
Traceback (most recent call last):
...
kg.errors.CitationError: no archive location, credit or published source in citation 'n/a'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import CitationError
from kg.extraction.model import ArchivalLocation, Citation

__all__ = ["MAX_CITATION_LENGTH", "folio_range", "parse_citation"]

MAX_CITATION_LENGTH = 2000
"""Longest citation string accepted (real ones are under 500 characters)."""

# --- credits -------------------------------------------------------------------------

_TRANSLATOR_VERBS = ("translat", "edit")
_VERB = r"(?:translat(?:ed|ion)|obtained|contributed|edited|provided|donated)"
_CREDIT = re.compile(
    rf"(?<![^\W\d_])(?P<verbs>{_VERB}(?:\s*(?:,|and|&)\s*{_VERB})*)"
    r"(?:\s+(?:for|from|into)\s+[^;().]{0,80}?)?\s+by\s+",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(r"[;:()\[\]]")
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
_NOT_SENTENCE_END = frozenset({"Jr", "Sr", "Dr", "St", "Mr", "Mrs", "Ms", "Prof"})
_NAME_TAIL = re.compile(r"\s+(?:for|from|into|of|at|with|on behalf of)\s.*$", re.IGNORECASE)
_NAME_SPLIT = re.compile(
    r"\s*,\s*(?:and|&)\s+|\s*[,/](?!\s*(?:Jr|Sr|II|III)\b)\s*|\s+(?:and|&)\s+", re.IGNORECASE
)
_SUFFIX_END = re.compile(r"\b(?:Jr|Sr)\.$")

# --- locations -----------------------------------------------------------------------

_UNIT = r"(?:[A-ZА-ЯЁ]{1,2}-?)?\d+(?:[a-zа-яё]{1,2}|-[A-ZА-ЯЁ])?(?![\w/-])"
_FOLIO = r"\d+(?:\s?(?:ob|об)\.?(?![^\W\d_])|[rv](?!\w))?"
_RANGE = rf"{_FOLIO}(?:\s*[-–—]\s*{_FOLIO})?"
_FOLIOS = rf"{_RANGE}(?:\s*,\s*{_RANGE}(?![\w/.-]))*"
_NUMBER_SIGN = r"(?:(?:No\.?|Nº|№|N)\s*)?"
_FIELD = re.compile(
    r"(?=[FfOoDdPpLlФфОоДдПпЛл])"  # a quick first-letter test before the alternatives
    r"(?:(?<![^\W\d_])(?:"
    r"(?P<fond>[Ff]ond|[Ff]\.|[Фф]онд|[Фф]\.)"
    r"|(?P<opis>[Oo]pis'?|[Oo]p\.|[Оо]пись|[Оо]п\.)"
    r"|(?P<delo>[Dd]elo|[Dd]\.|[Дд]ело|[Дд]\.)"
    r"|(?P<papka>[Pp]apka|[Pp]\.|[Пп]апка|[Пп]\.)"
    rf")\s*{_NUMBER_SIGN}(?P<unit>{_UNIT})"
    r"|(?<![^\W\d_])(?P<folios>[Ll]ist[yi]?|[Ll]l\.|[Ll]\.|pp\.|[Лл]исты?|[Лл]л\.|[Лл]\.)"
    rf"\s*(?P<leaves>{_FOLIOS}))"
)
_UNIT_FIELDS = ("fond", "opis", "delo", "papka")
_PRC_FILE = re.compile(r"(?<![\w-])\d{3}-\d{4,5}-\d{1,2}(?:\s?\(\d+\))?(?![\w-])")
_BARE_FOLIOS = re.compile(rf"\s*,?\s*(?:(?:pp?\.|ll?\.)\s*)?(?P<leaves>{_FOLIOS})[\s.]*")
_FOLIO_CHUNK = re.compile(
    r"(?:pp?\.|Bl\.|S\.|kk?\.|ll?\.|fols?\.|folios?|ff?\.|Listy?|str\.)"
    rf"\s*(?P<leaves>{_FOLIOS})[\s.]*"
)
_ACRONYM = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[-.][^\W\d_]+)*\.?")
_ARCHIVE_WORD = re.compile(
    r"\b(?:archives?|archiv|archiwum|arhiv|archivio|archief|library|levéltár"
    r"|records office|bundesarchiv)\b",
    re.IGNORECASE,
)
_LOCATOR_MARKER = re.compile(
    r"\b(?:RG|Record Group|Box|Folder|doboz|sygn\.|DY|Bestand|fasc\.|carton|dossier|file)"
    r"\s*[\dIVX]"
)
_PAREN_ABBREVIATION = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[^()\s]{2,15})\)$")
_PUBLISHED = re.compile(
    r"\([^()]*\b(?:1[5-9]|20)\d\d\)"
    r"|\b(?:Published|Reprinted|Originally published|Cited)\s+in\b"
    r"|\b(?:ISBN|Press|Verlag|Publishers?|Publishing|Bulletin|Journal)\b"
    r"|\beds?\.|\b[Vv]ol\.\s*\d",
)
_AND_BETWEEN = re.compile(r"\s+and\s+(?=[^\W\d_])")
_SEMICOLON = re.compile(
    r"\s*;\s*|(?<=\.)\s+(?=(?:Published|Reprinted|Originally published|First published)\s)"
)
_TRIM = " \t,.;:"
_COMMA = re.compile(r",")
_MAX_AND_SPLITS = 16  # bounds the work on hostile input; real citations name a few


def parse_citation(text: str) -> Citation:
    """Parse one archival citation string into locations, credits and a published source.

    Raises :class:`~kg.errors.CitationError` (one-line message) when the string names no
    archive location, no credit and no published source, or is not a usable string.
    """
    if not isinstance(text, str):
        raise CitationError(f"a citation must be text, not {type(text).__name__}")
    raw = " ".join(text.split())
    if len(raw) > MAX_CITATION_LENGTH:
        raise CitationError(
            f"citation is {len(raw)} characters long; the limit is {MAX_CITATION_LENGTH}"
        )
    if len(raw) < 3:
        raise CitationError(f"citation {raw!r} is too short to parse")
    translators, contributors, pieces = _credits(raw)
    locations: list[ArchivalLocation] = []
    published: list[str] = []
    pending: list[str] = []  # text that is no location, until it is known whole

    def flush() -> None:
        text = " ".join(pending).strip(" ,;")
        if _PUBLISHED.search(text) and any(c.isalpha() for c in text):
            published.append(text)
        pending.clear()

    for piece in pieces:
        # A credit cut the text: a book title before it and its imprint after it join
        # up again, but an archive location never spans a credit.
        for n, segment in enumerate(_segments(piece)):
            loc = _location(segment)
            if loc is not None or n > 0:
                flush()
            if loc is not None:
                locations.append(loc)
            else:
                pending.append(segment)
    flush()
    if not (locations or translators or contributors or published):
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        raise CitationError(
            f"no archive location, credit or published source in citation {shown!r}"
        )
    return Citation(
        citation=raw,
        locations=tuple(locations),
        translators=tuple(translators),
        contributors=tuple(contributors),
        published_source="; ".join(published) if published else None,
    )


def folio_range(folios: str) -> tuple[int, int] | None:
    """The lowest and highest folio numbers in ``folios`` as written, a reverse side
    ("2ob") counted as its folio; ``None`` when it holds no number.

    >>> folio_range("27-30"), folio_range("2-2ob"), folio_range("12, 15-17")
    ((27, 30), (2, 2), (12, 17))
    >>> folio_range("27 ob") is None, folio_range("ob")
    (False, None)
    """
    numbers = [int(n) for n in re.findall(r"\d{1,9}", folios)]
    return (min(numbers), max(numbers)) if numbers else None


# --- credits -------------------------------------------------------------------------


def _credits(text: str) -> tuple[list[str], list[str], list[str]]:
    """Split the credits off ``text``: (translators, contributors, the pieces between)."""
    translators: list[str] = []
    contributors: list[str] = []
    kept: list[str] = []
    markers = list(_CREDIT.finditer(text))
    position = 0
    for i, m in enumerate(markers):
        if m.start() < position:
            continue
        limit = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        end, consumed = _names_end(text, m.end(), limit)
        names = _split_names(text[m.end() : end])
        verbs = m.group("verbs").lower()
        if any(v in verbs for v in _TRANSLATOR_VERBS):
            _add(translators, names)
        if any(v in verbs for v in ("obtained", "contributed", "provided", "donated")):
            _add(contributors, names)
        kept.append(text[position : m.start()])
        position = consumed
    kept.append(text[position:])
    return translators, contributors, [p.strip() for p in kept if p.strip()]


def _names_end(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where the names after a credit marker end, and where the credit clause ends.

    Names stop at the next credit, at ``; : ( )``, or at a full stop that does not close
    an initial ("Karl P. Benziger." ends at the last full stop).
    """
    end = limit
    stop = _NAME_STOP.search(text, start, limit)
    if stop:
        end = stop.start()
    for dot in _SENTENCE_END.finditer(text, start, end):
        words = text[start : dot.start()].split()
        word = words[-1] if words else ""
        if (len(word) == 1 and word.isupper()) or word in _NOT_SENTENCE_END:
            continue
        return dot.start(), dot.end()
    return end, end


def _split_names(segment: str) -> list[str]:
    """Names in a credit, split at commas and "and"; "for NKIDP" and the like dropped.

    >>> _split_names("Barnabás Vajda, Laura Deal, and Karl P. Benziger for NKIDP")
    ['Barnabás Vajda', 'Laura Deal', 'Karl P. Benziger']
    >>> _split_names("Charles Kraus, Jr.")
    ['Charles Kraus, Jr.']
    """
    segment = _NAME_TAIL.sub("", segment).strip(" \t,;:")
    segment = re.sub(r"\s+(?:and|&)$", "", segment, flags=re.IGNORECASE)
    names: list[str] = []
    for part in _NAME_SPLIT.split(segment):
        part = part.strip(" ,;:")
        if not _SUFFIX_END.search(part):
            part = part.rstrip(".")
        if _is_name(part):
            names.append(part)
    return names


def _is_name(text: str) -> bool:
    """A plausible personal or corporate name: starts with a letter, has a capital,
    no digits, not too long."""
    return (
        0 < len(text) <= 100
        and text[0].isalpha()
        and any(c.isupper() for c in text)
        and not any(c.isdigit() for c in text)
    )


def _add(into: list[str], names: list[str]) -> None:
    for name in names:
        if name not in into:
            into.append(name)


# --- segments ------------------------------------------------------------------------


def _depths(text: str) -> list[int]:
    """Parenthesis depth at each character of ``text`` (never below zero)."""
    depth, out = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(depth)
        if ch == ")" and depth:
            depth -= 1
    return out


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` at matches of ``pattern`` (which has no groups) that lie outside
    parentheses.

    >>> _split_top("a, b (c, d), e", _COMMA)
    ['a', ' b (c, d)', ' e']
    """
    if "(" not in text:
        return pattern.split(text)
    depth = _depths(text)
    parts, start = [], 0
    for m in pattern.finditer(text):
        if m.start() < len(depth) and depth[m.start()] == 0 and m.start() >= start:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


def _segments(text: str) -> list[str]:
    """Cut the non-credit text at ";", before "Published in ...", and at " and "
    between two archive locations."""
    out: list[str] = []
    for piece in _split_top(text, _SEMICOLON):
        parts = _split_top(piece, _AND_BETWEEN)
        if len(parts) > _MAX_AND_SPLITS:
            parts = [piece]
        current = parts[0]
        for part in parts[1:]:
            if _has_locator(part) and _has_locator(current):
                out.append(current)
                current = part
            else:
                current = f"{current} and {part}"
        out.append(current)
    return [s.strip(" ,;") for s in out if s.strip(_TRIM)]


def _has_locator(segment: str) -> bool:
    """Whether a segment names an archive location below the repository."""
    loc = _location(segment)
    return loc is not None and any(
        (loc.fond, loc.opis, loc.delo, loc.papka, loc.folios, loc.other_locator)
    )


# --- locations -----------------------------------------------------------------------


def _location(segment: str) -> ArchivalLocation | None:
    """Read one segment as an archive location, or ``None`` when it is not one."""
    text = segment.strip(_TRIM)
    if not text:
        return None
    return _russian(text) or _prc(text) or (None if _is_published(text) else _generic(text))


def _is_published(text: str) -> bool:
    return _PUBLISHED.search(text) is not None


@dataclass
class _Fields:
    values: dict[str, str]
    spans: list[tuple[int, int]]
    first: int


def _fields(text: str) -> _Fields:
    """The Fond/Opis/Delo/Papka/Listy values of a segment (first of each kind)."""
    values: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    first = len(text)
    for m in _FIELD.finditer(text):
        kind = next(k for k in (*_UNIT_FIELDS, "folios") if m.group(k))
        if kind in values:
            continue
        value = m.group("leaves") if kind == "folios" else m.group("unit")
        values[kind] = value.rstrip(".").strip()
        spans.append(m.span())
        first = min(first, m.start())
    return _Fields(values, spans, first)


def _russian(text: str) -> ArchivalLocation | None:
    """Fond/Opis/Delo/Papka/Listy, written out, abbreviated or in Cyrillic."""
    found = _fields(text)
    units = [k for k in _UNIT_FIELDS if k in found.values]
    if not units:
        return None
    head = _head(text[: found.first])
    if len(units) < 2 and not (units == ["fond"] and head and _repository_like(head)):
        return None  # a lone "p. 12" or "d. 3" after an acronym is a page, not a papka
    before = _split_top(text[: found.first], _COMMA)[1:]
    between = [
        text[a:b]
        for (_, a), (b, _) in zip(found.spans, [*found.spans[1:], (len(text), 0)], strict=True)
    ]
    rest = ",".join([*before, *between])
    return ArchivalLocation(
        repository=_repository(head) if head else None,
        other_locator=_join_chunks(rest),
        **{k: found.values.get(k) for k in (*_UNIT_FIELDS, "folios")},
    )


def _prc(text: str) -> ArchivalLocation | None:
    """Chinese Foreign Ministry file numbers: ``PRC FMA 106-00719-04, 39-40``."""
    m = _PRC_FILE.search(text)
    if m is None:
        return None
    head = _head(text[: m.start()])
    after = text[m.end() :]
    folios = _BARE_FOLIOS.fullmatch(after) if after.strip(_TRIM) else None
    other = m.group()
    if after.strip(_TRIM) and folios is None:
        other = f"{other}{after}".strip(_TRIM)
    return ArchivalLocation(
        repository=_repository(head) if head else None,
        other_locator=other,
        folios=folios.group("leaves").strip() if folios else None,
    )


def _generic(text: str) -> ArchivalLocation | None:
    """Repository, then other locators as written; folios from a trailing folio chunk."""
    chunks = _split_top(text, _COMMA)
    head = chunks[0].strip(_TRIM)
    rest_chunks = chunks[1:]
    if not _repository_like(head):
        head, tail = _leading_acronyms(head)
        rest_chunks = [tail, *rest_chunks] if tail else rest_chunks
    folios = None
    if rest_chunks:
        m = _FOLIO_CHUNK.fullmatch(rest_chunks[-1].strip())
        if m:
            folios = m.group("leaves").rstrip(".").strip()
            rest_chunks = rest_chunks[:-1]
    other = _join_chunks(",".join(rest_chunks))
    if head and _repository_like(head):
        if other or folios or _ARCHIVE_WORD.search(head):
            return ArchivalLocation(
                repository=_repository(head), other_locator=other, folios=folios
            )
        return None
    if _LOCATOR_MARKER.search(text):
        whole = ",".join(chunks[:-1] if folios else chunks)
        return ArchivalLocation(other_locator=_join_chunks(whole), folios=folios)
    return None


def _head(text: str) -> str:
    """The repository part before the first field: up to the first comma, trimmed."""
    return _split_top(text, _COMMA)[0].strip(_TRIM)


def _leading_acronyms(text: str) -> tuple[str, str]:
    """Split a head with no comma ("BStU MfS AP 1234/56") into (repository, the rest).

    >>> _leading_acronyms("SAPMO-BArch DY 30/IV 2/1")
    ('SAPMO-BArch', 'DY 30/IV 2/1')
    >>> _leading_acronyms("NARA RG 59")
    ('NARA', 'RG 59')
    """
    words = text.split()
    n = 0
    while n < len(words) and n < 4 and _is_acronym(words[n]):
        n += 1
    if 0 < n < len(words) and len(words[n - 1]) <= 3 and words[n][0].isdigit():
        n -= 1  # a short signature prefix ("DY 30", "AP 1234/56") belongs to the locator
    if n == 0 or n == len(words):
        return text, ""
    return " ".join(words[:n]), " ".join(words[n:])


def _is_acronym(word: str) -> bool:
    """An archive acronym: letters (and inner hyphens/dots), at least two capitals.

    >>> [_is_acronym(w) for w in ("GARF", "TsAMO", "SAPMO-BArch", "Wartime", "RG59")]
    [True, True, True, False, False]
    """
    return (
        len(word) <= 15
        and _ACRONYM.fullmatch(word) is not None
        and sum(c.isupper() for c in word) >= 2
    )


def _repository_like(head: str) -> bool:
    """Acronyms ("GARF", "PRC FMA", "SAPMO-BArch"), a name with "(ABBR)", or a name
    with an archive word ("Archive of ...", "Library")."""
    if len(head) > 150:
        return False
    m = _PAREN_ABBREVIATION.match(head)
    if m and _is_acronym(m.group("abbr")):
        return True
    words = head.split()
    if 0 < len(words) <= 4 and all(_is_acronym(w) for w in words):
        return True
    return _ARCHIVE_WORD.search(head) is not None and not any(c.isdigit() for c in head)


def _repository(head: str) -> str:
    """The repository as written; "Name (ABBR)" gives the abbreviation the authorities use.

    >>> _repository("Archive of Foreign Policy of the Russian Federation (AVPRF)")
    'AVPRF'
    """
    m = _PAREN_ABBREVIATION.match(head)
    if m and _is_acronym(m.group("abbr")):
        return m.group("abbr")
    return head


def _join_chunks(text: str) -> str | None:
    """Comma-separated chunks with empty ones dropped, or ``None`` when nothing is left.

    >>> _join_chunks(" ,, per. 43, , dok. 2. ")
    'per. 43, dok. 2'
    """
    chunks = [c.strip(" \t;:") for c in _split_top(text, _COMMA)]
    kept = [c for c in chunks if c.strip(_TRIM)]
    if not kept:
        return None
    kept[-1] = kept[-1].rstrip(_TRIM)
    kept[0] = kept[0].lstrip(_TRIM)
    joined = ", ".join(kept)
    return joined if any(c.isalnum() for c in joined) else None
