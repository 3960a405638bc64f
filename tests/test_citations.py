"""The archival citation parser (DESIGN §4) and ``kg parse-citation --json`` (DESIGN §10).

``EXAMPLES`` holds every line of the shared ``examples/citations.txt`` (the seed's own
citation comes from its comment line) with the full expected JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import CitationError
from kg.extraction.citations import MAX_CITATION_LENGTH, folio_range, parse_citation

SEED = "GARF, Fond 5446, Opis 98, Delo 721, Listy 27-30. Translated by Gary Goldberg."


def loc(**fields: str) -> dict[str, Any]:
    """One entry of ``locations`` with every absent key null."""
    keys = ("repository", "fond", "opis", "delo", "papka", "folios", "other_locator")
    assert set(fields) <= set(keys), fields
    return {k: fields.get(k) for k in keys}


def expected(
    citation: str,
    locations: list[dict[str, Any]] | None = None,
    translators: list[str] | None = None,
    contributors: list[str] | None = None,
    published_source: str | None = None,
) -> dict[str, Any]:
    return {
        "citation": citation,
        "locations": locations or [],
        "translators": translators or [],
        "contributors": contributors or [],
        "published_source": published_source,
    }


EXAMPLES = [
    expected(
        SEED,
        [loc(repository="GARF", fond="5446", opis="98", delo="721", folios="27-30")],
        ["Gary Goldberg"],
    ),
    expected(
        "RGANI, f. 5, op. 49, d. 131, ll. 193-194. Translated by Gary Goldberg.",
        [loc(repository="RGANI", fond="5", opis="49", delo="131", folios="193-194")],
        ["Gary Goldberg"],
    ),
    expected(
        "RGASPI, f. 558, op. 11, d. 97, ll. 67-70. Contributed by Sergey Radchenko and "
        "translated by Gary Goldberg.",
        [loc(repository="RGASPI", fond="558", opis="11", delo="97", folios="67-70")],
        ["Gary Goldberg"],
        ["Sergey Radchenko"],
    ),
    expected(
        "Obtained by Béla Révész; translated and edited by Barnabás Vajd, Laura Deal, and "
        "Karl P. Benziger.",
        translators=["Barnabás Vajd", "Laura Deal", "Karl P. Benziger"],
        contributors=["Béla Révész"],
    ),
    expected(
        "Milovan Djilas. Wartime. Translated by Michael B. Petrovich. (New York: Harcourt "
        "Brace Jovanovich, 1977), 385-387.",
        translators=["Michael B. Petrovich"],
        published_source="Milovan Djilas. Wartime. (New York: Harcourt Brace Jovanovich, "
        "1977), 385-387.",
    ),
    expected(
        "PRC FMA 106-00719-04, 39-40. Translated by Caixia Lu.",
        [loc(repository="PRC FMA", other_locator="106-00719-04", folios="39-40")],
        ["Caixia Lu"],
    ),
    expected(
        "MOL, XIX-J-1-j Korea, 2. doboz, 2/b, 001118/ 1/1955. Translated by Balazs Szalontai.",
        [loc(repository="MOL", other_locator="XIX-J-1-j Korea, 2. doboz, 2/b, 001118/ 1/1955")],
        ["Balazs Szalontai"],
    ),
    expected(
        "APRF, Fond 45, Opis 1, Delo 347, Listy 12-13 and AVPRF, Fond 059a, Opis 5a, Delo 4, "
        "Papka 11, Listy 159-160",
        [
            loc(repository="APRF", fond="45", opis="1", delo="347", folios="12-13"),
            loc(repository="AVPRF", fond="059a", opis="5a", delo="4", papka="11", folios="159-160"),
        ],
    ),
    expected(
        "GARF, Fond 5446, Opis 98c, Delo 718, Listy 12-16. Translated by Gary Goldberg.",
        [loc(repository="GARF", fond="5446", opis="98c", delo="718", folios="12-16")],
        ["Gary Goldberg"],
    ),
]

# The families the examples stand for (DESIGN §4), beyond the examples' exact strings.
FAMILIES = [
    expected(
        "TsAMO, f. R-32, op. 98c, d. 5a, l. 2-2ob.",
        [loc(repository="TsAMO", fond="R-32", opis="98c", delo="5a", folios="2-2ob")],
    ),
    expected(
        "RGANI, f. 5, op. 30, d. 163, ll. 12, 15-17",
        [loc(repository="RGANI", fond="5", opis="30", delo="163", folios="12, 15-17")],
    ),
    expected(
        "GARF, fond 9401, opis' 2, delo No. 64, list 12ob.-14",
        [loc(repository="GARF", fond="9401", opis="2", delo="64", folios="12ob.-14")],
    ),
    expected(
        "ГАРФ, ф. Р-5446, оп. 98, д. 721, лл. 27-30",
        [loc(repository="ГАРФ", fond="Р-5446", opis="98", delo="721", folios="27-30")],
    ),
    expected(
        "f. 5, op. 30, d. 163, l. 27 ob.",
        [loc(fond="5", opis="30", delo="163", folios="27 ob")],
    ),
    expected(
        "Archive of Foreign Policy of the Russian Federation (AVPRF), f. 0102, op. 11, p. 60, "
        "d. 8, ll. 1-3",
        [loc(repository="AVPRF", fond="0102", opis="11", papka="60", delo="8", folios="1-3")],
    ),
    expected(
        "RGANI, f. 89, per. 43, dok. 2",
        [loc(repository="RGANI", fond="89", other_locator="per. 43, dok. 2")],
    ),
    expected(
        "AVPRF, f. 0102, op. 12, p. 68, d. 5, l. 1-3; RGANI, f. 5, op. 28, d. 410, l. 15",
        [
            loc(repository="AVPRF", fond="0102", opis="12", papka="68", delo="5", folios="1-3"),
            loc(repository="RGANI", fond="5", opis="28", delo="410", folios="15"),
        ],
    ),
    expected(
        "Chinese Foreign Ministry Archive, 109-00754-02, 1-5. Translated for CWIHP by Chen Jian "
        "and Li Xiaobing.",
        [
            loc(
                repository="Chinese Foreign Ministry Archive",
                other_locator="109-00754-02",
                folios="1-5",
            )
        ],
        ["Chen Jian", "Li Xiaobing"],
    ),
    expected(
        "SAPMO-BArch, DY 30/IV 2/2.035/37, Bl. 1-5",
        [loc(repository="SAPMO-BArch", other_locator="DY 30/IV 2/2.035/37", folios="1-5")],
    ),
    expected(
        "SAPMO-BArch DY 30/IV 2/2.035/37",
        [loc(repository="SAPMO-BArch", other_locator="DY 30/IV 2/2.035/37")],
    ),
    expected(
        "BStU, MfS, ZAIG 5382, Bl. 1-15",
        [loc(repository="BStU", other_locator="MfS, ZAIG 5382", folios="1-15")],
    ),
    expected(
        "AAN, KC PZPR, sygn. XI A/10, k. 1-3. Translated by Jerzy Giebułtowski.",
        [loc(repository="AAN", other_locator="KC PZPR, sygn. XI A/10", folios="1-3")],
        ["Jerzy Giebułtowski"],
    ),
    expected(
        "MNL OL, XIX-J-1-j, 5. doboz, 12/f, 003421/1956",
        [loc(repository="MNL OL", other_locator="XIX-J-1-j, 5. doboz, 12/f, 003421/1956")],
    ),
    expected(
        "ÁBTL, 3.1.9. V-150019/1, p. 12",
        [loc(repository="ÁBTL", other_locator="3.1.9. V-150019/1", folios="12")],
    ),
    expected(
        "TsDA, f. 1-B, op. 6, a.e. 3470, l. 3",
        [loc(repository="TsDA", fond="1-B", opis="6", folios="3", other_locator="a.e. 3470")],
    ),
    expected(
        "NARA, RG 59, Central Decimal File 1955-59, Box 3921",
        [loc(repository="NARA", other_locator="RG 59, Central Decimal File 1955-59, Box 3921")],
    ),
    expected(
        "National Archives, Record Group 59, Box 5, Folder 3",
        [loc(repository="National Archives", other_locator="Record Group 59, Box 5, Folder 3")],
    ),
    expected("RG 59, Box 5", [loc(other_locator="RG 59, Box 5")]),
    expected(
        "Translated for NKIDP by Jihye Hwang and Seung-Young Kim",
        translators=["Jihye Hwang", "Seung-Young Kim"],
    ),
    expected("Translated by Jason Kim for NKIDP", translators=["Jason Kim"]),
    expected(
        "Translated from the Russian by Gary Goldberg and Sergey Radchenko for CWIHP.",
        translators=["Gary Goldberg", "Sergey Radchenko"],
    ),
    expected(
        "Obtained for CWIHP by Christian F. Ostermann.",
        contributors=["Christian F. Ostermann"],
    ),
    expected(
        "Obtained by James Person for the North Korea International Documentation Project. "
        "Translated by Gary Goldberg.",
        translators=["Gary Goldberg"],
        contributors=["James Person"],
    ),
    expected(
        "Obtained and translated by Sergey Radchenko.",
        translators=["Sergey Radchenko"],
        contributors=["Sergey Radchenko"],
    ),
    expected(
        "Obtained by Christian F. Ostermann and translated by Karen Riechert; edited by "
        "Charles Kraus, Jr.",
        translators=["Karen Riechert", "Charles Kraus, Jr."],
        contributors=["Christian F. Ostermann"],
    ),
    expected(
        "Translated by Gary Goldberg. GARF, f. 5446, op. 98, d. 721, ll. 27-30.",
        [loc(repository="GARF", fond="5446", opis="98", delo="721", folios="27-30")],
        ["Gary Goldberg"],
    ),
    expected(  # found by fuzzing: the text left of a credit is not the repository's
        "Translated Translated by Gary Goldberg. GARF, f. 5446, op. 98, d. 721, ll. 27-30.",
        [loc(repository="GARF", fond="5446", opis="98", delo="721", folios="27-30")],
        ["Gary Goldberg"],
    ),
    expected(
        "GARF, f. 5446, op. 98, d. 721, ll. 27-30. Published in Istoricheskii arkhiv, no. 5 "
        "(1996), 12-15. Translated by Gary Goldberg.",
        [loc(repository="GARF", fond="5446", opis="98", delo="721", folios="27-30")],
        ["Gary Goldberg"],
        published_source="Published in Istoricheskii arkhiv, no. 5 (1996), 12-15.",
    ),
    expected(
        "Istoricheskii arkhiv, no. 5 (1996), pp. 1-10",
        published_source="Istoricheskii arkhiv, no. 5 (1996), pp. 1-10",
    ),
    expected(
        "Cold War International History Project Bulletin, no. 14/15 (2004), 5-10.",
        published_source="Cold War International History Project Bulletin, no. 14/15 (2004), 5-10.",
    ),
]


def _id(case: dict[str, Any]) -> str:
    return str(case["citation"])[:40]


@pytest.mark.parametrize("case", EXAMPLES, ids=_id)
def test_every_example_parses_to_its_full_json(case: dict[str, Any]) -> None:
    assert parse_citation(case["citation"]).to_json() == case


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
def test_each_family_parses_to_its_full_json(case: dict[str, Any]) -> None:
    assert parse_citation(case["citation"]).to_json() == case


def test_the_raw_string_is_kept_with_whitespace_collapsed() -> None:
    c = parse_citation("  " + SEED.replace(", ", ",\n  ") + "\t")
    assert c.citation == SEED


def test_a_book_is_not_misread_as_an_archive() -> None:
    book = EXAMPLES[4]["citation"]
    c = parse_citation(book)
    assert c.locations == ()
    assert c.published_source is not None and "Harcourt" in c.published_source


@pytest.mark.parametrize(
    ("folios", "bounds"),
    [("27-30", (27, 30)), ("2-2ob", (2, 2)), ("12, 15-17", (12, 17)), ("12ob.-14", (12, 14))],
)
def test_folio_range_gives_the_lowest_and_highest_folio(
    folios: str, bounds: tuple[int, int]
) -> None:
    assert folio_range(folios) == bounds


@pytest.mark.parametrize(
    "text",
    [
        "see the attached note",
        "Translated by",
        "Translated by 1234",
        "GARF",
        "f. 5",
        ".....",
        "   ",
        "",
        "ab",
        "x" * (MAX_CITATION_LENGTH + 1),
    ],
)
def test_nothing_to_read_raises_citation_error_with_one_line(text: str) -> None:
    with pytest.raises(CitationError) as info:
        parse_citation(text)
    assert info.value.message
    assert "\n" not in info.value.message
    assert len(info.value.message) < 200


def test_a_non_string_raises_citation_error() -> None:
    with pytest.raises(CitationError, match="must be text"):
        parse_citation(b"GARF, f. 1, op. 2, d. 3")  # type: ignore[arg-type]


@pytest.mark.parametrize("case", [EXAMPLES[0], EXAMPLES[3], EXAMPLES[4], EXAMPLES[7]], ids=_id)
def test_cli_json_output_is_the_contract(case: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["parse-citation", case["citation"], "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == case


def test_cli_keeps_diacritics_unescaped() -> None:
    result = CliRunner().invoke(main, ["parse-citation", EXAMPLES[3]["citation"], "--json"])
    assert "Béla Révész" in result.stdout


def test_cli_unparseable_citation_exits_1_with_one_line_message() -> None:
    result = CliRunner().invoke(main, ["parse-citation", "see the attached note", "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Error: no archive location, credit or published source in citation 'see the attached note'"
    ]
    assert "Traceback" not in result.output
