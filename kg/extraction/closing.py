"""The closing block of a document: who recorded and typed it, how many copies were made
and for whom, its registration number and typing date; and the copy number in its header.

Layouts vary ("Recorded by V. I. IVANOV", "Recorder: ...", "Three copies printed",
"Printed in 3 copies", "1- to Cde. Mikoyan", "3- to file", "Nº 963", "No. 963",
"Typed by Fokina", "24 September 1956"); any part may be missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extraction.dates import parse_date

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUM = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_LINE = r"^[ \t]*{}[ \t]*$"
RECORDED = re.compile(
    _LINE.format(
        r"(?:Recorded|Minutes\s+taken|Notes\s+taken|Written\s+down|Compiled|Recorder)"
        r"(?:\s+by)?\s*:?\s+(?P<names>\S.*?)"
    ),
    re.I | re.M,
)
TYPED = re.compile(
    _LINE.format(
        r"(?:Typed|Typist|Typewritten)(?:\s+by)?\s*:?\s+(?P<names>[^\d\n]+?)(?P<date>\s+\d.*)?"
    ),
    re.I | re.M,
)
COPIES = re.compile(
    _LINE.format(
        rf"(?:{_NUM}\s+cop(?:y|ies)\s+(?:printed|made|typed|prepared)"
        rf"|(?:Printed|Typed|Made|Prepared)\s+in\s+{_NUM}\s+cop(?:y|ies))\.?"
    ),
    re.I | re.M,
)
DISTRIBUTION = re.compile(
    r"^[ \t]*(?P<n>\d{1,2})\s*[-–.)]\s*(?:to\s+)?(?P<to>\S.*?)[ \t]*\.?$", re.M
)
REGISTRATION = re.compile(
    r"^[ \t]*(?:N[º°o]\.?|No\.|#|Reg(?:istration)?\.?\s*No\.?|Outgoing\s+No\.?)\s*"
    r"(?P<n>\d[\w/\-]*)[ \t]*$",
    re.M,
)
COPY_NUMBER = re.compile(r"\bCopy\s+(?:N[º°o]\.?|No\.?|#)\s*(?P<n>\d{1,3})\b", re.I)
_FILE = re.compile(r"^(?:the\s+)?files?$", re.I)


@dataclass(frozen=True)
class NameAt:
    """A name as written, with its offsets in the text."""

    text: str
    start: int
    end: int


@dataclass
class Closing:
    """What the closing block says; ``start`` is where it begins (len(text) if absent)."""

    start: int
    recorded_by: list[NameAt] = field(default_factory=list)
    typed_by: list[NameAt] = field(default_factory=list)
    distribution: list[NameAt | str] = field(default_factory=list)
    number_of_copies: int | None = None
    registration_number: str | None = None
    created: str | None = None
    copy_number: int | None = None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def split_names(text: str, offset: int) -> list[NameAt]:
    """Split "A, B and C" into names with offsets (``offset`` is where ``text`` starts).

    >>> [n.text for n in split_names("V. I. Ivanov and S. N. Filatov", 0)]
    ['V. I. Ivanov', 'S. N. Filatov']
    """
    out = []
    pos = 0
    for part in re.split(r"(,\s*(?:and\s+)?|\s+and\s+|;\s*)", text):
        if part and not re.fullmatch(r",\s*(?:and\s+)?|\s+and\s+|;\s*", part):
            stripped = part.strip().rstrip(".")
            lead = len(part) - len(part.lstrip())
            if stripped:
                begin = offset + pos + lead
                out.append(NameAt(stripped, begin, begin + len(stripped)))
        pos += len(part)
    return out


def parse_closing(text: str) -> Closing:
    """Read the closing block (and the header's copy number) of a document text.

    >>> c = parse_closing("Body.\\n\\nRecorded by A. B. Petrov\\n\\nTwo copies printed\\n"
    ...                   "1- to Cde. Ivanov\\n2- to file\\nNo. 12\\nTyped by Orlova\\n3 May 1957")
    >>> ([n.text for n in c.recorded_by], c.number_of_copies, c.registration_number, c.created)
    (['A. B. Petrov'], 2, '12', '1957-05-03')
    >>> c.distribution[1]
    'file'
    """
    first = re.search(r"\n[ \t]*\n", text)
    tail_from = first.end() if first else 0
    closing = Closing(start=len(text))
    if m := COPY_NUMBER.search(text[: max(400, len(text) // 4)]):
        closing.copy_number = int(m.group("n"))
    starts = []
    for m in RECORDED.finditer(text):
        if m.start() >= tail_from:
            closing.recorded_by += split_names(m.group("names"), m.start("names"))
            starts.append(m.start())
    for m in TYPED.finditer(text):
        if m.start() >= tail_from:
            closing.typed_by += split_names(m.group("names").strip(), m.start("names"))
            starts.append(m.start())
            if m.group("date"):
                closing.created = parse_date(m.group("date").strip())
            else:
                after = text[m.end() :].lstrip("\n").split("\n", 1)[0]
                closing.created = parse_date(after.strip()) or closing.created
    for m in COPIES.finditer(text):
        if m.start() >= tail_from:
            closing.number_of_copies = _number(m.group(1) or m.group(2))
            starts.append(m.start())
    for m in REGISTRATION.finditer(text):
        if m.start() >= tail_from:
            closing.registration_number = m.group("n")
            starts.append(m.start())
    if starts:
        closing.start = min(starts)
        for m in DISTRIBUTION.finditer(text, closing.start):
            to = m.group("to")
            if _FILE.match(to):
                closing.distribution.append("file")
            else:
                closing.distribution.append(NameAt(to, m.start("to"), m.start("to") + len(to)))
    if closing.created is None and starts:
        lines = [ln.strip() for ln in text[closing.start :].split("\n") if ln.strip()]
        for line in reversed(lines):
            if (date := parse_date(line)) is not None:
                closing.created = date
                break
    return closing
