"""Meetings: the one a document records, and the ones it refers to.

The recorded meeting gathers the participants and roles found in the text; its date
comes from a "Time:"/"Date:" header, else from the attendance sentence, else from the
document date. Referred meetings are phrases like "the 20 September CC Presidium
[meeting]", "a CC plenum today" or a well-known event ("the August plenum"). A sentence
that postpones a meeting ("the Plenum being postponed from today to tomorrow ... open
the plenum on the morning of 23 September") gives it a new date and a previous one.
Keys are deterministic: ``meeting/{date}-{convening body}-{kind}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.extraction.dates import MONTHS, DateMention, find_dates
from kg.extraction.mentions import Resolver
from kg.extraction.model import EntityRef, MeetingInfo, Participant, Span
from kg.extraction.participants import Role
from kg.extraction.text import sentences
from kg.uris import slugify

_KIND_WORDS = re.compile(r"\b(?:meeting|plenum|session|sitting|conference|congress)\b", re.I)
_POSTPONE = re.compile(r"\b(?:postpon\w*|put off|reschedul\w*|defer\w*|moved)\b", re.I)
_AFTER = re.compile(
    r"\s+(?:(?:will|would|is to|was to|should|could|must)\s+be\s+(?:held|convened|opened)\s+)?"
    r"(?:on\s+(?:the\s+)?(?:morning\s+of\s+|evening\s+of\s+)?)?"
)
_CUT = re.compile(r"\b(?:the|a|an|this|that|its|upcoming)\b\s*", re.I)
_ROLE_ORDER = ("attendee", "host", "chair", "speaker", "interpreter", "recorder")
_HUMAN_MONTHS = [m.capitalize() for m in MONTHS]


def human_date(iso: str | None) -> str:
    """ "1956-09-22" -> "22 September 1956".

    >>> human_date("1956-09-22"), human_date("1956-09"), human_date(None)
    ('22 September 1956', 'September 1956', 'undated')
    """
    if not iso:
        return "undated"
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_HUMAN_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_HUMAN_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def meeting_key(date: str | None, org_key: str | None, kind: str) -> str:
    """Deterministic key of a meeting of a body.

    >>> meeting_key("1956-09-20", "org/kwp-cc-presidium", "meeting")
    'meeting/1956-09-20-kwp-cc-presidium'
    >>> meeting_key("1956-09-23", "org/kwp-cc", "plenum")
    'meeting/1956-09-23-kwp-cc-plenum'
    """
    org = org_key.split("/", 1)[1] if org_key else None
    slug = org if (org and kind == "meeting") else "-".join(p for p in (org, kind) if p)
    return f"meeting/{date or 'undated'}-{slug}"


@dataclass
class MeetingRef:
    """A meeting the text refers to, at ``start:end``."""

    kind: str
    start: int
    end: int
    org: EntityRef | None = None
    date: str | None = None
    authority: str | None = None
    previous_date: str | None = None
    status: str | None = None
    keys: list[str] = field(default_factory=list)


def _dates_in(dates: list[DateMention], start: int, end: int) -> list[DateMention]:
    return [d for d in dates if start <= d.start and d.end <= end]


def referred_meetings(
    text: str, end: int, resolver: Resolver, dates: list[DateMention]
) -> list[MeetingRef]:
    """Meetings named in the text with a body or a date, and well-known events."""
    refs: list[MeetingRef] = []
    events = {(s, e): m for (s, e), m in resolver.mentions.items() if m.entity.kind == "meeting"}
    for (s, e), mention in sorted(events.items()):
        if e <= end:
            rec = resolver.index.records[mention.entity.key]
            kind = "plenum" if "plenum" in rec.label.lower() else "meeting"
            refs.append(MeetingRef(kind, s, e, date=rec.date, authority=rec.key))
    for s, e in sentences(text, 0, end):
        for m in _KIND_WORDS.finditer(text, s, e):
            if any(a <= m.start() < b for a, b in events):
                continue
            window_start = max(s, m.start() - 60)
            cuts = list(_CUT.finditer(text, window_start, m.start()))
            if cuts:
                window_start = cuts[-1].end()
            window = (window_start, m.start())
            orgs = [
                men.entity
                for (a, b), men in sorted(resolver.mentions.items())
                if window[0] <= a and b <= window[1] and men.entity.kind == "organization"
            ]
            before = _dates_in(dates, *window)
            tail = _AFTER.match(text, m.end(), e)
            after = [d for d in dates if tail and d.start == tail.end()]
            date = (before or after)[-1] if (before or after) else None
            if not orgs and date is None:
                continue
            refs.append(
                MeetingRef(
                    m.group().lower(),
                    window[0] if (orgs or before) else m.start(),
                    m.end(),
                    org=orgs[-1] if orgs else None,
                    date=date.value if date else None,
                )
            )
    return sorted(refs, key=lambda r: r.start)


def apply_postponements(
    text: str, end: int, refs: list[MeetingRef], dates: list[DateMention]
) -> list[MeetingRef]:
    """Move postponed meetings to their new date, keeping the previous one."""
    for s, e in sentences(text, 0, end):
        verb = _POSTPONE.search(text, s, e)
        if not verb:
            continue
        kind = _KIND_WORDS.search(text, verb.end(), e) or _last(_KIND_WORDS, text, s, verb.start())
        if not kind:
            continue
        in_sentence = _dates_in(dates, verb.end(), e)
        m_from = re.search(r"\bfrom\s+", text[verb.end() : e])
        previous = None
        if m_from:
            at = verb.end() + m_from.end()
            previous = next((d for d in in_sentence if d.start == at), None)
        later = [d for d in in_sentence if d is not previous]
        explicit = [d for d in later if not d.relative]
        if not later:
            continue
        new = (explicit or later)[-1]
        if new is None:
            continue
        kind_word = kind.group().lower()
        candidates = [r for r in refs if r.kind == kind_word and r.start < e]
        org = next((r.org for r in reversed(candidates) if r.org), None)
        for r in candidates:
            same_org = r.org is None or org is None or r.org.key == org.key
            if (
                same_org
                and not r.authority
                and r.date in (None, new.value, previous.value if previous else None)
            ):
                r.org = r.org or org
                r.previous_date = previous.value if previous else None
                r.date = new.value
                r.status = "postponed"
        if not any(r.status == "postponed" and r.start >= s for r in candidates):
            refs.append(
                MeetingRef(
                    kind_word,
                    kind.start(),
                    kind.end(),
                    org=org,
                    date=new.value,
                    previous_date=previous.value if previous else None,
                    status="postponed",
                )
            )
    return refs


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    found = list(pattern.finditer(text, start, end))
    return found[-1] if found else None


def _meeting_type(kind: str, org: EntityRef | None) -> str:
    if kind == "plenum":
        return "plenum"
    if org and re.search(r"presidium|politburo|political bureau", org.name, re.I):
        return "presidiumMeeting"
    return "multilateralMeeting"


def referred_infos(refs: list[MeetingRef], resolver: Resolver) -> list[MeetingInfo]:
    """One :class:`MeetingInfo` per distinct referred meeting (undated ones are merged
    into the dated meeting of the same body and kind, or dropped)."""
    out: dict[str, MeetingInfo] = {}
    dated = [r for r in refs if r.date or r.authority]
    for r in refs:
        if not r.date and not r.authority and r.org:
            same = {
                (d.kind, d.org.key if d.org else None, d.date)
                for d in dated
                if d.kind == r.kind and d.org and d.org.key == r.org.key and not d.authority
            }
            if len(same) == 1:
                _, _, date = next(iter(same))
                r.date = date
    for r in refs:
        if r.authority:
            rec = resolver.index.records[r.authority]
            key, label = rec.key, rec.label
            known_parents = [p for p in rec.parents if p in resolver.index.records]
            org = resolver._ref(known_parents[0], known_parents[0]) if known_parents else None
        elif r.date:
            key = meeting_key(r.date, r.org.key if r.org else None, r.kind)
            org = r.org
            known = resolver.index.records.get(key)
            when = human_date(r.date)
            label = (
                f"{r.org.name} {r.kind} of {when}"
                if r.org
                else f"{r.kind.capitalize()} of {when} (body not named)"
            )
            label = known.label if known else label
        else:
            continue
        r.keys.append(key)
        info = out.get(key)
        if info is None:
            out[key] = MeetingInfo(
                key=key,
                label=label,
                date=r.date,
                recorded=False,
                meeting_type=_meeting_type(r.kind, org),
                convened_by=EntityRef(org.name, org.key, "organization") if org else None,
                status=r.status or "held",
                previous_date=r.previous_date,
            )
        elif r.status and info.status != "postponed":
            out[key] = replace(info, status=r.status, previous_date=r.previous_date)
    return list(out.values())


def merge_roles(roles: list[Role], text: str) -> tuple[Participant, ...]:
    """One participant per entity, in order of first mention, roles in a fixed order."""
    by_key: dict[str, tuple[EntityRef, list[str], Role]] = {}
    for role in sorted(roles, key=lambda r: r.start):
        if role.entity.key not in by_key:
            by_key[role.entity.key] = (role.entity, [], role)
        names = by_key[role.entity.key][1]
        if role.role not in names:
            names.append(role.role)
    out = []
    for entity, names, first in by_key.values():
        ordered = ["attendee", *[r for r in _ROLE_ORDER if r in names and r != "attendee"]]
        ordered += [r for r in names if r not in ordered]
        span = Span(first.start, first.end, text[first.start : first.end])
        out.append(Participant(entity, tuple(ordered), span, side=first.side))
    return tuple(out)


def convening_body(
    text: str, roles: list[Role], resolver: Resolver
) -> tuple[EntityRef | None, str]:
    """The body whose meeting the attendance sentence describes ("a meeting of the KWP CC
    Presidium was held in the presence of ..."), and the kind of meeting."""
    for s, e in dict.fromkeys(r.sentence for r in roles if r.sentence and r.role == "attendee"):
        for m in re.finditer(r"\b(meeting|session|plenum|sitting)\s+of\s+(?:the\s+)?", text[s:e]):
            at = s + m.end()
            org = next(
                (
                    men.entity
                    for (a, _), men in resolver.mentions.items()
                    if a == at and men.entity.kind == "organization"
                ),
                None,
            )
            if org is not None:
                return EntityRef(org.name, org.key, "organization"), m.group(1).lower()
    return None, "meeting"


def recorded_date(
    text: str,
    header: tuple[tuple[str, str], ...],
    roles: list[Role],
    dates: list[DateMention],
    document_date: str,
) -> str:
    """The date of the recorded meeting (see module doc)."""
    for key, value in header:
        if key.lower() in ("time", "date", "date and time"):
            found = find_dates(value, document_date)
            if found:
                return found[0].value
    for role in roles:
        if role.sentence:
            found = [d for d in _dates_in(dates, *role.sentence) if not d.relative]
            if found:
                return found[0].value
    return document_date


def recorded_meeting(
    *,
    text: str,
    source_id: str,
    date: str,
    participants: tuple[Participant, ...],
    place: EntityRef | None,
    doc_type: str | None,
    convened_by: EntityRef | None = None,
    kind: str = "meeting",
) -> MeetingInfo:
    """The meeting the document records, with a deterministic key and a label."""
    hosts = [p.entity for p in participants if "host" in p.roles]
    chairs = [p.entity for p in participants if "chair" in p.roles]
    sides = list(dict.fromkeys(p.side for p in participants if p.side))
    if doc_type == "memorandumOfConversation" or len(sides) == 2 or len(participants) == 2:
        meeting_type = "bilateralMeeting"
    else:
        meeting_type = "multilateralMeeting"
    names = [p.entity.name for p in participants]
    when = human_date(date)
    if convened_by is not None:
        return MeetingInfo(
            key=meeting_key(date, convened_by.key, kind),
            label=f"{convened_by.name} {kind} of {when}",
            date=date,
            place=place,
            participants=participants,
            recorded=True,
            meeting_type=_meeting_type(kind, convened_by),
            convened_by=convened_by,
            status="held",
        )
    if hosts:
        slug, label = f"at-{_slug(hosts[0])}", f"Meeting at {hosts[0].name}'s, {when}"
    elif chairs:
        slug, label = (
            f"chaired-by-{_slug(chairs[0])}",
            f"Meeting chaired by {chairs[0].name}, {when}",
        )
    elif sides:
        slug = "-".join(_plain(s) for s in sides)
        label = f"Meeting of the {' and '.join(sides)} sides, {when}"
    elif names:
        slug = "with-" + "-".join(_slug(p.entity) for p in participants[:2])
        verb = "Conversation" if meeting_type == "bilateralMeeting" else "Meeting"
        label = (
            f"{verb} with {', '.join(names[:3])}{' and others' if len(names) > 3 else ''}, {when}"
        )
    else:
        slug, label = f"recorded-in-{_plain(source_id)}", f"Meeting recorded in {source_id}, {when}"
    return MeetingInfo(
        key=f"meeting/{date}-{slug}",
        label=label,
        date=date,
        place=place,
        participants=participants,
        recorded=True,
        meeting_type=meeting_type,
        status="held",
    )


def _slug(ref: EntityRef) -> str:
    return ref.key.split("/", 1)[1]


def _plain(text: str) -> str:
    return slugify(text)
