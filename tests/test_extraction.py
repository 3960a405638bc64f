"""Extraction: the seed comes out exactly right, test records in other layouts match their
expected output, every mention's offsets quote the text, and matching stays conservative.

Expected outputs live in ``tests/records/expected/``. After a deliberate change, rewrite
them with ``KG_UPDATE_EXPECTED=1 pytest tests/test_extraction.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extraction import extract
from kg.extraction.authorities import AuthorityIndex, build_index, load_authority_graph
from kg.extraction.model import Extraction
from kg.readers import read_source
from kg.records import Record
from tests.conftest import BASE, DATA, ROOT, SEED

RECORDS = ROOT / "tests" / "records"
EXPECTED = RECORDS / "expected"
TEST_RECORDS = sorted(p for p in RECORDS.iterdir() if p.is_file())
ALL_RECORDS = [SEED, *TEST_RECORDS]


@pytest.fixture(scope="session")
def index() -> AuthorityIndex:
    """The bundled authorities."""
    return build_index(load_authority_graph(DATA / "authorities"))


def run(path: Path, index: AuthorityIndex) -> tuple[Record, Extraction]:
    record = read_source(path)
    return record, extract(record, index)


def text_record(body: str, date: str = "May 3, 1957", title: str = "Record") -> Record:
    """A page-text record made from a body, read by the real reader."""
    from kg.readers.text import read_text_record

    page = f"{date}\n\n{title}\n\n{body}\n"
    return read_text_record(page, source_id="t", path="t.txt", checksum="sha256:0")


# --- the seed -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed(index: AuthorityIndex) -> dict[str, Any]:
    return run(SEED, index)[1].to_json(BASE)


def _meeting(data: dict[str, Any], date: str) -> dict[str, Any]:
    return next(m for m in data["meetings"] if m["date"] == date)


def test_seed_meeting_of_22_september(seed: dict[str, Any]) -> None:
    m = _meeting(seed, "1956-09-22")
    assert m["recorded"] is True
    people = {p["name"]: p["roles"] for p in m["participants"]}
    assert list(people) == [
        "Kim Il Sung",
        "Kim Du-bong",
        "Choe Yong-geon",
        "Kim Chang-man",
        "Nam Il",
        "Peng Dehuai",
        "Anastas Mikoyan",
        "V. I. Ivanov",
    ]
    assert "host" in people["Kim Il Sung"]
    assert "recorder" in people["V. I. Ivanov"]
    assert {"speaker"} <= set(people["Anastas Mikoyan"]) & set(people["Peng Dehuai"])
    assert "speaker" not in people["Choe Yong-geon"]
    as_written = {p["name"]: p["name_in_source"] for p in m["participants"]}
    assert as_written["V. I. Ivanov"] == "Ambassador Ivanov"


def test_seed_referred_meetings(seed: dict[str, Any]) -> None:
    presidium = _meeting(seed, "1956-09-20")
    assert presidium["recorded"] is False
    assert presidium["type"] == "presidiumMeeting"
    assert presidium["convened_by"] == "KWP CC Presidium"
    assert [p["name"] for p in presidium["participants"]] == ["Kim Il Sung"]
    plenum = _meeting(seed, "1956-09-23")
    assert (plenum["status"], plenum["previous_date"], plenum["type"]) == (
        "postponed",
        "1956-09-22",
        "plenum",
    )
    assert plenum["uri"] == f"{BASE}id/meeting/1956-09-23-kwp-cc-plenum"
    august = _meeting(seed, "1956-08-30")
    assert august["uri"] == f"{BASE}id/meeting/1956-08-30-kwp-cc-plenum"
    assert len(seed["meetings"]) == 4


def test_seed_resolutions(seed: dict[str, Any]) -> None:
    by_status: dict[str, list[dict[str, Any]]] = {}
    for r in seed["resolutions"]:
        by_status.setdefault(r["status"], []).append(r)
    (draft,) = by_status["draft"]
    punished = ["Choe Chang-ik", "Yun Kong-hum", "So Hwi", "Ri Pil-gyu", "Pak Chang-ok"]
    assert draft["concerns"] == punished
    assert draft["body"] == "KWP Central Committee"
    assert draft["amends"].startswith("Decision adopted at the August 1956 KWP CC plenum")
    assert draft["date"] is None
    amended = next(r for r in by_status["adopted"] if r["label"] == draft["amends"])
    assert amended["concerns"] == punished
    assert amended["adopted_at"] == f"{BASE}id/meeting/1956-08-30-kwp-cc-plenum"
    (proposed,) = by_status["proposed"]
    assert proposed["label"] == "Proposed separate short resolution on intra-Party life"
    assert proposed["proposed_by"] == "Anastas Mikoyan"


def test_seed_closing_block_and_citation(seed: dict[str, Any]) -> None:
    doc = seed["document"]
    assert (doc["date"], doc["created"], doc["type"]) == ("1956-09-23", "1956-09-24", "minutes")
    assert (doc["registration_number"], doc["copy_number"], doc["number_of_copies"]) == (
        "963",
        1,
        3,
    )
    assert seed["recorded_by"] == ["V. I. Ivanov"]
    assert seed["typed_by"] == ["Fokina"]
    assert seed["distribution"] == ["Anastas Mikoyan", "Dmitri Shepilov", "file"]
    (ref,) = seed["archival_references"]
    assert (ref["repository"], ref["fond"], ref["opis"], ref["delo"], ref["folios"]) == (
        "GARF",
        "5446",
        "98",
        "721",
        "27-30",
    )
    assert seed["translators"] == ["Gary Goldberg"]
    assert seed["unreconciled"] == []


def test_cli_extract_prints_the_contract() -> None:
    result = CliRunner().invoke(main, ["extract", str(SEED), "--json", "--base", BASE])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    contract = {
        "document",
        "archival_references",
        "translators",
        "contributors",
        "recorded_by",
        "typed_by",
        "distribution",
        "meetings",
        "resolutions",
        "persons_mentioned",
        "organizations",
        "places",
        "unreconciled",
    }
    assert contract <= set(data)
    assert set(data["document"]) == {
        "title",
        "date",
        "type",
        "language",
        "summary",
        "created",
        "registration_number",
        "copy_number",
        "number_of_copies",
    }
    assert {"date", "place", "participants"} <= set(data["meetings"][0])
    assert {"label", "status", "body", "date", "concerns", "amends"} <= set(data["resolutions"][0])


# --- test records in other layouts: expected output -----------------------------------


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "mentions"}


@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_expected_output(path: Path, index: AuthorityIndex) -> None:
    got = _comparable(run(path, index)[1].to_json(BASE))
    expected_file = EXPECTED / f"{path.stem}.json"
    if os.environ.get("KG_UPDATE_EXPECTED"):
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n")
    expected = json.loads(expected_file.read_text())
    if got != expected:
        diff = difflib.unified_diff(
            json.dumps(expected, ensure_ascii=False, indent=1).splitlines(),
            json.dumps(got, ensure_ascii=False, indent=1).splitlines(),
            "expected",
            "got",
            lineterm="",
        )
        pytest.fail("\n".join(diff))


@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_every_mention_quotes_the_text(path: Path, index: AuthorityIndex) -> None:
    record, ex = run(path, index)
    spans = [m.span for m in ex.mentions]
    spans += [p.span for m in ex.meetings for p in m.participants if p.span]
    for span in spans:
        assert record.text[span.start : span.end] == span.exact, span
    if record.text:
        assert ex.mentions, "a record with text has mentions"
    starts = [(m.span.start, m.span.end) for m in ex.mentions]
    assert starts == sorted(starts)
    assert all(b <= c for (_, b), (c, _) in itertools.pairwise(starts))


def test_unreconciled_names_of_test_records(index: AuthorityIndex) -> None:
    got = {p.name: list(run(p, index)[1].unreconciled) for p in TEST_RECORDS}
    assert got == {
        "001_header_lists.txt": ["Kang Sang-ho", "Pak Kil-yong", "Orlova"],
        "002_two_delegations.txt": ["Caixia Lu"],
        "003_telegram.txt": [],
        "004_no_closing.txt": ["Ferenc Kovacs"],
        "005_catalogue.ris": [],
        "006_curated.json": ["Ko Pong-gi"],
    }


def test_header_list_layout(index: AuthorityIndex) -> None:
    data = run(RECORDS / "001_header_lists.txt", index)[1].to_json(BASE)
    (meeting,) = data["meetings"]
    assert (meeting["date"], meeting["place"]) == ("1957-03-14", "Pyongyang")
    roles = {p["name"]: p["roles"] for p in meeting["participants"]}
    assert roles["Choe Yong-geon"][:2] == ["attendee", "host"]
    assert roles["Pak Kil-yong"] == ["attendee", "interpreter"]
    assert "recorder" in roles["V. I. Ivanov"]
    written = {p["name"]: p["name_in_source"] for p in meeting["participants"]}
    assert written["Ri Sang-jo"] == "Li Sang-jo"
    assert data["document"]["created"] == "1957-03-15"


def test_two_delegations(index: AuthorityIndex) -> None:
    data = run(RECORDS / "002_two_delegations.txt", index)[1].to_json(BASE)
    meeting = data["meetings"][0]
    sides = {p["name"]: p["side"] for p in meeting["participants"]}
    assert sides == {
        "Kim Il Sung": "Korean",
        "Pak Chong-ae": "Korean",
        "Nam Il": "Korean",
        "Peng Dehuai": "Chinese",
        "Shi Zhe": "Chinese",
    }
    assert meeting["type"] == "bilateralMeeting"
    statuses = sorted(r["status"] for r in data["resolutions"])
    assert statuses == ["adopted", "proposed"]


def test_telegram(index: AuthorityIndex) -> None:
    data = run(RECORDS / "003_telegram.txt", index)[1].to_json(BASE)
    assert data["document"]["type"] == "telegram"
    assert [a["name"] for a in data["authors"]] == ["Anastas Mikoyan"]
    assert [a["name"] for a in data["addressees"]] == ["CPSU Central Committee"]
    meeting = data["meetings"][0]
    roles = {p["name"]: p["roles"] for p in meeting["participants"]}
    assert roles["Nam Il"] == ["attendee", "interpreter"]
    assert "Anastas Mikoyan" in roles and "Peng Dehuai" in roles
    # The body names no party: a bare "CC" is not guessed to be the addressee's CC.
    assert data["organizations"] == [
        {"name": "CPSU Central Committee", "uri": f"{BASE}id/org/cpsu-cc"}
    ]
    tomorrow = next(m for m in data["meetings"] if not m["recorded"])
    assert (tomorrow["date"], tomorrow["convened_by"]) == ("1956-09-23", None)


def test_record_without_closing_block_or_citation(index: AuthorityIndex) -> None:
    data = run(RECORDS / "004_no_closing.txt", index)[1].to_json(BASE)
    assert data["archival_references"] == [] and data["recorded_by"] == []
    (meeting,) = data["meetings"]
    assert meeting["date"] == "1957-03-28"
    assert meeting["uri"] == f"{BASE}id/meeting/1957-03-28-kwp-cc-presidium"
    assert {p["name"]: p["roles"] for p in meeting["participants"]}["Kim Il"] == [
        "attendee",
        "chair",
    ]


# --- conservative matching and generalisation -----------------------------------------


def test_bare_common_surname_is_never_merged(index: AuthorityIndex) -> None:
    record = text_record(
        "A meeting was held in the presence of Kim Il Sung and Kim Du-bong.\n\n"
        "Kim said that the plan was ready."
    )
    ex = extract(record, index)
    speakers = [p for p in ex.meetings[0].participants if "speaker" in p.roles]
    assert [(p.entity.name, p.entity.provisional) for p in speakers] == [("Kim", True)]
    assert speakers[0].entity.key not in ("person/kim-il-sung", "person/kim-du-bong")
    assert "Kim" in ex.unreconciled


def test_unique_surname_follows_the_full_name(index: AuthorityIndex) -> None:
    record = text_record(
        "In the presence of Peng Dehuai and Kim Il a meeting took place.\n\nPeng said yes."
    )
    ex = extract(record, index)
    speakers = [p.entity.key for p in ex.meetings[0].participants if "speaker" in p.roles]
    assert speakers == ["person/peng-dehuai"]


def test_bare_cc_with_two_parties_is_not_guessed(index: AuthorityIndex) -> None:
    record = text_record(
        "The KWP and the CPSU delegations met. Mikoyan said that the CC would decide."
    )
    ex = extract(record, index)
    assert {o.key for o in ex.organizations} == {"org/kwp", "org/cpsu"}


def test_event_needs_its_year(index: AuthorityIndex) -> None:
    same = extract(text_record("The KWP CC discussed the August plenum.", "May 1, 1956"), index)
    other = extract(text_record("The KWP CC discussed the August plenum.", "May 1, 1958"), index)
    key = "meeting/1956-08-30-kwp-cc-plenum"
    assert key in {m.entity.key for m in same.mentions}
    assert key not in {m.entity.key for m in other.mentions}


def test_dates_resolve_against_the_meeting_date(index: AuthorityIndex) -> None:
    record = text_record(
        "On 2 January a meeting was held in the presence of Kim Il and Nam Il.\n\n"
        "Nam Il said that the KWP CC Presidium meeting yesterday had postponed the plenum "
        "from 5 January to 9 January.",
        date="January 4, 1957",
    )
    ex = extract(record, index)
    dates = {m.key: (m.date, m.previous_date, m.status) for m in ex.meetings}
    assert dates["meeting/1957-01-01-kwp-cc-presidium"][0] == "1957-01-01"
    assert ex.meetings[0].date == "1957-01-02"
    plenum = next(m for m in ex.meetings if m.meeting_type == "plenum")
    assert (plenum.date, plenum.previous_date, plenum.status) == (
        "1957-01-09",
        "1957-01-05",
        "postponed",
    )


def test_year_boundary(index: AuthorityIndex) -> None:
    record = text_record(
        "On 28 December a conversation was held in the presence of Nam Il and Kim Il.",
        date="January 3, 1957",
    )
    assert extract(record, index).meetings[0].date == "1956-12-28"


def test_keys_are_deterministic(index: AuthorityIndex) -> None:
    first = run(RECORDS / "001_header_lists.txt", index)[1]
    second = run(RECORDS / "001_header_lists.txt", index)[1]
    assert first == second
    keys = [m.key for m in first.meetings] + [r.key for r in first.resolutions]
    assert all("/" in k and not k.rsplit("/", 1)[1].isdigit() for k in keys)


def test_without_authorities_everything_is_provisional_and_nothing_breaks() -> None:
    empty = AuthorityIndex()
    record, ex = run(SEED, empty)[0], run(SEED, empty)[1]
    names = {p.entity.name for m in ex.meetings for p in m.participants}
    assert {"Kim Il Sung", "Peng Dehuai", "Mikoyan"} <= names
    assert all(p.entity.provisional for m in ex.meetings for p in m.participants)
    peng = {p.entity.key for m in ex.meetings for p in m.participants if "Peng" in p.entity.name}
    assert len(peng) == 1  # "Peng" follows the full name, even unreconciled
    for m in ex.mentions:
        assert record.text[m.span.start : m.span.end] == m.span.exact
