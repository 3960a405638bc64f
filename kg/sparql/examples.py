"""Example queries for scholars, shown as tabs in the query UI at ``/sparql``.

They are written against our ontology (``ontology/cwa.ttl``): one named graph per
source, ``?g cwa:sourceDocument ?document`` in the provenance graph, a meeting's simple
``cwa:attendee`` link next to its qualified ``cwa:Participation`` node, and archival units
linked upward by ``rico:isOrWasIncludedIn`` to a fond held by a repository. They use
labels, never data IRIs, so they work under any ``KG_BASE_URI``.

>>> len(EXAMPLES) >= 6
True
>>> all(e.query.startswith("PREFIX") for e in EXAMPLES)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from kg.namespaces import CRM, CWA, RICO

PREFIXES = "\n".join(
    f"PREFIX {name}: <{iri}>"
    for name, iri in (
        ("crm", str(CRM)),
        ("cwa", str(CWA)),
        ("dcterms", str(DCTERMS)),
        ("prov", str(PROV)),
        ("rdfs", str(RDFS)),
        ("rico", str(RICO)),
        ("schema", "https://schema.org/"),
        ("skos", str(SKOS)),
    )
)


@dataclass(frozen=True)
class Example:
    """One example: a short name for its tab, what it answers, and the query."""

    name: str
    question: str
    query: str


def _example(name: str, question: str, body: str) -> Example:
    return Example(name, question, f"{PREFIXES}\n\n# {question}\n{body.strip()}\n")


EXAMPLES: tuple[Example, ...] = (
    _example(
        "Meetings of a person",
        "Which meetings did Anastas Mikoyan attend, in which role, and which document says so?",
        """
SELECT ?date ?meeting ?meetingLabel ?role ?nameInSource ?document ?title WHERE {
  ?person skos:prefLabel "Anastas Mikoyan"@en .
  GRAPH ?g {
    ?meeting cwa:hasParticipation ?participation .
    ?participation cwa:participant ?person ; cwa:role ?roleConcept .
    OPTIONAL { ?participation cwa:nameInSource ?nameInSource }
  }
  ?g cwa:sourceDocument ?document .
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?meeting schema:startDate ?date }
  OPTIONAL { ?meeting rdfs:label ?meetingLabel }
  OPTIONAL { ?roleConcept skos:prefLabel ?role FILTER(LANG(?role) = "en") }
}
ORDER BY ?date ?meeting ?role
""",
    ),
    _example(
        "Documents of a fond",
        "Which documents are held in GARF fond 5446 (any opis, any delo), with their folios?",
        """
SELECT DISTINCT ?document ?title ?date ?citation ?folioStart ?folioEnd WHERE {
  ?repository skos:altLabel "GARF"@en .
  ?fond cwa:heldBy ?repository ; rico:identifier "5446" .
  ?document cwa:hasArchivalReference ?reference .
  ?reference cwa:inUnit ?unit ; cwa:rawCitation ?citation .
  ?unit rico:isOrWasIncludedIn* ?fond .
  OPTIONAL { ?reference cwa:folioStart ?folioStart ; cwa:folioEnd ?folioEnd }
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document dcterms:date ?date }
}
ORDER BY ?date ?document
""",
    ),
    _example(
        "Who met whom",
        "Which pairs of people attended the same meetings most often?",
        """
SELECT ?nameA ?nameB (COUNT(DISTINCT ?meeting) AS ?meetings) WHERE {
  ?meeting a cwa:Meeting ; cwa:attendee ?a , ?b .
  FILTER(STR(?a) < STR(?b))
  ?a a cwa:Person ; skos:prefLabel ?nameA . FILTER(LANG(?nameA) = "en")
  ?b a cwa:Person ; skos:prefLabel ?nameB . FILTER(LANG(?nameB) = "en")
}
GROUP BY ?nameA ?nameB
ORDER BY DESC(?meetings) ?nameA ?nameB
LIMIT 50
""",
    ),
    _example(
        "Amending resolutions",
        "Which resolutions amend others, in what status, and which document says so?",
        """
SELECT ?resolution ?label ?status ?amended ?amendedLabel ?document WHERE {
  GRAPH ?g { ?resolution cwa:amends ?amended }
  ?g cwa:sourceDocument ?document .
  OPTIONAL { ?resolution rdfs:label ?label }
  OPTIONAL { ?resolution cwa:decisionStatus/skos:prefLabel ?status FILTER(LANG(?status) = "en") }
  OPTIONAL { ?amended rdfs:label ?amendedLabel }
}
ORDER BY ?resolution
""",
    ),
    _example(
        "A person by any spelling",
        "Who is 'Yun Gong-heum' (or Yoon Gong-heum, Yun Kong-hum ...), whatever the romanisation?",
        """
SELECT DISTINCT ?person ?preferred ?variant WHERE {
  ?person a cwa:Person ;
          skos:prefLabel|skos:altLabel|skos:hiddenLabel ?variant ;
          skos:prefLabel ?preferred .
  FILTER(LANG(?preferred) = "en")
  FILTER(CONTAINS(LCASE(REPLACE(STR(?variant), "[- ]", "")), "gongheum")
      || CONTAINS(LCASE(REPLACE(STR(?variant), "[- ]", "")), "konghum"))
}
ORDER BY ?person ?variant
""",
    ),
    _example(
        "Which source says so",
        "Which sources assert that Kim Il Sung attended a meeting, how was each graph made, "
        "and from which file (by checksum)?",
        """
SELECT ?meeting ?graph ?document ?method ?file ?checksum ?generated WHERE {
  ?person skos:prefLabel "Kim Il Sung"@en .
  GRAPH ?graph { ?meeting cwa:attendee ?person }
  ?graph cwa:sourceDocument ?document ;
         cwa:derivationMethod ?method ;
         cwa:sourceFile ?file .
  OPTIONAL { ?file dcterms:identifier ?checksum }
  OPTIONAL { ?graph prov:generatedAtTime ?generated }
}
ORDER BY ?meeting ?graph
""",
    ),
    _example(
        "Documents by date",
        "Which documents does the graph hold, with the date the archive gives each?",
        """
SELECT ?document ?title ?date WHERE {
  ?document a cwa:ArchivalDocument ; dcterms:title ?title .
  OPTIONAL { ?document dcterms:date ?date }
}
ORDER BY ?date ?document
LIMIT 100
""",
    ),
    _example(
        "Participations as CIDOC-CRM",
        "Export the participations as CIDOC-CRM PC14 nodes with P14.1 'in the role of' (a graph).",
        """
CONSTRUCT {
  ?meeting a crm:E7_Activity ; crm:P01i_is_domain_of ?participation .
  ?participation a crm:PC14_carried_out_by ;
                 crm:P02_has_range ?agent ;
                 crm:P14.1_in_the_role_of ?role .
}
WHERE {
  ?meeting cwa:hasParticipation ?participation .
  ?participation cwa:participant ?agent ; cwa:role ?role .
}
""",
    ),
)
