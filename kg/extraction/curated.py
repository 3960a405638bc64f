"""Extraction for curated records (``kg-curated-record/1``): the curator's facts are
taken as given, names are reconciled against the authorities the same conservative way
as extracted ones, and a given ``uri`` (``person/kim-il-sung``) is the curator's
reconciliation. When the record carries text, its mentions are found as usual.
"""

from __future__ import annotations

from typing import Any

from kg.errors import ExtractionError
from kg.extraction.authorities import AuthorityIndex
from kg.extraction.dates import parse_date
from kg.extraction.meetings import meeting_key
from kg.extraction.mentions import Resolver
from kg.extraction.model import (
    DocumentInfo,
    EntityRef,
    Extraction,
    MeetingInfo,
    Mention,
    Participant,
    ResolutionInfo,
)
from kg.records import Record
from kg.uris import slugify

_PREFIX = {"person": "person", "organization": "org", "place": "place"}


class _Names:
    """Reconciles curated names; collects the unreconciled ones."""

    def __init__(self, index: AuthorityIndex, source_id: str) -> None:
        self.index = index
        self.source_id = source_id
        self.unreconciled: list[str] = []

    def ref(self, item: Any, kind: str = "person") -> EntityRef:
        name = item if isinstance(item, str) else item["name"]
        given = None if isinstance(item, str) else item.get("uri")
        if given:
            rec = self.index.records.get(given)
            label = rec.label if rec else name
            return EntityRef(label, given, kind, rec is None, name)
        found = self.index.lookup(name, kind)
        if len(found) == 1:
            return EntityRef(found[0].label, found[0].key, kind, False, name)
        if name not in self.unreconciled:
            self.unreconciled.append(name)
        key = f"{_PREFIX[kind]}/{slugify(name)}-in-{slugify(self.source_id)}"
        return EntityRef(name, key, kind, True, name)

    def refs(self, items: list[Any] | None, kind: str = "person") -> tuple[EntityRef, ...]:
        return tuple(self.ref(i, kind) for i in items or [])


def _date(value: str | None, path: str, where: str) -> str | None:
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ExtractionError(f"{path}: {where} is not a date: {value!r}")
    return parsed


def extract_curated(record: Record, index: AuthorityIndex) -> Extraction:
    """The Extraction a curated record states."""
    data = record.curated or {}
    path = record.path
    date = _date(record.date, path, "$.document.date")
    if date is None:
        raise ExtractionError(f"{path}: the curated record has no date ($.document.date)")
    doc = data["document"]
    names = _Names(index, record.source_id)
    from kg.extraction import read_citation, reconcile_repositories

    citation = read_citation(record)
    if citation is not None:
        citation = reconcile_repositories(citation, index)
    translators = names.refs(data.get("translators")) or names.refs(
        list(citation.translators) if citation else []
    )
    contributors = names.refs(data.get("contributors")) or names.refs(
        list(citation.contributors) if citation else []
    )
    meetings = []
    for n, m in enumerate(data.get("meetings") or []):
        where = f"$.meetings[{n}]"
        m_date = _date(m.get("date"), path, f"{where}.date")
        body = names.ref(m["convened_by"], "organization") if m.get("convened_by") else None
        participants = tuple(
            Participant(
                names.ref(p),
                tuple(["attendee"] if isinstance(p, str) else p.get("roles") or ["attendee"]),
                side=None if isinstance(p, str) else p.get("side"),
            )
            for p in m.get("participants") or []
        )
        label = m.get("label") or (f"Meeting of {m_date}" if m_date else "Undated meeting")
        kind = "plenum" if m.get("type") == "plenum" else "meeting"
        key = (
            meeting_key(m_date, body.key, kind)
            if body
            else f"meeting/{m_date or 'undated'}-{slugify(label, 60)}"
        )
        meetings.append(
            MeetingInfo(
                key=key,
                label=label,
                date=m_date,
                place=names.ref(m["place"], "place") if m.get("place") else None,
                participants=participants,
                recorded=m.get("recorded", n == 0),
                meeting_type=m.get("type") or "multilateralMeeting",
                convened_by=body,
                status=m.get("status") or "held",
                previous_date=_date(m.get("previous_date"), path, f"{where}.previous_date"),
            )
        )
    resolutions = []
    by_label: dict[str, str] = {}
    for n, r in enumerate(data.get("resolutions") or []):
        key = "resolution/" + slugify(f"{r.get('date') or date} {r['status']} {r['label']}", 80)
        by_label[r["label"]] = key
        resolutions.append(
            ResolutionInfo(
                key=key,
                label=r["label"],
                status=r["status"],
                body=names.ref(r["body"], "organization") if r.get("body") else None,
                date=_date(r.get("date"), path, f"$.resolutions[{n}].date"),
                concerns=names.refs(r.get("concerns")),
                amends_label=r.get("amends"),
                proposed_by=names.ref(r["proposed_by"]) if r.get("proposed_by") else None,
            )
        )
    resolutions = [
        ResolutionInfo(**{**r.__dict__, "amends": by_label.get(r.amends_label or "")})
        for r in resolutions
    ]
    mentions: tuple[Mention, ...] = ()
    unreconciled: list[str] = []
    if record.text:
        resolver = Resolver(record.text, index, record.source_id, year=date[:4])
        mentions = resolver.all_mentions()
        unreconciled = resolver.unreconciled
    return Extraction(
        document=DocumentInfo(
            title=record.title,
            date=date,
            type=doc.get("type"),
            language=record.language,
            summary=record.summary,
            created=_date(doc.get("created"), path, "$.document.created"),
            registration_number=doc.get("registration_number"),
            copy_number=doc.get("copy_number"),
            number_of_copies=doc.get("number_of_copies"),
        ),
        citation=citation,
        translators=translators,
        contributors=contributors,
        recorded_by=names.refs(data.get("recorded_by")),
        typed_by=names.refs(data.get("typed_by")),
        distribution=tuple(
            "file" if d == "file" else names.ref(d) for d in data.get("distribution") or []
        ),
        meetings=tuple(meetings),
        resolutions=tuple(resolutions),
        persons_mentioned=names.refs(data.get("persons_mentioned")),
        organizations=names.refs(data.get("organizations"), "organization"),
        places=names.refs(data.get("places"), "place"),
        unreconciled=tuple(dict.fromkeys([*names.unreconciled, *unreconciled])),
        mentions=mentions,
    )
