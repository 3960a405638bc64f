"""Fuzzing the citation parser (issue 10): on any text it returns a well-formed
:class:`Citation` or raises :class:`CitationError` with a one-line message, nothing else.

Bounded: at most 500 examples per property, no deadline, no example database on disk.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import CitationError
from kg.extraction.citations import MAX_CITATION_LENGTH, folio_range, parse_citation
from kg.extraction.model import Citation
from tests.test_citations import EXAMPLES, FAMILIES

FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REAL = [str(case["citation"]) for case in (*EXAMPLES, *FAMILIES)]
# Words of the citation families, mixed at random with names, punctuation and controls.
_WORDS = """
GARF RGANI AVPRF TsAMO MOL PRC FMA NARA SAPMO-BArch AAN ГАРФ
Fond f. Opis op. Delo d. Papka p. List Listy l. ll. ф. оп. д. лл. pp. Bl. k.
5446 98c 059a 5a 27-30 2-2ob 12, 15-17 106-00719-04 XIX-J-1-j 2/b doboz RG Box
Translated Obtained Contributed edited by and for NKIDP CWIHP from the
"""
TOKENS = [
    *_WORDS.split(),
    "Gary Goldberg",
    "Béla Révész",
    "Karl P. Benziger",
    "Jr.",
    "(New York: Harcourt, 1977)",
    "Archive of",
    *list(",;.:()-/ \n\t\x00"),
]


def check(text: str) -> Citation | None:
    """The parser's contract on any input; returns the citation when one was read."""
    try:
        citation = parse_citation(text)
    except CitationError as exc:
        assert exc.message and "\n" not in exc.message
        return None
    raw = citation.citation
    assert raw == " ".join(text.split())
    data = citation.to_json()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"citation", "locations", "translators", "contributors", "published_source"}
    assert (
        data["locations"] or data["translators"] or data["contributors"] or data["published_source"]
    )
    for loc in citation.locations:
        for value in (loc.repository, loc.fond, loc.opis, loc.delo, loc.papka, loc.folios):
            assert value is None or (value and value in raw), (value, raw)
        if loc.folios is not None:
            bounds = folio_range(loc.folios)
            assert bounds is not None and bounds[0] <= bounds[1], loc.folios
        if loc.other_locator is not None:
            assert all(tok in raw for tok in re.split(r"[\s,]+", loc.other_locator) if tok)
    for name in (*citation.translators, *citation.contributors):
        assert name and name in raw, (name, raw)
    assert parse_citation(text) == citation  # pure: the same input gives the same result
    return citation


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_gives_a_citation_or_a_citation_error(text: str) -> None:
    check(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_citation_like_token_soup_gives_a_citation_or_a_citation_error(text: str) -> None:
    check(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real citation with a few random edits: deletions, insertions, replacements."""
    text = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        edit = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "token"]))
        if edit == "delete":
            text = text[:i] + text[j:]
        elif edit == "insert":
            text = text[:i] + draw(st.text(max_size=8)) + text[i:]
        elif edit == "replace":
            text = text[:i] + draw(st.text(min_size=1, max_size=3)) + text[j:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = f"{text[:i]} {draw(st.sampled_from(TOKENS))} {text[i:]}"
    return text


@FUZZ
@given(mutated())
def test_mutated_real_citations_give_a_citation_or_a_citation_error(text: str) -> None:
    check(text)


def test_overlong_input_is_refused_before_parsing() -> None:
    text = REAL[0] * (MAX_CITATION_LENGTH // len(REAL[0]) + 1)
    assert check(text) is None


# --- generated Russian-style citations must come back field for field ---------------

_WRITTEN = {"fond": "Fond", "opis": "Opis", "delo": "Delo", "papka": "Papka", "folios": "Listy"}
_ABBREVIATED = {"fond": "f.", "opis": "op.", "delo": "d.", "papka": "p.", "folios": "ll."}
_REPOSITORIES = ["GARF", "RGANI", "RGASPI", "AVPRF", "APRF", "TsAMO", "RGAE", "TsKhSD"]
_NAMES = ["Gary Goldberg", "Sergey Radchenko", "Béla Révész", "Karl P. Benziger", "Caixia Lu"]

unit_number = st.builds(
    lambda prefix, n, suffix: f"{prefix}{n}{suffix}",
    st.sampled_from(["", "", "", "R-"]),
    st.integers(0, 99999).map(str) | st.just("059"),
    st.sampled_from(["", "", "a", "c", "s"]),
)
folio = st.builds(lambda n, ob: f"{n}{ob}", st.integers(1, 999), st.sampled_from(["", "ob"]))
folios = st.one_of(
    folio,
    st.builds(lambda a, b: f"{a}-{b}", folio, folio),
    st.builds(lambda a, b, c: f"{a}, {b}-{c}", folio, folio, folio),
)


@st.composite
def russian_location(draw: st.DrawFn) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "repository": draw(st.sampled_from(_REPOSITORIES)),
        "fond": draw(unit_number),
        "opis": draw(unit_number),
        "delo": draw(unit_number),
        "papka": draw(st.none() | unit_number),
        "folios": draw(st.none() | folios),
        "other_locator": None,
    }
    return values


def render(values: dict[str, str | None], labels: dict[str, str]) -> str:
    parts = [str(values["repository"])]
    for key in ("fond", "opis", "delo", "papka", "folios"):
        if values[key] is not None:
            parts.append(f"{labels[key]} {values[key]}")
    return ", ".join(parts)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(russian_location(), min_size=1, max_size=3),
    st.sampled_from([_WRITTEN, _ABBREVIATED]),
    st.sampled_from([" and ", "; "]),
    st.lists(st.sampled_from(_NAMES), max_size=3, unique=True),
)
def test_generated_russian_citations_round_trip(
    locations: list[dict[str, str | None]],
    labels: dict[str, str],
    joiner: str,
    translators: list[str],
) -> None:
    text = joiner.join(render(values, labels) for values in locations) + "."
    if translators:
        names = (
            translators[0]
            if len(translators) == 1
            else (", ".join(translators[:-1]) + ", and " + translators[-1])
        )
        text += f" Translated by {names}."
    citation = check(text)
    assert citation is not None, text
    assert citation.to_json()["locations"] == locations, text
    assert list(citation.translators) == translators
