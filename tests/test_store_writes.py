"""The write path of the Oxigraph store: :meth:`OxigraphStore.replace_many` groups new
sources into one transaction and replaces held graphs with one update, in order."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.oxigraph import OxigraphStore


def _q(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"a:{s}"), ox.NamedNode("a:p"), ox.Literal(o), ox.NamedNode(g))


def _rows(store: OxigraphStore) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.object.value, q.graph_name.value) for q in store.raw}  # type: ignore[union-attr]


@pytest.fixture
def store(tmp_path: Path) -> OxigraphStore:
    return OxigraphStore(tmp_path / "store")


def test_new_sources_are_added_and_held_ones_replaced_in_order(store: OxigraphStore) -> None:
    store.replace_many(
        [(["g:1", "g:1/x"], [_q("s1", "old", "g:1"), _q("s1", 'say "hi"\n', "g:1/x")])]
    )
    store.replace_many(
        [
            (["g:2"], [_q("s2", "two", "g:2")]),
            (["g:1", "g:1/x"], [_q("s1", "new", "g:1")]),  # drops g:1/x, which it lacks now
            (["g:3"], [_q("s3", "three", "g:3")]),
        ]
    )
    assert _rows(store) == {
        ("a:s1", "new", "g:1"),
        ("a:s2", "two", "g:2"),
        ("a:s3", "three", "g:3"),
    }
    assert {g.value for g in store.raw.named_graphs()} == {"g:1", "g:2", "g:3"}  # type: ignore[union-attr]


def test_the_same_source_twice_in_one_call_is_replaced_not_merged(store: OxigraphStore) -> None:
    store.replace_many(
        [
            (["g:1"], [_q("s1", "first", "g:1")]),
            (["g:1"], [_q("s1", "second", "g:1")]),
        ]
    )
    assert _rows(store) == {("a:s1", "second", "g:1")}


def test_a_literal_with_quotes_and_newlines_survives_a_replace(store: OxigraphStore) -> None:
    text = 'line one\nsaid "yes" \\ done'
    store.replace_many([(["g:1"], [_q("s1", "x", "g:1")])])
    store.replace_many([(["g:1"], [_q("s1", text, "g:1")])])
    assert _rows(store) == {("a:s1", text, "g:1")}
