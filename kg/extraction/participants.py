"""Who took part in a meeting, and in which role, from what the text says.

- attendance sentences ("where A, B, and also C were present", "in the presence of A",
  "attended by A and B") and header lists ("Present:", "Participants:",
  "Korean side: ...; Chinese side: ...");
- roles from role words: host ("a meeting at A's", "hosted by A", "A received"),
  chair ("chaired by A"), interpreter ("Interpreter: A", "A interpreted", "A (interpreter)");
- speakers from speech verbs ("A noted", "A said", "A replied", "A agreed").

Each finding keeps the offsets of the name as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extraction.authorities import TITLES
from kg.extraction.mentions import STOPWORDS, Resolver
from kg.extraction.model import EntityRef
from kg.extraction.text import sentences, words

#: Words that make a capitalised phrase an organization or a title, not a person.
NOT_PERSON = words(
    """ministers ministry committee cabinet party embassy department council presidium
    bureau government republic union army commission delegation side plenum congress
    assembly people peoples front state states agency office section staff members
    politburo secretariat cc kwp cpsu ccp dprk ussr prc everyone all russian korean chinese
    english soviet hungarian polish german czech today yesterday tomorrow"""
)
SPEECH_VERBS = (
    "noted|said|says|replied|agreed|stated|asked|answered|remarked|declared|pointed out|"
    "emphasized|emphasised|stressed|proposed|suggested|objected|responded|continued|added|"
    "explained|informed|reported|observed|thanked|announced|expressed|spoke|underlined|"
    "recalled|mentioned|insisted|declined|objected|warned|promised|requested|inquired"
)
_ADVERBS = words("also then further again once firmly briefly immediately later")
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")


def _name(n: int = 0) -> str:
    return rf"(?P<name{n}>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,4}})"


_NAME = _name()
_LIST_HEADERS = (
    "present|participants|participating|attended|attendees|in attendance|also present|"
    "members of the delegation|delegation|participants of the conversation"
)
HEADER = re.compile(
    r"^[ \t]*(?P<key>(?:[A-Z][\w']*[ \t]+){0,2}side|From the [A-Z]\w+ side|"
    rf"(?i:{_LIST_HEADERS}|interpreters?|translators?|chair(?:man|ed by)?|host|recorder)"
    r")[ \t]*:[ \t]*(?P<value>.*)$",
    re.M,
)
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "host",
        re.compile(
            r"\b(?:meeting|conversation|talks?|dinner|lunch|reception|session)s?\s+(?:held\s+)?"
            rf"(?:at|in the (?:home|residence|office|dacha) of)\s+{_NAME}(?:['’]s\b|(?=[\s,.]))"
        ),
    ),
    ("host", re.compile(rf"\b(?:hosted|received)\s+by\s+{_NAME}")),
    ("host", re.compile(rf"{_NAME}\s+received\s+(?:me|us|the|a|an|[A-Z])")),
    ("chair", re.compile(rf"\b(?:chaired by|under the chairmanship of)\s+{_NAME}")),
    ("chair", re.compile(rf"{_NAME}\s+(?:chaired|presided)\b")),
    (
        "interpreter",
        re.compile(
            rf"\binterpreted\s+by\s+{_name(1)}|{_name(2)},?\s+who\s+(?:interpreted|translated)\b"
            rf"|{_name(3)}\s*\((?:as\s+)?(?:interpreter|translator)\)"
        ),
    ),
)
_ATTENDANCE = (
    re.compile(
        r"\b(?:met|had an? (?:conversation|meeting|talks?)|held talks|conversed|talked)\s+with\s+"
        r"(?P<list>[^.;:]+?)(?=,?\s+(?:where|at which|in the presence|who|about|on|to)\b|[.;:]|$)"
    ),
    re.compile(r"^(?P<list>[^.;:]*?)\s+and\s+(?:I|we)\s+(?:met|had|visited|held|received)\b"),
    re.compile(
        r"(?:\bwhere|\bwhen|\bat which|\bat whose|^)\s*(?P<list>[^.;:]*?)\s+"
        r"(?:were|was)\s+(?:also\s+)?present\b"
    ),
    re.compile(
        r"\b(?:in the presence of|attended by|with the participation of|"
        r"(?:also\s+)?present\s+were|participants\s+were|took part(?: in it)?:?)\s+"
        r"(?P<list>[^.;:]+)"
    ),
)
_CLAUSE = re.compile(r"\b(?:where|when|at which|at whose|whom)\s+")
_SPLIT = re.compile(r",\s*(?:and\s+(?:also\s+)?)?|\s+and\s+(?:also\s+)?|\s+as well as\s+|;\s*")


@dataclass(frozen=True)
class Role:
    """A person in a role, found at ``text[start:end]``; ``side`` names a delegation."""

    entity: EntityRef
    role: str
    start: int
    end: int
    side: str | None = None
    sentence: tuple[int, int] | None = None


def name_in(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the person's name within a list item: its last run of capitalised words,
    unless that run is an organization or a title.

    >>> t = "senior PRC official Peng Dehuai"
    >>> s = name_in(t, 0, len(t)); t[s[0]:s[1]]
    'Peng Dehuai'
    >>> name_in("Chairman of the Cabinet of Ministers", 0, 36) is None
    True
    >>> t = "Ambassador Ivanov"; t[slice(*name_in(t, 0, len(t)))]
    'Ambassador Ivanov'
    """
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\s,;:()]+", text[start:end])]
    run: list[tuple[int, int, str]] = []
    for w in reversed(words):
        bare = w[2].strip(".'’\"[]")
        if bare and bare[0].isupper():
            run.insert(0, w)
        elif run:
            break
    while run and run[0][2].lower().strip(".") in STOPWORDS:
        run.pop(0)
    if not run:
        return None
    low = [w[2].lower().strip(".'’s") for w in run]
    if any(x in NOT_PERSON for x in low) or all(x in TITLES for x in low):
        return None
    s, e = start + run[0][0], start + run[-1][1]
    while e > s and text[e - 1] in ".'’\"":
        e -= 1
    if text[s:e].endswith(("'s", "’s")):
        e -= 2
    return s, e


def _names_in_list(
    text: str, start: int, end: int, resolver: Resolver
) -> list[tuple[EntityRef, int, int]]:
    out = []
    pos = start
    for m in [*_SPLIT.finditer(text, start, end), None]:
        stop = m.start() if m else end
        first = re.match(r"\s*([a-z]+)", text[pos:stop])
        if first and first.group(1) in ("who", "which", "whom", "whose", "that", "where", "when"):
            pos = m.end() if m else end
            continue
        persons = [
            mention
            for (s, e), mention in sorted(resolver.mentions.items())
            if pos <= s and e <= stop and mention.entity.kind == "person"
        ]
        if persons:
            out += [(p.entity, p.span.start, p.span.end) for p in persons]
        elif span := name_in(text, pos, stop):
            others = [
                mention
                for (s, e), mention in resolver.mentions.items()
                if s < span[1] and span[0] < e and mention.entity.kind != "person"
            ]
            if not others:
                out.append((resolver.resolve(text[span[0] : span[1]], *span), *span))
        pos = m.end() if m else end
    return out


def header_roles(text: str, end: int, resolver: Resolver) -> list[Role]:
    """Roles from header lines ("Present:", "Korean side:", "Interpreter:", ...)."""
    out: list[Role] = []
    for m in HEADER.finditer(text, 0, end):
        key = m.group("key").lower()
        v_start, v_end = m.start("value"), m.end("value")
        if not m.group("value").strip():  # the list follows on its own lines
            block = re.match(
                r"\n((?:(?![ \t]*[A-Z][\w ]{0,30}:)[ \t]*\S.*(?:\n|$))+)", text[m.end() : end]
            )
            if not block:
                continue
            v_start, v_end = m.end() + block.start(1), m.end() + block.end(1)
        role = "attendee"
        if key.startswith(("interpreter", "translator")):
            role = "interpreter"
        elif key.startswith("chair"):
            role = "chair"
        elif key in ("host", "recorder"):
            role = key
        side = None
        if key.endswith("side"):
            side = re.sub(r"(?i)^from the\s+|\s+side$", "", m.group("key")).strip()
        for seg in re.finditer(r"[^;\n]+", text[v_start:v_end]):
            s, e = v_start + seg.start(), v_start + seg.end()
            seg_side = side
            if sm := re.match(
                r"\s*(?:From the\s+)?(?P<side>[A-Z][\w']*(?:\s+[A-Z][\w']*)?)\s+side\s*:\s*",
                text[s:e],
            ):
                seg_side = sm.group("side")
                s += sm.end()
            for ref, a, b in _names_in_list(text, s, e, resolver):
                extra = (
                    "interpreter"
                    if re.match(r"\s*\((?:interpreter|translator)\)", text[b:e])
                    else None
                )
                out.append(Role(ref, extra or role, a, b, seg_side))
    return out


def attendance(text: str, end: int, resolver: Resolver) -> list[Role]:
    """Attendees from attendance sentences."""
    out: list[Role] = []
    for s, e in sentences(text, 0, end):
        for pattern in _ATTENDANCE:
            for m in pattern.finditer(text[s:e]):
                a_list, b_list = s + m.start("list"), s + m.end("list")
                cuts = list(_CLAUSE.finditer(text, a_list, b_list))
                if cuts:
                    a_list = cuts[-1].end()
                for ref, a, b in _names_in_list(text, a_list, b_list, resolver):
                    out.append(Role(ref, "attendee", a, b, sentence=(s, e)))
    return out


def role_words(text: str, end: int, resolver: Resolver) -> list[Role]:
    """Hosts, chairs and interpreters from role words in the body."""
    out: list[Role] = []
    for s, e in sentences(text, 0, end):
        for role, pattern in ROLE_PATTERNS:
            for m in pattern.finditer(text, s, e):
                group = next(g for g in m.groupdict() if g.startswith("name") and m.group(g))
                span = name_in(text, m.start(group), m.end(group))
                if span:
                    ref = resolver.resolve(text[span[0] : span[1]], *span)
                    out.append(Role(ref, role, *span, sentence=(s, e)))
    return out


def speakers(text: str, end: int, resolver: Resolver) -> list[Role]:
    """Speakers: the name right before a speech verb ("Mikoyan noted", "Peng also said")."""
    out: list[Role] = []
    for s, e in sentences(text, 0, end):
        for m in _SPEECH.finditer(text, s, e):
            before = text[s : m.start()].rstrip()
            words = before.split()
            while words and words[-1].lower() in _ADVERBS:
                words.pop()
            if not words:
                continue
            stop = s + _offset_after_words(text[s : m.start()], len(words))
            person = [
                mention for (a, b), mention in resolver.mentions.items() if b == stop and a >= s
            ]
            if person:
                if person[0].entity.kind == "person":
                    out.append(
                        Role(
                            person[0].entity,
                            "speaker",
                            *(person[0].span.start, person[0].span.end),
                            sentence=(s, e),
                        )
                    )
                continue
            span = _subject(text, s, stop)
            if span:
                ref = resolver.resolve(text[span[0] : span[1]], *span)
                out.append(Role(ref, "speaker", *span, sentence=(s, e)))
    return out


def _offset_after_words(chunk: str, n: int) -> int:
    """Offset in ``chunk`` just after its ``n``-th whitespace-separated word."""
    words = list(re.finditer(r"\S+", chunk))
    return words[n - 1].end() if n else 0


def _subject(text: str, start: int, stop: int) -> tuple[int, int] | None:
    """A capitalised run that ends at ``stop`` and starts the clause."""
    chunk = text[start:stop]
    m = re.search(
        r"(?:^|[,;:]\s+|\b(?:Then|then|After this|At this point|and|but)\s+)"
        r"((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)$",
        chunk,
    )
    if not m:
        return None
    return name_in(text, start + m.start(1), stop)
