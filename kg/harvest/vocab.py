"""Terms of the harvesting vocabularies that rdflib does not define (or defines only in an
older version): Hydra Core, and the DCAT 3 terms used here.

As with ``kg.namespaces``, a typo in a term fails instead of minting a junk IRI.

>>> str(HYDRA.totalItems)
'http://www.w3.org/ns/hydra/core#totalItems'
>>> str(DCAT3.version)
'http://www.w3.org/ns/dcat#version'
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class HYDRA(DefinedNamespace):
    """Hydra Core Vocabulary (https://www.hydra-cg.com/spec/latest/core/), the terms that
    Triple Pattern Fragments use."""

    _fail = True
    Collection: URIRef
    ExplicitRepresentation: URIRef
    IriTemplate: URIRef
    IriTemplateMapping: URIRef
    PartialCollectionView: URIRef
    first: URIRef
    itemsPerPage: URIRef
    mapping: URIRef
    next: URIRef
    previous: URIRef
    property: URIRef
    required: URIRef
    search: URIRef
    template: URIRef
    totalItems: URIRef
    variable: URIRef
    variableRepresentation: URIRef
    view: URIRef

    _NS = Namespace("http://www.w3.org/ns/hydra/core#")


class DCAT3(DefinedNamespace):
    """Data Catalog Vocabulary, version 3 (W3C Recommendation 2024), the terms used here."""

    _fail = True
    Catalog: URIRef
    DataService: URIRef
    Dataset: URIRef
    Distribution: URIRef
    accessService: URIRef
    accessURL: URIRef
    byteSize: URIRef
    compressFormat: URIRef
    dataset: URIRef
    distribution: URIRef
    downloadURL: URIRef
    endpointDescription: URIRef
    endpointURL: URIRef
    mediaType: URIRef
    service: URIRef
    servesDataset: URIRef
    version: URIRef

    _NS = Namespace("http://www.w3.org/ns/dcat#")


#: IANA media type IRIs, as DCAT recommends for dcat:mediaType and dcat:compressFormat.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def media_type_iri(media_type: str) -> URIRef:
    """The IANA IRI of a media type.

    >>> media_type_iri("application/n-quads")
    rdflib.term.URIRef('https://www.iana.org/assignments/media-types/application/n-quads')
    """
    return URIRef(IANA_MEDIA_TYPES + media_type)
