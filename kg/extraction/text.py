"""Plain-text helpers for extraction: tokens, sentences and paragraphs with offsets.

Every helper returns offsets into the text it is given, so spans stay checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple


def words(text: str) -> frozenset[str]:
    """The set of whitespace-separated words of a string (for word lists).

    >>> sorted(words("b a  b"))
    ['a', 'b']
    """
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ABBREVIATIONS = words(
    "cde mr mrs dr no nos nº gen col lt tov st prof ll l ff op f d ed eds vol pp p"
)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


class Token(NamedTuple):
    """A word of the text with its offsets."""

    start: int
    end: int
    text: str


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]``, apostrophes inside words kept.

    >>> [t.text for t in tokens("Ch'oe Yong-geon, V.I. Ivanov's")]
    ["Ch'oe", 'Yong', 'geon', 'V', 'I', "Ivanov's"]
    """
    end = len(text) if end is None else end
    if start == 0 and end == len(text):
        return list(_all_tokens(text))
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


@lru_cache(maxsize=32)
def _all_tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank paragraph (blank-line separated).

    >>> paragraphs("a b\\n\\n c\\n")
    [(0, 3), (6, 7)]
    """
    out = []
    pos = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        stop = m.start() if m else len(text)
        chunk = text[pos:stop]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + len(chunk.rstrip())))
        pos = m.end() if m else stop
    return out


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``; paragraphs never join.

    A full stop ends a sentence unless it follows an initial ("V. I.") or a known
    abbreviation ("Cde.").

    >>> t = "Cde. Mikoyan said so. V. I. Ivanov agreed.\\n\\nNext"
    >>> [t[a:b] for a, b in sentences(t)]
    ['Cde. Mikoyan said so.', 'V. I. Ivanov agreed.', 'Next']
    """
    end = len(text) if end is None else end
    for s, e in _all_sentences(text):
        if s >= start and e <= end:
            yield s, e
        elif s < end and e > start:
            yield max(s, start), min(e, end)


_SENTENCE_END = re.compile(r"[.!?]+[\]\)\"”’]*(?=\s+[\"“(\[]?[A-Z0-9])")


@lru_cache(maxsize=32)
def _all_sentences(text: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs(text):
        s = p_start
        for m in _SENTENCE_END.finditer(text, p_start, p_end):
            if m.start() < s:
                continue
            word = re.search(r"(\S+)$", text[s : m.start()])
            last = word.group(1).lower() if word else ""
            if m.group().startswith(".") and (
                (len(last) == 1 and last.isalpha()) or last.strip("([") in _ABBREVIATIONS
            ):
                continue
            out.append((s, m.end()))
            s = m.end()
            while s < p_end and text[s].isspace():
                s += 1
        if s < p_end:
            out.append((s, p_end))
    return tuple(out)
