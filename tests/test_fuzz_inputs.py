"""Fuzzing the pure input stages (issue 10): the record readers, extraction and content
negotiation never raise anything but kg's own error types, on any input.

(The citation parser has its own fuzz tests in ``test_citations_fuzz.py``.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import KgError
from kg.extraction import extract
from kg.extraction.authorities import AuthorityIndex
from kg.readers import read_source
from kg.web.negotiation import GRAPH_TYPES, RESULTS_TYPES, negotiate

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "data" / "sources" / "000_433681a86fbd4be3.txt").read_bytes()
FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for pos, length, insert in cuts:
        pos %= max(1, len(out))
        out[pos : pos + length] = insert
    return bytes(out)


def _read_and_extract(path: Path, suffix: str, payload: bytes) -> None:
    target = path.with_suffix(suffix)
    target.write_bytes(payload)
    try:
        record = read_source(target)
        extract(record, AuthorityIndex())
    except KgError as exc:
        assert exc.message.strip() and "\n" not in exc.message.strip(), exc.message


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".ris", ".json"]),
    cuts=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 400), st.binary(max_size=30)),
        max_size=6,
    ),
)
def test_mutated_records_give_a_record_or_our_error(
    tmp_path: Path, suffix: str, cuts: list[tuple[int, int, bytes]]
) -> None:
    _read_and_extract(tmp_path / "record", suffix, _mutate(SEED, cuts))


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".ris", ".json"]),
    text=st.text(max_size=400),
)
def test_arbitrary_text_gives_a_record_or_our_error(tmp_path: Path, suffix: str, text: str) -> None:
    _read_and_extract(tmp_path / "record", suffix, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(header=st.text(max_size=80), graph=st.booleans())
def test_negotiation_never_raises_anything_but_not_acceptable(header: str, graph: bool) -> None:
    accept = parse_accept_header(header, MIMEAccept)
    offered = GRAPH_TYPES if graph else RESULTS_TYPES
    try:
        chosen = negotiate(accept, offered, offered[0])
    except KgError as exc:
        assert exc.status == 406
        return
    assert chosen in offered


@pytest.mark.parametrize("payload", [b"", b"\x00\x01\x02", b"\xff\xfe" * 50, b"TY  - "])
def test_degenerate_payloads(tmp_path: Path, payload: bytes) -> None:
    for suffix in (".txt", ".ris", ".json"):
        with pytest.raises(KgError):
            _read_and_extract_strict(tmp_path / "record", suffix, payload)


def _read_and_extract_strict(path: Path, suffix: str, payload: bytes) -> None:
    target = path.with_suffix(suffix)
    target.write_bytes(payload)
    extract(read_source(target), AuthorityIndex())
