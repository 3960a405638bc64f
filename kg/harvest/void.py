"""The dataset's self-description: VoID statistics (W3C Interest Group Note, "Describing
Linked Datasets with the VoID Vocabulary", 2011) and a DCAT 3 catalogue.

Everything here is computed at ingest time (``kg ingest`` calls
:func:`kg.harvest.refresh.refresh_harvest`) and stored in the named graph
``{base}graph/meta/void``; the web process only reads that graph.

The VoID graph is part of the dataset it describes: it is in the dumps and in the SPARQL
endpoint's union, so ``void:triples`` counts it too and equals the number of quads in the
store (the number of lines of the N-Quads dump). The class and property partitions count
it as well, so the property partitions' ``void:triples`` add up to the total. Because the
number of triples of the description does not depend on the numbers written in it, the
counts are found by iterating to a fixed point (:func:`describe`).
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD

from kg.harvest.vocab import DCAT3, media_type_iri
from kg.namespaces import CWA
from kg.store.base import Store

#: Dumps offered: file name under /dumps/, media type, pyoxigraph export format.
DUMP_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("kg.nq.gz", "application/n-quads", "nq"),
    ("kg.trig.gz", "application/trig", "trig"),
)


def void_graph_iri(base: str) -> str:
    """The named graph that holds the VoID description.

    >>> void_graph_iri("http://127.0.0.1:5000/")
    'http://127.0.0.1:5000/graph/meta/void'
    """
    return f"{base}graph/meta/void"


def description_iri(base: str, fragment: str = "") -> URIRef:
    """IRIs of the description's resources live in the VoID document itself (VoID §6.2:
    ``/.well-known/void``), so they dereference to it.

    >>> str(description_iri("http://x.org/", "dataset"))
    'http://x.org/.well-known/void#dataset'
    """
    return URIRef(f"{base}.well-known/void" + (f"#{fragment}" if fragment else ""))


def entity_space(base: str) -> str:
    """The ``void:uriSpace``: every entity IRI starts with it."""
    return f"{base}id/"


def vocabulary_of(iri: str) -> str:
    """The namespace (vocabulary IRI) of a class or property IRI.

    >>> vocabulary_of("http://purl.org/dc/terms/title")
    'http://purl.org/dc/terms/'
    >>> vocabulary_of("https://w3id.org/coldwar-kg/ontology#Meeting")
    'https://w3id.org/coldwar-kg/ontology#'
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def partition_key(iri: str) -> str:
    """A short, stable key for a partition's IRI fragment.

    >>> partition_key("http://purl.org/dc/terms/title")
    '391b46d94c6b9ca5'
    """
    return hashlib.sha1(iri.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class VoidStats:
    """Counts over a set of quads: the store's data, or the description itself."""

    triples: int = 0
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property -> quads

    def __add__(self, other: VoidStats) -> VoidStats:
        classes = Counter(self.classes)
        classes.update(other.classes)
        properties = Counter(self.properties)
        properties.update(other.properties)
        return VoidStats(
            self.triples + other.triples,
            self.entities + other.entities,
            dict(classes),
            dict(properties),
        )


def _int(row: dict, key: str) -> int:  # type: ignore[type-arg]
    return int(row[key]) if key in row else 0


def store_stats(store: Store, base: str) -> VoidStats:
    """Counts over every named graph of the store except the VoID graph (SPARQL aggregates;
    run once per ingest, never per request)."""
    meta = void_graph_iri(base)
    outside = f"FILTER(?g != <{meta}>)"
    triples = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {outside} }}")
    entities = store.select(
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {outside}
        FILTER(STRSTARTS(STR(?s), "{entity_space(base)}")) }}"""
    )
    classes = store.select(
        f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {outside}
        FILTER(isIRI(?c)) }} GROUP BY ?c"""
    )
    properties = store.select(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {outside} }} GROUP BY ?p"
    )
    return VoidStats(
        _int(triples[0], "n") if triples else 0,
        _int(entities[0], "n") if entities else 0,
        {str(r["c"]): _int(r, "n") for r in classes},
        {str(r["p"]): _int(r, "n") for r in properties},
    )


def graph_stats(g: Graph, base: str) -> VoidStats:
    """The same counts over an rdflib graph (the description itself)."""
    instances: dict[str, set[str]] = {}
    for s, c in g.subject_objects(RDF.type):
        if isinstance(c, URIRef):
            instances.setdefault(str(c), set()).add(str(s))
    space = entity_space(base)
    return VoidStats(
        len(g),
        len({s for s in g.subjects() if str(s).startswith(space)}),
        {c: len(members) for c, members in instances.items()},
        dict(Counter(str(p) for p in g.predicates())),
    )


def example_resources(store: Store, base: str, limit: int = 3) -> list[str]:
    """A few documents to show as ``void:exampleResource`` (the first by IRI; sorted here,
    as ``ORDER BY`` is slow on pyoxigraph's on-disk store)."""
    rows = store.select(
        f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{CWA.ArchivalDocument}> }}
        FILTER(STRSTARTS(STR(?s), "{entity_space(base)}")) }}"""
    )
    return heapq.nsmallest(limit, (str(r["s"]) for r in rows))


@dataclass(frozen=True)
class DescriptionInput:
    """What the description says besides the counts."""

    base: str
    modified: str  # xsd:dateTime lexical form
    version: str  # fingerprint of the data, "sha256:..."
    license: str = ""
    examples: tuple[str, ...] = ()


def build_graph(info: DescriptionInput, stats: VoidStats) -> Graph:
    """The VoID + DCAT description for the given counts."""
    base = info.base
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT3._NS)
    g.bind("dcterms", DCTERMS)
    g.bind("foaf", FOAF)
    doc = description_iri(base)
    ds = description_iri(base, "dataset")
    catalog = description_iri(base, "catalog")
    sparql = description_iri(base, "sparql")
    fragments = description_iri(base, "fragments")

    # The document: a void:DatasetDescription (VoID §6.1).
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, FOAF.primaryTopic, ds))
    g.add((doc, DCTERMS.title, Literal("VoID and DCAT description of the kg dataset", lang="en")))

    # The catalogue (DCAT 3 §6.3) and the dataset (VoID §4, DCAT 3 §6.6).
    g.add((catalog, RDF.type, DCAT3.Catalog))
    g.add((catalog, DCTERMS.title, Literal("kg: Cold War archival documents", lang="en")))
    g.add((catalog, DCAT3.dataset, ds))
    g.add((catalog, DCAT3.service, sparql))
    g.add((catalog, DCAT3.service, fragments))
    g.add((catalog, FOAF.homepage, URIRef(base)))

    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT3.Dataset))
    g.add(
        (
            ds,
            DCTERMS.title,
            Literal("Cold War archival documents as linked data", lang="en"),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Meetings, participants, resolutions, persons, organizations and archival "
                "references extracted from archival records, one named graph per source.",
                lang="en",
            ),
        )
    )
    g.add((ds, DCTERMS.modified, Literal(info.modified, datatype=XSD.dateTime)))
    g.add((ds, DCAT3.version, Literal(info.version)))
    if info.license:
        g.add((ds, DCTERMS.license, URIRef(info.license)))
    g.add(
        (
            ds,
            DCTERMS.rights,
            Literal(
                "Rights in the source documents vary; each record's dcterms:rights states them.",
                lang="en",
            ),
        )
    )
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, VOID.uriSpace, Literal(entity_space(base))))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    g.add((ds, VOID.rootResource, URIRef(base)))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/TriG")))
    for example in info.examples:
        g.add((ds, VOID.exampleResource, URIRef(example)))

    # The access services (DCAT 3 §6.7).
    g.add((sparql, RDF.type, DCAT3.DataService))
    g.add((sparql, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((sparql, DCAT3.endpointURL, URIRef(f"{base}sparql")))
    g.add((sparql, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((sparql, DCAT3.servesDataset, ds))
    g.add((fragments, RDF.type, DCAT3.DataService))
    g.add((fragments, DCTERMS.title, Literal("Triple Pattern Fragments", lang="en")))
    g.add((fragments, DCAT3.endpointURL, URIRef(f"{base}fragments")))
    g.add(
        (
            fragments,
            DCTERMS.conformsTo,
            URIRef("https://linkeddatafragments.org/specification/triple-pattern-fragments/"),
        )
    )
    g.add((fragments, DCAT3.servesDataset, ds))

    # One distribution per dump (DCAT 3 §6.8); VoID §6.3 void:dataDump.
    for name, media_type, _ in DUMP_FORMATS:
        download = URIRef(f"{base}dumps/{name}")
        dist = description_iri(base, f"dump-{name.split('.')[1]}")
        g.add((ds, VOID.dataDump, download))
        g.add((ds, DCAT3.distribution, dist))
        g.add((dist, RDF.type, DCAT3.Distribution))
        g.add((dist, DCAT3.downloadURL, download))
        g.add((dist, DCAT3.mediaType, media_type_iri(media_type)))
        g.add((dist, DCAT3.compressFormat, media_type_iri("application/gzip")))
    for service, url in ((sparql, f"{base}sparql"), (fragments, f"{base}fragments")):
        dist = URIRef(f"{service}-access")
        g.add((ds, DCAT3.distribution, dist))
        g.add((dist, RDF.type, DCAT3.Distribution))
        g.add((dist, DCAT3.accessURL, URIRef(url)))
        g.add((dist, DCAT3.accessService, service))

    # Statistics (VoID §4.5) and partitions (VoID §4.6).
    g.add((ds, VOID.triples, Literal(stats.triples)))
    g.add((ds, VOID.entities, Literal(stats.entities)))
    g.add((ds, VOID.classes, Literal(len(stats.classes))))
    g.add((ds, VOID.properties, Literal(len(stats.properties))))
    for vocabulary in sorted({vocabulary_of(i) for i in (*stats.classes, *stats.properties)}):
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for cls, n in stats.classes.items():
        node = description_iri(base, f"class-{partition_key(cls)}")
        g.add((ds, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(n)))
    for prop, n in stats.properties.items():
        node = description_iri(base, f"property-{partition_key(prop)}")
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(n)))
    return g


def describe(info: DescriptionInput, data: VoidStats, *, max_rounds: int = 10) -> Graph:
    """The description whose counts include the description itself.

    Counting the description changes its numbers but not its number of triples once its
    set of classes and properties is complete, so this settles within a few rounds.

    >>> info = DescriptionInput("http://x.org/", "2026-01-01T00:00:00Z", "sha256:0")
    >>> g = describe(info, VoidStats())
    >>> ds = description_iri("http://x.org/", "dataset")
    >>> int(g.value(ds, VOID.triples)) == len(g)
    True
    """
    g = build_graph(info, data)
    for _ in range(max_rounds):
        total = data + graph_stats(g, info.base)
        nxt = build_graph(info, total)
        if set(nxt) == set(g):
            return g
        g = nxt
    raise RuntimeError("the VoID description did not settle")  # a bug, not user input
