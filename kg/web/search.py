"""``/search?q=``: labels, every name variant and document text; case- and accent-insensitive.

The query is folded (NFKD, marks dropped, lower case), then every letter becomes a
character class of its accented forms (``e`` -> ``[eéèêë...]``), so one SPARQL ``REGEX``
with the ``i`` flag finds "Révész" for "revesz" and "REVESZ" in any SPARQL 1.1 store.
HTML or JSON by Accept (or ``format=json``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from rdflib.namespace import DCTERMS, RDFS, SDO, SKOS

from kg.errors import KgError
from kg.namespaces import CWA
from kg.store import Store
from kg.web import get_store
from kg.web.negotiation import negotiate
from kg.web.pages import Linker, kind_of, labels, sparql_iri

bp = Blueprint("search", __name__)

#: Results per page.
SEARCH_PAGE_SIZE = 25
#: Most matching statements one search reads (the result list is built from them).
SEARCH_SCAN_LIMIT = 2000
#: Longest query accepted, in characters.
MAX_QUERY_CHARS = 200
#: Properties searched as names, strongest first (then the document text).
NAME_PROPS = (SKOS.prefLabel, DCTERMS.title, RDFS.label, SDO.name, SKOS.altLabel, SKOS.hiddenLabel)


def fold(text: str) -> str:
    """Lower case without accents.

    >>> fold("Révész Béla")
    'revesz bela'
    """
    norm = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in norm if not unicodedata.combining(ch)).lower()


def _variant_table() -> dict[str, str]:
    """Folded letter -> every letter that folds to it (Latin, Greek and Cyrillic blocks)."""
    table: dict[str, set[str]] = {}
    blocks = [(0x00C0, 0x0250), (0x0370, 0x0530), (0x1E00, 0x2000)]
    for first, last in blocks:
        for cp in range(first, last):
            ch = chr(cp)
            base = fold(ch)
            if len(base) == 1 and base.isalpha() and ch.isalpha():
                table.setdefault(base, {base, base.upper()}).update({ch.lower(), ch.upper()})
    return {k: "".join(sorted(v)) for k, v in table.items() if len(v) > 2}


_VARIANTS = _variant_table()
#: Between the words of a query, the text may have spaces, hyphens, apostrophes or dots.
WORD_SEPARATOR = r"[\s\-‐‑'’.,]*"


def accent_pattern(query: str) -> str:
    """A regular expression (XPath / SPARQL REGEX syntax) matching ``query`` with any
    accents and any spacing or hyphenation between its words.

    >>> [bool(re.fullmatch(accent_pattern("Révész"), t, re.I)) for t in ("REVESZ", "Révész")]
    [True, True]
    >>> [bool(re.search(accent_pattern(q), "Kim Il-sung", re.I)) for q in ("kim il sung",
    ...  "KIM IL-SUNG", "Kim  Il.Sung", "kim jong")]
    [True, True, True, False]
    >>> re.search(accent_pattern("bela"), "BÉLA", re.I) is not None
    True
    >>> accent_pattern(" ?* ")
    ''
    """
    words = re.findall(r"\w+", fold(query))
    return WORD_SEPARATOR.join(
        "".join(f"[{_VARIANTS[ch]}]" if ch in _VARIANTS else ch for ch in word) for word in words
    )


def _sparql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def snippet(text: str, pattern: str, width: int = 80) -> str | None:
    """The text around the first match, with ellipses.

    >>> snippet("a" * 100 + " Kim Il Sung said " + "b" * 100, accent_pattern("kim il"), 10)
    '…aaaaaaaaa Kim Il Sung said…'
    """
    m = re.search(pattern, text, re.IGNORECASE)
    if not m:
        return None
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return (
        ("…" if start else "")
        + " ".join(text[start:end].split(" "))
        + ("…" if end < len(text) else "")
    )


def search(store: Store, query: str, linker: Linker, *, page: int = 1) -> dict[str, Any]:
    """Entities whose names or document text match ``query``, names first."""
    pattern = accent_pattern(query)
    props = " ".join(sparql_iri(str(p)) for p in NAME_PROPS)
    rows = store.select(
        f"""SELECT ?x ?p ?value WHERE {{
          {{ VALUES ?p {{ {props} }} ?x ?p ?value FILTER(isIRI(?x)) }}
          UNION {{ ?text <{CWA.fullText}> ?value .
                   ?text <http://www.w3.org/ns/prov#specializationOf>/<{CWA.translationOf}> ?x
                   BIND(<{CWA.fullText}> AS ?p) }}
          FILTER(REGEX(STR(?value), {_sparql_string(pattern)}, "i")) }}
        LIMIT {SEARCH_SCAN_LIMIT}"""
    )
    rank = {str(p): n for n, p in enumerate((*NAME_PROPS, CWA.fullText))}
    hits: dict[str, dict[str, Any]] = {}
    for r in rows:
        x, p, value = str(r["x"]), str(r["p"]), str(r["value"])
        hit = hits.setdefault(x, {"iri": x, "rank": 99, "matches": []})
        hit["rank"] = min(hit["rank"], rank[p])
        if len(hit["matches"]) < 3:
            is_text = p == str(CWA.fullText)
            shown = snippet(value, pattern) if is_text else value
            hit["matches"].append(
                {
                    "field": "text" if is_text else p.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                    "value": shown,
                }
            )
    ordered = sorted(hits.values(), key=lambda h: (h["rank"], h["iri"]))
    start = (page - 1) * SEARCH_PAGE_SIZE
    chosen = ordered[start : start + SEARCH_PAGE_SIZE]
    names = labels(store, [h["iri"] for h in chosen])
    kinds: dict[str, set[str]] = {}
    if chosen:
        values = " ".join(sparql_iri(h["iri"]) for h in chosen)
        for r in store.select(f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {values} }} ?x a ?t }}"):
            kinds.setdefault(str(r["x"]), set()).add(str(r["t"]))
    results = [
        {
            "iri": h["iri"],
            "label": names[h["iri"]],
            "kind": kind_of(kinds.get(h["iri"], set())),
            "href": linker.href(h["iri"]),
            "matches": h["matches"],
        }
        for h in chosen
    ]
    return {
        "query": query,
        "page": page,
        "results": results,
        "total": len(ordered),
        "capped": len(rows) >= SEARCH_SCAN_LIMIT,
        "more": start + SEARCH_PAGE_SIZE < len(ordered),
    }


def read_query() -> tuple[str, int]:
    """The ``q`` and ``page`` parameters, checked."""
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise KgError(f"the search query is longer than {MAX_QUERY_CHARS} characters")
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise KgError(f"page must be a whole number from 1 to 1000, not {raw!r}")
    return query, int(raw)


@bp.route("/search")
def search_view() -> Response:
    """Search in HTML or JSON."""
    from kg.web.entities import linker

    fmt = request.args.get("format")
    if fmt == "json":
        as_json = True
    elif fmt in (None, "", "html"):
        as_json = (
            negotiate(request.accept_mimetypes, ("text/html", "application/json"), "text/html")
            != "text/html"
        )
    else:
        raise KgError(f"format must be 'json' or 'html', not {fmt!r}")
    query, page = read_query()
    if not accent_pattern(query):
        if as_json:
            raise KgError("the 'q' parameter is required, for example /search?q=Mikoyan")
        return Response(render_template("search.html", result=None, query=""), mimetype="text/html")
    result = search(get_store(), query, linker(), page=page)
    nxt = url_for("search.search_view", q=query, page=page + 1) if result["more"] else None
    result["next"] = nxt
    if as_json:
        resp = jsonify(result)
    else:
        resp = Response(
            render_template("search.html", result=result, query=query), mimetype="text/html"
        )
    if not fmt:
        resp.headers["Vary"] = "Accept"
    return resp
