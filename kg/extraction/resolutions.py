"""Resolutions and decisions, with their status (DESIGN §5).

- **draft**: "A draft resolution of the upcoming KWP CC plenum on ... was considered":
  the adopting body is the organization named in the phrase, the persons named in it are
  whom it concerns, and "changes to the decision adopted at <meeting>" is what it amends;
- **adopted**: the decision it amends ("the decision adopted at the August CC plenum
  about ..."), adopted at that meeting by the body that convened it; and a postponement
  that "everyone agreed" to;
- **proposed**: "it would be better to adopt a separate short resolution on this issue":
  the topic of "this issue" is looked up in the sentences before; the proposer is the
  person whose opinion the sentence reports ("In Mikoyan's opinion") or its speaker.

Labels quote the document's own words; keys are slugs of date, status and subject.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extraction.meetings import MeetingRef, human_date
from kg.extraction.mentions import Resolver
from kg.extraction.model import EntityRef, MeetingInfo, ResolutionInfo
from kg.extraction.participants import Role
from kg.extraction.text import paragraphs, sentences
from kg.uris import slugify

_RES = r"(?:resolution|decision|decree|directive)"
_DRAFT = re.compile(rf"\b(?:[Aa]|[Tt]he)\s+(?:new\s+)?draft\s+{_RES}\b")
_DRAFT_END = re.compile(
    r"\s+(?:was|were|is|are|has been|had been|would be|will be|should be|to be)\s+"
    r"(?:\w+\s+)?(?:considered|discussed|examined|"
    r"reviewed|approved|read|presented|prepared|submitted)\b|\s+where\b|[.;]"
)
_AMENDS = re.compile(
    rf"\b(?:chang\w*|amend\w*|revis\w*|reconsider\w*|correct\w*)\s+(?:to\s+|of\s+|in\s+)?"
    rf"the\s+{_RES}s?\s+(?:adopted|taken|passed)\s+(?:at|by)\s+(?:the\s+)?"
)
_PROPOSE = re.compile(
    r"\b(?:adopt|pass|issue|prepare|draw up|take)\s+(?:a|an)\s+(?P<adj>(?:[\w-]+\s+){0,3}?)"
    r"(?P<kind>resolution|decision|decree)\s+(?:on|about|concerning|regarding)\s+"
    r"(?P<topic>[^.;,]+)"
)
_ADOPT = re.compile(
    r"\b(?:adopted|passed|approved)\s+(?:a|an)\s+(?P<adj>(?:[\w-]+\s+){0,3}?)"
    r"(?P<kind>resolution|decision|decree)\s+(?:on|about|concerning|regarding)\s+"
    r"(?P<topic>[^.;,]+)"
)
_CUE = re.compile(
    r"\b(?:better|should|ought|propos\w+|suggest\w+|advisable|necessary|need|would like|"
    r"recommend\w*)\b",
    re.I,
)
_ANAPHORA = re.compile(r"^(?:this|that|the same|the)\s+(?:issue|question|matter|problem)$", re.I)
_TOPIC = re.compile(
    r"\b(?:development|issue|question|problem|matter|strengthening|improvement)\s+of\s+"
    r"(?P<topic>[\w'’-]+(?:\s+[\w'’-]+){0,4}?)(?=[.,;]|\s+and\b|\s+in\b|$)"
)
_OPINION = re.compile(
    r"\bIn\s+(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})['’]s\s+(?:opinion|view)"
)
_AGREED = re.compile(r"^\s*(?:Everyone|All|All present|Those present|The participants)\s+agreed")


def _persons(resolver: Resolver, start: int, end: int) -> tuple[EntityRef, ...]:
    seen: dict[str, EntityRef] = {}
    for (s, e), m in sorted(resolver.mentions.items()):
        if start <= s and e <= end and m.entity.kind == "person":
            seen.setdefault(m.entity.key, EntityRef(m.entity.name, m.entity.key, "person"))
    return tuple(seen.values())


def _clean(label: str) -> str:
    label = " ".join(label.split())
    return label[:1].upper() + label[1:]


def find_resolutions(
    *,
    text: str,
    end: int,
    resolver: Resolver,
    refs: list[MeetingRef],
    referred: list[MeetingInfo],
    recorded: MeetingInfo | None,
    speakers: list[Role],
) -> list[ResolutionInfo]:
    """Resolutions and decisions the text names (see module doc)."""
    out: dict[str, ResolutionInfo] = {}
    infos = {m.key: m for m in referred}
    date = recorded.date if recorded else None
    discussed_here = (recorded.key,) if recorded else ()
    for s, e in sentences(text, 0, end):
        for m in _DRAFT.finditer(text, s, e):
            stop_m = _DRAFT_END.search(text, m.end(), e)
            stop = stop_m.start() if stop_m else e
            phrase = text[m.start() : stop]
            orgs = [
                men.entity
                for (a, b), men in sorted(resolver.mentions.items())
                if m.start() <= a and b <= stop and men.entity.kind == "organization"
            ]
            concerns = _persons(resolver, m.start(), stop)
            amended: ResolutionInfo | None = None
            if am := _AMENDS.search(text, m.start(), stop):
                target = next((r for r in refs if r.start == am.end() and r.keys), None)
                if target is not None:
                    meeting = infos.get(target.keys[0])
                    about = re.match(
                        r"\s*(?:about|on|concerning|regarding)\s+.*", text[target.end : stop]
                    )
                    label = "Decision adopted at the " + (meeting.label if meeting else "meeting")
                    if about:
                        label += " " + about.group().strip()
                    amended = ResolutionInfo(
                        key=f"resolution/{target.keys[0].split('/', 1)[1]}-decision",
                        label=_clean(label),
                        status="adopted",
                        body=meeting.convened_by if meeting else None,
                        date=meeting.date if meeting else None,
                        concerns=concerns,
                        adopted_at=target.keys[0],
                    )
                    out.setdefault(amended.key, amended)
            cut = re.search(r"\s+about\s+", phrase)
            label = _clean(phrase[: cut.start()] if cut else phrase)
            label = re.sub(r"^(?:A|The)\s+", "", label)
            label = _clean(label)
            body = orgs[0] if orgs else None
            discussed = [*discussed_here]
            for r in refs:
                if r.keys and r.start < end and _discussed_draft(text, r, sentences(text, 0, end)):
                    discussed.append(r.keys[0])
            key = "resolution/" + slugify(
                f"{date or ''} draft {body.key.split('/', 1)[1] if body else ''} "
                f"{amended.key.split('/', 1)[1] if amended else re.sub('(?i)^draft ', '', label)}"
            )
            if key in out:
                continue
            out[key] = ResolutionInfo(
                key=key,
                label=label,
                status="draft",
                body=EntityRef(body.name, body.key, "organization") if body else None,
                concerns=concerns,
                amends=amended.key if amended else None,
                amends_label=amended.label if amended else None,
                discussed_at=tuple(dict.fromkeys(discussed)),
            )
        for m in _ADOPT.finditer(text, s, e):
            if _CUE.search(text, s, m.start()) or recorded is None:
                continue
            orgs = [
                men.entity
                for (a, b), men in sorted(resolver.mentions.items())
                if s <= a and b <= m.start() and men.entity.kind == "organization"
            ]
            topic = m.group("topic").strip()
            key = "resolution/" + slugify(f"{date or ''} adopted {m.group('kind')} {topic}")
            out.setdefault(
                key,
                ResolutionInfo(
                    key=key,
                    label=_clean(f"{m.group('adj')}{m.group('kind')} on {topic}"),
                    status="adopted",
                    body=orgs[-1] if orgs else None,
                    date=date,
                    concerns=_persons(resolver, m.start("topic"), m.end("topic")),
                    discussed_at=discussed_here,
                    adopted_at=recorded.key,
                ),
            )
        for m in _PROPOSE.finditer(text, s, e):
            if not _CUE.search(text, s, m.start()):
                continue
            topic = m.group("topic").strip()
            if _ANAPHORA.match(topic):
                topic = _topic_before(text, s) or topic
            adj = m.group("adj")
            label = _clean(f"Proposed {adj}{m.group('kind')} on {topic}")
            proposer = _proposer(text, s, e, resolver, speakers)
            key = "resolution/" + slugify(f"{date or ''} proposed {m.group('kind')} {topic}")
            out.setdefault(
                key,
                ResolutionInfo(
                    key=key,
                    label=label,
                    status="proposed",
                    concerns=(),
                    discussed_at=discussed_here,
                    proposed_by=proposer,
                ),
            )
    if recorded is not None:
        for meeting in referred:
            if meeting.status != "postponed":
                continue
            agreed = _agreed_after(text, end, meeting, refs)
            if agreed:
                key = f"resolution/{recorded.date}-postpone-{meeting.key.split('/', 1)[1]}"
                out.setdefault(
                    key,
                    ResolutionInfo(
                        key=key,
                        label=f"Agreement to postpone the {meeting.label} to "
                        f"{human_date(meeting.date)}",
                        status="adopted",
                        date=recorded.date,
                        adopted_at=recorded.key,
                        discussed_at=(recorded.key,),
                    ),
                )
    return _merge_drafts(list(out.values()))


def _merge_drafts(found: list[ResolutionInfo]) -> list[ResolutionInfo]:
    """A document usually speaks of one draft many times ("the draft resolution", "this
    draft decision"): fold drafts without a body of their own, or with the same body,
    into the most specific one (the one that says what it amends, else the longest)."""
    drafts = [r for r in found if r.status == "draft"]
    if len(drafts) < 2:
        return found
    primary = max(drafts, key=lambda r: (r.amends is not None, len(r.concerns), len(r.label)))
    merged = primary
    dropped = set()
    for r in drafts:
        if r is primary or (r.body and primary.body and r.body.key != primary.body.key):
            continue
        if r.amends and r.amends != primary.amends:
            continue
        dropped.add(r.key)
        concerns = {c.key: c for c in (*merged.concerns, *r.concerns)}
        merged = replace(
            merged,
            concerns=tuple(concerns.values()),
            discussed_at=tuple(dict.fromkeys((*merged.discussed_at, *r.discussed_at))),
        )
    return [merged if r is primary else r for r in found if r.key not in dropped]


def _discussed_draft(text: str, ref: MeetingRef, sents: object) -> bool:
    """True if the sentence naming ``ref`` says the draft was discussed there."""
    for s, e in sents:  # type: ignore[attr-defined]
        if s <= ref.start < e:
            chunk = text[s:e]
            return bool(
                re.search(r"\bdiscussed\b", chunk) and re.search(rf"\bdraft\s+{_RES}", chunk)
            )
    return False


def _topic_before(text: str, start: int) -> str | None:
    """The topic of "this issue": the nearest "development/issue/question of X" before
    ``start`` in the same paragraph."""
    para = next(((a, b) for a, b in paragraphs(text) if a <= start <= b), None)
    if para is None:
        return None
    found = list(_TOPIC.finditer(text, para[0], start))
    return found[-1].group("topic").strip() if found else None


def _proposer(
    text: str, s: int, e: int, resolver: Resolver, speakers: list[Role]
) -> EntityRef | None:
    if m := _OPINION.search(text, s, e):
        ref = resolver.resolve(m.group("name"), m.start("name"), m.end("name"))
        return EntityRef(ref.name, ref.key, "person", ref.provisional)
    para = next(((a, b) for a, b in paragraphs(text) if a <= s <= b), (s, e))
    in_para = [r for r in speakers if para[0] <= r.start < para[1] and r.start <= e]
    if in_para:
        ref = in_para[-1].entity
        return EntityRef(ref.name, ref.key, "person", ref.provisional)
    return None


def _agreed_after(text: str, end: int, meeting: MeetingInfo, refs: list[MeetingRef]) -> bool:
    """True if the sentence after the postponement says everyone agreed."""
    last = max((r.end for r in refs if meeting.key in r.keys and r.status), default=None)
    if last is None:
        return False
    sents = list(sentences(text, 0, end))
    for n, (s, e) in enumerate(sents):
        if s <= last < e:
            return n + 1 < len(sents) and bool(
                _AGREED.match(text[sents[n + 1][0] : sents[n + 1][1]])
            )
    return False
