"""Mapping: (Record, Extraction) -> an rdflib Dataset with one named graph per part of a source.

Graphs of one source (all under ``{base}graph/doc/{source_id}``):

- ``graph/doc/{id}``: what the document itself says (meetings it records or refers to,
  participations, resolutions, copies and distribution, registration number, recorder
  and typist, the entities it mentions);
- ``graph/doc/{id}/catalogue``: what the archive's catalogue says (summary, the date the
  archive gives, citation and archival units, translation, translators, the text);
- ``graph/doc/{id}/mentions``: text-anchored mentions (Web Annotations);
- ``graph/doc/{id}/provenance``: the provenance record of the graphs above.

Every node is an IRI minted deterministically (no blank nodes), so mapping the same input
twice gives the same quads (``generated_at`` fixes the one timestamp). Modelling choices
are recorded in ``docs/decisions/0003-rdf-mapping-and-shapes.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, DefinedNamespace
from rdflib.term import Node

from kg import __version__
from kg.extraction.model import (
    ArchivalLocation,
    EntityRef,
    Extraction,
    MeetingInfo,
    Mention,
    ResolutionInfo,
)
from kg.namespaces import CWA, DISP, DS, DT, IDT, LVL, METHOD, MS, MT, OA, RICO, ROLE, RS
from kg.records import Record
from kg.store.base import named_graph_quads
from kg.store.convert import to_ox
from kg.uris import entity_iri, graph_iri, slugify

SCHEMA_TRANSLATOR = SDO.translator
SOFTWARE = URIRef(f"https://w3id.org/coldwar-kg/software/kg/{__version__}")

#: Characters of context kept as TextQuoteSelector prefix and suffix (Web Annotation §4.2.4).
QUOTE_CONTEXT = 32

#: Classes of provisional (unreconciled) entities by ``EntityRef.kind``.
KIND_CLASSES = {
    "person": CWA.Person,
    "organization": CWA.Organization,
    "repository": CWA.Repository,
    "place": CWA.Place,
    "meeting": CWA.Meeting,
    "resolution": CWA.Resolution,
}

#: Spellings the extractor may use for a concept, beyond the concept's own local name.
ALIASES: dict[str, str] = {
    "memorandum": "memorandumOfConversation",
    "memorandum-of-conversation": "memorandumOfConversation",
    "record-of-conversation": "memorandumOfConversation",
    "conversation": "memorandumOfConversation",
    "cable": "telegram",
    "decision": "resolution",
    "presidium": "presidiumMeeting",
    "politburo": "presidiumMeeting",
    "presidium-meeting": "presidiumMeeting",
    "commission": "commissionMeeting",
    "bilateral": "bilateralMeeting",
    "multilateral": "multilateralMeeting",
    "explanatory-work": "explanatoryWork",
    "delegation-member": "delegationMember",
    "minute-taker": "recorder",
    "scheduled": "held",
    "canceled": "cancelled",
}


@dataclass(frozen=True)
class MappedSource:
    """The RDF of one source: its quads and the IRIs of its graphs."""

    source_id: str
    base: str
    data: Dataset | None
    """The source's rdflib Dataset when its producer built one (RDF files); the mapper
    leaves it None and keeps only :attr:`quads` (see :attr:`dataset`)."""
    graphs: tuple[str, ...]
    checksum: str
    document: URIRef | None = None
    prefix: str = ""
    """Every graph of the source starts with this IRI (and nothing else's does)."""
    provenance_graph: str = ""
    """The graph holding the provenance record of the others."""
    quads: tuple[tuple[Node, Node, Node, URIRef], ...] = ()
    """The quads as plain tuples (subject, predicate, object, graph), in the order the
    mapper made them: the gate and the writer read these, not an rdflib Dataset."""

    @cached_property
    def dataset(self) -> Dataset:
        """The quads as an rdflib Dataset (built on first use when the mapper made the
        source: building it costs more than the mapping itself)."""
        if self.data is not None:
            return self.data
        ds = Dataset()
        graphs = {name: ds.graph(URIRef(name)) for name in _part_names(self.prefix)}
        for s, p, o, g in self.quads:
            graph = graphs.get(str(g))
            if graph is None:
                graph = graphs[str(g)] = ds.graph(g)
            graph.add((s, p, o))
        return ds

    @cached_property
    def nquads(self) -> bytes:
        """The quads as N-Quads (W3C RDF 1.1 N-Quads), written once: the gate loads them
        and the writer stores them (both parse them in Oxigraph, not in Python)."""
        if not self.quads:
            return bytes(ox.serialize(self.ox_quads, format=ox.RdfFormat.N_QUADS) or b"")
        return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} <{g}> .\n" for s, p, o, g in self.quads).encode(
            "utf-8"
        )

    @cached_property
    def ox_quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph quads."""
        if self.quads:
            return list(ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS))
        return [
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))  # type: ignore[arg-type]
            for s, p, o, g in named_graph_quads(self.dataset)
        ]


#: N-Triples string escapes (RDF 1.1 N-Triples §2.4: ``"``, ``\``, LF and CR must be).
_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


def _nt(term: Node) -> str:
    """A mapped term in N-Triples syntax (the mapper mints no blank nodes).

    >>> print(_nt(Literal('say "hi"\\n', lang="en")), _nt(Literal(3)), _nt(URIRef("a:b")))
    "say \\"hi\\"\\n"@en "3"^^<http://www.w3.org/2001/XMLSchema#integer> <a:b>
    """
    if type(term) is URIRef:
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = str.translate(term, _ESCAPES)
        if term.language:
            return f'"{lexical}"@{term.language}'
        datatype = term.datatype
        if datatype is None or datatype == _XSD_STRING:
            return f'"{lexical}"'
        return f'"{lexical}"^^<{datatype}>'
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise TypeError(f"the mapper makes no {type(term).__name__} terms")


def _part_names(prefix: str) -> list[str]:
    """The four graphs of a record source, in the mapper's order."""
    if not prefix:
        return []
    return [prefix, f"{prefix}/catalogue", f"{prefix}/mentions", f"{prefix}/provenance"]


def _date_literal(value: str) -> Literal:
    """An ISO date of full or reduced precision as a typed literal.

    >>> _date_literal("1956-09-22").datatype == XSD.date
    True
    >>> _date_literal("1956-09").datatype == XSD.gYearMonth
    True
    >>> _date_literal("1956").datatype == XSD.gYear
    True
    """
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


def concept_name(value: str) -> str:
    """The local name of the concept an extracted value names (camelCase of its slug).

    >>> concept_name("memorandum of conversation")
    'memorandumOfConversation'
    >>> concept_name("Delegation member")
    'delegationMember'
    >>> concept_name("host")
    'host'
    >>> concept_name("presidiumMeeting")
    'presidiumMeeting'
    """
    if re.fullmatch(r"[a-z][A-Za-z0-9]*", value):
        return ALIASES.get(value, value)
    slug = slugify(value)
    if slug in ALIASES:
        return ALIASES[slug]
    head, *rest = slug.split("-")
    return head + "".join(part.capitalize() for part in rest)


def concept(scheme: type[DefinedNamespace], value: str) -> URIRef:
    """The concept of ``scheme`` named by ``value``. An unknown value still yields an IRI
    in the scheme's namespace, which the shapes then reject as not in the scheme (so a
    curator sees the value rather than a silent substitute)."""
    return scheme._NS[concept_name(value)]  # type: ignore[attr-defined,no-any-return]


def document_key(record: Record, extraction: Extraction) -> str:
    """Key of the archival document: from its first archive location when cited,
    else from its date and title, else from the source id.

    >>> from kg.extraction.model import DocumentInfo, Citation
    >>> ex = Extraction(DocumentInfo(title="T", date="1956-09-23"), Citation("c",
    ...     (ArchivalLocation("GARF", fond="5446", opis="98", delo="721", folios="27-30"),)))
    >>> document_key(Record("s", "p", "sha256:0", "text/plain"), ex)
    'document/garf-5446-98-721-l27'
    """
    if extraction.citation and extraction.citation.locations:
        loc = extraction.citation.locations[0]
        parts = [loc.repository, loc.fond, loc.opis, loc.delo, loc.papka]
        if loc.folios:
            parts.append("l" + loc.folios.split("-")[0])
        if loc.other_locator:
            parts.append(loc.other_locator)
        slug = slugify(" ".join(p for p in parts if p))
        if slug and any([loc.fond, loc.delo, loc.other_locator]):
            return f"document/{slug}"
    if extraction.document.date and extraction.document.title:
        return f"document/{slugify(extraction.document.date + ' ' + extraction.document.title)}"
    return f"document/{slugify(record.source_id)}"


def unit_keys(loc: ArchivalLocation, repository_key: str) -> list[tuple[str, str, URIRef]]:
    """Keys of the archival units named by a location, top-down: (key, identifier, level).

    >>> [k for k, _, _ in unit_keys(ArchivalLocation("GARF", fond="5446", opis="98",
    ...     delo="721"), "org/garf")]
    ['unit/garf/5446', 'unit/garf/5446/98', 'unit/garf/5446/98/721']
    """
    repo_slug = repository_key.split("/", 1)[1]
    levels = [("fond", loc.fond, LVL.fond), ("opis", loc.opis, LVL.opis)]
    levels += [("delo", loc.delo, LVL.delo), ("papka", loc.papka, LVL.papka)]
    out: list[tuple[str, str, URIRef]] = []
    path = f"unit/{repo_slug}"
    for _, ident, level in levels:
        if not ident:
            if out:
                break
            continue
        path = f"{path}/{slugify(ident)}"
        out.append((path, ident, level))
    return out


def folio_range(folios: str) -> tuple[int, int] | None:
    """First and last folio of a folio string, when both are plain numbers.

    >>> folio_range("27-30")
    (27, 30)
    >>> folio_range("5")
    (5, 5)
    >>> folio_range("2-2ob") is None
    True
    """
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", folios)
    if not m:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def quote_context(text: str, start: int, end: int, width: int = QUOTE_CONTEXT) -> tuple[str, str]:
    """Prefix and suffix of up to ``width`` characters around ``text[start:end]``.

    >>> quote_context("where Kim Du-bong was present", 6, 17, 6)
    ('where ', ' was p')
    """
    return text[max(0, start - width) : start], text[end : end + width]


class _Recorder:
    """One named graph of the source: a set of triples (rdflib's graph semantics, each
    triple once) that also logs its quads, in order, as plain tuples."""

    def __init__(self, identifier: URIRef, log: list[tuple[Node, Node, Node, URIRef]]) -> None:
        self.identifier = identifier
        self.triples: set[tuple[Node, Node, Node]] = set()
        self.log = log

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        if triple not in self.triples:
            self.triples.add(triple)
            self.log.append((*triple, self.identifier))

    def __len__(self) -> int:
        return len(self.triples)


class _Mapper:
    def __init__(
        self, record: Record, extraction: Extraction, base: str, generated_at: datetime
    ) -> None:
        self.record = record
        self.ex = extraction
        self.base = base
        self.generated_at = generated_at
        self.log: list[tuple[Node, Node, Node, URIRef]] = []
        self.key = f"doc/{record.source_id}"
        self.g_doc = self.graph(graph_iri(base, self.key))
        self.g_cat = self.graph(graph_iri(base, self.key, "catalogue"))
        self.g_men = self.graph(graph_iri(base, self.key, "mentions"))
        self.g_prov = self.graph(graph_iri(base, self.key, "provenance"))
        self.doc = self.iri(document_key(record, extraction))
        sid = record.source_id
        self.translation = self.iri(f"translation/{sid}")
        self.text = self.iri(f"translation/{sid}/text")

    def graph(self, name: str) -> _Recorder:
        return _Recorder(URIRef(name), self.log)

    def iri(self, key: str) -> URIRef:
        return URIRef(entity_iri(self.base, key))

    def ref(self, graph: _Recorder, ref: EntityRef) -> URIRef:
        """The IRI of an entity; provisional entities are typed, labelled and flagged in
        ``graph`` (authority entities are described by the authority files)."""
        node = self.iri(ref.key)
        if ref.provisional:
            graph.add((node, RDF.type, KIND_CLASSES.get(ref.kind, CWA.Person)))
            label_property = SKOS.prefLabel
            if ref.kind in ("meeting", "resolution"):
                label_property = RDFS.label
            graph.add((node, label_property, Literal(ref.name, lang="en")))
            graph.add((node, CWA.reconciliationStatus, RS.unreconciled))
        return node

    def attribution(
        self, graph: _Recorder, subject: URIRef, agent: URIRef, role: URIRef, n: int
    ) -> None:
        """A qualified attribution (PROV-O §3.1 qualifiedAttribution) with a minted IRI."""
        node = URIRef(f"{subject}/attribution/{str(role).rsplit('/', 1)[-1]}/{n}")
        graph.add((subject, PROV.qualifiedAttribution, node))
        graph.add((node, RDF.type, PROV.Attribution))
        graph.add((node, PROV.agent, agent))
        graph.add((node, PROV.hadRole, role))

    def map(self) -> MappedSource:
        self.document()
        self.closing_block()
        for meeting in self.ex.meetings:
            self.meeting(meeting)
        resolution_keys = {r.key for r in self.ex.resolutions}
        for resolution in self.ex.resolutions:
            self.resolution(resolution, resolution_keys)
        self.catalogue()
        self.mentions()
        self.provenance()
        parts = (self.g_doc, self.g_cat, self.g_men, self.g_prov)
        graphs = tuple(str(g.identifier) for g in parts if len(g))
        sid = self.record.source_id
        return MappedSource(
            sid,
            self.base,
            None,
            graphs,
            self.record.checksum,
            self.doc,
            graph_iri(self.base, self.key),
            str(self.g_prov.identifier),
            tuple(self.log),
        )

    # --- what the document says -------------------------------------------------------

    def document(self) -> None:
        g, d, doc = self.g_doc, self.ex.document, self.doc
        g.add((doc, RDF.type, CWA.ArchivalDocument))
        if d.title:
            g.add((doc, DCTERMS.title, Literal(d.title, lang="en")))
        g.add((doc, CWA.documentType, concept(DT, d.type) if d.type else DT.notes))
        if d.created:
            g.add((doc, DCTERMS.created, _date_literal(d.created)))
        for refs in (self.ex.persons_mentioned, self.ex.organizations, self.ex.places):
            for r in refs:
                g.add((doc, CWA.refersTo, self.ref(g, r)))

    def closing_block(self) -> None:
        """Recorder, typist, registration number, copies and their distribution."""
        g, d, doc = self.g_doc, self.ex.document, self.doc
        for n, r in enumerate(self.ex.recorded_by, start=1):
            agent = self.ref(g, r)
            g.add((doc, CWA.recordedBy, agent))
            self.attribution(g, doc, agent, ROLE.recorder, n)
        for n, r in enumerate(self.ex.typed_by, start=1):
            agent = self.ref(g, r)
            g.add((doc, CWA.typedBy, agent))
            self.attribution(g, doc, agent, ROLE.typist, n)
        if d.registration_number:
            regno = URIRef(f"{doc}/regno")
            g.add((doc, RICO.hasOrHadIdentifier, regno))
            g.add((regno, RDF.type, RICO.Identifier))
            g.add((regno, RICO.textualValue, Literal(d.registration_number)))
            g.add((regno, RICO.hasIdentifierType, IDT.registrationNumber))
        if d.number_of_copies is not None:
            g.add((doc, CWA.numberOfCopies, Literal(d.number_of_copies)))
        for n, recipient in enumerate(self.ex.distribution, start=1):
            copy = self.copy(n)
            if isinstance(recipient, str):
                g.add((copy, CWA.copyDisposition, DISP.file))
            else:
                g.add((copy, CWA.copyDisposition, DISP.sent))
                g.add((copy, CWA.sentTo, self.ref(g, recipient)))
        if d.copy_number is not None:
            self.g_cat.add((self.translation, CWA.basedOnCopy, self.copy(d.copy_number)))

    def copy(self, number: int) -> URIRef:
        node = URIRef(f"{self.doc}/copy/{number}")
        self.g_doc.add((self.doc, CWA.hasCopy, node))
        self.g_doc.add((node, RDF.type, CWA.Copy))
        self.g_doc.add((node, CWA.copyNumber, Literal(number)))
        return node

    def meeting(self, m: MeetingInfo) -> None:
        g = self.g_doc
        node = self.iri(m.key)
        g.add((self.doc, CWA.records if m.recorded else CWA.refersTo, node))
        g.add((node, RDF.type, CWA.Meeting))
        g.add((node, RDFS.label, Literal(m.label, lang="en")))
        if m.meeting_type:
            g.add((node, CWA.meetingType, concept(MT, m.meeting_type)))
        if m.date:
            g.add((node, SDO.startDate, _date_literal(m.date)))
        if m.previous_date:
            g.add((node, SDO.previousStartDate, _date_literal(m.previous_date)))
        if m.status:
            g.add((node, CWA.meetingStatus, concept(MS, m.status)))
        if m.place is not None:
            g.add((node, CWA.place, self.ref(g, m.place)))
        if m.convened_by is not None:
            g.add((node, CWA.convenedBy, self.ref(g, m.convened_by)))
        meeting_slug = m.key.split("/", 1)[-1]
        for n, p in enumerate(m.participants, start=1):
            agent = self.ref(g, p.entity)
            part = self.iri(f"participation/{meeting_slug}/{self.record.source_id}/{n}")
            g.add((node, CWA.attendee, agent))
            g.add((node, CWA.hasParticipation, part))
            g.add((part, RDF.type, CWA.Participation))
            g.add((part, CWA.participant, agent))
            for role in p.roles or ("attendee",):
                g.add((part, CWA.role, concept(ROLE, role)))
            name = p.entity.name_in_source or (p.span.exact if p.span else None)
            if name:
                g.add((part, CWA.nameInSource, Literal(name)))

    def resolution(self, r: ResolutionInfo, known: set[str]) -> None:
        g = self.g_doc
        node = self.iri(r.key)
        g.add((self.doc, CWA.refersTo, node))
        g.add((node, RDF.type, CWA.Resolution))
        g.add((node, RDFS.label, Literal(r.label, lang="en")))
        status = concept(DS, r.status)
        g.add((node, CWA.decisionStatus, status))
        adopted = status in (DS.adopted, DS.published)
        if r.body is not None:
            body = self.ref(g, r.body)
            g.add((node, CWA.decidingBody, body))
            if adopted:
                g.add((node, CWA.adoptedBy, body))
        if r.date:
            g.add((node, CWA.dateAdopted if adopted else DCTERMS.date, _date_literal(r.date)))
        for c in r.concerns:
            g.add((node, CWA.concerns, self.ref(g, c)))
        if r.amends:
            target = self.iri(r.amends)
            g.add((node, CWA.amends, target))
            if r.amends not in known:
                g.add((target, RDF.type, CWA.Resolution))
                label = r.amends_label or r.amends.rsplit("/", 1)[-1].replace("-", " ")
                g.add((target, RDFS.label, Literal(label, lang="en")))
                g.add((self.doc, CWA.refersTo, target))
        draft_of = getattr(r, "draft_of", None)
        if draft_of:
            g.add((node, CWA.isDraftOf, self.iri(draft_of)))
        for key in r.discussed_at:
            g.add((node, CWA.discussedAt, self.iri(key)))
        if r.adopted_at:
            g.add((node, CWA.adoptedAt, self.iri(r.adopted_at)))
        if r.proposed_by is not None:
            agent = self.ref(g, r.proposed_by)
            g.add((node, CWA.proposedBy, agent))
            self.attribution(g, node, agent, ROLE.proposer, 1)

    # --- what the catalogue says -------------------------------------------------------

    def catalogue(self) -> None:
        g, rec, d, doc = self.g_cat, self.record, self.ex.document, self.doc
        record_node = self.iri(f"record/{rec.source_id}")
        translation, text = self.translation, self.text
        g.add((record_node, RDF.type, CWA.DigitalRecord))
        if rec.title:
            g.add((record_node, DCTERMS.title, Literal(rec.title, lang="en")))
        g.add((record_node, CWA.presents, translation))
        if d.summary:
            g.add((record_node, DCTERMS.abstract, Literal(d.summary, lang="en")))
        if rec.rights:
            g.add((record_node, DCTERMS.rights, Literal(rec.rights, lang="en")))
        if rec.record_id:
            g.add((record_node, CWA.recordId, Literal(rec.record_id)))
        if rec.url and re.match(r"https?://\S+$", rec.url):
            g.add((record_node, SDO.url, URIRef(rec.url)))
        if rec.uploaded and re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec.uploaded):
            g.add((record_node, CWA.uploadedDate, Literal(rec.uploaded, datatype=XSD.date)))
        for keyword in rec.keywords:
            g.add((record_node, SDO.keywords, Literal(keyword, lang="en")))
        g.add((translation, RDF.type, CWA.Translation))
        if rec.title:
            g.add((translation, DCTERMS.title, Literal(rec.title, lang="en")))
        g.add((translation, CWA.translationOf, doc))
        g.add((translation, DCTERMS.language, Literal(d.language or rec.language or "en")))
        for n, t in enumerate(self.ex.translators, start=1):
            agent = self.ref(g, t)
            g.add((translation, SCHEMA_TRANSLATOR, agent))
            self.attribution(g, translation, agent, ROLE.translator, n)
        for n, c in enumerate(self.ex.contributors, start=1):
            agent = self.ref(g, c)
            g.add((translation, DCTERMS.contributor, agent))
            self.attribution(g, translation, agent, ROLE.contributor, n)
        g.add((text, RDF.type, CWA.DocumentText))
        g.add((text, RDF.type, PROV.Entity))
        g.add((text, PROV.specializationOf, translation))
        g.add((text, DCTERMS["format"], Literal("text/plain")))
        g.add((text, CWA.fullText, Literal(rec.text)))
        digest = hashlib.sha256(rec.text.encode("utf-8")).hexdigest()
        g.add((text, DCTERMS.identifier, Literal(f"sha256:{digest}")))
        if d.date:
            g.add((doc, DCTERMS.date, _date_literal(d.date)))
        if self.ex.citation:
            self.citation(g)

    def citation(self, g: _Recorder) -> None:
        assert self.ex.citation is not None
        for n, loc in enumerate(self.ex.citation.locations, start=1):
            ref = URIRef(f"{self.doc}/ref/{n}")
            g.add((self.doc, CWA.hasArchivalReference, ref))
            g.add((ref, RDF.type, CWA.ArchivalReference))
            g.add((ref, CWA.rawCitation, Literal(self.ex.citation.citation)))
            g.add((ref, RICO.hasIdentifierType, IDT.archivalCitation))
            folios = folio_range(loc.folios) if loc.folios else None
            if folios is not None:
                g.add((ref, CWA.folioStart, Literal(folios[0])))
                g.add((ref, CWA.folioEnd, Literal(folios[1])))
            if not loc.repository:
                continue
            repo_key = loc.repository_key or f"org/{slugify(loc.repository)}"
            repo = self.iri(repo_key)
            if loc.repository_key is None:  # provisional: not in the authorities
                g.add((repo, RDF.type, CWA.Repository))
                name = Literal(loc.repository, lang="en")
                g.add((repo, SKOS.prefLabel, name))
                g.add((repo, SKOS.altLabel, name))
                g.add((repo, CWA.reconciliationStatus, RS.unreconciled))
            g.add((ref, CWA.repository, repo))
            parent: URIRef | None = None
            for key, ident, level in unit_keys(loc, repo_key):
                unit = self.iri(key)
                g.add((unit, RDF.type, CWA.ArchivalUnit))
                g.add((unit, RICO.identifier, Literal(ident)))
                g.add((unit, RICO.hasRecordSetType, level))
                g.add((unit, RDFS.label, Literal(f"{loc.repository} {key.split('/', 2)[2]}")))
                if parent is None:
                    g.add((unit, CWA.heldBy, repo))
                else:
                    g.add((unit, RICO.isOrWasIncludedIn, parent))
                parent = unit
            if parent is not None:
                g.add((ref, CWA.inUnit, parent))
                if n == 1:
                    g.add((self.doc, RICO.isOrWasIncludedIn, parent))

    # --- text-anchored mentions --------------------------------------------------------

    def mentions(self) -> None:
        for n, mention in enumerate(self.ex.mentions, start=1):
            self.mention(n, mention)

    def mention(self, n: int, mention: Mention) -> None:
        """One Web Annotation (Web Annotation Data Model §3.1, selectors §4.2.4 and
        §4.2.5) on the stored text; offsets are into ``Record.text``."""
        g, span = self.g_men, mention.span
        node = self.iri(f"mention/{self.record.source_id}/{n}")
        target = URIRef(f"{node}/target")
        quote, position = URIRef(f"{node}/quote"), URIRef(f"{node}/position")
        g.add((node, RDF.type, CWA.Mention))
        g.add((node, RDF.type, OA.Annotation))
        g.add((node, OA.motivatedBy, OA.identifying))
        g.add((node, OA.hasBody, self.ref(g, mention.entity)))
        g.add((node, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, self.text))
        g.add((target, OA.hasSelector, quote))
        g.add((target, OA.hasSelector, position))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(span.exact)))
        prefix, suffix = quote_context(self.record.text, span.start, span.end)
        if prefix:
            g.add((quote, OA.prefix, Literal(prefix)))
        if suffix:
            g.add((quote, OA.suffix, Literal(suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(span.start)))
        g.add((position, OA.end, Literal(span.end)))

    # --- provenance --------------------------------------------------------------------

    def provenance(self) -> None:
        g, rec = self.g_prov, self.record
        source = self.iri(f"source/{rec.source_id}")
        g.add((source, RDF.type, PROV.Entity))
        g.add((source, DCTERMS.identifier, Literal(rec.checksum)))
        g.add((source, RDFS.label, Literal(rec.path.rsplit("/", 1)[-1])))
        g.add((source, DCTERMS["format"], Literal(rec.media_type)))
        stamp = self.generated_at.astimezone(UTC).replace(microsecond=0).isoformat()
        now = Literal(stamp, datatype=XSD.dateTime)
        method = METHOD.curated if rec.curated is not None else METHOD.extracted
        for graph in (self.g_doc, self.g_cat, self.g_men):
            if len(graph) == 0:
                continue
            node = URIRef(str(graph.identifier))
            g.add((node, RDF.type, CWA.SourceGraph))
            g.add((node, CWA.sourceDocument, self.doc))
            g.add((node, CWA.sourceFile, source))
            g.add((node, CWA.derivationMethod, method))
            g.add((node, CWA.softwareVersion, Literal(__version__)))
            g.add((node, PROV.generatedAtTime, now))
            g.add((node, PROV.wasAttributedTo, SOFTWARE))


def map_source(
    record: Record, extraction: Extraction, base: str, generated_at: datetime | None = None
) -> MappedSource:
    """Map one record and its extraction to RDF under ``base``.

    ``generated_at`` is the provenance timestamp (now by default); with it fixed, the
    same input always gives the same quads.
    """
    return _Mapper(record, extraction, base, generated_at or datetime.now(UTC)).map()
