"""Authority data: persons, organizations, places, repositories and events with every
spelling variant seen. Authority files are Turtle with IRIs relative to ``id/``
(``<person/kim-il-sung>``), so that they resolve under any deployment base.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SKOS, Graph, URIRef

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


def normalise_name(name: str) -> str:
    """Fold case, accents, hyphens and spacing for name comparison.

    >>> normalise_name("Kim  Du-bong")
    'kim du bong'
    >>> normalise_name("Révész")
    'revesz'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[-‐‑–—.']+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Authority:
    """One authority record: key (``person/kim-il-sung``), kind and labels."""

    key: str
    kind: str
    label: str
    variants: tuple[str, ...] = ()


@dataclass
class AuthorityIndex:
    """Name lookup over the authority records."""

    records: dict[str, Authority] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)

    def add(self, record: Authority) -> None:
        """Index a record under its label and all its variants."""
        self.records[record.key] = record
        for name in (record.label, *record.variants):
            self.by_name.setdefault(normalise_name(name), set()).add(record.key)

    def lookup(self, name: str, kind: str | None = None) -> list[Authority]:
        """Records whose label or a variant equals ``name`` (normalised)."""
        keys = self.by_name.get(normalise_name(name), set())
        found = [self.records[k] for k in sorted(keys)]
        return [r for r in found if kind is None or r.kind == kind]


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
    index = AuthorityIndex()
    for cls, kind in _KIND_OF_CLASS.items():
        for s in g.subjects(RDF.type, cls):
            if not isinstance(s, URIRef) or not str(s).startswith(id_base):
                continue
            key = str(s)[len(id_base) :]
            labels = [str(o) for o in g.objects(s, SKOS.prefLabel)]
            if not labels:
                continue
            variants = tuple(
                sorted(
                    {str(o) for p in (SKOS.altLabel, SKOS.hiddenLabel) for o in g.objects(s, p)}
                    | set(labels[1:])
                )
            )
            index.add(Authority(key=key, kind=kind, label=labels[0], variants=variants))
    return index
