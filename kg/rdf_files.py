"""RDF files as sources: authority data, editorial statements and the ontology.

Authority files use IRIs relative to ``id/`` and are resolved against the deployment's
base; each file becomes the named graph ``{base}graph/file/{folder}/{stem}`` with a provenance
graph beside it. The ontology becomes the graph named by the ontology IRI.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, PROV, RDFS

from kg import __version__
from kg.codegen import ONTOLOGY_DIR
from kg.errors import ReaderError
from kg.mapping import SOFTWARE, MappedSource
from kg.namespaces import CWA, METHOD, ONTOLOGY_IRI
from kg.uris import entity_iri, slugify

RDF_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
RDF_SUFFIXES = set(RDF_FORMATS)

__all__ = ["ONTOLOGY_DIR", "RDF_SUFFIXES", "ontology_source", "parse_rdf_file", "rdf_file_source"]


def parse_rdf_file(path: Path, base: str, fmt: str | None = None) -> Graph:
    """Parse one RDF file with relative IRIs resolved against ``{base}id/``."""
    fmt = fmt or RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReaderError(f"{path}: unknown RDF format (use one of {', '.join(RDF_FORMATS)})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read the file ({exc.strerror})") from None
    if not data.strip():
        raise ReaderError(f"{path}: the file is empty")
    g = Dataset() if fmt in {"trig", "nquads"} else Graph()
    try:
        g.parse(data=data, format=fmt, publicID=f"{base}id/")
    except (ParserError, SyntaxError, ValueError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReaderError(f"{path}: not valid {fmt}: {first}") from None
    except Exception as exc:  # rdflib's parsers raise assorted types on broken input
        raise ReaderError(f"{path}: not valid {fmt}: {type(exc).__name__}: {exc}") from None
    if isinstance(g, Dataset):
        flat = Graph()
        for s, p, o, _ in g.quads((None, None, None, None)):
            flat.add((s, p, o))
        return flat
    return g


def _provenance(
    ds: Dataset, graph: URIRef, prov: URIRef, path: Path, checksum: str, base: str, method: URIRef
) -> None:
    g = ds.graph(prov)
    source = URIRef(entity_iri(base, f"source/{slugify(str(path))}"))
    now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    g.add((graph, RDF.type, CWA.SourceGraph))
    g.add((graph, CWA.sourceFile, source))
    g.add((graph, CWA.derivationMethod, method))
    g.add((graph, CWA.softwareVersion, Literal(__version__)))
    g.add((graph, PROV.generatedAtTime, now))
    g.add((graph, PROV.wasAttributedTo, SOFTWARE))
    g.add((source, RDF.type, PROV.Entity))
    g.add((source, DCTERMS.identifier, Literal(checksum)))
    g.add((source, RDFS.label, Literal(path.name)))


def graph_source(
    graph: Graph, graph_name: str, path: Path, checksum: str, base: str, source_id: str
) -> MappedSource:
    """Wrap an RDF graph as a source to be written under ``graph_name``.

    Its provenance record goes to ``{base}graph/file/{source_id}/provenance``.
    """
    ds = Dataset()
    target = ds.graph(URIRef(graph_name))
    for triple in graph:
        target.add(triple)
    prov = URIRef(f"{base}graph/file/{source_id}/provenance")
    _provenance(ds, URIRef(graph_name), prov, path, checksum, base, METHOD.loaded)
    return MappedSource(source_id, base, ds, (graph_name, str(prov)), checksum, None, "", str(prov))


def rdf_file_source(path: Path, base: str, graph_name: str | None = None) -> MappedSource:
    """An RDF file as a source; its graph is ``{base}graph/file/{folder}/{stem}`` by default."""
    g = parse_rdf_file(path, base)
    checksum = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    source_id = f"{slugify(path.parent.name) or 'rdf'}/{slugify(path.stem)}"
    name = graph_name or f"{base}graph/file/{source_id}"
    return graph_source(g, name, path, checksum, base, source_id)


def ontology_source(base: str) -> MappedSource:
    """The ontology and its SKOS schemes, as the graph named by the ontology IRI."""
    g = Graph()
    digest = hashlib.sha256()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        digest.update(path.read_bytes())
        g += parse_rdf_file(path, base)
    return graph_source(
        g, str(ONTOLOGY_IRI), ONTOLOGY_DIR, "sha256:" + digest.hexdigest(), base, "ontology"
    )
