"""``/browse/{persons,organizations,meetings,documents,resolutions,archives}``: paged lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from rdflib.namespace import DCTERMS, RDFS, SDO, SKOS
from rdflib.term import URIRef

from kg.errors import KgError
from kg.namespaces import CWA
from kg.store import Store
from kg.web import get_store
from kg.web.pages import Linker, labels

bp = Blueprint("browse", __name__)

#: Entries per browse page.
BROWSE_PAGE_SIZE = 50
#: Highest page number accepted.
MAX_BROWSE_PAGE = 10_000


@dataclass(frozen=True)
class Listing:
    """One browsable list: its title, class, and whether it is ordered by date."""

    title: str
    cls: URIRef
    by_date: bool = False


LISTINGS: dict[str, Listing] = {
    "persons": Listing("Persons", CWA.Person),
    "organizations": Listing("Organizations", CWA.Organization),
    "meetings": Listing("Meetings", CWA.Meeting, by_date=True),
    "documents": Listing("Documents", CWA.ArchivalDocument, by_date=True),
    "resolutions": Listing("Resolutions", CWA.Resolution),
    "archives": Listing("Archives", CWA.Repository),
}


def listing_page(store: Store, listing: Listing, linker: Linker, page: int) -> dict[str, Any]:
    """One page of a listing: entries with label and date, and whether more follow."""
    label_path = f"<{SKOS.prefLabel}>|<{DCTERMS.title}>|<{RDFS.label}>"
    date_path = f"<{SDO.startDate}>|<{DCTERMS.date}>|<{CWA.dateAdopted}>"
    order = "?date ?sort ?x" if listing.by_date else "?sort ?x"
    offset = (page - 1) * BROWSE_PAGE_SIZE
    rows = store.select(
        f"""SELECT ?x (MIN(LCASE(STR(?l))) AS ?sort) (MIN(STR(?d)) AS ?date) WHERE {{
          ?x a <{listing.cls}> FILTER(isIRI(?x))
          OPTIONAL {{ ?x {label_path} ?l }} OPTIONAL {{ ?x {date_path} ?d }} }}
        GROUP BY ?x ORDER BY {order} LIMIT {BROWSE_PAGE_SIZE + 1} OFFSET {offset}"""
    )
    more = len(rows) > BROWSE_PAGE_SIZE
    rows = rows[:BROWSE_PAGE_SIZE]
    names = labels(store, [str(r["x"]) for r in rows])
    items = [
        {
            "iri": str(r["x"]),
            "label": names[str(r["x"])],
            "href": linker.href(str(r["x"])),
            "date": str(r["date"]) if "date" in r else None,
        }
        for r in rows
    ]
    return {"title": listing.title, "items": items, "page": page, "more": more}


@bp.route("/browse/<kind>")
def browse(kind: str) -> Response:
    """A paged list of one kind of entity."""
    from kg.web.entities import linker

    listing = LISTINGS.get(kind)
    if listing is None:
        abort(404, description=f"nothing to browse called {kind!r}; try: " + ", ".join(LISTINGS))
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_BROWSE_PAGE:
        raise KgError(f"page must be a whole number from 1 to {MAX_BROWSE_PAGE}, not {raw!r}")
    page = int(raw)
    data = listing_page(get_store(), listing, linker(), page)
    prev_url = url_for("browse.browse", kind=kind, page=page - 1) if page > 1 else None
    next_url = url_for("browse.browse", kind=kind, page=page + 1) if data["more"] else None
    body = render_template(
        "browse.html", kind=kind, data=data, prev_url=prev_url, next_url=next_url, listings=LISTINGS
    )
    resp = Response(body, mimetype="text/html")
    links = [f'<{u}>; rel="{r}"' for u, r in ((prev_url, "prev"), (next_url, "next")) if u]
    if links:
        resp.headers["Link"] = ", ".join(links)
    return resp
