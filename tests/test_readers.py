"""Readers: archive page text, RIS and curated JSON give the same frozen Record; bad input
of every kind is refused with a one-line message naming the file, and stores nothing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import CitationError, ExtractionError, KgError, ReaderError
from kg.extraction import extract
from kg.extraction.authorities import build_index, load_authority_graph
from kg.readers import RECORD_SUFFIXES, read_source
from kg.records import Record
from tests.conftest import BASE, DATA, ROOT, SEED

RECORDS = ROOT / "tests" / "records"
GOOD_PAGE = "May 3, 1957\n\nReport on the Harvest\n\nThe harvest was good.\n"


def test_suffixes() -> None:
    assert {".txt", ".ris", ".json"} <= RECORD_SUFFIXES


def test_text_record_parts() -> None:
    record = read_source(SEED)
    assert record.media_type == "text/plain"
    assert record.date == "September 23, 1956"
    assert record.title.startswith("Minutes of the Meeting concerning")
    assert record.text.startswith("Copy Nº 1") and record.text.endswith("[illegible signature]")
    assert record.citation.startswith("GARF, Fond 5446")
    assert record.summary.startswith("Record of a meeting attended by")
    assert "Document Information" not in record.text
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.title = "x"  # type: ignore[misc]


def test_header_lines_are_read() -> None:
    record = read_source(RECORDS / "001_header_lists.txt")
    header = dict(record.header)
    assert header["Time"].startswith("14 March 1957")
    assert header["Location"] == "Pyongyang, DPRK Cabinet of Ministers"
    assert header["Interpreter"] == "Pak Kil-yong"


def test_ris_record() -> None:
    record = read_source(RECORDS / "005_catalogue.ris")
    assert isinstance(record, Record)
    assert record.media_type == "application/x-research-info-systems"
    assert record.title == "Memorandum of Conversation with Kim Il Sung, 5 January 1957"
    assert record.date == "1957-01-05"
    assert record.citation.startswith("RGANI, f. 5, op. 28")
    assert record.language == "en"
    assert record.keywords == ("August Plenum", "Korean Workers' Party")
    assert record.authors == ("Puzanov, A. M.",)
    assert record.url.startswith("https://digitalarchive.wilsoncenter.org/")
    assert record.text == ""


def test_ris_content_is_recognised_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text((RECORDS / "005_catalogue.ris").read_text())
    assert read_source(path).media_type == "application/x-research-info-systems"


def test_curated_record() -> None:
    record = read_source(RECORDS / "006_curated.json")
    assert record.media_type == "application/json"
    assert record.curated is not None and record.curated["schema"] == "kg-curated-record/1"
    assert record.date == "1956-08-31"


BAD_INPUTS = [
    ("empty.txt", b"", ReaderError, "the file is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, ReaderError, "binary"),
    ("latin1.txt", "May 3, 1957\n\nT\n\nCaf\xe9".encode("latin-1"), ReaderError, "not UTF-8"),
    ("truncated.txt", b"May 3, 1957\n\n", ReaderError, "truncated"),
    ("title-only.txt", b"May 3, 1957\n\nA Title\n", ReaderError, "truncated"),
    ("truncated.ris", b"TY  - GEN\nTI  - A title\nDA  - 1957/01/05/\n", ReaderError, "truncated"),
    ("not-ris.ris", b"Hello\nTI  - A title\nER  - \n", ReaderError, "not a RIS tag line"),
    (
        "two.ris",
        b"TY  - GEN\nTI  - A\nER  - \nTY  - GEN\nTI  - B\nER  - \n",
        ReaderError,
        "more than one",
    ),
    ("broken.json", b'{"schema": "kg-curated-record/1",', ReaderError, "not valid JSON"),
    ("other.json", b'{"schema": "something-else/2"}', ReaderError, "not a curated record"),
    (
        "unknown-key.json",
        b'{"schema": "kg-curated-record/1", "document": {"title": "T"}, "people": []}',
        ReaderError,
        "unknown key $.people",
    ),
    (
        "wrong-type.json",
        b'{"schema": "kg-curated-record/1", "document": {"title": "T", "copy_number": "1"}}',
        ReaderError,
        "$.document.copy_number must be a integer",
    ),
    (
        "bad-status.json",
        b'{"schema": "kg-curated-record/1", "document": {"title": "T", "date": "1956"},'
        b' "resolutions": [{"label": "L", "status": "maybe"}]}',
        ReaderError,
        "$.resolutions[0].status must be one of",
    ),
    (
        "no-date.txt",
        b"A Title Without Date\n\nSome text of the body.\n",
        ExtractionError,
        "no readable date",
    ),
    (
        "no-date.json",
        b'{"schema": "kg-curated-record/1", "document": {"title": "T"}}',
        ExtractionError,
        "no date",
    ),
    (
        "bad-citation.txt",
        b"May 3, 1957\n\nA Title\n\nBody.\n\nSummary.\n\nDocument Information\n\n???!!\n",
        CitationError,
        "unparseable citation",
    ),
]


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(load_authority_graph(DATA / "authorities"))


@pytest.mark.parametrize(
    ("name", "data", "error", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_gives_one_line_error_naming_the_file(
    tmp_path: Path,
    index,
    name: str,
    data: bytes,
    error: type[KgError],
    words: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        extract(read_source(path), index)
    message = caught.value.message
    assert str(path) in message and words in message
    assert "\n" not in message


def test_cli_extract_refuses_bad_input_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\x00\x01\x02" * 50)
    result = CliRunner().invoke(main, ["extract", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().startswith("Error:") and str(path) in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_sources_store_nothing_and_the_rest_go_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data, _, _ in BAD_INPUTS:
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(GOOD_PAGE)
    store = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(folder), "--store", str(store), "--base", BASE])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"stored: {folder / 'good.txt'}" in result.stdout
    rejected = [ln for ln in result.stderr.splitlines() if ln.startswith("rejected:")]
    assert len(rejected) == len(BAD_INPUTS)
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    out = runner.invoke(main, ["query", q, "--store", str(store)])
    graphs = {b["g"]["value"] for b in json.loads(out.stdout)["results"]["bindings"]}
    source_graphs = {g for g in graphs if "/graph/doc/" in g}
    assert source_graphs and all("/graph/doc/good" in g for g in source_graphs)


def test_test_records_pass_the_shapes_and_reingest_changes_nothing(
    tmp_path: Path,
    validator,  # type: ignore[no-untyped-def]
) -> None:
    from kg.ingest import ingest_paths
    from kg.store.oxigraph import OxigraphStore

    records = [p for p in sorted(RECORDS.iterdir()) if p.is_file()]
    store = OxigraphStore(tmp_path / "store")
    try:
        first = ingest_paths([DATA / "authorities", *records], store, BASE, validator=validator)
        assert [r.status for r in first if r.path in map(str, records)] == ["stored"] * len(records)
        again = ingest_paths([DATA / "authorities", *records], store, BASE, validator=validator)
        assert {r.status for r in again if r.path in map(str, records)} == {"unchanged"}
    finally:
        store.close()
