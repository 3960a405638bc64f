"""HTTP fuzzing (issue 10): hypothesis-generated requests against every route that
``/openapi.json`` lists must never get a 5xx, and every error names its cause."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REQUESTS = 2100
ENTITY_PATHS = [
    "document/garf-5446-98-721-l27",
    "person/kim-il-sung",
    "person/gary-goldberg",
    "org/garf",
    "unit/garf/5446/98/721",
    "meeting/1956-09-22",
    "nothing/here",
    "",
]
ACCEPTS = [
    "*/*",
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/sparql-results+json",
    "text/csv;q=0.5, image/png",
    "image/png",
    "application/json;q=0",
    ";;;,,q=abc",
    "text/*;q=1.5",
    "\u00e9/\u00e9",
    "",
]
QUERIES = [
    "ASK {}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:9/x>",
    "SELEC",
    "",
]
text = st.text(max_size=40)
params = st.dictionaries(
    st.sampled_from(
        [
            "query",
            "format",
            "q",
            "page",
            "subject",
            "predicate",
            "object",
            "limit",
            "default-graph-uri",
            "named-graph-uri",
            "offset",
            "x",
        ]
    ),
    st.one_of(st.sampled_from(QUERIES), text, st.sampled_from(ENTITY_PATHS)),
    max_size=4,
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Accept": st.sampled_from(ACCEPTS),
        "Content-Type": st.sampled_from(
            [
                "application/sparql-query",
                "application/x-www-form-urlencoded",
                "text/plain",
                "application/json",
                "multipart/form-data",
                "bogus",
            ]
        ),
        "If-None-Match": st.sampled_from(['"abc"', "*", 'W/"x"', "garbage"]),
        "If-Modified-Since": st.sampled_from(["Sat, 01 Jan 2000 00:00:00 GMT", "yesterday"]),
        "Authorization": st.sampled_from(["Bearer x", "Basic Zm9vOmJhcg==", "Bearer"]),
        "Origin": st.just("http://127.0.0.1:1"),
    },
)
bodies = st.one_of(
    st.none(), st.binary(max_size=64), st.sampled_from([q.encode() for q in QUERIES])
)


def _fill(template: str, values: list[str]) -> str:
    """Put the values (percent-encoded) into the template's ``{name}`` slots."""
    counter = iter(range(1000))

    def value(_: re.Match[str]) -> str:
        i = next(counter)
        return quote(values[i % len(values)], safe="/") if values else "x"

    return re.sub(r"\{[a-zA-Z_]+\}", value, template)


def test_fuzzed_requests_never_get_5xx(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    operations = sorted((path, method) for path, ops in spec["paths"].items() for method in ops)
    assert len(operations) >= 8, operations
    sent = {"n": 0}
    failures: list[str] = []

    @settings(
        max_examples=REQUESTS,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        op=st.sampled_from(operations),
        path_values=st.lists(st.one_of(st.sampled_from(ENTITY_PATHS), text), max_size=2),
        query_string=params,
        request_headers=headers,
        body=bodies,
        method_override=st.sampled_from([None, None, None, "PUT", "DELETE", "PATCH"]),
    )
    def run(
        op: tuple[str, str],
        path_values: list[str],
        query_string: dict[str, str],
        request_headers: dict[str, str],
        body: bytes | None,
        method_override: str | None,
    ) -> None:
        template, method = op
        url = _fill(template, path_values)
        kwargs: dict[str, Any] = {"query_string": query_string, "headers": request_headers}
        if body is not None and method in {"post", "put"}:
            kwargs["data"] = body
        resp = client.open(url, method=(method_override or method).upper(), **kwargs)
        sent["n"] += 1
        if resp.status_code >= 500 and resp.status_code not in (503, 504):
            failures.append(f"{method.upper()} {url} {query_string} -> {resp.status_code}")
        if resp.status_code >= 400:
            body_text = resp.get_data(as_text=True)
            assert body_text.strip(), f"{url}: empty error body"
            assert "Traceback" not in body_text
        resp.close()  # as a WSGI server does: releases files behind send_file

    run()
    assert sent["n"] >= 2000
    assert not failures, failures[:10]
