"""Extraction: Record -> Extraction. Rule-based and conservative (DESIGN §5).

The stages, each in its own module: names and mentions (:mod:`.mentions`), the closing
block (:mod:`.closing`), document type (:mod:`.doctype`), participants and roles
(:mod:`.participants`), meetings (:mod:`.meetings`), resolutions (:mod:`.resolutions`).
Curated records (:mod:`.curated`) carry their facts directly.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.errors import CitationError, ExtractionError
from kg.extraction.authorities import AuthorityIndex
from kg.extraction.citations import parse_citation
from kg.extraction.closing import NameAt, parse_closing
from kg.extraction.dates import find_dates, parse_date
from kg.extraction.doctype import document_type
from kg.extraction.meetings import (
    apply_postponements,
    convening_body,
    merge_roles,
    recorded_date,
    recorded_meeting,
    referred_infos,
    referred_meetings,
)
from kg.extraction.mentions import Resolver
from kg.extraction.model import Citation, DocumentInfo, EntityRef, Extraction, MeetingInfo
from kg.extraction.participants import Role, attendance, header_roles, role_words, speakers
from kg.extraction.resolutions import find_resolutions
from kg.records import Record
from kg.uris import slugify

__all__ = ["extract"]

_PLACE_HEADERS = ("location", "place", "venue")
_CONVERSATION = re.compile(r"\b(?:conversation|meeting|talks?|received|visited|met)\b", re.I)


def _person(index: AuthorityIndex, name: str, unreconciled: list[str]) -> EntityRef:
    found = index.lookup(name, "person")
    if len(found) == 1:
        return EntityRef(found[0].label, found[0].key, "person", name_in_source=name)
    unreconciled.append(name)
    return EntityRef(name, f"person/{slugify(name)}", "person", True, name)


def reconcile_repositories(citation: Citation, index: AuthorityIndex) -> Citation:
    """Attach the authority key of each location's repository, when exactly one matches."""
    locations = []
    for loc in citation.locations:
        found = index.lookup(loc.repository, "repository") if loc.repository else []
        key = found[0].key if len(found) == 1 else None
        locations.append(replace(loc, repository_key=key))
    return replace(citation, locations=tuple(locations))


def read_citation(record: Record) -> Citation | None:
    """The record's parsed citation (None without one); an unparseable one is a
    :class:`CitationError` naming the file."""
    if not record.citation:
        return None
    try:
        return parse_citation(record.citation)
    except CitationError as exc:
        raise CitationError(f"{record.path}: unparseable citation: {exc.message}") from None


def _names(resolver: Resolver, names: list[NameAt]) -> tuple[EntityRef, ...]:
    return tuple(resolver.resolve(n.text, n.start, n.end) for n in names)


def _header_span(text: str, keys: tuple[str, ...]) -> tuple[str, int, int] | None:
    """Key, value start and end of the first header line with one of ``keys``."""
    for m in re.finditer(r"^[ \t]*([A-Za-z][\w ]{0,30}?)[ \t]*:[ \t]*(\S.*?)[ \t]*$", text, re.M):
        if m.group(1).lower() in keys:
            return m.group(1), m.start(2), m.end(2)
    return None


def _addressed(resolver: Resolver, text: str, key: str) -> tuple[EntityRef, ...]:
    """Entities on a telegram's "To:" or "From:" line."""
    found = _header_span(text, (key,))
    if not found:
        return ()
    _, start, end = found
    out = []
    for part in re.finditer(r"[^,;]+", text[start:end]):
        s, e = start + part.start(), start + part.end()
        while s < e and text[s].isspace():
            s += 1
        inside = [
            m.entity
            for (a, b), m in sorted(resolver.mentions.items())
            if s <= a and b <= e and m.entity.kind in ("person", "organization")
        ]
        if inside:
            out.append(inside[0])
        elif text[s:e].strip():
            out.append(resolver.resolve(text[s:e].strip(), s, s + len(text[s:e].strip())))
    return tuple(out)


def _place(resolver: Resolver, text: str, roles: list[Role]) -> EntityRef | None:
    found = _header_span(text, _PLACE_HEADERS)
    if found:
        _, start, end = found
        inside = [
            m.entity
            for (a, b), m in resolver.mentions.items()
            if start <= a and b <= end and m.entity.kind == "place"
        ]
        if inside:
            return inside[0]
        value = text[start:end].split(",")[0].strip()
        return resolver.resolve(value, start, start + len(value), kind="place")
    sents = {r.sentence for r in roles if r.sentence and r.role in ("attendee", "host", "chair")}
    places = {
        m.entity.key: m.entity
        for (a, _), m in resolver.mentions.items()
        if m.entity.kind == "place" and any(s <= a < e for s, e in sents if s is not None)
    }
    return next(iter(places.values())) if len(places) == 1 else None


def _first_person(
    text: str, roles: list[Role], writers: tuple[EntityRef, ...], recorded: list[NameAt]
) -> list[Role]:
    """The writer as a participant when the attendance or host sentence says "I"/"me"
    ("Peng Dehuai and I met with ...", "received me"), and exactly one writer is known."""
    if len(writers) != 1:
        return []
    sents = {r.sentence for r in roles if r.sentence and r.role in ("attendee", "host")}
    if not any(re.search(r"\b(?:I|me)\b", text[s:e]) for s, e in sents if s is not None):
        return []
    writer = writers[0]
    found = _header_span(text, ("from",))
    start, end = (found[1], found[2]) if found else (recorded[0].start, recorded[0].end)
    return [Role(writer, "attendee", start, end)]


def extract(record: Record, index: AuthorityIndex) -> Extraction:
    """Extract the document's metadata, meetings, participants, resolutions, closing
    block, citation, credits and text-anchored mentions from a record."""
    if record.curated is not None:
        from kg.extraction.curated import extract_curated

        return extract_curated(record, index)
    date = parse_date(record.date)
    if date is None:
        raise ExtractionError(
            f"{record.path}: the record has no readable date"
            + (f" (found {record.date!r})" if record.date else "")
        )
    citation = read_citation(record)
    if citation is not None:
        citation = reconcile_repositories(citation, index)
    unreconciled: list[str] = []
    translators = tuple(
        _person(index, n, unreconciled) for n in (citation.translators if citation else ())
    )
    contributors = tuple(
        _person(index, n, unreconciled) for n in (citation.contributors if citation else ())
    )
    text = record.text
    closing = parse_closing(text)
    end = closing.start
    doc_type = document_type(record.title, text, [k for k, _ in record.header])
    resolver = Resolver(text, index, record.source_id, year=date[:4])
    full_date = date if len(date) == 10 else None

    head = header_roles(text, end, resolver)
    present = attendance(text, end, resolver)
    roles_by_word = role_words(text, end, resolver)
    said = speakers(text, end, resolver)
    structural = head + present + roles_by_word
    meeting_date = recorded_date(
        text, record.header, structural, find_dates(text, full_date, 0, end), date
    )
    dates = find_dates(text, meeting_date if len(meeting_date) == 10 else full_date, 0, end)
    refs = apply_postponements(text, end, referred_meetings(text, end, resolver, dates), dates)
    referred = referred_infos(refs, resolver)

    elsewhere: dict[str, list[Role]] = {}
    here: list[Role] = []
    for role in said:
        target = next(
            (
                r
                for r in refs
                if r.keys
                and role.sentence
                and role.sentence[0] <= r.start < role.start
                and re.search(r"\bat\s+(?:the\s+)?$", text[role.sentence[0] : r.start])
            ),
            None,
        )
        if target is not None:
            elsewhere.setdefault(target.keys[0], []).append(role)
        else:
            here.append(role)
    referred = [
        replace(m, participants=merge_roles(elsewhere[m.key], text)) if m.key in elsewhere else m
        for m in referred
    ]

    authors = _addressed(resolver, text, "from")
    addressees = _addressed(resolver, text, "to")
    recorded_by = _names(resolver, closing.recorded_by)
    typed_by = _names(resolver, closing.typed_by)
    recorded: MeetingInfo | None = None
    has_meeting = bool(structural) or (
        bool(here)
        and (
            doc_type in ("minutes", "memorandumOfConversation", "telegram")
            or _CONVERSATION.search(text)
        )
    )
    if has_meeting:
        roles = structural + here
        keys = {r.entity.key for r in roles}
        roles += [
            Role(ref, "recorder", n.start, n.end)
            for ref, n in zip(recorded_by, closing.recorded_by, strict=True)
            if ref.key in keys
        ]
        roles += _first_person(text, roles, authors or recorded_by, closing.recorded_by)
        body, kind = convening_body(text, structural, resolver)
        recorded = recorded_meeting(
            text=text,
            source_id=record.source_id,
            date=meeting_date,
            participants=merge_roles(roles, text),
            place=_place(resolver, text, roles),
            doc_type=doc_type,
            convened_by=body,
            kind=kind,
        )
        referred = [m for m in referred if m.key != recorded.key]
    resolutions = find_resolutions(
        text=text,
        end=end,
        resolver=resolver,
        refs=refs,
        referred=referred,
        recorded=recorded,
        speakers=here,
    )
    distribution = tuple(
        d if isinstance(d, str) else resolver.resolve(d.text, d.start, d.end)
        for d in closing.distribution
    )
    meetings = ((recorded,) if recorded else ()) + tuple(referred)
    return Extraction(
        document=DocumentInfo(
            title=record.title,
            date=date,
            type=doc_type,
            language=record.language,
            summary=record.summary,
            created=closing.created,
            registration_number=closing.registration_number,
            copy_number=closing.copy_number,
            number_of_copies=closing.number_of_copies,
        ),
        citation=citation,
        translators=translators,
        contributors=contributors,
        recorded_by=recorded_by,
        typed_by=typed_by,
        distribution=distribution,
        meetings=meetings,
        resolutions=tuple(resolutions),
        persons_mentioned=resolver.entities("person"),
        organizations=resolver.entities("organization"),
        places=resolver.entities("place"),
        unreconciled=tuple(dict.fromkeys([*resolver.unreconciled, *unreconciled])),
        mentions=resolver.all_mentions(),
        authors=authors,
        addressees=addressees,
    )
