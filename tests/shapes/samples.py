"""Hand-built extractions for mapping tests, shape tests and the validation benchmark.

:func:`seed_extraction` is the seed record as issue 4 says it must come out, built by
hand (it does not depend on the extractor). :func:`varied_sources` derives realistic
variants of it (other dates, people, meetings, resolutions) for the benchmark.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rdflib import Graph

from kg.extraction.model import (
    ArchivalLocation,
    Citation,
    DocumentInfo,
    EntityRef,
    Extraction,
    MeetingInfo,
    Mention,
    Participant,
    ResolutionInfo,
    Span,
)
from kg.records import Record

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "sources" / "000_433681a86fbd4be3.txt"

#: Authority records the hand-built seed refers to (Turtle relative to ``id/``).
AUTHORITIES_TTL = """
@prefix cwa: <https://w3id.org/coldwar-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<person/kim-il-sung> a cwa:Person ; skos:prefLabel "Kim Il Sung"@en ;
    schema:birthDate "1912-04-15"^^xsd:date ; schema:deathDate "1994-07-08"^^xsd:date .
<person/kim-du-bong> a cwa:Person ; skos:prefLabel "Kim Du-bong"@en .
<person/choe-yong-geon> a cwa:Person ; skos:prefLabel "Choe Yong-geon"@en .
<person/kim-chang-man> a cwa:Person ; skos:prefLabel "Kim Chang-man"@en .
<person/nam-il> a cwa:Person ; skos:prefLabel "Nam Il"@en .
<person/peng-dehuai> a cwa:Person ; skos:prefLabel "Peng Dehuai"@en ;
    schema:deathDate "1974-11-29"^^xsd:date .
<person/anastas-mikoyan> a cwa:Person ; skos:prefLabel "Anastas Mikoyan"@en .
<person/v-i-ivanov> a cwa:Person ; skos:prefLabel "V. I. Ivanov"@en .
<person/shepilov> a cwa:Person ; skos:prefLabel "Dmitri Shepilov"@en .
<person/choe-chang-ik> a cwa:Person ; skos:prefLabel "Choe Chang-ik"@en .
<person/yun-kong-hum> a cwa:Person ; skos:prefLabel "Yun Kong-hum"@en .
<person/so-hwi> a cwa:Person ; skos:prefLabel "So Hwi"@en .
<person/ri-pil-gyu> a cwa:Person ; skos:prefLabel "Ri Pil-gyu"@en .
<person/pak-chang-ok> a cwa:Person ; skos:prefLabel "Pak Chang-ok"@en .
<person/gary-goldberg> a cwa:Person ; skos:prefLabel "Gary Goldberg"@en .
<org/kwp-cc> a cwa:Organization ; skos:prefLabel "KWP Central Committee"@en .
<org/kwp-cc-presidium> a cwa:Organization ; skos:prefLabel "KWP CC Presidium"@en .
<org/garf> a cwa:Repository ; skos:prefLabel "State Archive of the Russian Federation"@en ;
    skos:altLabel "GARF"@en .
<place/pyongyang> a cwa:Place ; skos:prefLabel "Pyongyang"@en .
"""


def authority_graph(base: str) -> Graph:
    """The authorities above with IRIs under ``{base}id/``."""
    return Graph().parse(data=AUTHORITIES_TTL, format="turtle", publicID=f"{base}id/")


def seed_record() -> Record:
    """The seed record, read by the real reader."""
    from kg.readers import read_source

    return read_source(SEED)


def _p(key: str, name: str) -> EntityRef:
    return EntityRef(name, f"person/{key}", "person")


def _span(text: str, exact: str, after: int = 0) -> Span:
    start = text.index(exact, after)
    return Span(start, start + len(exact), exact)


def seed_extraction(record: Record) -> Extraction:
    """The seed as issue 4 says it must come out, with mentions anchored in ``record.text``."""
    text = record.text
    kim, mikoyan, ivanov = (
        _p("kim-il-sung", "Kim Il Sung"),
        _p("anastas-mikoyan", "Anastas Mikoyan"),
        _p("v-i-ivanov", "V. I. Ivanov"),
    )
    peng = _p("peng-dehuai", "Peng Dehuai")
    fokina = EntityRef("Fokina", "person/fokina", "person", provisional=True)
    shepilov = _p("shepilov", "Dmitri Shepilov")
    concerned = tuple(
        _p(k, n)
        for k, n in (
            ("choe-chang-ik", "Choe Chang-ik"),
            ("yun-kong-hum", "Yun Kong-hum"),
            ("so-hwi", "So Hwi"),
            ("ri-pil-gyu", "Ri Pil-gyu"),
            ("pak-chang-ok", "Pak Chang-ok"),
        )
    )
    cc = EntityRef("KWP Central Committee", "org/kwp-cc", "organization")
    presidium = EntityRef("KWP CC Presidium", "org/kwp-cc-presidium", "organization")

    def part(ref: EntityRef, as_written: str, *roles: str) -> Participant:
        return Participant(
            replace(ref, name_in_source=as_written), roles or ("attendee",), _span(text, as_written)
        )

    meeting = MeetingInfo(
        key="meeting/1956-09-22-draft-resolution-meeting",
        label="Meeting at Kim Il Sung's on the draft resolution of the KWP CC plenum",
        date="1956-09-22",
        participants=(
            part(kim, "Kim Il Sung", "host", "speaker"),
            part(_p("kim-du-bong", "Kim Du-bong"), "Kim Du-bong", "attendee", "speaker"),
            part(_p("choe-yong-geon", "Choe Yong-geon"), "Choe Yong-geon"),
            part(_p("kim-chang-man", "Kim Chang-man"), "Kim Chang-man"),
            part(_p("nam-il", "Nam Il"), "Nam Il"),
            part(peng, "Peng Dehuai", "attendee", "speaker"),
            part(mikoyan, "Mikoyan", "attendee", "speaker"),
            part(ivanov, "Ambassador Ivanov", "attendee", "recorder"),
        ),
        meeting_type="multilateral",
        status="held",
    )
    presidium_meeting = MeetingInfo(
        key="meeting/1956-09-20-kwp-cc-presidium",
        label="KWP CC Presidium meeting of 20 September 1956",
        date="1956-09-20",
        recorded=False,
        meeting_type="presidium",
        convened_by=presidium,
        status="held",
    )
    august = MeetingInfo(
        key="meeting/1956-08-kwp-cc-plenum",
        label="August 1956 plenum of the KWP CC",
        date="1956-08",
        recorded=False,
        meeting_type="plenum",
        convened_by=cc,
        status="held",
    )
    september = MeetingInfo(
        key="meeting/1956-09-kwp-cc-plenum",
        label="September 1956 plenum of the KWP CC",
        date="1956-09-23",
        recorded=False,
        meeting_type="plenum",
        convened_by=cc,
        status="postponed",
        previous_date="1956-09-22",
    )
    resolutions = (
        ResolutionInfo(
            key="resolution/kwp-cc-1956-08-plenum-decision",
            label="Decision of the August 1956 KWP CC plenum on Choe Chang-ik and others",
            status="adopted",
            body=cc,
            concerns=concerned,
            adopted_at=august.key,
        ),
        ResolutionInfo(
            key="resolution/kwp-cc-1956-09-draft-revision",
            label="Draft resolution of the KWP CC plenum changing the August plenum decision",
            status="draft",
            body=cc,
            concerns=concerned,
            amends="resolution/kwp-cc-1956-08-plenum-decision",
            amends_label="Decision of the August 1956 KWP CC plenum",
            discussed_at=(presidium_meeting.key, meeting.key),
        ),
        ResolutionInfo(
            key="resolution/1956-09-22-proposed-intra-party-life",
            label="Proposed separate short resolution on intra-Party life",
            status="proposed",
            body=cc,
            discussed_at=(meeting.key,),
            proposed_by=mikoyan,
        ),
    )
    mentions = [Mention(p.entity, p.span) for p in meeting.participants if p.span]
    closing = text.index("Recorded by")
    mentions += [
        Mention(ivanov, _span(text, "V. I. IVANOV", closing)),
        Mention(mikoyan, _span(text, "Cde. Mikoyan", closing)),
        Mention(shepilov, _span(text, "Cde. Shepilov", closing)),
        Mention(fokina, _span(text, "Fokina", closing)),
    ]
    mentions += [Mention(c, _span(text, c.name)) for c in concerned]
    return Extraction(
        document=DocumentInfo(
            title=record.title,
            date="1956-09-23",
            type="minutes",
            language="en",
            summary=record.summary,
            created="1956-09-24",
            registration_number="963",
            copy_number=1,
            number_of_copies=3,
        ),
        citation=Citation(
            record.citation or "",
            (
                ArchivalLocation(
                    "GARF", "org/garf", fond="5446", opis="98", delo="721", folios="27-30"
                ),
            ),
            translators=("Gary Goldberg",),
        ),
        translators=(_p("gary-goldberg", "Gary Goldberg"),),
        recorded_by=(ivanov,),
        typed_by=(fokina,),
        distribution=(mikoyan, shepilov, "file"),
        meetings=(meeting, presidium_meeting, august, september),
        resolutions=resolutions,
        persons_mentioned=concerned,
        organizations=(cc, presidium),
        unreconciled=("Fokina",),
        mentions=tuple(mentions),
    )


def varied_sources(n: int) -> list[tuple[Record, Extraction]]:
    """``n`` realistic records derived from the seed: each its own source, document,
    dates, meeting and provisional people, with the seed's meetings, resolutions and
    mentions (about 800 quads each)."""
    record = seed_record()
    base_ex = seed_extraction(record)
    out = []
    for i in range(n):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        date = f"1956-{month:02d}-{day:02d}"
        rec = replace(record, source_id=f"bench_{i:04d}", path=f"bench/bench_{i:04d}.txt")
        loc = replace(base_ex.citation.locations[0], delo=str(700 + i), folios=f"{i + 1}-{i + 4}")  # type: ignore[union-attr]
        extra = EntityRef(f"Official {i}", f"person/official-{i}", "person", provisional=True)
        m0 = base_ex.meetings[0]
        meeting = replace(
            m0,
            key=f"meeting/{date}-meeting-{i}",
            date=date,
            participants=(*m0.participants, Participant(extra, ("attendee", "interpreter"))),
        )
        resolutions = tuple(
            replace(
                r, discussed_at=tuple(meeting.key if k == m0.key else k for k in r.discussed_at)
            )
            for r in base_ex.resolutions
        )
        ex = replace(
            base_ex,
            document=replace(base_ex.document, date=date, created=date, title=f"Minutes {i}"),
            citation=replace(base_ex.citation, locations=(loc,)),  # type: ignore[arg-type]
            meetings=(meeting, *base_ex.meetings[1:]),
            resolutions=resolutions,
        )
        out.append((rec, ex))
    return out
