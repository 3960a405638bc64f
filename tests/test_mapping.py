"""The mapping: hand-built extractions -> the expected quads (golden graph with a readable
diff), determinism, the three dates kept apart, provisional entities flagged, and every
mention's selectors matching the stored text."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from kg import __version__
from kg.extraction.model import (
    DocumentInfo,
    EntityRef,
    Extraction,
    MeetingInfo,
    Mention,
    Participant,
    ResolutionInfo,
    Span,
)
from kg.mapping import MappedSource, map_source
from kg.namespaces import CWA, DS, OA, ROLE, RS
from kg.records import Record
from kg.validation import Validator
from tests.conftest import BASE
from tests.shapes.samples import authority_graph, seed_extraction, seed_record

HERE = Path(__file__).parent / "shapes"
FIXED = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = "Today Kim Il Sung received me in Pyongyang. Ri Ju-yon interpreted."


def person(name: str, key: str, *, provisional: bool = False) -> EntityRef:
    return EntityRef(name, f"person/{key}", "person", provisional, name)


def small() -> tuple[Record, Extraction]:
    """A telegram on a meeting: host and provisional interpreter, a resolution, copies."""
    record = Record(
        "golden_1",
        "tests/golden_1.txt",
        "sha256:abc",
        "text/plain",
        TEXT,
        title="Telegram on the meeting",
    )
    kim = person("Kim Il Sung", "kim-il-sung")
    ri = person("Ri Ju-yon", "ri-ju-yon", provisional=True)
    cc = EntityRef("KWP Central Committee", "org/kwp-cc", "organization")
    meeting = MeetingInfo(
        key="meeting/1956-09-24-talk",
        label="Talk with Kim Il Sung",
        date="1956-09-24",
        place=EntityRef("Pyongyang", "place/pyongyang", "place"),
        participants=(Participant(kim, ("host",)), Participant(ri, ("interpreter", "attendee"))),
        meeting_type="bilateral",
        status="held",
    )
    resolution = ResolutionInfo(
        key="resolution/r1",
        label="Decision to postpone",
        status="adopted",
        body=cc,
        date="1956-09-24",
        concerns=(ri,),
        adopted_at=meeting.key,
        proposed_by=kim,
    )
    start = TEXT.index("Kim Il Sung")
    extraction = Extraction(
        document=DocumentInfo(
            title="Telegram on the meeting",
            date="1956-09-25",
            type="telegram",
            language="en",
            created="1956-09-24",
            registration_number="12",
        ),
        distribution=(EntityRef("Cde. Shepilov", "person/shepilov", "person"), "file"),
        meetings=(meeting,),
        resolutions=(resolution,),
        organizations=(cc,),
        unreconciled=("Ri Ju-yon",),
        mentions=(Mention(kim, Span(start, start + 11, "Kim Il Sung")),),
    )
    return record, extraction


def assert_isomorphic(expected: Graph, actual: Graph, name: str) -> None:
    """Fail with the triples only in one of the graphs (like rdflib's GraphHelper)."""
    if to_isomorphic(expected) == to_isomorphic(actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"graph {name} differs"]
    lines += ["  missing: " + " ".join(t.n3() for t in triple) for triple in sorted(only_expected)]
    lines += ["  extra:   " + " ".join(t.n3() for t in triple) for triple in sorted(only_actual)]
    raise AssertionError("\n".join(lines))


def test_golden_small_record() -> None:
    record, extraction = small()
    mapped = map_source(record, extraction, BASE, FIXED)
    golden = Dataset()
    text = (
        (HERE / "golden_small.trig").read_text(encoding="utf-8").replace("{version}", __version__)
    )
    golden.parse(data=text, format="trig")
    expected_names = {str(g.identifier) for g in golden.graphs() if len(g)}
    assert set(mapped.graphs) == expected_names
    for name in sorted(expected_names):
        assert_isomorphic(golden.graph(URIRef(name)), mapped.dataset.graph(URIRef(name)), name)


def _quads(mapped: MappedSource) -> set[tuple[object, ...]]:
    return set(mapped.dataset.quads((None, None, None, None)))


@pytest.mark.parametrize("build", [small, lambda: (seed_record(), seed_extraction(seed_record()))])
def test_mapping_is_deterministic_and_has_no_blank_nodes(build) -> None:  # type: ignore[no-untyped-def]
    record, extraction = build()
    first, second = (map_source(record, extraction, BASE, FIXED) for _ in range(2))
    assert _quads(first) == _quads(second)  # the same IRIs, not only isomorphic
    assert not [t for q in _quads(first) for t in q if isinstance(t, BNode)]
    assert set(first.quads) == {q for q in _quads(first)}


@pytest.fixture(scope="module")
def seed() -> MappedSource:
    record = seed_record()
    return map_source(record, seed_extraction(record), BASE, FIXED)


def graph(mapped: MappedSource, part: str = "") -> Graph:
    return mapped.dataset.graph(URIRef(mapped.prefix + (f"/{part}" if part else "")))


def test_every_mention_selector_matches_the_text(seed: MappedSource) -> None:
    record = seed_record()
    men = graph(seed, "mentions")
    mentions = list(men.subjects(RDF.type, CWA.Mention))
    assert len(mentions) == len(seed_extraction(record).mentions) > 15
    cat = graph(seed, "catalogue")
    for m in mentions:
        target = men.value(m, OA.hasTarget)
        source = men.value(target, OA.hasSource)
        text = str(cat.value(source, CWA.fullText))
        assert text == record.text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert cat.value(source, DCTERMS.identifier) == Literal(f"sha256:{digest}")
        selectors = {men.value(s, RDF.type): s for s in men.objects(target, OA.hasSelector)}
        quote, pos = selectors[OA.TextQuoteSelector], selectors[OA.TextPositionSelector]
        start, end = int(men.value(pos, OA.start)), int(men.value(pos, OA.end))  # type: ignore[arg-type]
        assert str(men.value(quote, OA.exact)) == text[start:end]
        assert str(men.value(quote, OA.prefix) or "") == text[max(0, start - 32) : start]
        assert str(men.value(quote, OA.suffix) or "") == text[end : end + 32]


def test_three_dates_are_kept_apart(seed: MappedSource) -> None:
    doc = seed.document
    cat, main = graph(seed, "catalogue"), graph(seed)
    assert cat.value(doc, DCTERMS.date) == Literal("1956-09-23", datatype=XSD.date)
    assert main.value(doc, DCTERMS.created) == Literal("1956-09-24", datatype=XSD.date)
    assert main.value(doc, DCTERMS.date) is None
    recorded = main.value(doc, CWA.records)
    assert main.value(recorded, URIRef("https://schema.org/startDate")) == Literal(
        "1956-09-22", datatype=XSD.date
    )


def test_closing_block_and_resolutions_are_mapped(seed: MappedSource) -> None:
    g, doc = graph(seed), seed.document
    q = g.query(
        """SELECT ?n ?to ?disp WHERE { ?doc cwa:hasCopy ?c . ?c cwa:copyNumber ?n ;
           cwa:copyDisposition ?disp . OPTIONAL { ?c cwa:sentTo ?to } } ORDER BY ?n""",
        initNs={"cwa": CWA},
        initBindings={"doc": doc},
    )
    rows = [(int(n), str(to).rsplit("/", 1)[-1] if to else None, str(d)[-4:]) for n, to, d in q]
    assert rows == [(1, "anastas-mikoyan", "sent"), (2, "shepilov", "sent"), (3, None, "file")]
    assert g.value(doc, CWA.numberOfCopies) == Literal(3)
    assert g.value(doc, CWA.recordedBy) == URIRef(f"{BASE}id/person/v-i-ivanov")
    assert g.value(doc, CWA.typedBy) == URIRef(f"{BASE}id/person/fokina")
    regno = g.value(doc, URIRef("https://www.ica.org/standards/RiC/ontology#hasOrHadIdentifier"))
    assert str(regno).endswith("/regno")
    draft = URIRef(f"{BASE}id/resolution/kwp-cc-1956-09-draft-revision")
    assert g.value(draft, CWA.decisionStatus) == DS.draft
    assert g.value(draft, CWA.amends) == URIRef(
        f"{BASE}id/resolution/kwp-cc-1956-08-plenum-decision"
    )
    assert len(list(g.objects(draft, CWA.concerns))) == 5
    assert len(list(g.objects(draft, CWA.discussedAt))) == 2
    proposal = URIRef(f"{BASE}id/resolution/1956-09-22-proposed-intra-party-life")
    assert g.value(proposal, CWA.proposedBy) == URIRef(f"{BASE}id/person/anastas-mikoyan")
    roles = {
        str(r).rsplit("/", 1)[-1]
        for p in g.subjects(CWA.participant, URIRef(f"{BASE}id/person/v-i-ivanov"))
        for r in g.objects(p, CWA.role)
    }
    assert roles == {"attendee", "recorder"}
    assert (None, CWA.nameInSource, Literal("Ambassador Ivanov")) in g


def test_provisional_entities_are_flagged_and_listable(seed: MappedSource) -> None:
    rows = {
        str(s)
        for s, _, _, _ in seed.dataset.quads(
            (None, CWA.reconciliationStatus, RS.unreconciled, None)
        )
    }
    assert rows == {f"{BASE}id/person/fokina"}


def test_unknown_vocabulary_value_is_rejected_with_a_precise_message(
    validator: Validator,
) -> None:
    record, extraction = small()
    meeting = extraction.meetings[0]
    odd = Participant(meeting.participants[0].entity, ("cheerleader",))
    broken = Extraction(
        extraction.document,
        meetings=(MeetingInfo(meeting.key, meeting.label, meeting.date, participants=(odd,)),),
    )
    report = validator.report(
        map_source(record, broken, BASE, FIXED), "odd.txt", authority_graph(BASE)
    )
    lines = [line for line in report.lines if line.startswith("Violation")]
    assert len(lines) == 1, report.lines
    assert str(ROLE._NS["cheerleader"]) in lines[0]
    assert "odd.txt" in lines[0] and "role:scheme" in lines[0]
