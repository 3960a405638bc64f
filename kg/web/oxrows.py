"""SELECT rows without the cost of rdflib terms, for the entity views.

Converting result terms to rdflib costs up to 9× the query (DESIGN §11); an rdflib
``Literal`` alone costs 10–25 µs, as it parses its lexical form into a Python value.

- :func:`select_ox`: rows of pyoxigraph terms (``Store.select_terms``), for entity
  data, which only serialises them again with pyoxigraph's writers.
- :func:`select_light`: rows of light terms (rdflib's ``URIRef``/``BNode``, which are
  cheap ``str`` subclasses, and :class:`Lit` for literals), for the HTML pages.

Over the embedded store the rows come straight from Oxigraph; over any other backend,
from :meth:`Store.select`, converted (see :meth:`kg.store.base.Store.select_terms`).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.store import Store

#: A pyoxigraph RDF term.
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def select_ox(store: Store, sparql: str) -> list[dict[str, Term]]:
    """Rows of a SELECT over the union of the graphs, as pyoxigraph terms (unbound
    variables absent): :meth:`kg.store.base.Store.select_terms`.

    >>> from kg.store.oxigraph import OxigraphStore
    >>> select_ox(OxigraphStore(None), "SELECT ?x ?y WHERE { VALUES ?x { <http://e.org/a> } }")
    [{'x': <NamedNode value=http://e.org/a>}]
    """
    return store.select_terms(sparql)


class Lit(str):
    """A literal as the page code needs it: its lexical form (the string itself), its
    language tag and its datatype IRI (``None`` for plain strings and language-tagged
    ones). Building one costs about a tenth of an rdflib ``Literal``, which parses the
    lexical form into a Python value the pages never use.

    >>> Lit("Kim", "en") == Lit("Kim", "ko"), Lit("12", datatype=XSD_INTEGER) == Lit("12")
    (False, False)
    >>> int(Lit("12", datatype=XSD_INTEGER)) + 1
    13
    """

    language: str | None
    datatype: str | None

    def __new__(cls, value: str, language: str | None = None, datatype: str | None = None) -> Lit:
        self = super().__new__(cls, value)
        self.language = language
        self.datatype = datatype
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Lit)
            and str.__eq__(self, other)
            and (self.language, self.datatype) == (other.language, other.datatype)
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((str(self), self.language, self.datatype))

    def __repr__(self) -> str:
        return f"Lit({str(self)!r}, {self.language!r}, {self.datatype!r})"


#: A term as page code reads it: IRIs and blank nodes as rdflib's (cheap ``str``
#: subclasses), literals as :class:`Lit`.
LightTerm = URIRef | BNode | Lit

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def light(term: Term | Node) -> LightTerm:
    """The light form of a pyoxigraph or rdflib term.

    >>> light(ox.Literal("x", language="en")), light(ox.NamedNode("http://e.org/a"))
    (Lit('x', 'en', None), rdflib.term.URIRef('http://e.org/a'))
    >>> light(Literal("1956", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))).datatype
    'http://www.w3.org/2001/XMLSchema#gYear'
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Lit(term.value, term.language)
        dt = term.datatype.value
        return Lit(term.value, None, None if dt == XSD_STRING else dt)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, Literal):
        dtype = str(term.datatype) if term.datatype is not None else None
        return Lit(str(term), term.language, None if dtype == XSD_STRING else dtype)
    if isinstance(term, URIRef | BNode):
        return term
    raise TypeError(f"cannot convert {term!r}")


def select_light(store: Store, sparql: str) -> list[dict[str, LightTerm]]:
    """Rows of a SELECT as light terms (see :func:`light`)."""
    return [{k: light(v) for k, v in row.items()} for row in store.select_terms(sparql)]
