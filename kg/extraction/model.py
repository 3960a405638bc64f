"""The extraction: what kg reads out of one record, as frozen dataclasses with no RDF.

:meth:`Extraction.to_json` is the contract of ``kg extract --json`` (DESIGN §10).
Names are the canonical labels of matched authority records; ``uri`` is the entity's
path under the base (``person/kim-il-sung``), made absolute by :meth:`Extraction.to_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of the record's text, with its exact quote."""

    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class EntityRef:
    """A reference to an authority entity (or a provisional one).

    ``key`` is the entity's path under ``id/`` (``person/kim-il-sung``).
    """

    name: str
    key: str
    kind: str  # person | organization | place | repository | meeting | resolution
    provisional: bool = False
    name_in_source: str | None = None


@dataclass(frozen=True)
class Mention:
    """One text-anchored mention of an entity: becomes a Web Annotation."""

    entity: EntityRef
    span: Span


@dataclass(frozen=True)
class Participant:
    """A participant of a meeting with the roles the source gives."""

    entity: EntityRef
    roles: tuple[str, ...] = ("attendee",)
    span: Span | None = None
    side: str | None = None
    """The delegation or side the source puts the participant on ("Korean", "Chinese")."""


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting the document records (``recorded=True``) or refers to."""

    key: str
    label: str
    date: str | None = None
    place: EntityRef | None = None
    participants: tuple[Participant, ...] = ()
    recorded: bool = True
    meeting_type: str | None = None
    convened_by: EntityRef | None = None
    status: str | None = None  # held | postponed | planned
    previous_date: str | None = None


@dataclass(frozen=True)
class ResolutionInfo:
    """A resolution or decision with its status (proposed, draft, adopted)."""

    key: str
    label: str
    status: str
    body: EntityRef | None = None
    date: str | None = None
    concerns: tuple[EntityRef, ...] = ()
    amends: str | None = None
    """Key of the resolution this one amends."""
    amends_label: str | None = None
    discussed_at: tuple[str, ...] = ()
    adopted_at: str | None = None
    proposed_by: EntityRef | None = None


@dataclass(frozen=True)
class ArchivalLocation:
    """One archive location named by a citation (DESIGN §4)."""

    repository: str | None = None
    repository_key: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    papka: str | None = None
    folios: str | None = None
    other_locator: str | None = None


@dataclass(frozen=True)
class Citation:
    """A parsed archival citation string."""

    citation: str
    locations: tuple[ArchivalLocation, ...] = ()
    translators: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    published_source: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract of ``kg parse-citation --json``."""
        return {
            "citation": self.citation,
            "locations": [_location_json(loc) for loc in self.locations],
            "translators": list(self.translators),
            "contributors": list(self.contributors),
            "published_source": self.published_source,
        }


def _location_json(loc: ArchivalLocation) -> dict[str, Any]:
    return {
        "repository": loc.repository,
        "fond": loc.fond,
        "opis": loc.opis,
        "delo": loc.delo,
        "papka": loc.papka,
        "folios": loc.folios,
        "other_locator": loc.other_locator,
    }


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of the document itself. Three dates are kept apart: ``date`` (as the
    archive dates it), ``created`` (typing/signing date in the closing block), and the
    dates of the meetings it records."""

    title: str | None = None
    date: str | None = None
    type: str | None = None
    language: str | None = None
    summary: str | None = None
    created: str | None = None
    registration_number: str | None = None
    copy_number: int | None = None
    number_of_copies: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one record."""

    document: DocumentInfo
    citation: Citation | None = None
    translators: tuple[EntityRef, ...] = ()
    contributors: tuple[EntityRef, ...] = ()
    recorded_by: tuple[EntityRef, ...] = ()
    typed_by: tuple[EntityRef, ...] = ()
    distribution: tuple[EntityRef | str, ...] = ()
    """Recipients of copies in order; the string ``"file"`` for a file copy."""
    meetings: tuple[MeetingInfo, ...] = ()
    resolutions: tuple[ResolutionInfo, ...] = ()
    persons_mentioned: tuple[EntityRef, ...] = ()
    organizations: tuple[EntityRef, ...] = ()
    places: tuple[EntityRef, ...] = ()
    unreconciled: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    authors: tuple[EntityRef, ...] = ()
    """Who the document is from (a telegram's "From:" line)."""
    addressees: tuple[EntityRef, ...] = ()
    """Whom the document is addressed to (a telegram's "To:" line)."""

    def to_json(self, base: str) -> dict[str, Any]:
        """The contract of ``kg extract --json`` (DESIGN §10); IRIs minted under ``base``."""

        def uri(ref: EntityRef) -> str:
            return f"{base}id/{ref.key}"

        def named(refs: tuple[EntityRef, ...]) -> list[dict[str, Any]]:
            return [{"name": r.name, "uri": uri(r)} for r in refs]

        d = self.document
        refs = []
        if self.citation is not None:
            for loc in self.citation.locations:
                refs.append({"citation": self.citation.citation, **_location_json(loc)})
        return {
            "document": {
                "title": d.title,
                "date": d.date,
                "type": d.type,
                "language": d.language,
                "summary": d.summary,
                "created": d.created,
                "registration_number": d.registration_number,
                "copy_number": d.copy_number,
                "number_of_copies": d.number_of_copies,
            },
            "archival_references": refs,
            "translators": [r.name for r in self.translators],
            "contributors": [r.name for r in self.contributors],
            "recorded_by": [r.name for r in self.recorded_by],
            "typed_by": [r.name for r in self.typed_by],
            "distribution": [r if isinstance(r, str) else r.name for r in self.distribution],
            "meetings": [
                {
                    "date": m.date,
                    "place": m.place.name if m.place else None,
                    "participants": [
                        {
                            "name": p.entity.name,
                            "uri": uri(p.entity),
                            "roles": list(p.roles),
                            "name_in_source": p.span.exact if p.span else None,
                            "side": p.side,
                        }
                        for p in m.participants
                    ],
                    "uri": f"{base}id/{m.key}",
                    "label": m.label,
                    "recorded": m.recorded,
                    "type": m.meeting_type,
                    "status": m.status,
                    "previous_date": m.previous_date,
                    "convened_by": m.convened_by.name if m.convened_by else None,
                }
                for m in self.meetings
            ],
            "resolutions": [
                {
                    "label": r.label,
                    "status": r.status,
                    "body": r.body.name if r.body else None,
                    "date": r.date,
                    "concerns": [c.name for c in r.concerns],
                    "amends": r.amends_label,
                    "uri": f"{base}id/{r.key}",
                    "proposed_by": r.proposed_by.name if r.proposed_by else None,
                    "discussed_at": [f"{base}id/{k}" for k in r.discussed_at],
                    "adopted_at": f"{base}id/{r.adopted_at}" if r.adopted_at else None,
                }
                for r in self.resolutions
            ],
            "persons_mentioned": named(self.persons_mentioned),
            "organizations": named(self.organizations),
            "places": named(self.places),
            "unreconciled": list(self.unreconciled),
            "authors": named(self.authors),
            "addressees": named(self.addressees),
            "mentions": [
                {
                    "name": m.entity.name,
                    "uri": uri(m.entity),
                    "start": m.span.start,
                    "end": m.span.end,
                    "exact": m.span.exact,
                }
                for m in self.mentions
            ],
        }
