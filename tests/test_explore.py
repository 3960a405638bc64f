"""The explore JSON endpoints and page (kg.web.explore) on the seeded store."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import BASE

MEETING = "meeting/1956-09-22-at-kim-il-sung"
PRESIDIUM = "meeting/1956-09-20-kwp-cc-presidium"
PARTICIPANTS = {
    "anastas-mikoyan",
    "choe-yong-geon",
    "kim-chang-man",
    "kim-du-bong",
    "kim-il-sung",
    "nam-il",
    "peng-dehuai",
    "v-i-ivanov",
}


def person_iris(names: set[str]) -> set[str]:
    return {f"{BASE}id/person/{n}" for n in names}


def test_network_of_the_seed_meeting_has_its_eight_participants(client: FlaskClient) -> None:
    resp = client.get(f"/api/network?around={MEETING}")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    data = resp.json
    assert {n["id"] for n in data["nodes"]} == person_iris(PARTICIPANTS)
    assert all(n["href"].startswith("/page/person/") for n in data["nodes"])
    # Everyone met everyone at that meeting: a complete graph of 8 nodes.
    assert len(data["edges"]) == 8 * 7 // 2
    # Node size is the number of meetings: Kim Il Sung was also at the 20 Sept Presidium.
    weight = {n["id"].rsplit("/", 1)[1]: n["weight"] for n in data["nodes"]}
    assert weight["kim-il-sung"] == 2 and weight["nam-il"] == 1
    assert not data["truncated"]


def test_network_accepts_the_full_iri_and_the_path_alike(client: FlaskClient) -> None:
    by_path = client.get(f"/api/network?around={MEETING}").json
    by_iri = client.get(f"/api/network?around={BASE}id/{MEETING}").json
    assert by_path == by_iri


def test_network_around_a_person_weights_shared_meetings(client: FlaskClient) -> None:
    data = client.get("/api/network?around=person/nam-il").json
    weight = {n["id"].rsplit("/", 1)[1]: (n["weight"], n["center"]) for n in data["nodes"]}
    assert weight["nam-il"] == (1, True)
    assert weight["kim-il-sung"] == (1, False)  # one meeting shared with Nam Il, not two
    assert set(weight) == PARTICIPANTS


def test_network_date_filter(client: FlaskClient) -> None:
    assert client.get(f"/api/network?around={MEETING}&from=1956-09-22").json["nodes"]
    assert client.get(f"/api/network?around={MEETING}&to=1956-09-21").json["nodes"] == []
    only_presidium = client.get("/api/network?from=1956-09-20&to=1956-09-20").json
    assert [n["id"] for n in only_presidium["nodes"]] == [f"{BASE}id/person/kim-il-sung"]


def test_network_org_and_repository_filters(client: FlaskClient) -> None:
    presidium = client.get("/api/network?org=org/kwp-cc-presidium").json
    assert presidium["meetings"] == 1
    assert client.get("/api/network?org=org/garf").json["nodes"] == []
    held = client.get("/api/network?repository=org/garf").json
    assert {n["id"] for n in held["nodes"]} == person_iris(PARTICIPANTS)
    assert client.get("/api/network?repository=org/kwp-cc").json["nodes"] == []


def test_timeline_of_kim_il_sung(client: FlaskClient) -> None:
    data = client.get("/api/timeline?person=person/kim-il-sung").json
    items = {i["href"]: i for i in data["items"]}
    assert set(items) == {f"/page/{MEETING}", f"/page/{PRESIDIUM}"}
    seed = items[f"/page/{MEETING}"]
    assert seed["start"] == "1956-09-22"
    assert seed["label"] == "Meeting at Kim Il Sung's, 22 September 1956"
    assert [d["href"] for d in seed["documents"]] == ["/page/document/garf-5446-98-721-l27"]
    assert [i["start"] for i in data["items"]] == sorted(i["start"] for i in data["items"])


def test_timeline_of_the_whole_graph_filters_by_date(client: FlaskClient) -> None:
    everything = client.get("/api/timeline").json["items"]
    assert len(everything) == 4  # the two plenums, the Presidium and the 22 Sept meeting
    plenum = next(i for i in everything if i["start"] == "1956-08-30")
    assert plenum["end"] == "1956-08-31"
    assert client.get("/api/timeline?to=1955").json["items"] == []
    sept = client.get("/api/timeline?from=1956-09").json["items"]
    assert [i["start"] for i in sept] == ["1956-09-20", "1956-09-22", "1956-09-23"]


def test_bad_parameters_get_400_with_a_message(client: FlaskClient) -> None:
    cases = {
        "/api/network?from=1956-13-01": "from: '1956-13-01' is not a date",
        "/api/timeline?to=22.09.1956": "to: '22.09.1956' is not a date",
        "/api/network?from=1957&to=1956": "from (1957) is after to (1956)",
        "/api/network?around=x%3E%20%7D%20DROP%20ALL": "around:",
        "/api/timeline?person=http://elsewhere.org/id/person/x": "person:",
        "/api/network?repository=%3Cx%3E": "repository:",
        "/explore?from=tomorrow": "from: 'tomorrow' is not a date",
    }
    for url, message in cases.items():
        resp = client.get(url, headers={"Accept": "application/json"})
        assert resp.status_code == 400, url
        assert message in resp.json["error"]["message"], (url, resp.json)


def test_unknown_entity_gives_an_empty_view_not_an_error(client: FlaskClient) -> None:
    data = client.get("/api/network?around=person/nobody").json
    assert data["nodes"] == [] and data["edges"] == []


def test_explore_page_lists_the_same_facts_without_javascript(client: FlaskClient) -> None:
    html = client.get("/explore").get_data(as_text=True)
    for name in PARTICIPANTS:
        assert f'href="/page/person/{name}"' in html
    assert f'href="/page/{MEETING}"' in html
    assert "<script>" not in html and " onclick=" not in html
    filtered = client.get("/explore?to=1955").get_data(as_text=True)
    assert f'href="/page/{MEETING}"' not in filtered
    assert 'data-timeline-url="/api/timeline?to=1955"' in filtered


def test_entity_pages_carry_the_view_containers_and_keep_their_lists(
    client: FlaskClient,
) -> None:
    person = client.get("/page/person/kim-il-sung").get_data(as_text=True)
    assert "data-timeline-url=" in person and "data-network-url=" in person
    assert '<ol class="timeline">' in person  # the list of meetings is still there
    meeting = client.get(f"/page/{MEETING}").get_data(as_text=True)
    assert "data-network-url=" in meeting and 'table class="participants"' in meeting
    for name in ("cytoscape.min.js", "vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.css"):
        resp = client.get(f"/assets/{name}")
        assert resp.status_code == 200, name
        resp.close()
