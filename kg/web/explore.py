"""Seeing the history: the "who met whom" network and the meeting timeline (issue 11).

- ``/api/network`` — persons as nodes, co-attendance as edges (JSON for cytoscape.js).
  ``around=`` (a meeting or person, as ``meeting/...`` or its full IRI) narrows it to that
  entity's meetings; ``from``, ``to``, ``org`` (the convening body) and ``repository``
  (holding a document that records or refers to the meeting) filter the meetings.
- ``/api/timeline`` — meetings with their dates and documents (JSON for vis-timeline),
  for one ``person=`` or the whole graph, with the same filters.
- ``/explore`` — both views over the whole graph, with a filter form. Without JavaScript
  the page shows the same meetings and persons as lists.

Everything is read by SPARQL from the store, and every answer is capped
(:data:`MAX_MEETINGS`, :data:`MAX_PAIRS`, :data:`MAX_NODES`, :data:`MAX_EDGES`,
:data:`MAX_ITEMS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from kg.errors import KgError
from kg.namespaces import CWA
from kg.store import Store
from kg.web import get_settings, get_store
from kg.web.oxrows import select_light
from kg.web.pages import _PREFIX_BLOCK, labels, sparql_iri

bp = Blueprint("explore", __name__)

#: Most (meeting, person) rows one answer reads.
MAX_PAIRS = 5000
#: Most meetings one network reads the attendees of.
MAX_MEETINGS = 600
#: Most persons one network shows (the most connected first).
MAX_NODES = 150
#: Most co-attendance edges one network shows (the heaviest first).
MAX_EDGES = 1000
#: Most meetings one timeline shows.
MAX_ITEMS = 500
#: Most documents listed with one timeline item.
MAX_DOCS_PER_ITEM = 10

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PATH = re.compile(r"^[a-z]+/[A-Za-z0-9._~%-]+(/[A-Za-z0-9._~%-]+)*$")


class BadParameter(KgError):
    """A query parameter of the explore API is malformed (HTTP 400)."""

    status = 400


def check_date(name: str, value: str | None) -> str | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` bound, checked; empty means no bound.

    >>> check_date("from", "1956-09")
    '1956-09'
    >>> check_date("to", "") is None
    True
    >>> check_date("from", "1956-13-01")
    Traceback (most recent call last):
    ...
    kg.web.explore.BadParameter: from: '1956-13-01' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)
    """
    if not value:
        return None
    value = value.strip()
    ok = bool(_DATE.match(value))
    if ok:
        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            date(parts[0], parts[1], parts[2])
        except ValueError:
            ok = False
    if not ok:
        raise BadParameter(f"{name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def entity_param(name: str, value: str | None, base: str) -> str | None:
    """The IRI an entity parameter names: a path under ``/id/`` (``org/garf``) or the
    full IRI under this deployment's base. Anything else is refused.

    >>> entity_param("org", "org/garf", "http://h/")
    'http://h/id/org/garf'
    >>> entity_param("org", "http://h/id/org/garf", "http://h/")
    'http://h/id/org/garf'
    >>> entity_param("org", "<x> } DROP ALL", "http://h/")
    Traceback (most recent call last):
    ...
    kg.web.explore.BadParameter: org: '<x> } DROP ALL' is not an entity path like 'org/garf'
    """
    if not value:
        return None
    value = value.strip()
    path = value[len(base) + 3 :] if value.startswith(base + "id/") else value
    if not _PATH.match(path) or len(path) > 300:
        raise BadParameter(f"{name}: {value!r} is not an entity path like 'org/garf'")
    return f"{base}id/{path}"


@dataclass(frozen=True)
class Filters:
    """Which meetings a view covers."""

    start: str | None = None
    end: str | None = None
    org: str | None = None
    repository: str | None = None

    def sparql(self) -> str:
        """Graph patterns and FILTERs restricting ``?m`` (SPARQL 1.1 Query §17.4.3.3:
        the date strings are compared on the prefix the bound gives, so ``to=1956``
        keeps all of 1956)."""
        out = []
        if self.start or self.end:
            out.append("?m schema:startDate ?fd BIND(STR(?fd) AS ?fds)")
        if self.start:
            out.append(f'FILTER(SUBSTR(?fds, 1, {len(self.start)}) >= "{self.start}")')
        if self.end:
            out.append(f'FILTER(SUBSTR(?fds, 1, {len(self.end)}) <= "{self.end}")')
        if self.org:
            out.append(f"?m cwa:convenedBy {sparql_iri(self.org)} .")
        if self.repository:
            out.append(
                f"FILTER EXISTS {{ ?fdoc cwa:records|cwa:refersTo ?m . ?fdoc "
                "(cwa:hasArchivalReference/cwa:inUnit|rico:isOrWasIncludedIn)"
                f"/rico:isOrWasIncludedIn*/cwa:heldBy {sparql_iri(self.repository)} }}"
            )
        return "\n".join(out)


def filters_from_request() -> Filters:
    """The filters of the current request, validated (:class:`BadParameter` if not)."""
    base = get_settings().base_uri
    f = Filters(
        start=check_date("from", request.args.get("from")),
        end=check_date("to", request.args.get("to")),
        org=entity_param("org", request.args.get("org"), base),
        repository=entity_param("repository", request.args.get("repository"), base),
    )
    if f.start and f.end and f.start[: len(f.end)] > f.end:
        raise BadParameter(f"from ({f.start}) is after to ({f.end})")
    return f


def _select(store: Store, body: str) -> list[dict[str, Any]]:
    return select_light(store, _PREFIX_BLOCK + body)


def _href(iri: str, base: str) -> str | None:
    if iri.startswith(base + "id/"):
        return url_for("entities.page", path=iri[len(base) + 3 :])
    return None


def attendance(store: Store, filters: Filters, around: str | None = None) -> list[tuple[str, str]]:
    """(meeting, person) pairs of the meetings the filters keep, capped at :data:`MAX_PAIRS`
    pairs of at most :data:`MAX_MEETINGS` meetings.

    ``around`` narrows to the meetings of one person, or of the participants of one
    meeting (so that their other meetings count too). The meetings are chosen first, by a
    query without ORDER BY that stops after :data:`MAX_MEETINGS` (sorting every pair first
    grew with the busiest person's meetings), then their attendees are read in blocks."""
    scope = ""
    if around:
        ref = sparql_iri(around)
        scope = (
            f"{{ VALUES ?m {{ {ref} }} }} UNION {{ ?m cwa:attendee {ref} }} "
            f"UNION {{ {ref} a cwa:Meeting ; cwa:attendee ?x . ?m cwa:attendee ?x }}"
        )
    rows = _select(
        store,
        f"""SELECT DISTINCT ?m WHERE {{ {scope} ?m a cwa:Meeting . {filters.sparql()} }}
        LIMIT {MAX_MEETINGS}""",
    )
    meetings = sorted(str(r["m"]) for r in rows)
    if around in meetings:  # the meeting itself first, so its attendees are always read
        meetings.remove(around)
        meetings.insert(0, around)
    pairs: list[tuple[str, str]] = []
    for start in range(0, len(meetings), 50):
        values = " ".join(sparql_iri(m) for m in meetings[start : start + 50])
        found = _select(
            store, f"SELECT DISTINCT ?m ?p WHERE {{ VALUES ?m {{ {values} }} ?m cwa:attendee ?p }}"
        )
        pairs += sorted((str(r["m"]), str(r["p"])) for r in found)
        if len(pairs) >= MAX_PAIRS:
            break
    return pairs[:MAX_PAIRS]


def network(store: Store, base: str, filters: Filters, around: str | None = None) -> dict[str, Any]:
    """The co-attendance network: ``nodes`` (persons, ``weight`` = meetings counted) and
    ``edges`` (``weight`` = meetings the two shared). Around a person, a node's weight is the
    number of meetings shared with that person; otherwise the number of meetings attended."""
    pairs = attendance(store, filters, around)
    by_meeting: dict[str, set[str]] = {}
    for m, p in pairs:
        by_meeting.setdefault(m, set()).add(p)
    if around and store.ask(f"ASK {{ {sparql_iri(around)} a <{CWA.Meeting}> }}"):
        # Around a meeting: its attendees only, weighted by all the meetings they attended.
        keep = by_meeting.get(around, set())
        by_meeting = {m: ps & keep for m, ps in by_meeting.items() if ps & keep}
    weight: dict[str, int] = {}
    for ps in by_meeting.values():
        for p in ps:
            weight[p] = weight.get(p, 0) + 1
    if around and around in weight:  # around a person: shared meetings with them
        for p in weight:
            weight[p] = sum(1 for ps in by_meeting.values() if p in ps and around in ps)
    nodes = sorted(weight, key=lambda p: (-weight[p], p))[:MAX_NODES]
    kept = set(nodes)
    shared: dict[tuple[str, str], int] = {}
    for ps in by_meeting.values():
        for a, b in combinations(sorted(ps & kept), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
    edges = sorted(shared, key=lambda e: (-shared[e], e))[:MAX_EDGES]
    names = labels(store, nodes)
    return {
        "around": around,
        "meetings": len(by_meeting),
        "nodes": [
            {
                "id": p,
                "label": names.get(p, p),
                "href": _href(p, base),
                "weight": weight[p],
                "center": p == around,
            }
            for p in nodes
        ],
        "edges": [{"source": a, "target": b, "weight": shared[(a, b)]} for a, b in edges],
        "truncated": len(weight) > MAX_NODES or len(shared) > MAX_EDGES,
    }


def timeline(
    store: Store, base: str, filters: Filters, person: str | None = None
) -> dict[str, Any]:
    """Dated meetings (of one person, or all) with the documents that record or refer to
    them, oldest first, capped at :data:`MAX_ITEMS`."""
    who = f"?m cwa:attendee {sparql_iri(person)} ." if person else ""
    rows = _select(
        store,
        f"""SELECT ?m (MIN(STR(?s)) AS ?start) (MAX(STR(?e)) AS ?end) WHERE {{
          ?m a cwa:Meeting ; schema:startDate ?s . {who}
          OPTIONAL {{ ?m schema:endDate ?e }} {filters.sparql()} }}
        GROUP BY ?m ORDER BY ?start ?m LIMIT {MAX_ITEMS + 1}""",
    )
    truncated = len(rows) > MAX_ITEMS
    rows = rows[:MAX_ITEMS]
    meetings = [str(r["m"]) for r in rows]
    docs: dict[str, list[str]] = {}
    for start in range(0, len(meetings), 50):  # small VALUES blocks: see pages.VALUES_CHUNK
        values = " ".join(sparql_iri(m) for m in meetings[start : start + 50])
        for r in _select(
            store,
            f"""SELECT DISTINCT ?m ?d WHERE {{ VALUES ?m {{ {values} }}
              ?d cwa:records|cwa:refersTo ?m . ?d a cwa:ArchivalDocument }} ORDER BY ?m ?d""",
        ):
            docs.setdefault(str(r["m"]), []).append(str(r["d"]))
    names = labels(store, meetings + [d for ds in docs.values() for d in ds])
    items = []
    for r in rows:
        m = str(r["m"])
        end = str(r["end"]) if "end" in r else None
        items.append(
            {
                "id": m,
                "label": names.get(m, m),
                "href": _href(m, base),
                "start": str(r["start"]),
                "end": end if end and end > str(r["start"]) else None,
                "documents": [
                    {"id": d, "label": names.get(d, d), "href": _href(d, base)}
                    for d in docs.get(m, [])[:MAX_DOCS_PER_ITEM]
                ],
            }
        )
    return {"person": person, "items": items, "truncated": truncated}


def choices(store: Store, base: str) -> dict[str, list[dict[str, Any]]]:
    """The organizations that convened meetings and the repositories holding documents,
    for the filter form."""
    orgs = _select(store, "SELECT DISTINCT ?o WHERE { ?m cwa:convenedBy ?o } LIMIT 200")
    repos = _select(store, "SELECT DISTINCT ?r WHERE { ?u cwa:heldBy ?r } LIMIT 200")
    iris = [str(r["o"]) for r in orgs] + [str(r["r"]) for r in repos]
    names = labels(store, iris)

    def opts(xs: list[str]) -> list[dict[str, Any]]:
        out = [
            {"value": x[len(base) + 3 :], "label": names.get(x, x)}
            for x in xs
            if x.startswith(base + "id/")
        ]
        return sorted(out, key=lambda o: o["label"])

    return {
        "orgs": opts([str(r["o"]) for r in orgs]),
        "repositories": opts([str(r["r"]) for r in repos]),
    }


def _json(data: dict[str, Any]) -> Response:
    resp = jsonify(data)
    resp.headers["Cache-Control"] = "public, max-age=60"
    return resp


@bp.route("/api/network")
def network_json() -> Response:
    """The co-attendance network as JSON."""
    filters = filters_from_request()
    base = get_settings().base_uri
    around = entity_param("around", request.args.get("around"), base)
    return _json(network(get_store(), base, filters, around))


@bp.route("/api/timeline")
def timeline_json() -> Response:
    """The meeting timeline as JSON."""
    filters = filters_from_request()
    base = get_settings().base_uri
    person = entity_param("person", request.args.get("person"), base)
    return _json(timeline(get_store(), base, filters, person))


@bp.route("/explore")
def explore() -> str:
    """Both views over the whole graph, filtered by the form."""
    filters = filters_from_request()
    store, base = get_store(), get_settings().base_uri
    args = {k: v for k in ("from", "to", "org", "repository") if (v := request.args.get(k))}
    return render_template(
        "explore.html",
        args=args,
        choices=choices(store, base),
        net=network(store, base, filters),
        tl=timeline(store, base, filters),
        network_url=url_for("explore.network_json", **args),
        timeline_url=url_for("explore.timeline_json", **args),
    )
