"""Mentions: where the text names an authority entity, with exact offsets.

:func:`scan` finds every label or variant of an authority record in the text (longest
match first). :class:`Resolver` then decides, conservatively, what each finding names:

- a label shared by several records (a hidden "CC") names the one whose party the
  document names, and only when it names exactly one party;
- a well-known event ("August plenum") is recognised only in a document of its year
  that names its convening party;
- a bare surname ("Peng") names a person only when exactly one person with that surname
  is named in full elsewhere in the document;
- a name in a structural position (attendance list, speaker, closing block) that matches
  nothing becomes a provisional entity, scoped to its document and reported as
  unreconciled. Nothing is dropped, nothing is merged on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.extraction.authorities import TITLES, AuthorityIndex, normalise_name
from kg.extraction.model import EntityRef, Mention, Span
from kg.extraction.text import Token, tokens, words
from kg.uris import slugify

#: Capitalised words that start sentences but are never part of a name.
STOPWORDS = words(
    """a an and also after at although as but by during each everyone for from further
    furthermore he her his however i if in it its later moreover my no not nothing of on
    one our she some that the their then there these they this those thus to two three
    we what when where which while who with yes you your"""
)
_KIND_PREFIX = {
    "person": "person",
    "organization": "org",
    "place": "place",
    "repository": "org",
    "meeting": "meeting",
    "resolution": "resolution",
}
_GAP = re.compile(r"[ \t\-‐‑–]*")
_INITIAL_GAP = re.compile(r"\.?[ \t]*")


@dataclass(frozen=True)
class Found:
    """A raw scan finding: a span and the records whose labels it equals."""

    start: int
    end: int
    keys: frozenset[str]


def _possessive_stem(tok: Token) -> tuple[str, int]:
    """Normalised token and its end, without a possessive ``'s``."""
    if tok.text.endswith(("'s", "’s")):
        return normalise_name(tok.text[:-2]), tok.end - 2
    return normalise_name(tok.text), tok.end


def scan(text: str, index: AuthorityIndex) -> list[Found]:
    """Every longest, non-overlapping match of an authority label in ``text``.

    >>> from kg.extraction.authorities import Authority
    >>> ix = AuthorityIndex()
    >>> ix.add(Authority("person/v-i-ivanov", "person", "V. I. Ivanov"))
    >>> [text[f.start:f.end] for text in ["Recorded by V.I. IVANOV."] for f in scan(text, ix)]
    ['V.I. IVANOV']
    """
    toks = tokens(text)
    trie = index.trie()
    out: list[Found] = []
    i = 0
    while i < len(toks):
        if not toks[i].text[0].isupper():
            i += 1
            continue
        node: dict[str, Any] = trie
        best: tuple[int, int, frozenset[str]] | None = None
        j = i
        while j < len(toks):
            if j > i:
                gap = text[toks[j - 1].end : toks[j].start]
                initial = len(toks[j - 1].text) == 1
                if not (_GAP.fullmatch(gap) or (initial and _INITIAL_GAP.fullmatch(gap))):
                    break
            norm, end = _possessive_stem(toks[j])
            nxt = node.get(norm)
            if not isinstance(nxt, dict):
                break
            node = nxt
            if "" in node:
                best = (j, end, frozenset(node[""]))
            if end != toks[j].end:  # a possessive ends the name
                break
            j += 1
        if best is None:
            i += 1
            continue
        last, end, keys = best
        out.append(Found(toks[i].start, end, keys))
        i = last + 1
    return out


def _hidden(record: object) -> set[str]:
    """Normalised hidden (contextual) labels of a record."""
    return {normalise_name(h) for h in getattr(record, "hidden", ())}


@dataclass
class Resolver:
    """Resolves names in one document to entity references, and keeps the mentions and
    unreconciled names found on the way."""

    text: str
    index: AuthorityIndex
    source_id: str
    year: str | None = None
    mentions: dict[tuple[int, int], Mention] = field(default_factory=dict)
    unreconciled: list[str] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    found: list[Found] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.found = scan(self.text, self.index)
        addressing = [
            (m.start(), m.end())
            for m in re.finditer(
                r"^[ \t]*(?:To|From|Cc|Copy to|Attention)[ \t]*:.*$", self.text, re.M
            )
        ]
        for f in self.found:
            recs = [self.index.records[k] for k in f.keys]
            if any(a <= f.start < b for a, b in addressing):
                continue  # the addressee's party is not the party the text speaks of
            if len(recs) == 1 and recs[0].kind == "organization":
                self.parties.add(self.index.root(recs[0].key))
        for f in self.found:
            key = self._choose(f.keys, self.text[f.start : f.end])
            if key is not None:
                self._mention(self._ref(key, self.text[f.start : f.end]), f.start, f.end)
        self._surnames()

    # -- choosing among records ------------------------------------------------------
    def _choose(self, keys: frozenset[str], written: str) -> str | None:
        recs = [self.index.records[k] for k in sorted(keys)]
        events = [r for r in recs if r.kind == "meeting"]
        others = [r for r in recs if r.kind != "meeting"]
        events = [r for r in events if self._event_fits(r.key)]
        norm = normalise_name(written)
        if len(others) == 1 and not events and norm not in _hidden(others[0]):
            return others[0].key
        if len(others) == 1 and not events:
            return others[0].key if self._in_party(others[0].key) else None
        if len(others) > 1 and not events:
            fits = [r for r in others if r.kind == "organization" and self._in_party(r.key)]
            return fits[0].key if len(fits) == 1 else None
        if len(events) == 1 and not others:
            return events[0].key
        return None

    def _in_party(self, key: str) -> bool:
        return len(self.parties) == 1 and self.index.root(key) in self.parties

    def _event_fits(self, key: str) -> bool:
        rec = self.index.records[key]
        if rec.date and self.year and rec.date[:4] != self.year:
            return False
        return all(self.index.root(p) in self.parties for p in rec.parents)

    def _ref(self, key: str, as_written: str) -> EntityRef:
        rec = self.index.records[key]
        kind = "organization" if rec.kind == "repository" else rec.kind
        return EntityRef(rec.label, key, kind, False, as_written)

    def _mention(self, ref: EntityRef, start: int, end: int) -> None:
        if (start, end) not in self.mentions and not any(
            s <= start and end <= e for s, e in self.mentions
        ):
            self.mentions[(start, end)] = Mention(ref, Span(start, end, self.text[start:end]))

    # -- surnames ------------------------------------------------------------------------
    def _person_surnames(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for m in self.mentions.values():
            if m.entity.kind != "person":
                continue
            rec = self.index.records.get(m.entity.key)
            names = (rec.label, *rec.variants) if rec else (m.entity.name,)
            for name in names:
                parts = [p for p in normalise_name(name.replace("-", "")).split() if len(p) > 1]
                if len(parts) >= 2:
                    out.setdefault(parts[0], set()).add(m.entity.key)
                    out.setdefault(parts[-1], set()).add(m.entity.key)
        return out

    def person_by_surname(self, surname: str) -> EntityRef | None:
        """The one person named in full in this document whose surname this is."""
        keys = self._person_surnames().get(normalise_name(surname), set())
        if len(keys) != 1:
            return None
        key = next(iter(keys))
        if key in self.index.records:
            return self._ref(key, surname)
        named = next(m.entity for m in self.mentions.values() if m.entity.key == key)
        return EntityRef(named.name, key, "person", named.provisional, surname)

    def _surnames(self) -> None:
        surnames = self._person_surnames()
        toks = tokens(self.text)
        for n, tok in enumerate(toks):
            norm, end = _possessive_stem(tok)
            keys = surnames.get(norm)
            if not keys or len(keys) != 1 or not tok.text[0].isupper():
                continue
            if n + 1 < len(toks) and end == tok.end:
                gap = self.text[tok.end : toks[n + 1].start]
                if _GAP.fullmatch(gap) and toks[n + 1].text[0].isupper():
                    continue
            if n > 0:
                prev = toks[n - 1]
                gap = self.text[prev.end : tok.start]
                low = prev.text.lower()
                if (
                    _GAP.fullmatch(gap)
                    and prev.text[0].isupper()
                    and low not in STOPWORDS
                    and low not in TITLES
                ):
                    continue
            self._mention(self._ref(next(iter(keys)), tok.text), tok.start, end)

    # -- names in structural positions ------------------------------------------------
    def resolve(self, name: str, start: int, end: int, kind: str = "person") -> EntityRef:
        """The entity a name at ``text[start:end]`` refers to; a provisional one (and an
        unreconciled entry) when nothing matches."""
        inside = [
            m
            for (s, e), m in sorted(self.mentions.items())
            if start <= s and e <= end and m.entity.kind == kind
        ]
        if len(inside) == 1:
            return inside[0].entity
        found = self.index.lookup(name, kind)
        if len(found) == 1:
            ref = self._ref(found[0].key, name)
            self._mention(ref, start, end)
            return ref
        bare = [t.text for t in tokens(name) if t.text.lower() not in TITLES]
        by_surname = self.person_by_surname(bare[0]) if len(bare) == 1 else None
        if kind == "person" and by_surname is not None:
            self._mention(by_surname, start, end)
            return by_surname
        return self.provisional(name, start, end, kind)

    def provisional(self, name: str, start: int, end: int, kind: str = "person") -> EntityRef:
        """A provisional entity for an unmatched name, scoped to this document."""
        if name not in self.unreconciled:
            self.unreconciled.append(name)
        key = f"{_KIND_PREFIX[kind]}/{slugify(name)}-in-{slugify(self.source_id)}"
        ref = EntityRef(name, key, kind, True, name)
        self._mention(ref, start, end)
        return ref

    def all_mentions(self) -> tuple[Mention, ...]:
        """Every mention found so far, in text order."""
        return tuple(self.mentions[k] for k in sorted(self.mentions))

    def entities(self, kind: str) -> tuple[EntityRef, ...]:
        """Distinct entities of one kind mentioned, in order of first mention."""
        seen: dict[str, EntityRef] = {}
        for m in self.all_mentions():
            if m.entity.kind == kind and m.entity.key not in seen:
                seen[m.entity.key] = EntityRef(
                    m.entity.name, m.entity.key, kind, m.entity.provisional
                )
        return tuple(seen.values())
