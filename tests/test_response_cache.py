"""The response cache (kg/web/cache.py): the same bytes as the app renders, keyed by
path, query string and Accept; only 200s; cleared by /update; off at 0 MB."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from flask import Flask

from kg.config import Settings
from kg.web import create_app
from kg.web.cache import ResponseCache
from tests.conftest import BASE

SEED_DOC = "document/garf-5446-98-721-l27"
TOKEN = "s3cret"


def make_app(store_dir: Path, **overrides: object) -> Flask:
    return create_app(Settings(store=str(store_dir), base_uri=BASE, **overrides))  # type: ignore[arg-type]


def cache_of(app: Flask) -> ResponseCache:
    return app.extensions["kg.cache"]  # type: ignore[no-any-return]


def test_a_repeated_page_is_answered_from_the_cache_with_the_same_bytes(
    seeded_store_dir: Path,
) -> None:
    app = make_app(seeded_store_dir)
    client, cache = app.test_client(), cache_of(app)
    first = client.get(f"/page/{SEED_DOC}")
    second = client.get(f"/page/{SEED_DOC}")
    assert first.status_code == second.status_code == 200
    assert cache.hits == 1
    assert second.data == first.data
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_negotiation_keys_on_accept_and_format(seeded_store_dir: Path) -> None:
    app = make_app(seeded_store_dir)
    client = app.test_client()
    query = "/sparql?query=" + quote("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 3")
    json_body = client.get(query, headers={"Accept": "application/sparql-results+json"})
    csv_body = client.get(query, headers={"Accept": "text/csv"})
    again = client.get(query, headers={"Accept": "application/sparql-results+json"})
    assert json_body.mimetype == again.mimetype == "application/sparql-results+json"
    assert csv_body.mimetype == "text/csv"
    assert again.data == json_body.data != csv_body.data
    assert cache_of(app).hits == 1
    assert client.get(query + "&format=csv").mimetype == "text/csv"


def test_a_page_that_does_not_vary_is_kept_once_whatever_the_accept(
    seeded_store_dir: Path,
) -> None:
    app = make_app(seeded_store_dir)
    client, cache = app.test_client(), cache_of(app)
    first = client.get(f"/data/{SEED_DOC}.ttl", headers={"Accept": "*/*"})
    second = client.get(f"/data/{SEED_DOC}.ttl", headers={"Accept": "text/turtle;q=0.9"})
    assert "Vary" not in first.headers
    assert second.data == first.data and cache.hits == 1
    negotiated = client.get(f"/data/{SEED_DOC}", headers={"Accept": "application/n-triples"})
    other = client.get(f"/data/{SEED_DOC}", headers={"Accept": "text/turtle"})
    assert negotiated.headers["Vary"] == "Accept"
    assert (negotiated.mimetype, other.mimetype) == ("application/n-triples", "text/turtle")
    assert cache.hits == 1


def test_errors_redirects_and_conditional_requests_are_not_kept(seeded_store_dir: Path) -> None:
    app = make_app(seeded_store_dir)
    client, cache = app.test_client(), cache_of(app)
    for _ in range(2):
        assert client.get("/page/person/nobody-at-all").status_code == 404
        assert client.get(f"/id/{SEED_DOC}").status_code == 303
        assert client.get("/sparql?query=SELECT").status_code == 400
        client.get(f"/page/{SEED_DOC}", headers={"If-None-Match": '"x"'})
    assert cache.hits == 0
    assert len(cache) == 0


def test_least_recently_used_entries_go_first() -> None:
    cache = ResponseCache(max_bytes=16 * 10)
    for name in "abcdefghijklmnopq":  # 17 entries of 10 bytes in a budget of 160
        assert cache.put((name, ()), 200, [], b"0123456789")
        cache.get(("a", ()))  # keep "a" in use
    assert cache.get(("a", ())) is not None
    assert cache.get(("b", ())) is None  # the least recently used went
    assert cache.get(("q", ())) is not None
    assert len(cache) == 16


def test_off_at_zero(seeded_store_dir: Path) -> None:
    app = make_app(seeded_store_dir, response_cache_mb=0)
    assert "kg.cache" not in app.extensions
    assert app.test_client().get(f"/page/{SEED_DOC}").status_code == 200


def test_an_update_clears_the_cache(seeded_store_dir: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(seeded_store_dir, store_dir)
    app = make_app(store_dir, update_token=TOKEN)
    client = app.test_client()
    ask = "/sparql?query=" + quote("ASK { <urn:kg-test:s> <urn:kg-test:p> 1 }")
    assert client.get(ask).json["boolean"] is False
    assert client.get(ask).json["boolean"] is False  # now from the cache
    assert cache_of(app).hits == 1
    done = client.post(
        "/update",
        data="INSERT DATA { GRAPH <urn:kg-test:g> { <urn:kg-test:s> <urn:kg-test:p> 1 } }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert done.status_code in (200, 204)
    assert client.get(ask).json["boolean"] is True
