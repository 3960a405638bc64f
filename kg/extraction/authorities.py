"""Authority data: persons, organizations, places, repositories and events with every
spelling variant seen. Authority files are Turtle with IRIs relative to ``id/``
(``<person/kim-il-sung>``), so that they resolve under any deployment base.

Matching is transliteration-aware and conservative (DESIGN §5): a name matches a record
when, after folding case, accents, hyphens, apostrophes, leading titles, initials and
Russian name order, it equals one of the record's labels; as a last resort, romanisation
variants of Korean surnames (Ri/Li/Rhee/Yi, Choe/Choi, Pak/Park, Yun/Yoon) and spacing
inside given names are folded. A name matching several records matches none of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import ORG, SDO

from kg.extraction.text import words
from kg.namespaces import CWA

AUTHORITY_BASE = "http://authority.invalid/id/"
"""Neutral base used to parse authority files before their IRIs are re-based."""

_KIND_OF_CLASS = {
    CWA.Person: "person",
    CWA.Organization: "organization",
    CWA.Repository: "repository",
    CWA.Place: "place",
    CWA.Meeting: "meeting",
    CWA.Resolution: "resolution",
}

#: Words that may precede a name without being part of it ("Cde. Mikoyan").
TITLES = words(
    """cde comrade comrades tov tovarishch ambassador premier marshal chairman general
    minister deputy vice first secretary mr mrs ms dr prof professor counsellor counselor
    charge attache adviser advisor colonel lieutenant major president the soviet chinese
    korean hungarian polish ussr prc dprk kwp cpsu ccp leader head envoy"""
)

#: Romanisation variants of Korean surnames, folded to one spelling (first token only).
_SURNAME_FOLD = {
    "li": "ri",
    "lee": "ri",
    "rhee": "ri",
    "yi": "ri",
    "rhi": "ri",
    "choi": "choe",
    "chwe": "choe",
    "tsoi": "choe",
    "park": "pak",
    "bak": "pak",
    "yoon": "yun",
}


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Fold case, accents, hyphens, apostrophes and spacing for name comparison.

    >>> normalise_name("Kim  Du-bong")
    'kim du bong'
    >>> normalise_name("Révész")
    'revesz'
    >>> normalise_name("Ch'oe Ch'ang-ik")
    'choe chang ik'
    >>> normalise_name("V.I. IVANOV")
    'v i ivanov'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’ʼ‘`]", "", text)
    text = re.sub(r"[-‐‑–—.,]+", " ", text)
    return " ".join(text.split())


def strip_titles(norm: str) -> str:
    """Drop leading titles from a normalised name.

    >>> strip_titles("cde mikoyan")
    'mikoyan'
    >>> strip_titles("soviet ambassador v i ivanov")
    'v i ivanov'
    >>> strip_titles("comrade")
    'comrade'
    """
    tokens = norm.split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens.pop(0)
    return " ".join(tokens)


def initials_first(norm: str) -> str:
    """Russian order "Ivanov V.I." to "V.I. Ivanov" (on normalised names).

    >>> initials_first("ivanov v i")
    'v i ivanov'
    >>> initials_first("kim il")
    'kim il'
    """
    tokens = norm.split()
    n = 0
    while n < len(tokens) and len(tokens[-1 - n]) == 1:
        n += 1
    if 0 < n < len(tokens):
        return " ".join(tokens[-n:] + tokens[:-n])
    return norm


def fold_name(norm: str) -> str:
    """The transliteration-folded key: surname variants unified, spaces removed.

    >>> fold_name("li pil gyu") == fold_name("ri pil gyu") == fold_name("rhee pilgyu")
    True
    >>> fold_name("choi yong geon")
    'choeyonggeon'
    """
    tokens = norm.split()
    if tokens:
        tokens[0] = _SURNAME_FOLD.get(tokens[0], tokens[0])
    return "".join(tokens)


def name_keys(name: str) -> list[str]:
    """Normalised lookup keys of a name, most exact first (deduplicated).

    >>> name_keys("Cde. Ivanov V.I.")
    ['cde ivanov v i', 'ivanov v i', 'v i ivanov']
    """
    norm = normalise_name(name)
    keys = [norm, strip_titles(norm)]
    keys.append(initials_first(keys[-1]))
    return list(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class Authority:
    """One authority record: key (``person/kim-il-sung``), kind and labels.

    ``parents`` are the keys of the organizations it belongs to (``org:subOrganizationOf``)
    or, for an event, that convened it (``cwa:convenedBy``); ``date`` is an event's start
    date; ``hidden`` are contextual labels ("CC") that several records may share.
    """

    key: str
    kind: str
    label: str
    variants: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    date: str | None = None
    hidden: tuple[str, ...] = ()


@dataclass
class AuthorityIndex:
    """Name lookup over the authority records."""

    records: dict[str, Authority] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_fold: dict[str, set[str]] = field(default_factory=dict)
    _trie: dict[str, Any] | None = field(default=None, repr=False)

    def add(self, record: Authority) -> None:
        """Index a record under its label and all its variants."""
        self.records[record.key] = record
        self._trie = None
        for name in (record.label, *record.variants, *record.hidden):
            norm = normalise_name(name)
            # Titles are stripped from the names looked up, never from the labels:
            # "Ambassador Ivanov" must not make a bare "Ivanov" a variant.
            for key in {norm, initials_first(norm)}:
                self.by_name.setdefault(key, set()).add(record.key)
            if name not in record.hidden:
                self.by_fold.setdefault(fold_name(normalise_name(name)), set()).add(record.key)

    def lookup(self, name: str, kind: str | None = None) -> list[Authority]:
        """Records whose label or a variant equals ``name`` after folding (see module doc).

        The first folding step that finds anything decides; several results mean the
        name is ambiguous.
        """
        keys = name_keys(name)
        for key in keys:
            found = self._of_kind(self.by_name.get(key, set()), kind)
            if found:
                return found
        for key in keys:
            found = self._of_kind(self.by_fold.get(fold_name(key), set()), kind)
            if found:
                return found
        return []

    def _of_kind(self, keys: set[str], kind: str | None) -> list[Authority]:
        found = [self.records[k] for k in sorted(keys)]
        return [r for r in found if kind is None or r.kind == kind]

    def root(self, key: str) -> str:
        """The top of an organization's hierarchy (``org/kwp`` for ``org/kwp-cc-presidium``)."""
        seen = {key}
        while (rec := self.records.get(key)) and rec.parents and rec.parents[0] not in seen:
            key = rec.parents[0]
            seen.add(key)
        return key

    def trie(self) -> dict[str, Any]:
        """A token trie over every label (normalised tokens), for scanning text.

        A leaf is stored under the key ``""`` as the set of record keys.
        """
        if self._trie is None:
            trie: dict[str, Any] = {}
            for rec in self.records.values():
                if rec.kind == "repository":
                    continue
                for name in (rec.label, *rec.variants, *rec.hidden):
                    norm = normalise_name(name)
                    for form in {norm, _initials_last(norm)}:
                        node: dict[str, Any] = trie
                        for tok in form.split():
                            node = node.setdefault(tok, {})
                        node.setdefault("", set()).add(rec.key)
            self._trie = trie
        return self._trie


def _initials_last(norm: str) -> str:
    """ "v i ivanov" -> "ivanov v i" (the Russian order), else unchanged."""
    tokens = norm.split()
    n = 0
    while n < len(tokens) and len(tokens[n]) == 1:
        n += 1
    if 0 < n < len(tokens):
        return " ".join(tokens[n:] + tokens[:n])
    return norm


def load_authority_graph(directory: Path) -> Graph:
    """Parse every ``*.ttl`` authority file in ``directory`` with IRIs under
    :data:`AUTHORITY_BASE`."""
    g = Graph()
    for path in sorted(directory.glob("*.ttl")):
        g.parse(path, format="turtle", publicID=AUTHORITY_BASE)
    return g


def build_index(g: Graph, id_base: str = AUTHORITY_BASE) -> AuthorityIndex:
    """Build the name index from an authority graph whose entity IRIs start with
    ``id_base`` (:data:`AUTHORITY_BASE` for :func:`load_authority_graph`, or a
    deployment's ``{base}id/`` for authority data read back from a store)."""

    def key_of(node: object) -> str | None:
        text = str(node)
        return text[len(id_base) :] if text.startswith(id_base) else None

    index = AuthorityIndex()
    for cls, kind in _KIND_OF_CLASS.items():
        for s in sorted(g.subjects(RDF.type, cls), key=str):
            if not isinstance(s, URIRef) or (key := key_of(s)) is None:
                continue
            labels = sorted(str(o) for o in g.objects(s, SKOS.prefLabel))
            en = [
                str(o) for o in g.objects(s, SKOS.prefLabel) if getattr(o, "language", None) == "en"
            ]
            if not labels:
                labels = sorted(str(o) for o in g.objects(s, RDFS.label))
            if not labels:
                continue
            label = sorted(en)[0] if en else labels[0]
            variants = tuple(
                sorted({str(o) for o in g.objects(s, SKOS.altLabel)} | set(labels) - {label})
            )
            hidden = tuple(sorted(str(o) for o in g.objects(s, SKOS.hiddenLabel)))
            parents = tuple(
                sorted(
                    k
                    for p in (ORG.subOrganizationOf, CWA.convenedBy)
                    for o in g.objects(s, p)
                    if (k := key_of(o))
                )
            )
            dates = sorted(str(o) for o in g.objects(s, SDO.startDate))
            date = dates[0] if dates else None
            index.add(Authority(key, kind, label, variants, parents, date, hidden))
    return index
