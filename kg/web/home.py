"""The ``/`` page: what the archive holds, search, and where to go next."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from kg.store import Store
from kg.web import get_store
from kg.web.browse import LISTINGS, Listing, listing_page

bp = Blueprint("home", __name__)


def counts(store: Store) -> dict[str, int]:
    """How many entities of each browsable kind the store holds."""
    out = {}
    for name, listing in LISTINGS.items():
        rows = store.select(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{listing.cls}> FILTER(isIRI(?x)) }}"
        )
        out[name] = int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]
    return out


@bp.route("/")
def home() -> Response:
    """The home page."""
    from kg.web.entities import linker

    store = get_store()
    documents: Listing = LISTINGS["documents"]
    recent = listing_page(store, documents, linker(), 1)["items"][:10]
    body = render_template("home.html", counts=counts(store), documents=recent, listings=LISTINGS)
    return Response(body, mimetype="text/html")
