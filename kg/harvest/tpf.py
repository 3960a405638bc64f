"""Triple Pattern Fragments (Linked Data Fragments, "Triple Pattern Fragments" final
specification, 2016): the triples matching one pattern ``subject predicate object`` over
the default graph (the union of the named graphs, each triple once), a page at a time,
with an estimated total and the Hydra controls a client needs to ask for other patterns.

Terms in the request use Hydra's explicit representation (Hydra Core §"IRI templates"):
an IRI as is, a literal as ``"text"``, ``"text"@lang`` or ``"text"^^datatype-IRI``; an
empty value or a ``?variable`` matches anything.

Pages are answered by SPARQL ``SELECT DISTINCT ... OFFSET ... LIMIT`` through the store
interface; results travel as SPARQL JSON and are read back with pyoxigraph, so literals
reach the client exactly as ``/sparql`` would give them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import KgError
from kg.harvest.void import description_iri, void_graph_iri
from kg.store.base import Store

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HYDRA_NS = "http://www.w3.org/ns/hydra/core#"
VOID_NS = "http://rdfs.org/ns/void#"
DCTERMS_NS = "http://purl.org/dc/terms/"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: Exact counts stop here; past it the estimate comes from the ingest-time statistics.
COUNT_CAP = 10_000
#: Highest page number accepted.
MAX_PAGE = 1_000_000
POSITIONS = ("subject", "predicate", "object")

_LITERAL = re.compile(
    r'"(?P<lex>.*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^<?(?P<dt>[^<>\s]+?)>?)?', re.DOTALL
)

Term = ox.NamedNode | ox.Literal


class BadPattern(KgError):
    """A fragment request whose pattern or page cannot be understood (400)."""


def parse_term(value: str | None, position: str) -> Term | None:
    """Read one pattern position; None means "any" (a variable).

    >>> parse_term("", "subject") is None and parse_term("?s", "object") is None
    True
    >>> parse_term("http://x.org/a", "subject")
    <NamedNode value=http://x.org/a>
    >>> parse_term("<http://x.org/a>", "predicate")
    <NamedNode value=http://x.org/a>
    >>> parse_term('"Kim Il Sung"@en', "object")
    <Literal value=Kim Il Sung language=en>
    >>> parse_term('"1956"^^http://www.w3.org/2001/XMLSchema#gYear', "object")
    <Literal value=1956 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYear>>
    >>> parse_term('"a "quoted" word"', "object")
    <Literal value=a "quoted" word datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    >>> parse_term("kim il sung", "subject")
    Traceback (most recent call last):
    ...
    kg.harvest.tpf.BadPattern: subject: 'kim il sung' is not an absolute IRI (...)
    >>> parse_term('"x"', "subject")
    Traceback (most recent call last):
    ...
    kg.harvest.tpf.BadPattern: subject: a literal can only be an object
    """
    if value is None or value == "" or value.startswith("?"):
        return None
    if value.startswith("_:"):
        raise BadPattern(
            f"{position}: blank node {value!r} cannot be matched; leave it empty to match anything"
        )
    if value.startswith('"'):
        if position != "object":
            raise BadPattern(f"{position}: a literal can only be an object")
        return _literal(value)
    iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise BadPattern(f"{position}: {value!r} is not an absolute IRI ({exc})") from None


def _literal(value: str) -> ox.Literal:
    match = _LITERAL.fullmatch(value)
    if match is None:
        raise BadPattern(
            f'object: {value!r} is not a literal ("text", "text"@lang or "text"^^datatype)'
        )
    lex, lang, datatype = match.group("lex", "lang", "dt")
    try:
        if lang:
            return ox.Literal(lex, language=lang)
        if datatype:
            return ox.Literal(lex, datatype=ox.NamedNode(datatype))
        return ox.Literal(lex)
    except ValueError as exc:
        raise BadPattern(f"object: {value!r} is not a valid literal ({exc})") from None


def parse_page(value: str | None) -> int:
    """The page number (1 when absent).

    >>> parse_page(None), parse_page("3")
    (1, 3)
    >>> parse_page("0")
    Traceback (most recent call last):
    ...
    kg.harvest.tpf.BadPattern: page: must be a whole number from 1 to 1000000, got '0'
    """
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadPattern(f"page: must be a whole number from 1 to {MAX_PAGE}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Pattern:
    """A triple pattern; None in a position matches anything."""

    subject: ox.NamedNode | None = None
    predicate: ox.NamedNode | None = None
    object: Term | None = None

    @classmethod
    def parse(cls, subject: str | None, predicate: str | None, obj: str | None) -> Pattern:
        """Read the three request parameters."""
        return cls(
            parse_term(subject, "subject"),  # type: ignore[arg-type]
            parse_term(predicate, "predicate"),  # type: ignore[arg-type]
            parse_term(obj, "object"),
        )

    def terms(self) -> tuple[Term | None, Term | None, Term | None]:
        """The three positions."""
        return (self.subject, self.predicate, self.object)

    def variables(self) -> list[str]:
        """SPARQL variable names of the open positions.

        >>> Pattern(predicate=ox.NamedNode("http://x.org/p")).variables()
        ['s', 'o']
        """
        return [name for name, term in zip("spo", self.terms(), strict=True) if term is None]

    def where(self) -> str:
        """The pattern as a SPARQL group over any named graph.

        >>> Pattern(predicate=ox.NamedNode("http://x.org/p")).where()
        '{ GRAPH ?g { ?s <http://x.org/p> ?o } }'
        """
        parts = [f"?{n}" if t is None else str(t) for n, t in zip("spo", self.terms(), strict=True)]
        return "{ GRAPH ?g { " + " ".join(parts) + " } }"

    def params(self) -> dict[str, str]:
        """The bound positions as request parameters (explicit representation).

        >>> Pattern(object=ox.Literal("x", language="en")).params()
        {'object': '"x"@en'}
        """
        out = {}
        for name, term in zip(POSITIONS, self.terms(), strict=True):
            if isinstance(term, ox.NamedNode):
                out[name] = term.value
            elif isinstance(term, ox.Literal):
                out[name] = _explicit_literal(term)
        return out

    def text(self) -> str:
        """The pattern for people: ``?s <p> ?o``."""
        return " ".join(
            f"?{n}" if t is None else str(t) for n, t in zip("spo", self.terms(), strict=True)
        )


def _explicit_literal(term: ox.Literal) -> str:
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return f'"{term.value}"'
    return f'"{term.value}"^^{term.datatype.value}'


def _solutions(store: Store, sparql: str, timeout: float | None) -> ox.QuerySolutions:
    result = store.query(sparql, timeout=timeout)
    data = result.serialize("application/sparql-results+json")
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]


def _ask(store: Store, sparql: str, timeout: float | None) -> bool:
    result = store.query(sparql, timeout=timeout)
    data = result.serialize("application/sparql-results+json")
    return bool(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))


@dataclass(frozen=True)
class Page:
    """One page of a fragment."""

    triples: list[ox.Triple]
    has_next: bool


def select_page(
    store: Store, pattern: Pattern, page: int, size: int, timeout: float | None = None
) -> Page:
    """The page's triples, each once however many graphs hold it, in the store's own
    (stable) order; one extra row tells whether a next page exists."""
    names = pattern.variables()
    if not names:
        found = _ask(store, f"ASK {pattern.where()}", timeout)
        triple = ox.Triple(*pattern.terms())  # type: ignore[arg-type]
        return Page([triple] if found and page == 1 else [], False)
    sparql = (
        f"SELECT DISTINCT {' '.join('?' + n for n in names)} WHERE {pattern.where()} "
        f"OFFSET {(page - 1) * size} LIMIT {size + 1}"
    )
    triples = []
    for solution in _solutions(store, sparql, timeout):
        terms = [
            t if t is not None else solution[n] for n, t in zip("spo", pattern.terms(), strict=True)
        ]
        triples.append(ox.Triple(*terms))  # type: ignore[arg-type]
    return Page(triples[:size], len(triples) > size)


def estimate_count(store: Store, pattern: Pattern, base: str, timeout: float | None = None) -> int:
    """The number of matching triples: exact up to ``COUNT_CAP``, beyond that the
    ingest-time VoID statistics (dataset or property partition) when they apply."""
    names = pattern.variables()
    if not names:
        return 1 if _ask(store, f"ASK {pattern.where()}", timeout) else 0
    sparql = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT {' '.join('?' + n for n in names)} "
        f"WHERE {pattern.where()} LIMIT {COUNT_CAP} }}"
    )
    rows = list(_solutions(store, sparql, timeout))
    count = int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0  # type: ignore[union-attr]
    if count < COUNT_CAP:
        return count
    meta = void_graph_iri(base)
    dataset = description_iri(base, "dataset")
    if pattern.subject is None and pattern.object is None and pattern.predicate is not None:
        sparql = f"""SELECT ?n WHERE {{ GRAPH <{meta}> {{ <{dataset}> <{VOID_NS}propertyPartition>
            [ <{VOID_NS}property> {pattern.predicate} ; <{VOID_NS}triples> ?n ] }} }}"""
    elif len(names) == 3:
        sparql = f"SELECT ?n WHERE {{ GRAPH <{meta}> {{ <{dataset}> <{VOID_NS}triples> ?n }} }}"
    else:
        return count
    rows = list(_solutions(store, sparql, timeout))
    if rows and rows[0]["n"] is not None:
        return max(count, int(rows[0]["n"].value))  # type: ignore[union-attr]
    return count


def encode_params(params: dict[str, str]) -> str:
    """A query string with every reserved character escaped (as a URI template expands
    ``{?subject,predicate,object}``).

    >>> encode_params({"predicate": "http://x.org/p#a", "page": "2"})
    'predicate=http%3A%2F%2Fx.org%2Fp%23a&page=2'
    """
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


@dataclass(frozen=True)
class Links:
    """The IRIs a fragment page talks about."""

    endpoint: str  # .../fragments
    page: str  # the IRI of this page, as requested
    fragment: str  # the fragment (every page)
    first: str
    previous: str | None
    next: str | None

    @property
    def dataset(self) -> str:
        """The dataset the fragments are part of."""
        return f"{self.endpoint}#dataset"

    @property
    def metadata_graph(self) -> str:
        """The named graph of the metadata and controls (as Server.js names it)."""
        return f"{self.fragment}#metadata"


def links_for(endpoint: str, requested: str, pattern: Pattern, page: int, more: bool) -> Links:
    """The fragment's links for one request (``requested`` is this page's own IRI).

    >>> links = links_for("http://h/fragments", "http://h/fragments?page=2", Pattern(), 2, True)
    >>> links.fragment, links.first, links.previous, links.next
    ('http://h/fragments', 'http://h/fragments?page=1', 'http://h/fragments?page=1', 'http://h/fragments?page=3')
    """
    params = pattern.params()
    fragment = endpoint + ("?" + encode_params(params) if params else "")

    def page_iri(n: int) -> str:
        return endpoint + "?" + encode_params({**params, "page": str(n)})

    return Links(
        endpoint,
        requested,
        fragment,
        page_iri(1),
        page_iri(page - 1) if page > 1 else None,
        page_iri(page + 1) if more else None,
    )


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def metadata_quads(links: Links, pattern: Pattern, total: int, size: int) -> list[ox.Quad]:
    """The fragment's metadata and Hydra controls, in the named graph
    ``{fragment}#metadata`` whose ``foaf:primaryTopic`` is the fragment.

    The order follows the reference server (LinkedDataFragments Server.js), so that a
    client reading the stream sees the fragment's ``void:subset`` of the page last.
    """
    g = _n(links.metadata_graph)
    ds, frag, page = _n(links.dataset), _n(links.fragment), _n(links.page)
    search = ox.BlankNode("search")
    triples: list[tuple[object, str, object]] = [
        (g, FOAF_NS + "primaryTopic", frag),
        (ds, RDF_NS + "type", _n(VOID_NS + "Dataset")),
        (ds, RDF_NS + "type", _n(HYDRA_NS + "Collection")),
        (ds, VOID_NS + "subset", page),
    ]
    if links.fragment != links.page:
        triples.append((ds, VOID_NS + "subset", frag))
    triples += [
        (ds, HYDRA_NS + "search", search),
        (
            search,
            HYDRA_NS + "template",
            ox.Literal(links.endpoint + "{?subject,predicate,object}"),
        ),
        (search, HYDRA_NS + "variableRepresentation", _n(HYDRA_NS + "ExplicitRepresentation")),
    ]
    for name in POSITIONS:
        mapping = ox.BlankNode(name)
        triples += [
            (search, HYDRA_NS + "mapping", mapping),
            (mapping, HYDRA_NS + "variable", ox.Literal(name)),
            (mapping, HYDRA_NS + "property", _n(RDF_NS + name)),
        ]
    triples += [
        (frag, VOID_NS + "subset", page),
        (page, RDF_NS + "type", _n(HYDRA_NS + "PartialCollectionView")),
        (page, DCTERMS_NS + "title", ox.Literal("Triple Pattern Fragment of kg", language="en")),
        (
            page,
            DCTERMS_NS + "description",
            ox.Literal(f"Triples matching the pattern {pattern.text()}.", language="en"),
        ),
        (page, DCTERMS_NS + "source", ds),
        (page, HYDRA_NS + "totalItems", _int(total)),
        (page, VOID_NS + "triples", _int(total)),
        (page, HYDRA_NS + "itemsPerPage", _int(size)),
        (page, HYDRA_NS + "first", _n(links.first)),
    ]
    if links.previous:
        triples.append((page, HYDRA_NS + "previous", _n(links.previous)))
    if links.next:
        triples.append((page, HYDRA_NS + "next", _n(links.next)))
    return [ox.Quad(s, _n(p), o, g) for s, p, o in triples]  # type: ignore[arg-type]


#: Formats a fragment is offered in: media type -> pyoxigraph format.
FRAGMENT_FORMATS = {
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}

PREFIXES = {
    "hydra": HYDRA_NS,
    "void": VOID_NS,
    "dcterms": DCTERMS_NS,
    "foaf": FOAF_NS,
    "rdf": RDF_NS,
}


def serialize_fragment(metadata: list[ox.Quad], data: list[ox.Triple], media_type: str) -> bytes:
    """The fragment in one RDF format: in quad formats the data is the default graph and
    the metadata its own named graph; triple formats merge the two."""
    fmt = FRAGMENT_FORMATS[media_type]
    if fmt.supports_datasets:
        quads = [*metadata, *(ox.Quad(t.subject, t.predicate, t.object) for t in data)]
        return ox.serialize(quads, format=fmt, prefixes=_prefixes(fmt)) or b""
    triples = [q.triple for q in metadata] + list(data)
    return ox.serialize(triples, format=fmt, prefixes=_prefixes(fmt)) or b""


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
