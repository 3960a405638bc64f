"""Authorities: every spelling variant finds its record, nothing ambiguous is merged, and
the authority files are well formed."""

from __future__ import annotations

import pytest
from rdflib import SKOS, URIRef

from kg.extraction.authorities import (
    AUTHORITY_BASE,
    AuthorityIndex,
    build_index,
    load_authority_graph,
)
from kg.extraction.mentions import scan
from tests.conftest import DATA

AUTHORITIES = DATA / "authorities"


@pytest.fixture(scope="module")
def index() -> AuthorityIndex:
    return build_index(load_authority_graph(AUTHORITIES))


VARIANTS = [
    # Ri / Li / Rhee / Yi
    ("Ri Pil-gyu", "person/ri-pil-gyu"),
    ("Li Pil-gyu", "person/ri-pil-gyu"),
    ("Rhee Pil-gyu", "person/ri-pil-gyu"),
    ("Yi Pil Gyu", "person/ri-pil-gyu"),
    ("Li Sang-jo", "person/ri-sang-jo"),
    # Choe / Choi / Ch'oe
    ("Choi Yong-kun", "person/choe-yong-geon"),
    ("Choi Yong-geon", "person/choe-yong-geon"),
    ("Ch'oe Ch'ang-ik", "person/choe-chang-ik"),
    ("Choi Chang-ik", "person/choe-chang-ik"),
    # hyphenation and spacing
    ("Kim Il-sung", "person/kim-il-sung"),
    ("Kim Ilsung", "person/kim-il-sung"),
    ("KIM IL SUNG", "person/kim-il-sung"),
    ("Kim Du Bong", "person/kim-du-bong"),
    ("Kim Tu-bong", "person/kim-du-bong"),
    ("Yoon Gong-heum", "person/yun-kong-hum"),
    ("Seo Hwi", "person/so-hwi"),
    ("Park Chang-ok", "person/pak-chang-ok"),
    # initials, titles, Russian order
    ("A.I. Mikoyan", "person/anastas-mikoyan"),
    ("A. I. Mikoyan", "person/anastas-mikoyan"),
    ("Mikoyan A.I.", "person/anastas-mikoyan"),
    ("Cde. Mikoyan", "person/anastas-mikoyan"),
    ("Comrade Mikoyan", "person/anastas-mikoyan"),
    ("V. I. IVANOV", "person/v-i-ivanov"),
    ("V.I. Ivanov", "person/v-i-ivanov"),
    ("Ivanov V.I.", "person/v-i-ivanov"),
    ("Ambassador Ivanov", "person/v-i-ivanov"),
    ("Soviet Ambassador V. I. Ivanov", "person/v-i-ivanov"),
    ("Premier Kim Il Sung", "person/kim-il-sung"),
    ("Marshal Peng Dehuai", "person/peng-dehuai"),
    ("Peng Te-huai", "person/peng-dehuai"),
    ("Mao Tse-tung", "person/mao-zedong"),
    ("Chou En-lai", "person/zhou-enlai"),
    ("N. S. Khrushchev", "person/nikita-khrushchev"),
    ("Shepilov D.T.", "person/dmitri-shepilov"),
    ("Nam Ir", "person/nam-il"),
]


@pytest.mark.parametrize(("name", "key"), VARIANTS)
def test_variant_finds_its_person(index: AuthorityIndex, name: str, key: str) -> None:
    assert [r.key for r in index.lookup(name, "person")] == [key]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("KWP CC", "org/kwp-cc"),
        ("Central Committee of the KWP", "org/kwp-cc"),
        ("Presidium of the KWP CC", "org/kwp-cc-presidium"),
        ("CPSU CC", "org/cpsu-cc"),
        ("CPC Central Committee", "org/ccp-cc"),
        ("Workers' Party of Korea", "org/kwp"),
    ],
)
def test_organization_variants(index: AuthorityIndex, name: str, key: str) -> None:
    assert [r.key for r in index.lookup(name, "organization")] == [key]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("GARF", "org/garf"),
        ("RGANI", "org/rgani"),
        ("RGASPI", "org/rgaspi"),
        ("AVPRF", "org/avprf"),
        ("AVP RF", "org/avprf"),
        ("APRF", "org/aprf"),
        ("PRC FMA", "org/prc-fma"),
        ("MOL", "org/mol"),
        ("SAPMO-BArch", "org/sapmo-barch"),
        ("AAN", "org/aan"),
    ],
)
def test_repositories(index: AuthorityIndex, name: str, key: str) -> None:
    assert [r.key for r in index.lookup(name, "repository")] == [key]


@pytest.mark.parametrize("name", ["Kim", "Pak", "Choe", "Ri", "Ivanov", "Peng", "Kim Chol"])
def test_ambiguous_or_unknown_names_match_nothing(index: AuthorityIndex, name: str) -> None:
    assert index.lookup(name, "person") == []


def test_contextual_labels_are_ambiguous_alone(index: AuthorityIndex) -> None:
    keys = {r.key for r in index.lookup("CC", "organization")}
    assert keys == {"org/kwp-cc", "org/cpsu-cc", "org/ccp-cc"}
    assert index.root("org/kwp-cc-presidium") == "org/kwp"


def test_events_have_dates_and_conveners(index: AuthorityIndex) -> None:
    august = index.records["meeting/1956-08-30-kwp-cc-plenum"]
    assert august.date == "1956-08-30" and august.parents == ("org/kwp-cc",)
    assert [r.key for r in index.lookup("August plenum", "meeting")] == [august.key]


def test_scan_prefers_the_longest_name(index: AuthorityIndex) -> None:
    text = "Kim Il Sung and Kim Il met the KWP CC Presidium."
    found = [(text[f.start : f.end], sorted(f.keys)) for f in scan(text, index)]
    assert found == [
        ("Kim Il Sung", ["person/kim-il-sung"]),
        ("Kim Il", ["person/kim-il"]),
        ("KWP CC Presidium", ["org/kwp-cc-presidium"]),
    ]


def test_scan_handles_possessives_and_lowercase(index: AuthorityIndex) -> None:
    text = "at Kim Il Sung's, not kim il sung"
    assert [text[f.start : f.end] for f in scan(text, index)] == ["Kim Il Sung"]


def test_authority_files_are_well_formed() -> None:
    g = load_authority_graph(AUTHORITIES)
    index = build_index(g)
    assert len(index.records) >= 50
    for key, record in index.records.items():
        node = URIRef(AUTHORITY_BASE + key)
        english = [o for o in g.objects(node, SKOS.prefLabel) if o.language == "en"]
        assert len(english) == 1, key
        assert record.label == str(english[0])
    # No two records share a label or variant (only hidden, contextual labels may be shared).
    owners: dict[str, set[str]] = {}
    for record in index.records.values():
        for name in (record.label, *record.variants):
            owners.setdefault(name.lower(), set()).add(record.key)
    assert {n: k for n, k in owners.items() if len(k) > 1} == {}
