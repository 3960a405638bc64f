"""Deterministic IRIs: the same input always mints the same IRI.

Data IRIs live under the deployment's base URI (``KG_BASE_URI``):
entities at ``{base}id/{kind}/{slug}``, source graphs at ``{base}graph/{source}``.

>>> slugify("Kim Il Sung")
'kim-il-sung'
>>> slugify("Choe Chang-ik (崔昌益)")
'choe-chang-ik'
>>> slugify("Béla Révész")
'bela-revesz'
>>> entity_iri("http://127.0.0.1:5000/", "person/kim-il-sung")
'http://127.0.0.1:5000/id/person/kim-il-sung'
>>> graph_iri("http://127.0.0.1:5000/", "000_abc", "mentions")
'http://127.0.0.1:5000/graph/000_abc/mentions'
"""

from __future__ import annotations

import re
import unicodedata

#: Entity kinds served under /id/{kind}/...
KINDS = (
    "document",
    "translation",
    "record",
    "person",
    "org",
    "place",
    "meeting",
    "participation",
    "resolution",
    "unit",
    "reference",
    "mention",
    "concept",
    "source",
)


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII slug: letters, digits and single hyphens."""
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def entity_iri(base: str, key: str) -> str:
    """The IRI of an entity with key ``kind/slug...`` under the base."""
    return f"{base}id/{key}"


def graph_iri(base: str, source_id: str, part: str | None = None) -> str:
    """The IRI of a source's named graph (``part`` is None for the main graph)."""
    return f"{base}graph/{source_id}" + (f"/{part}" if part else "")


def source_graph_prefix(base: str, source_id: str) -> str:
    """Every graph of a source starts with this IRI prefix (the main graph equals it)."""
    return graph_iri(base, source_id)
