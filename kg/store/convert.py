"""Term conversion between rdflib and pyoxigraph.

A plain ``"x"^^xsd:string`` literal from Oxigraph becomes ``Literal("x")``, or pyshacl's
``sh:in`` checks fail (DESIGN §11).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: object) -> Node:
    """Convert a pyoxigraph term to an rdflib term.

    >>> to_rdflib(ox.Literal("x"))
    rdflib.term.Literal('x')
    >>> to_rdflib(ox.NamedNode("http://e.org/a"))
    rdflib.term.URIRef('http://e.org/a')
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"cannot convert {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to a pyoxigraph term.

    >>> to_ox(Literal("a", lang="en"))
    <Literal value=a language=en>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def solution_terms(result: object) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The rows of a pyoxigraph SELECT result as dicts of pyoxigraph terms (unbound
    variables absent): no conversion, for callers that only read or re-serialise them.

    >>> solution_terms(ox.Store().query("SELECT ?x ?y WHERE { VALUES ?x { <http://e.org/a> } }"))
    [{'x': <NamedNode value=http://e.org/a>}]
    """
    from kg.errors import QueryError

    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("not a SELECT query")
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for i, name in enumerate(names):
            value = solution[i]
            if value is not None:
                row[name] = value
        rows.append(row)
    return rows  # type: ignore[return-value]


def solution_rows(result: object) -> list[dict[str, Node]]:
    """The rows of a pyoxigraph SELECT result as dicts of rdflib terms (unbound variables
    absent).

    >>> solution_rows(ox.Store().query("SELECT ?x ?y WHERE { VALUES ?x { 1 } }"))
    [{'x': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}]
    """
    return [{k: to_rdflib(v) for k, v in row.items()} for row in solution_terms(result)]
