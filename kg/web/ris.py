"""RIS export of a document (``/data/document/....ris``), written with rispy.

Reference managers (Zotero, EndNote) read TY, TI, DA, AV (archive location) and DB
(the archive). The document is typed ``MANSCPT``, an unpublished manuscript.
"""

from __future__ import annotations

from typing import Any

import rispy
from flask import Response, url_for
from rispy.writer import RisWriter

from kg.errors import NotFound
from kg.web import get_settings, get_store
from kg.web.pages import Page, document_page, exists, kind_of, types_of

MEDIA_TYPE = "application/x-research-info-systems"
#: rispy's tag mapping plus AV ("availability", the archive location), which it lacks.
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "AV": "archive_location"}


class _Writer(RisWriter):
    """rispy's RIS writer without its ``1.`` counter line before each reference."""

    def set_header(self, count: int) -> str:
        return ""


def ris_date(value: str | None) -> str | None:
    """An ISO date as RIS writes it (``YYYY/MM/DD/``).

    >>> ris_date("1956-09-23"), ris_date("1956-09"), ris_date("1956"), ris_date(None)
    ('1956/09/23/', '1956/09//', '1956///', None)
    """
    if not value:
        return None
    parts = [*value[:10].split("-"), "", ""]
    return "/".join(parts[:3]) + "/"


def document_reference(parts: dict[str, Any], page_url: str) -> dict[str, Any]:
    """The rispy entry for a document page's parts (see :func:`kg.web.pages.document_page`).

    >>> ref = document_reference({"title": "Minutes", "date": "1956-09-23", "references": [
    ...     {"citation": "GARF, Fond 5446", "breadcrumb": [{"label": "GARF"}]}]}, "http://p")
    >>> ref["title"], ref["date"], ref["archive_location"], ref["name_of_database"]
    ('Minutes', '1956/09/23/', 'GARF, Fond 5446', 'GARF')
    """
    ref: dict[str, Any] = {"type_of_reference": "MANSCPT", "title": parts.get("title")}
    date = parts.get("date") or parts.get("created")
    ref["date"] = ris_date(date)
    ref["year"] = date[:4] if date else None
    refs = parts.get("references", [])
    citations = [r["citation"] for r in refs if r.get("citation")]
    ref["archive_location"] = "; ".join(citations) or None
    if refs and refs[0].get("breadcrumb"):
        ref["name_of_database"] = refs[0]["breadcrumb"][0]["label"]
    ref["language"] = parts.get("language")
    notes = []
    for text in parts.get("texts", []):
        names = ", ".join(t["label"] for t in text.get("translators", []))
        if names:
            notes.append(f"Translated by {names}")
    for record in parts.get("catalogue", []):
        if record.get("abstract"):
            ref["abstract"] = record["abstract"]
        if record.get("url"):
            notes.append(f"Catalogue record: {record['url']}")
    ref["notes"] = notes
    ref["urls"] = [page_url]
    return {k: v for k, v in ref.items() if v not in (None, [], "")}


def ris_response(path: str) -> Response:
    """The RIS file of the document at ``path`` (404 for anything that is not a document)."""
    from kg.web.entities import entity_iri_for, linker

    iri = entity_iri_for(path)
    store = get_store()
    if not exists(store, iri) or kind_of(types_of(store, iri)) != "document":
        raise NotFound(f"no document <{iri}>: RIS export exists for documents only")
    page = Page(store, iri, linker())
    parts = page.finish(document_page(page))
    page_url = f"{get_settings().base_uri}page/{path}"
    body = rispy.dumps(
        [document_reference(parts, page_url)], implementation=_Writer, mapping=RIS_MAPPING
    )
    resp = Response(body, mimetype=MEDIA_TYPE)
    name = path.rsplit("/", 1)[-1]
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}.ris"'
    resp.headers["Link"] = (
        f'<{url_for("entities.page", path=path)}>; rel="alternate"; type="text/html"'
    )
    return resp
