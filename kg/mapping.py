"""Mapping: (Record, Extraction) -> an rdflib Dataset with one named graph per part of a source.

Graphs of one source (all under ``{base}graph/doc/{source_id}``):

- ``graph/doc/{id}``: what the document itself says;
- ``graph/doc/{id}/catalogue``: what the archive's catalogue says (summary, date, citation);
- ``graph/doc/{id}/mentions``: text-anchored mentions (Web Annotations);
- ``graph/doc/{id}/provenance``: the provenance record of the graphs above.

Every IRI is minted deterministically (no blank nodes), so mapping the same input twice
gives the same quads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg import __version__
from kg.extraction.model import ArchivalLocation, EntityRef, Extraction
from kg.namespaces import CWA, DT, IDT, LVL, METHOD, RICO
from kg.records import Record
from kg.uris import entity_iri, graph_iri, slugify

SCHEMA_TRANSLATOR = URIRef("https://schema.org/translator")
SOFTWARE = URIRef(f"https://w3id.org/coldwar-kg/software/kg/{__version__}")


@dataclass(frozen=True)
class MappedSource:
    """The RDF of one source: its dataset and the IRIs of its graphs."""

    source_id: str
    base: str
    dataset: Dataset
    graphs: tuple[str, ...]
    checksum: str
    document: URIRef | None = None
    prefix: str = ""
    """Every graph of the source starts with this IRI (and nothing else's does)."""
    provenance_graph: str = ""
    """The graph holding the provenance record of the others."""


def _date_literal(value: str) -> Literal:
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


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
    out = []
    path = f"unit/{repo_slug}"
    for _, ident, level in levels:
        if not ident:
            if out:
                break
            continue
        path = f"{path}/{slugify(ident)}"
        out.append((path, ident, level))
    return out


class _Mapper:
    def __init__(self, record: Record, extraction: Extraction, base: str) -> None:
        self.record = record
        self.ex = extraction
        self.base = base
        self.ds = Dataset()
        self.key = f"doc/{record.source_id}"
        self.g_doc = self.ds.graph(URIRef(graph_iri(base, self.key)))
        self.g_cat = self.ds.graph(URIRef(graph_iri(base, self.key, "catalogue")))
        self.g_men = self.ds.graph(URIRef(graph_iri(base, self.key, "mentions")))
        self.g_prov = self.ds.graph(URIRef(graph_iri(base, self.key, "provenance")))
        self.doc = self.iri(document_key(record, extraction))

    def iri(self, key: str) -> URIRef:
        return URIRef(entity_iri(self.base, key))

    def ref(self, graph: object, ref: EntityRef) -> URIRef:
        """The IRI of an entity; provisional entities are typed and labelled here."""
        node = self.iri(ref.key)
        if ref.provisional:
            cls = {
                "person": CWA.Person,
                "organization": CWA.Organization,
                "repository": CWA.Repository,
                "place": CWA.Place,
            }.get(ref.kind, CWA.Person)
            graph.add((node, RDF.type, cls))  # type: ignore[attr-defined]
            graph.add((node, SKOS.prefLabel, Literal(ref.name, lang="en")))  # type: ignore[attr-defined]
        return node

    def map(self) -> MappedSource:
        self.document()
        self.catalogue()
        self.provenance()
        parts = (self.g_doc, self.g_cat, self.g_men, self.g_prov)
        graphs = tuple(str(g.identifier) for g in parts if len(g))
        sid = self.record.source_id
        return MappedSource(
            sid,
            self.base,
            self.ds,
            graphs,
            self.record.checksum,
            self.doc,
            graph_iri(self.base, self.key),
            str(self.g_prov.identifier),
        )

    def document(self) -> None:
        g, d, doc = self.g_doc, self.ex.document, self.doc
        g.add((doc, RDF.type, CWA.ArchivalDocument))
        if d.title:
            g.add((doc, DCTERMS.title, Literal(d.title, lang="en")))
        g.add((doc, CWA.documentType, DT[d.type] if d.type else DT.notes))
        if d.created:
            g.add((doc, DCTERMS.created, _date_literal(d.created)))

    def catalogue(self) -> None:
        g, rec, d, doc = self.g_cat, self.record, self.ex.document, self.doc
        record_node = self.iri(f"record/{rec.source_id}")
        translation = self.iri(f"translation/{rec.source_id}")
        text = self.iri(f"translation/{rec.source_id}/text")
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
        g.add((translation, RDF.type, CWA.Translation))
        if rec.title:
            g.add((translation, DCTERMS.title, Literal(rec.title, lang="en")))
        g.add((translation, CWA.translationOf, doc))
        g.add((translation, DCTERMS.language, Literal(rec.language or "en")))
        for t in self.ex.translators:
            g.add((translation, SCHEMA_TRANSLATOR, self.ref(g, t)))
        g.add((text, RDF.type, PROV.Entity))
        g.add((text, PROV.specializationOf, translation))
        g.add((text, DCTERMS["format"], Literal("text/plain")))
        g.add((text, CWA.fullText, Literal(rec.text)))
        if d.date:
            g.add((doc, DCTERMS.date, _date_literal(d.date)))
        if self.ex.citation:
            self.citation(g)

    def citation(self, g: object) -> None:
        assert self.ex.citation is not None
        for n, loc in enumerate(self.ex.citation.locations, start=1):
            ref = URIRef(f"{self.doc}/ref/{n}")
            g.add((self.doc, CWA.hasArchivalReference, ref))  # type: ignore[attr-defined]
            g.add((ref, RDF.type, CWA.ArchivalReference))  # type: ignore[attr-defined]
            g.add((ref, CWA.rawCitation, Literal(self.ex.citation.citation)))  # type: ignore[attr-defined]
            g.add((ref, RICO.hasIdentifierType, IDT.archivalCitation))  # type: ignore[attr-defined]
            if loc.folios:
                first, _, last = loc.folios.partition("-")
                if first.isdigit():
                    g.add((ref, CWA.folioStart, Literal(int(first))))  # type: ignore[attr-defined]
                    end = last or first
                    if end.isdigit():
                        g.add((ref, CWA.folioEnd, Literal(int(end))))  # type: ignore[attr-defined]
            if not loc.repository:
                continue
            repo_key = loc.repository_key or f"org/{slugify(loc.repository)}"
            repo = self.iri(repo_key)
            if loc.repository_key is None:  # provisional: not in the authorities
                g.add((repo, RDF.type, CWA.Repository))  # type: ignore[attr-defined]
                name = Literal(loc.repository, lang="en")
                g.add((repo, SKOS.prefLabel, name))  # type: ignore[attr-defined]
                g.add((repo, SKOS.altLabel, name))  # type: ignore[attr-defined]
            g.add((ref, CWA.repository, repo))  # type: ignore[attr-defined]
            parent: URIRef | None = None
            for key, ident, level in unit_keys(loc, repo_key):
                unit = self.iri(key)
                g.add((unit, RDF.type, CWA.ArchivalUnit))  # type: ignore[attr-defined]
                g.add((unit, RICO.identifier, Literal(ident)))  # type: ignore[attr-defined]
                g.add((unit, RICO.hasRecordSetType, level))  # type: ignore[attr-defined]
                g.add((unit, RDFS.label, Literal(f"{loc.repository} {key.split('/', 2)[2]}")))  # type: ignore[attr-defined]
                if parent is None:
                    g.add((unit, CWA.heldBy, repo))  # type: ignore[attr-defined]
                else:
                    g.add((unit, RICO.isOrWasIncludedIn, parent))  # type: ignore[attr-defined]
                parent = unit
            if parent is not None:
                g.add((ref, CWA.inUnit, parent))  # type: ignore[attr-defined]
                if n == 1:
                    g.add((self.doc, RICO.isOrWasIncludedIn, parent))  # type: ignore[attr-defined]

    def provenance(self) -> None:
        g, rec = self.g_prov, self.record
        source = self.iri(f"source/{rec.source_id}")
        g.add((source, RDF.type, PROV.Entity))
        g.add((source, DCTERMS.identifier, Literal(rec.checksum)))
        g.add((source, RDFS.label, Literal(rec.path.rsplit("/", 1)[-1])))
        g.add((source, DCTERMS["format"], Literal(rec.media_type)))
        now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
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


def map_source(record: Record, extraction: Extraction, base: str) -> MappedSource:
    """Map one record and its extraction to RDF under ``base``."""
    return _Mapper(record, extraction, base).map()
