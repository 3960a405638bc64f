"""Entity pages over the seed in the full model (``tests/fixtures/seed-model.trig``):
what each page type shows, escaping of hostile literals, schema.org JSON-LD, citation
metadata, RIS, search and browse."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import rispy
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from kg.web.ris import RIS_MAPPING
from tests.fixtures.model import ID, SEED_DOC, model_app


@pytest.fixture(scope="module")
def mapp() -> Flask:
    """The app over the model fixtures (module scope: one in-memory store)."""
    return model_app()


@pytest.fixture
def mc(mapp: Flask) -> FlaskClient:
    """A test client of :func:`mapp`."""
    return mapp.test_client()


def page(client: FlaskClient, path: str) -> str:
    resp = client.get(f"/page/{path}")
    assert resp.status_code == 200, resp.data[:500]
    assert resp.mimetype == "text/html"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    return resp.get_data(as_text=True)


def section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start : html.index("</section>", start)]


def jsonld(html: str) -> dict[str, Any]:
    tag = '<script type="application/ld+json">'
    start = html.index(tag) + len(tag)
    return json.loads(html[start : html.index("</script>", start)])  # type: ignore[no-any-return]


MENTION = re.compile(
    r'<a class="mention kind-(\w+)" href="([^"]+)" title="([^"]*)"[^>]*>([^<]*)</a>'
)


def test_document_text_has_every_mention_linked(mc: FlaskClient) -> None:
    html = page(mc, SEED_DOC)
    mentions = MENTION.findall(section(html, "text-1"))
    assert len(mentions) == 21
    by_text = {text: (kind, href) for kind, href, _, text in mentions}
    assert by_text["Choe Chang-ik"] == ("person", "/page/person/choe-chang-ik")
    assert by_text["Ambassador Ivanov"] == ("person", "/page/person/v-i-ivanov")
    assert by_text["20 September CC Presidium"][0] == "meeting"
    assert by_text["August CC plenum"][0] == "resolution"
    assert by_text["116 CC members"] == ("organization", "/page/org/kwp-cc")
    assert "MINUTES OF the meeting concerning" in section(html, "text-1")


def test_document_breadcrumb_and_folios(mc: FlaskClient) -> None:
    crumb = section(page(mc, SEED_DOC), "archival-reference")
    steps = re.findall(r"<li>(.*?)</li>", crumb)
    texts = [re.sub(r"<[^>]+>", "", s) for s in steps]
    assert texts[0] == "repository State Archive of the Russian Federation"
    assert [t.split()[0] for t in texts[1:]] == ["fond", "opis", "delo", "folios"]
    assert texts[-1] == "folios 27–30"
    assert 'href="/page/unit/garf/5446/98/721"' in crumb
    assert "GARF, Fond 5446, Opis 98, Delo 721, Listy 27-30" in crumb


def test_document_metadata_copies_and_archive_summary(mc: FlaskClient) -> None:
    html = page(mc, SEED_DOC)
    meta = section(html, "metadata")
    assert "1956-09-23" in meta and "1956-09-24" in meta and "963" in meta
    assert 'href="/page/person/v-i-ivanov"' in meta  # recorded by
    copies = section(html, "distribution")
    assert 'Copy 1: to <a href="/page/person/anastas-mikoyan">Anastas Mikoyan</a>' in copies
    assert "Copy 3: to file" in copies
    summary = html[html.index('class="archive-summary"') :]
    assert summary.index("Record of a meeting attended") < summary.index("written by the archive")
    assert 'translated by <a href="/page/person/gary-goldberg">Gary Goldberg</a>' in html


def test_document_statements_carry_their_sources(mc: FlaskClient) -> None:
    table = section(page(mc, SEED_DOC), "statements")
    date_row = next(r for r in table.split("<tr>") if "1956-09-23" in r)
    assert "/page/record/wcda/minutes-meeting-concerning" in date_row
    title_row = next(r for r in table.split("<tr>") if "Minutes of the meeting concerning" in r)
    assert f'href="/page/{SEED_DOC}"' in title_row


def test_document_has_citation_meta_tags_and_ris(mc: FlaskClient) -> None:
    html = page(mc, SEED_DOC)
    head = html[: html.index("</head>")]
    metas = dict(re.findall(r'<meta name="(citation_\w+)" content="([^"]*)">', head))
    assert metas["citation_title"].startswith("Minutes of the meeting concerning")
    assert metas["citation_date"] == "1956/09/23"
    assert metas["citation_publisher"] == "State Archive of the Russian Federation"
    assert metas["citation_archive_location"].startswith("GARF, Fond 5446")
    resp = mc.get(f"/data/{SEED_DOC}.ris")
    (entry,) = rispy.loads(resp.get_data(as_text=True), mapping=RIS_MAPPING)
    assert (entry["title"], entry["date"]) == (metas["citation_title"], "1956/09/23/")
    assert entry["archive_location"] == "GARF, Fond 5446, Opis 98, Delo 721, Listy 27-30"
    assert entry["name_of_database"] == "State Archive of the Russian Federation"
    assert entry["notes"] == [
        "Translated by Gary Goldberg",
        "Catalogue record: https://digitalarchive.wilsoncenter.org/document/"
        "minutes-meeting-concerning-discussion-draft-resolution-kwp-cc-plenum",
    ]


def test_document_jsonld(mc: FlaskClient) -> None:
    data = jsonld(page(mc, SEED_DOC))
    assert data["@type"] == "ArchiveComponent"
    assert data["holdingArchive"]["@type"] == "ArchiveOrganization"
    assert data["isPartOf"]["@id"] == ID + "unit/garf/5446/98/721"
    about = {a["@id"] for a in data["about"]}
    assert ID + "person/peng-dehuai" in about and len(about) == 19
    assert data["abstract"].startswith("Record of a meeting")


def test_person_page(mc: FlaskClient) -> None:
    html = page(mc, "person/anastas-mikoyan")
    assert "<h1>Anastas Mikoyan</h1>" in html
    assert "A. I. Mikoyan" in section(html, "names")
    assert "Анастас Иванович Микоян" in section(html, "names")
    meetings = section(html, "meetings")
    item = meetings[meetings.index("<time>1956-09-22</time>") :]
    item = item[: item.index("</li>")]
    assert "1956-09-22-draft-resolution-meeting" in item
    for role in ("speaker", "member of visiting delegation"):
        assert role in item.lower()
    assert "Minutes of the meeting concerning" in item  # the minutes say so
    assert "Telegram from A. Mikoyan" not in item  # the telegram names others only
    assert "“Mikoyan”" in item
    met = section(html, "met-most")
    assert 'href="/page/person/kim-il-sung"' in met and "(1 meeting)" in met
    assert "(2 mentions)" in section(html, "mentioned-in")
    assert jsonld(html)["alternateName"] == ["A. I. Mikoyan", "Анастас Иванович Микоян"]
    nam_il = section(page(mc, "person/nam-il"), "meetings")
    assert "Telegram from A. Mikoyan" in nam_il and "Minutes of the meeting" in nam_il
    assert "interpreter" in nam_il and "“Nam Il, who translated into Russian”" in nam_il


def test_meeting_page(mc: FlaskClient) -> None:
    html = page(mc, "meeting/1956-09-22-draft-resolution-meeting")
    participants = section(html, "participants")
    rows = {
        re.search(r'href="/page/person/([^"]+)"', r).group(1): r  # type: ignore[union-attr]
        for r in participants.split("<tr>")[2:]
    }
    assert len(rows) == 9
    assert "interpreter" in rows["nam-il"] and "Telegram from A. Mikoyan" in rows["nam-il"]
    assert "Minutes of the meeting" in rows["nam-il"]
    assert "host" in rows["kim-il-sung"]
    assert "Ambassador Ivanov" in rows["v-i-ivanov"]
    assert "Pyongyang" in html and "1956-09-22" in html
    resolutions = section(html, "resolutions")
    assert "kwp-cc-1956-09-draft-revision" in resolutions
    assert "1956-09-22-postpone-plenum" in resolutions and "adopted" in resolutions
    documents = section(html, "documents")
    assert documents.count("records it") == 2
    data = jsonld(html)
    assert data["@type"] == "Event" and data["startDate"] == "1956-09-22"
    assert len(data["attendee"]) == 9


def test_resolution_page(mc: FlaskClient) -> None:
    html = page(mc, "resolution/kwp-cc-1956-09-draft-revision")
    facts = html[html.index('<table class="facts">') :]
    facts = facts[: facts.index("</table>")]
    assert "draft" in facts
    assert 'href="/page/resolution/kwp-cc-1956-08-plenum-decision"' in facts  # amends
    assert 'href="/page/resolution/kwp-cc-1956-09-23-plenum-decision"' in facts  # draft of
    assert section(html, "persons").count("/page/person/") == 5
    adopted = page(mc, "resolution/kwp-cc-1956-09-23-plenum-decision")
    assert "KWP Central Committee" in adopted and "1956-09-23" in adopted
    assert "kwp-cc-1956-09-draft-revision" in section(adopted, "related")


def test_unit_page(mc: FlaskClient) -> None:
    html = page(mc, "unit/garf/5446/98")
    crumb = html[html.index('class="breadcrumb"') :]
    crumb = crumb[: crumb.index("</nav>")]
    assert crumb.index("State Archive") < crumb.index("5446") < crumb.index("<strong>")
    assert 'href="/page/unit/garf/5446/98/721"' in section(html, "children")
    assert f'href="/page/{SEED_DOC}"' in section(html, "documents")
    assert "ll. 27–30" in section(html, "documents")


def test_organization_place_and_concept_pages(mc: FlaskClient) -> None:
    org = page(mc, "org/kwp-cc")
    assert "Meetings convened" in org and "Resolutions adopted" in org
    assert "1956-09-kwp-cc-plenum" in org
    assert "Korean Workers" in org  # part of the KWP
    repo = page(mc, "org/garf")
    assert "Archival units held" in repo and "/page/unit/garf/5446" in repo
    assert "ГАРФ" in section(repo, "names")
    place = page(mc, "place/pyongyang")
    assert "1956-09-22-draft-resolution-meeting" in section(place, "meetings")
    concept = page(mc, "vocab/role/interpreter")
    assert "telegram-0922/1" in section(concept, "used-by")
    assert jsonld(concept)["@type"] == "DefinedTerm"


def test_every_fixture_entity_renders(mapp: Flask, mc: FlaskClient) -> None:
    from kg.web import get_store

    with mapp.app_context():
        rows = get_store().select(
            f"""SELECT DISTINCT ?x WHERE {{ ?x ?p ?o FILTER(STRSTARTS(STR(?x), "{ID}")) }}"""
        )
    paths = sorted(str(r["x"])[len(ID) :] for r in rows)
    assert len(paths) > 80
    bad = [p for p in paths if mc.get(f"/page/{p}").status_code != 200]
    assert not bad


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))


HOSTILE = [
    "<script>alert('text')</script>",
    "<script>alert('title')</script>",
    "<script>alert('abstract')</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert('alt')</script>",
    "<b>bold</b>",
    "<!-- end -->",
]


@pytest.mark.parametrize(
    "path", ["document/hostile-1", "person/hostile-person", "translation/hostile-1/text"]
)
def test_every_literal_is_escaped(mc: FlaskClient, path: str) -> None:
    html = page(mc, path)
    for raw in HOSTILE:
        assert raw not in html
    tags = Tags()
    tags.feed(html)
    assert [a for t, a in tags.seen if t == "script"] == [[("type", "application/ld+json")]]
    assert not [t for t, a in tags.seen if t in ("img", "b")]
    assert not [n for _, a in tags.seen for n, _ in a if n.startswith("on")]  # no handlers
    if path == "document/hostile-1":
        text = section(html, "text-1")
        assert str(escape("Met ")) in text
        assert '">&lt;script&gt;</a>alert(&#39;text&#39;)&lt;/script&gt; with ' in text
        assert MENTION.findall(text)[1][3] == "Evil Person"
        data = jsonld(html)
        assert data["name"] == "Memo <script>alert('title')</script> & notes"
        assert "<script>alert('abstract')</script>" in data["abstract"]


def test_search_finds_names_variants_and_text(mc: FlaskClient) -> None:
    def hits(q: str) -> list[str]:
        resp = mc.get("/search", query_string={"q": q, "format": "json"})
        assert resp.status_code == 200 and resp.mimetype == "application/json"
        return [r["iri"][len(ID) :] for r in resp.json["results"]]

    assert "person/anastas-mikoyan" in hits("mikoyan")
    assert hits("MIKOYAN") == hits("mikoyan")
    assert "person/anastas-mikoyan" in hits("микоян")
    assert hits("revesz") == hits("RÉVÉSZ béla") == ["person/bela-revesz"]
    assert "person/kim-du-bong" in hits("kim tu bong")  # a variant, other spacing
    assert "person/yun-kong-hum" in hits("yun konghum")  # a hidden label
    assert hits("exhibit magnanimity") == [SEED_DOC]  # the document text
    assert hits("no such name anywhere") == []


def test_search_json_and_html(mc: FlaskClient) -> None:
    resp = mc.get("/search?q=kim+il+sung", headers={"Accept": "application/json"})
    assert resp.mimetype == "application/json" and resp.headers["Vary"] == "Accept"
    first = resp.json["results"][0]
    assert first["label"] == "Kim Il Sung" and first["kind"] == "person"
    assert first["href"] == "/page/person/kim-il-sung"
    html = mc.get("/search?q=kim+il+sung", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert '<a href="/page/person/kim-il-sung">Kim Il Sung</a>' in html.get_data(as_text=True)
    text_hit = mc.get("/search?q=exhibit+magnanimity").get_data(as_text=True)
    assert "to exhibit magnanimity" in text_hit  # the snippet


def test_search_escapes_and_refuses_bad_input(mc: FlaskClient) -> None:
    html = mc.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert mc.get("/search?q=" + "x" * 500).status_code == 400
    assert mc.get("/search?format=json").status_code == 400
    assert mc.get("/search?q=a&page=0").status_code == 400
    assert mc.get("/search?q=a&format=xml").status_code == 400
    assert mc.get("/search").status_code == 200  # the empty form


def test_browse_lists_are_paged(mc: FlaskClient) -> None:
    html = mc.get("/browse/persons").get_data(as_text=True)
    assert '<a href="/page/person/kim-il-sung">Kim Il Sung</a>' in html
    meetings = mc.get("/browse/meetings").get_data(as_text=True)
    dates = re.findall(r"<time>([\d-]+)</time>", meetings)
    assert dates == sorted(dates) and "1956-08-30" in dates
    for kind in ("organizations", "documents", "resolutions", "archives"):
        assert mc.get(f"/browse/{kind}").status_code == 200
    empty = mc.get("/browse/persons?page=2")
    assert empty.status_code == 200 and "Nothing here on page 2" in empty.get_data(as_text=True)
    assert 'rel="prev"' in empty.headers["Link"]
    assert mc.get("/browse/persons?page=x").status_code == 400
    assert mc.get("/browse/spies").status_code == 404


def test_home_page(mc: FlaskClient) -> None:
    html = mc.get("/").get_data(as_text=True)
    assert re.search(r'href="/browse/persons">Persons</a> <span class="count">(\d+)<', html)
    assert f'href="/page/{SEED_DOC}"' in html
