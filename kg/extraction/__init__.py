"""Extraction: Record -> Extraction. Rule-based and conservative (DESIGN §5)."""

from __future__ import annotations

from dataclasses import replace

from kg.errors import ExtractionError
from kg.extraction.authorities import AuthorityIndex
from kg.extraction.citations import parse_citation
from kg.extraction.dates import parse_date
from kg.extraction.model import Citation, DocumentInfo, EntityRef, Extraction
from kg.records import Record
from kg.uris import slugify

__all__ = ["extract"]


def _person(index: AuthorityIndex, name: str, unreconciled: list[str]) -> EntityRef:
    found = index.lookup(name, "person")
    if len(found) == 1:
        return EntityRef(found[0].label, found[0].key, "person", name_in_source=name)
    unreconciled.append(name)
    return EntityRef(name, f"person/{slugify(name)}", "person", True, name)


def reconcile_repositories(citation: Citation, index: AuthorityIndex) -> Citation:
    """Attach the authority key of each location's repository, when exactly one matches."""
    locations = []
    for loc in citation.locations:
        found = index.lookup(loc.repository, "repository") if loc.repository else []
        key = found[0].key if len(found) == 1 else None
        locations.append(replace(loc, repository_key=key))
    return replace(citation, locations=tuple(locations))


def extract(record: Record, index: AuthorityIndex) -> Extraction:
    """Extract the document's metadata, citation and credits from a record."""
    date = parse_date(record.date)
    if date is None:
        raise ExtractionError(
            f"{record.path}: the record has no readable date"
            + (f" (found {record.date!r})" if record.date else "")
        )
    citation = parse_citation(record.citation) if record.citation else None
    if citation is not None:
        citation = reconcile_repositories(citation, index)
    unreconciled: list[str] = []
    translators = tuple(
        _person(index, n, unreconciled) for n in (citation.translators if citation else ())
    )
    return Extraction(
        document=DocumentInfo(
            title=record.title,
            date=date,
            language=record.language,
            summary=record.summary,
        ),
        citation=citation,
        translators=translators,
        unreconciled=tuple(unreconciled),
    )
