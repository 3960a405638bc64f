"""``/ontology``: HTML listing of classes, properties and schemes; Turtle and JSON-LD by
Accept; 406 when nothing offered fits."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.codegen import ontology_graph
from kg.namespaces import ONTOLOGY_IRI


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("text/html", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/x-turtle", "text/turtle"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("*/*", "text/html"),
    ],
)
def test_ontology_negotiation(client: FlaskClient, accept: str | None, expected: str) -> None:
    resp = client.get("/ontology", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.mimetype == expected
    assert resp.headers["Vary"] == "Accept"
    assert 'rel="alternate"' in resp.headers["Link"]


def test_ontology_not_acceptable(client: FlaskClient) -> None:
    resp = client.get("/ontology", headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert "text/turtle" in resp.get_data(as_text=True)


def test_ontology_rdf_is_the_ontology(client: FlaskClient) -> None:
    shipped = ontology_graph()
    ttl = Graph().parse(
        data=client.get("/ontology", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    assert len(ttl) == len(shipped)
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ttl
    doc = json.loads(client.get("/ontology", headers={"Accept": "application/ld+json"}).data)
    assert Graph().parse(data=json.dumps(doc), format="json-ld").isomorphic(ttl)


def test_ontology_page_lists_terms_labels_and_alignments(client: FlaskClient) -> None:
    html = client.get("/ontology").get_data(as_text=True)
    g = ontology_graph()
    for cls in g.subjects(RDF.type, OWL.Class):
        assert str(g.value(cls, RDFS.label)) in html
    assert "cwa:Meeting" in html and "crm:E7_Activity" in html and "schema:Event" in html
    assert "cwa:attendee" in html and "schema:attendee" in html
    assert "Participation and creation roles" in html and "role:interpreter" in html


def test_every_term_is_labelled_commented_and_aligned() -> None:
    g = ontology_graph()
    terms = [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in g.subjects(RDF.type, kind)
    ]
    assert len(terms) > 60
    bare = [
        str(t)
        for t in terms
        if g.value(t, RDFS.label) is None
        or g.value(t, RDFS.comment) is None
        or (g.value(t, RDFS.subClassOf) is None and g.value(t, RDFS.subPropertyOf) is None)
    ]
    assert bare == []
