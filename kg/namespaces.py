"""Namespaces of kg, generated from ``ontology/`` by ``python -m kg.codegen``.

Do not edit by hand: a typo in a term must fail, not mint a junk IRI.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

ONTOLOGY_IRI = URIRef("https://w3id.org/coldwar-kg/ontology")


class CWA(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/ontology#>."""

    _fail = True
    ArchivalDocument: URIRef
    ArchivalReference: URIRef
    ArchivalUnit: URIRef
    Copy: URIRef
    DigitalRecord: URIRef
    DocumentText: URIRef
    Meeting: URIRef
    Mention: URIRef
    Organization: URIRef
    Participation: URIRef
    Person: URIRef
    Place: URIRef
    Repository: URIRef
    Resolution: URIRef
    SourceGraph: URIRef
    Translation: URIRef
    adoptedAt: URIRef
    adoptedBy: URIRef
    amends: URIRef
    attendee: URIRef
    basedOnCopy: URIRef
    concerns: URIRef
    convenedBy: URIRef
    copyDisposition: URIRef
    copyNumber: URIRef
    dateAdopted: URIRef
    decidingBody: URIRef
    decisionStatus: URIRef
    derivationMethod: URIRef
    discussedAt: URIRef
    documentType: URIRef
    folioEnd: URIRef
    folioStart: URIRef
    fullText: URIRef
    hasArchivalReference: URIRef
    hasCopy: URIRef
    hasParticipation: URIRef
    heldBy: URIRef
    inUnit: URIRef
    isDraftOf: URIRef
    meetingStatus: URIRef
    meetingType: URIRef
    memberCount: URIRef
    nameInSource: URIRef
    numberOfCopies: URIRef
    outcome: URIRef
    participant: URIRef
    place: URIRef
    presents: URIRef
    proposedBy: URIRef
    rawCitation: URIRef
    reconciliationStatus: URIRef
    recordId: URIRef
    recordedBy: URIRef
    records: URIRef
    refersTo: URIRef
    repository: URIRef
    role: URIRef
    sentTo: URIRef
    softwareVersion: URIRef
    sourceDocument: URIRef
    sourceFile: URIRef
    supersedes: URIRef
    translationOf: URIRef
    typedBy: URIRef
    uploadedDate: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/ontology#")


class DT(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/doctype/>."""

    _fail = True
    letter: URIRef
    memorandumOfConversation: URIRef
    minutes: URIRef
    notes: URIRef
    report: URIRef
    resolution: URIRef
    scheme: URIRef
    telegram: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/doctype/")


class MT(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/meetingtype/>."""

    _fail = True
    bilateralMeeting: URIRef
    commissionMeeting: URIRef
    explanatoryWork: URIRef
    multilateralMeeting: URIRef
    plenum: URIRef
    presidiumMeeting: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/meetingtype/")


class ROLE(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/role/>."""

    _fail = True
    attendee: URIRef
    author: URIRef
    chair: URIRef
    contributor: URIRef
    delegationMember: URIRef
    host: URIRef
    interpreter: URIRef
    proposer: URIRef
    recipient: URIRef
    recorder: URIRef
    scheme: URIRef
    signatory: URIRef
    speaker: URIRef
    translator: URIRef
    typist: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/role/")


class DS(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/decisionstatus/>."""

    _fail = True
    adopted: URIRef
    draft: URIRef
    proposed: URIRef
    published: URIRef
    revoked: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/decisionstatus/")


class OC(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/outcome/>."""

    _fail = True
    normative: URIRef
    partyPunishment: URIRef
    procedural: URIRef
    revisionOfPunishment: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/outcome/")


class LVL(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/level/>."""

    _fail = True
    delo: URIRef
    fond: URIRef
    opis: URIRef
    papka: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/level/")


class IDT(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/idtype/>."""

    _fail = True
    archivalCitation: URIRef
    registrationNumber: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/idtype/")


class SUBJ(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/subject/>."""

    _fail = True
    augustPlenumIncident: URIRef
    intraPartyDemocracy: URIRef
    personalityCult: URIRef
    rehabilitation: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/subject/")


class METHOD(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/method/>."""

    _fail = True
    curated: URIRef
    extracted: URIRef
    loaded: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/method/")


class MS(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/meetingstatus/>."""

    _fail = True
    cancelled: URIRef
    held: URIRef
    planned: URIRef
    postponed: URIRef
    rescheduled: URIRef
    scheme: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/meetingstatus/")


class DISP(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/disposition/>."""

    _fail = True
    file: URIRef
    scheme: URIRef
    sent: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/disposition/")


class RS(DefinedNamespace):
    """Terms of <https://w3id.org/coldwar-kg/vocab/reconciliation/>."""

    _fail = True
    scheme: URIRef
    unreconciled: URIRef

    _NS = Namespace("https://w3id.org/coldwar-kg/vocab/reconciliation/")


RICO = Namespace("https://www.ica.org/standards/RiC/ontology#")
CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
OA = Namespace("http://www.w3.org/ns/oa#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
RELATOR = Namespace("http://id.loc.gov/vocabulary/relators/")

#: Prefixes used when serialising RDF and in example queries.
PREFIXES: dict[str, str] = {
    "cwa": "https://w3id.org/coldwar-kg/ontology#",
    "dt": "https://w3id.org/coldwar-kg/vocab/doctype/",
    "mt": "https://w3id.org/coldwar-kg/vocab/meetingtype/",
    "role": "https://w3id.org/coldwar-kg/vocab/role/",
    "ds": "https://w3id.org/coldwar-kg/vocab/decisionstatus/",
    "oc": "https://w3id.org/coldwar-kg/vocab/outcome/",
    "lvl": "https://w3id.org/coldwar-kg/vocab/level/",
    "idt": "https://w3id.org/coldwar-kg/vocab/idtype/",
    "subj": "https://w3id.org/coldwar-kg/vocab/subject/",
    "method": "https://w3id.org/coldwar-kg/vocab/method/",
    "ms": "https://w3id.org/coldwar-kg/vocab/meetingstatus/",
    "disp": "https://w3id.org/coldwar-kg/vocab/disposition/",
    "rs": "https://w3id.org/coldwar-kg/vocab/reconciliation/",
    "rico": "https://www.ica.org/standards/RiC/ontology#",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "oa": "http://www.w3.org/ns/oa#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "relator": "http://id.loc.gov/vocabulary/relators/",
}
