"""schema.org JSON-LD embedded in every entity page, for search engines and harvesters.

The script body is JSON with ``<``, ``>`` and ``&`` written as ``\\u003c`` ... (valid JSON,
and no ``</script>`` can end the element early: HTML Living Standard, "Restrictions for
contents of script elements").
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

#: Page type -> schema.org type of the main entity.
SCHEMA_TYPES = {
    "document": "ArchiveComponent",
    "person": "Person",
    "meeting": "Event",
    "resolution": "CreativeWork",
    "unit": "ArchiveComponent",
    "organization": "Organization",
    "place": "Place",
    "concept": "DefinedTerm",
    "entity": "Thing",
}


def script_json(data: object) -> Markup:
    """JSON safe to put inside ``<script type="application/ld+json">``.

    >>> str(script_json({"name": "</script><b>&"}))
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _ref(link: dict[str, Any] | None, schema_type: str | None = None) -> dict[str, Any] | None:
    if not link or not link.get("iri") or link["iri"].startswith("_:"):
        return None
    out: dict[str, Any] = {"@id": link["iri"], "name": link.get("label")}
    if schema_type:
        out["@type"] = schema_type
    return out


def _refs(links: list[dict[str, Any]], schema_type: str | None = None) -> list[dict[str, Any]]:
    return [r for r in (_ref(x, schema_type) for x in links) if r]


def page_jsonld(info: dict[str, Any], page_url: str) -> dict[str, Any]:
    """The schema.org description of the entity a page shows (``info`` from
    :func:`kg.web.pages.entity_page`)."""
    kind, parts = info["kind"], info["parts"]
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[kind],
        "@id": info["iri"],
        "name": info["label"],
        "url": page_url,
        "mainEntityOfPage": page_url,
    }
    if kind == "document":
        _document(out, parts)
    elif kind in ("person", "organization", "place"):
        names = [v["text"] for v in parts.get("variants", []) if v["kind"] == "variant"]
        if names:
            out["alternateName"] = names
        if kind == "person":
            out["birthDate"] = parts.get("birth")
            out["deathDate"] = parts.get("death")
    elif kind == "meeting":
        out["startDate"] = parts.get("start")
        out["endDate"] = parts.get("end")
        out["location"] = _refs(parts.get("places", []), "Place")
        out["attendee"] = [_ref(p["entity"], "Person") for p in parts.get("participants", [])]
        out["organizer"] = _refs(parts.get("convened_by", []), "Organization")
    elif kind == "resolution":
        out["dateCreated"] = parts.get("date_adopted")
        out["creator"] = _refs(parts.get("adopted_by", []), "Organization")
        out["about"] = _refs(parts.get("concerns_persons", []), "Person")
    elif kind == "unit":
        crumbs = parts.get("breadcrumb", [])
        if crumbs and crumbs[0].get("level") == "repository":
            out["holdingArchive"] = _ref(crumbs[0], "ArchiveOrganization")
        if len(crumbs) >= 2 and crumbs[-2].get("level") != "repository":
            out["isPartOf"] = _ref(crumbs[-2], "ArchiveComponent")
        out["identifier"] = parts.get("identifier")
    elif kind == "concept":
        out["description"] = parts.get("definition")
        out["inDefinedTermSet"] = _refs(parts.get("schemes", []))
    return {k: v for k, v in out.items() if v not in (None, [], {})}


def _document(out: dict[str, Any], parts: dict[str, Any]) -> None:
    out["name"] = parts.get("title") or out["name"]
    out["dateCreated"] = parts.get("created") or parts.get("date")
    out["temporalCoverage"] = parts.get("date")
    out["inLanguage"] = parts.get("language")
    out["genre"] = [t["label"] for t in parts.get("types", [])]
    refs = parts.get("references", [])
    if refs:
        crumbs = refs[0]["breadcrumb"]
        if crumbs and crumbs[0].get("level") == "repository":
            out["holdingArchive"] = _ref(crumbs[0], "ArchiveOrganization")
        if len(crumbs) >= 2:
            out["isPartOf"] = _ref(crumbs[-1], "ArchiveComponent")
        out["identifier"] = [r["citation"] for r in refs if r.get("citation")]
    about = []
    for text in parts.get("texts", []):
        for seg in text.get("segments", []):
            if "mention" in seg:
                ref = _ref(seg["mention"]["body"])
                if ref and ref not in about:
                    about.append(ref)
        out["workTranslation"] = [
            *out.get("workTranslation", []),
            {
                "@id": text["translation"]["iri"],
                "@type": "CreativeWork",
                "inLanguage": text.get("language"),
                "translator": _refs(text.get("translators", []), "Person"),
            },
        ]
    out["about"] = about
    for record in parts.get("catalogue", []):
        if record.get("abstract"):
            out["abstract"] = record["abstract"]
        if record.get("url"):
            out["sameAs"] = record["url"]
