"""What each entity page shows, gathered by SPARQL: one function per page type.

Every function takes the store and the entity IRI and returns plain dicts and lists (no
RDF terms), ready for a Jinja template and for :mod:`kg.web.jsonld`. Each list is capped
(:data:`LIST_LIMIT`), so a page is bounded however large the entity grows.

Links are ``{"iri", "label", "href"}`` dicts; :meth:`Linker.href` decides where a link goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from kg.errors import NotFound
from kg.namespaces import CWA, PREFIXES, RICO
from kg.store import Store
from kg.web.oxrows import Lit, select_light

#: Most items any one list on a page shows (the data view pages through the rest).
LIST_LIMIT = 200
#: Most statements the "statements and their sources" table of a page shows.
STATEMENT_LIMIT = 300
#: Most (property, value, graph) rows of its own one page reads.
OWN_LIMIT = LIST_LIMIT * 5
#: Most mentions counted for a "Mentioned in" list (a sample beyond that, and the page
#: says so): counting every mention of a very busy person grows with the archive.
MENTION_SCAN = 500
#: Most IRIs in one ``VALUES`` block. Oxigraph's cost per IRI grows with the block: 200
#: IRIs in one block cost two to three times four blocks of 50 (labels, participations).
VALUES_CHUNK = 50
#: Namespace of our controlled vocabularies (SKOS concept schemes).
VOCAB_NS = "https://w3id.org/coldwar-kg/vocab/"

#: Properties that name a resource, best first.
LABEL_PROPS = (SKOS.prefLabel, DCTERMS.title, RDFS.label, SDO.name, CWA.rawCitation)

_PREFIX_BLOCK = "".join(
    f"PREFIX {k}: <{v}>\n"
    for k, v in {
        **PREFIXES,
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "rdfs": str(RDFS),
        "schema": str(SDO),
        "prov": str(PROV),
        "org": str(ORG),
    }.items()
)
#: ``?x``'s labels as ``?l``, with the rank of their property in :data:`LABEL_PROPS` as ``?r``.
_LABEL_UNION = " UNION ".join(
    f"{{ ?x <{p}> ?l BIND({n} AS ?r) }}" for n, p in enumerate(LABEL_PROPS)
)
# Characters that may not appear inside an IRIREF (SPARQL 1.1 Query §19.8, production 139).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def sparql_iri(iri: str) -> str:
    """The IRI as a SPARQL IRIREF, refusing anything that could break out of it.

    >>> sparql_iri("http://x.org/id/person/a")
    '<http://x.org/id/person/a>'
    >>> sparql_iri("http://x.org/id/a> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    kg.errors.NotFound: no entity 'http://x.org/id/a> } ; DROP ALL #'
    """
    if not iri or _BAD_IRI.search(iri):
        raise NotFound(f"no entity {iri!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class Linker:
    """Turns IRIs into links a browser can follow on this deployment."""

    base: str
    page_url: Callable[[str], str]
    """Maps a path under /page/ (``person/kim-il-sung``) to a URL."""

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: our own page for our data and vocabularies.

        >>> Linker("http://h/", lambda p: "/page/" + p).href("http://h/id/person/x")
        '/page/person/x'
        >>> Linker("http://h/", lambda p: "/page/" + p).href(VOCAB_NS + "role/host")
        '/page/vocab/role/host'
        >>> Linker("http://h/", lambda p: "/page/" + p).href("https://schema.org/Event")
        'https://schema.org/Event'
        """
        if iri.startswith(self.base + "id/"):
            return self.page_url(iri[len(self.base) + 3 :])
        if iri.startswith(VOCAB_NS):
            return self.page_url("vocab/" + iri[len(VOCAB_NS) :])
        if iri.startswith(("http://", "https://")):
            return iri
        return None


def _q(store: Store, body: str) -> list[dict[str, Node]]:
    return select_light(store, _PREFIX_BLOCK + body)  # type: ignore[return-value]


def _values(iris: Iterable[str]) -> str:
    return " ".join(sparql_iri(i) for i in iris)


def _chunks(iris: Iterable[str]) -> Iterator[str]:
    """``VALUES`` bodies of at most :data:`VALUES_CHUNK` IRIs each."""
    todo = list(iris)
    for start in range(0, len(todo), VALUES_CHUNK):
        yield _values(todo[start : start + VALUES_CHUNK])


def _lang_rank(lit: Node) -> int:
    lang = lit.language if isinstance(lit, Lit | Literal) else None
    return 0 if lang in (None, "en") else 1 if lang.startswith("en") else 2


def fallback_label(iri: str) -> str:
    """A readable name for a resource nobody labelled: the end of its IRI.

    >>> fallback_label("http://h/id/translation/000_abc/text")
    'translation/000_abc/text'
    >>> fallback_label("https://w3id.org/coldwar-kg/vocab/role/host")
    'host'
    """
    if "/id/" in iri:
        return iri.split("/id/", 1)[1]
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The best label of each IRI (by :data:`LABEL_PROPS` order, English first).

    One ``VALUES`` block and one ``UNION`` branch per property: two ``VALUES`` blocks
    joined with ``?x ?p ?l`` make Oxigraph scan every triple (measured: 255 ms against
    9 ms for 200 IRIs on 430k quads)."""
    todo = sorted({i for i in iris if i and not i.startswith("_:")})
    best: dict[str, tuple[int, int, str]] = {}
    for values in _chunks(todo):
        rows = _q(
            store, f"SELECT DISTINCT ?x ?r ?l WHERE {{ VALUES ?x {{ {values} }} {_LABEL_UNION} }}"
        )
        for r in rows:
            key = (int(r["r"]), _lang_rank(r["l"]), str(r["l"]))  # type: ignore[call-overload]
            x = str(r["x"])
            if x not in best or key < best[x]:
                best[x] = key
    return {i: best[i][2] if i in best else fallback_label(i) for i in todo}


class Page:
    """Collects the IRIs a page links to, then labels them all in one query."""

    def __init__(self, store: Store, iri: str, linker: Linker) -> None:
        self.store = store
        self.iri = iri
        self.ref = sparql_iri(iri)
        self.linker = linker
        self._links: list[dict[str, Any]] = []
        self._own: list[dict[str, Node]] | None = None
        #: True when "Mentioned in" counted a sample (see :func:`mentioning_documents`).
        self.mentions_sampled = False

    def own(self) -> list[dict[str, Node]]:
        """The entity's own statements as ``p``, ``o``, ``g`` rows (the graph asserting
        each), read once per page and shared by the facts, the types and the statements
        table; at most :data:`OWN_LIMIT` + 1 rows."""
        if self._own is None:
            self._own = self.q(
                f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ $this ?p ?o }} }} LIMIT {OWN_LIMIT + 1}"
            )
        return self._own

    def q(self, body: str) -> list[dict[str, Node]]:
        """Run a SELECT with our prefixes; ``$this`` stands for the entity."""
        return _q(self.store, body.replace("$this", self.ref))

    def link(self, node: Node | str) -> dict[str, Any]:
        """A link dict whose label is filled in by :meth:`finish`."""
        iri = str(node)
        item = {"iri": iri, "label": None, "href": self.linker.href(iri)}
        if isinstance(node, BNode):
            item["href"] = None
            item["label"] = "(unnamed node)"
        else:
            self._links.append(item)
        return item

    def value(self, node: Node) -> dict[str, Any]:
        """A link for an IRI, or ``{"text", "lang", "datatype"}`` for a literal."""
        if isinstance(node, Lit | Literal):
            dt = str(node.datatype) if node.datatype else None
            return {"text": str(node), "lang": node.language, "datatype": dt}
        return self.link(node)

    def finish(self, data: dict[str, Any]) -> dict[str, Any]:
        """Fill every collected link's label."""
        names = labels(self.store, [x["iri"] for x in self._links])
        for item in self._links:
            item["label"] = names.get(item["iri"], fallback_label(item["iri"]))
        return data


def types_of(store: Store, iri: str) -> list[str]:
    """The rdf:type IRIs of a resource."""
    rows = _q(store, f"SELECT DISTINCT ?t WHERE {{ {sparql_iri(iri)} a ?t }}")
    return sorted(str(r["t"]) for r in rows)


def exists(store: Store, iri: str) -> bool:
    """True when the store says anything about or pointing at the IRI."""
    ref = sparql_iri(iri)
    return store.ask(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}")


def own_properties(page: Page) -> dict[str, list[Node]]:
    """Predicate IRI -> objects of the entity's own triples (distinct, capped)."""
    rows = page.own()
    if not rows or len(rows) > OWN_LIMIT:
        # Nothing in a named graph, or one triple asserted by very many graphs: ask for
        # the distinct triples themselves.
        rows = page.q(f"SELECT DISTINCT ?p ?o WHERE {{ $this ?p ?o }} LIMIT {OWN_LIMIT}")
    out: dict[str, list[Node]] = {}
    for r in rows:
        values = out.setdefault(str(r["p"]), [])
        if r["o"] not in values:
            values.append(r["o"])
    return out


def _first(props: dict[str, list[Node]], *preds: URIRef) -> str | None:
    for p in preds:
        vals = sorted(props.get(str(p), []), key=lambda v: (_lang_rank(v), str(v)))
        if vals:
            return str(vals[0])
    return None


def _links(page: Page, props: dict[str, list[Node]], pred: URIRef) -> list[dict[str, Any]]:
    return [page.value(o) for o in sorted(props.get(str(pred), []), key=str)]


def sources(page: Page, graphs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Graph IRI -> its provenance: the source document, method, time and file."""
    names = sorted(set(graphs))
    out: dict[str, dict[str, Any]] = {
        g: {"graph": g, "document": None, "label": None, "method": None, "time": None, "file": None}
        for g in names
    }
    if not names:
        return out
    rows = [
        r
        for values in _chunks(names)
        for r in page.q(
            f"""SELECT ?g ?doc ?method ?time ?file ?label WHERE {{ VALUES ?g {{ {values} }}
              OPTIONAL {{ ?g cwa:sourceDocument ?doc }}
              OPTIONAL {{ ?g cwa:derivationMethod ?method }}
              OPTIONAL {{ ?g prov:generatedAtTime ?time }} OPTIONAL {{ ?g rdfs:label ?label }}
              OPTIONAL {{ ?g cwa:sourceFile ?f . ?f rdfs:label ?file }} }}"""
        )
    ]
    for r in rows:
        s = out[str(r["g"])]
        if "doc" in r and s["document"] is None:
            s["document"] = page.link(r["doc"])
        if "method" in r:
            s["method"] = fallback_label(str(r["method"]))
        if "time" in r:
            s["time"] = str(r["time"])
        if "label" in r:
            s["label"] = str(r["label"])
        if "file" in r:
            s["file"] = str(r["file"])
    return out


def _term_order(node: Node) -> tuple[int, str]:
    """Sort key following SPARQL's ORDER BY across kinds: blank nodes, IRIs, literals
    (SPARQL 1.1 Query §15.1)."""
    kind = 0 if isinstance(node, BNode) else 2 if isinstance(node, Lit | Literal) else 1
    return (kind, str(node))


def statements(page: Page, limit: int = STATEMENT_LIMIT) -> dict[str, Any]:
    """The entity's own statements with the graph that asserts each, and where the graph
    comes from (PROV-O). Capped at ``limit``, ordered by property, value and graph."""
    rows = sorted(page.own(), key=lambda r: (str(r["p"]), _term_order(r["o"]), str(r["g"])))
    truncated = len(rows) > limit
    rows = rows[:limit]
    src = sources(page, (str(r["g"]) for r in rows))
    items = [
        {"property": page.link(r["p"]), "value": page.value(r["o"]), "source": src[str(r["g"])]}
        for r in rows
    ]
    return {"items": items, "truncated": truncated}


def incoming(page: Page, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """Resources that point at the entity, with the property (capped)."""
    rows = page.q(
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p $this FILTER(isIRI(?s)) }} LIMIT {limit + 1}"
    )
    # No ORDER BY: it would read every link first; the first ``limit`` found are sorted.
    rows.sort(key=lambda r: (str(r["p"]), str(r["s"])))
    items = [{"subject": page.link(r["s"]), "property": page.link(r["p"])} for r in rows[:limit]]
    return {"items": items, "truncated": len(rows) > limit}


def mentioning_documents(page: Page) -> list[dict[str, Any]]:
    """Documents whose text mentions the entity (Web Annotation bodies), most mentions first.

    At most :data:`MENTION_SCAN` mentions are counted (the inner ``LIMIT`` stops the scan
    early); when there are more, ``page.mentions_sampled`` is set and the page says so."""
    rows = page.q(
        f"""SELECT ?doc (COUNT(?m) AS ?n) WHERE {{ {{ SELECT DISTINCT ?m ?doc WHERE {{
          ?m oa:hasBody $this ; oa:hasTarget ?t . ?t oa:hasSource ?text .
          ?text prov:specializationOf ?tr . ?tr cwa:translationOf ?doc }} LIMIT {MENTION_SCAN} }} }}
        GROUP BY ?doc ORDER BY DESC(?n) ?doc LIMIT {LIST_LIMIT}"""
    )
    counted = sum(int(r["n"]) for r in rows)  # type: ignore[call-overload]
    if counted >= MENTION_SCAN or len(rows) == LIST_LIMIT:
        more = page.q(f"SELECT ?m WHERE {{ ?m oa:hasBody $this }} OFFSET {MENTION_SCAN} LIMIT 1")
        page.mentions_sampled = bool(more)
    return [{"document": page.link(r["doc"]), "count": int(r["n"])} for r in rows]  # type: ignore[call-overload]


#: What the breadcrumb shows of each unit: key -> property.
_UNIT_FACTS = (
    ("parent", "rico:isOrWasIncludedIn"),
    ("id", "rico:identifier"),
    ("lvl", "rico:hasRecordSetType"),
    ("repo", "cwa:heldBy"),
)


def unit_chain(page: Page, unit: str) -> list[dict[str, Any]]:
    """The archival hierarchy above and including ``unit``, top-down, repository first.

    Every document's catalogue graph repeats the hierarchy, so each fact of a fond is
    stored hundreds of times: the units are read first (``DISTINCT``), then one value of
    each fact per unit, each by a ``LIMIT 1`` subquery that stops at the first copy. (One
    query with ``OPTIONAL``s multiplied the copies, and its ``LIMIT`` cut the chain.)"""
    units = page.q(
        f"SELECT DISTINCT ?a WHERE {{ {sparql_iri(unit)} rico:isOrWasIncludedIn* ?a }} LIMIT 20"
    )
    info: dict[str, dict[str, Node]] = {str(r["a"]): {} for r in units}
    if units:
        branches = " UNION ".join(
            f"{{ SELECT ?a ?k ?v WHERE {{ {sparql_iri(a)} {prop} ?v "
            f'BIND({sparql_iri(a)} AS ?a) BIND("{key}" AS ?k) }} LIMIT 1 }}'
            for a in info
            for key, prop in _UNIT_FACTS
        )
        for r in page.q(f"SELECT ?a ?k ?v WHERE {{ {branches} }}"):
            info[str(r["a"])][str(r["k"])] = r["v"]
    chain: list[dict[str, Any]] = []
    current: str | None = unit
    seen: set[str] = set()
    repo: Node | None = None
    while current and current in info and current not in seen and len(chain) < 20:
        seen.add(current)
        row = info[current]
        item = page.link(URIRef(current))
        item["identifier"] = str(row["id"]) if "id" in row else None
        item["level"] = fallback_label(str(row["lvl"])) if "lvl" in row else None
        chain.append(item)
        repo = row.get("repo", repo)
        current = str(row["parent"]) if "parent" in row else None
    chain.reverse()
    if repo is not None:
        head = page.link(repo)
        head["level"] = "repository"
        chain.insert(0, head)
    return chain


# --- document ---------------------------------------------------------------------------


def highlight_segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut ``text`` into plain and mentioned pieces by character offsets.

    Spans are dicts with ``start`` and ``end`` (TextPositionSelector, Web Annotation
    Data Model §4.2.5); a span that overlaps an earlier one, or falls outside the text,
    is left out. Optional ``exact`` must match the text, or the span is left out too.

    >>> segs = highlight_segments("Kim met Nam.", [{"start": 8, "end": 11, "body": "n"},
    ...                                            {"start": 0, "end": 3, "body": "k"}])
    >>> [(s["text"], s.get("mention", {}).get("body")) for s in segs]
    [('Kim', 'k'), (' met ', None), ('Nam', 'n'), ('.', None)]
    >>> [s["text"] for s in highlight_segments("abc", [{"start": 2, "end": 9}])]
    ['abc']
    """
    out: list[dict[str, Any]] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        start, end = span["start"], span["end"]
        if start < pos or end <= start or end > len(text):
            continue
        if span.get("exact") is not None and text[start:end] != span["exact"]:
            continue
        if start > pos:
            out.append({"text": text[pos:start]})
        out.append({"text": text[start:end], "mention": span})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


#: rdf:type IRI -> page type, most specific first.
_KINDS = tuple(
    (str(t), name)
    for t, name in (
        (CWA.Person, "person"),
        (CWA.Repository, "organization"),
        (CWA.Organization, "organization"),
        (CWA.Place, "place"),
        (CWA.Meeting, "meeting"),
        (CWA.Resolution, "resolution"),
        (CWA.ArchivalDocument, "document"),
        (CWA.ArchivalUnit, "unit"),
        (SKOS.Concept, "concept"),
    )
)


def _kind(types: Iterable[str]) -> str:
    for t, name in _KINDS:
        if t in types:
            return name
    return "entity"


def kind_of(types: Iterable[str]) -> str:
    """The page type for a set of rdf:type IRIs.

    >>> kind_of([str(CWA.Repository), str(CWA.Organization)])
    'organization'
    >>> kind_of([])
    'entity'
    """
    return _kind(set(types))


def document_texts(page: Page) -> list[dict[str, Any]]:
    """The document's translations: text with highlighted mentions, translators, catalogue."""
    rows = page.q(
        """SELECT ?tr ?text ?full ?lang WHERE { ?tr cwa:translationOf $this .
          OPTIONAL { ?tr dcterms:language ?lang }
          OPTIONAL { ?text prov:specializationOf ?tr OPTIONAL { ?text cwa:fullText ?full } } }
        ORDER BY ?tr ?text LIMIT 20"""
    )
    out = []
    for r in rows:
        tr = str(r["tr"])
        entry: dict[str, Any] = {"translation": page.link(r["tr"]), "language": None}
        entry["language"] = str(r["lang"]) if "lang" in r else None
        entry["text_iri"] = str(r["text"]) if "text" in r else None
        translators = page.q(f"SELECT ?p WHERE {{ <{tr}> schema:translator ?p }} ORDER BY ?p")
        entry["translators"] = [page.link(t["p"]) for t in translators]
        entry["segments"] = []
        entry["mentions"] = 0
        if "full" in r:
            spans = text_mentions(page, str(r["text"]))
            entry["segments"] = highlight_segments(str(r["full"]), spans)
            entry["mentions"] = sum(1 for s in entry["segments"] if "mention" in s)
        out.append(entry)
    return out


def text_mentions(page: Page, text_iri: str) -> list[dict[str, Any]]:
    """Mentions anchored in one text entity, with their bodies and body kinds."""
    rows = page.q(
        f"""SELECT ?m ?body ?start ?end ?exact WHERE {{
          ?m oa:hasBody ?body ; oa:hasTarget ?t . ?t oa:hasSource {sparql_iri(text_iri)} ;
             oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end .
          OPTIONAL {{ ?t oa:hasSelector ?qs . ?qs oa:exact ?exact }} }} LIMIT 5000"""
    )
    bodies = sorted({str(r["body"]) for r in rows if isinstance(r["body"], URIRef)})
    kinds: dict[str, set[str]] = {}
    if bodies:
        for t in page.q(f"SELECT ?b ?t WHERE {{ VALUES ?b {{ {_values(bodies)} }} ?b a ?t }}"):
            kinds.setdefault(str(t["b"]), set()).add(str(t["t"]))
    spans = []
    for r in rows:
        try:
            start, end = int(r["start"]), int(r["end"])  # type: ignore[call-overload]
        except (TypeError, ValueError):
            continue
        body = page.link(r["body"])
        body["kind"] = _kind(kinds.get(str(r["body"]), set()))
        exact = str(r["exact"]) if "exact" in r else None
        spans.append({"start": start, "end": end, "exact": exact, "body": body})
    return spans


def catalogue_records(page: Page) -> list[dict[str, Any]]:
    """The archive's catalogue records presenting the document: summary, rights, URL."""
    rows = page.q(
        """SELECT ?rec ?abstract ?rights ?url ?publisher WHERE {
          ?tr cwa:translationOf $this . ?rec cwa:presents ?tr .
          OPTIONAL { ?rec dcterms:abstract ?abstract } OPTIONAL { ?rec dcterms:rights ?rights }
          OPTIONAL { ?rec schema:url ?url } OPTIONAL { ?rec dcterms:publisher ?publisher } }
        LIMIT 20"""
    )
    return [
        {
            "record": page.link(r["rec"]),
            "abstract": str(r["abstract"]) if "abstract" in r else None,
            "rights": str(r["rights"]) if "rights" in r else None,
            "url": str(r["url"]) if "url" in r else None,
            "publisher": page.link(r["publisher"]) if "publisher" in r else None,
        }
        for r in rows
    ]


def archival_references(page: Page) -> list[dict[str, Any]]:
    """The document's archival references, each with its breadcrumb and folios."""
    rows = page.q(
        """SELECT ?ref ?raw ?repo ?unit ?fs ?fe WHERE { $this cwa:hasArchivalReference ?ref .
          OPTIONAL { ?ref cwa:rawCitation ?raw } OPTIONAL { ?ref cwa:repository ?repo }
          OPTIONAL { ?ref cwa:inUnit ?unit }
          OPTIONAL { ?ref cwa:folioStart ?fs } OPTIONAL { ?ref cwa:folioEnd ?fe } }
        ORDER BY ?ref LIMIT 20"""
    )
    out = []
    for r in rows:
        chain = unit_chain(page, str(r["unit"])) if "unit" in r else []
        if not chain and "repo" in r:
            head = page.link(r["repo"])
            head["level"] = "repository"
            chain = [head]
        folios = None
        if "fs" in r:
            folios = str(r["fs"]) + (f"–{r['fe']}" if "fe" in r and r["fe"] != r["fs"] else "")
        out.append(
            {
                "reference": page.link(r["ref"]),
                "citation": str(r["raw"]) if "raw" in r else None,
                "breadcrumb": chain,
                "folios": folios,
            }
        )
    return out


def copies(page: Page) -> list[dict[str, Any]]:
    """Copies of the document and whom each was sent to."""
    rows = page.q(
        """SELECT ?c ?n ?to ?desc WHERE { $this cwa:hasCopy ?c .
          OPTIONAL { ?c cwa:copyNumber ?n } OPTIONAL { ?c cwa:sentTo ?to }
          OPTIONAL { ?c dcterms:description ?desc } } ORDER BY ?n ?c LIMIT 200"""
    )
    return [
        {
            "copy": page.link(r["c"]),
            "number": str(r["n"]) if "n" in r else None,
            "sent_to": page.link(r["to"]) if "to" in r else None,
            "description": str(r["desc"]) if "desc" in r else None,
        }
        for r in rows
    ]


def document_page(page: Page) -> dict[str, Any]:
    """Everything the document page shows."""
    props = own_properties(page)
    regno = page.q(
        """SELECT ?v WHERE { $this rico:hasOrHadIdentifier ?i . ?i rico:textualValue ?v }"""
    )
    return {
        "title": _first(props, DCTERMS.title, RDFS.label),
        "date": _first(props, DCTERMS.date),
        "created": _first(props, DCTERMS.created),
        "language": _first(props, DCTERMS.language),
        "types": _links(page, props, CWA.documentType),
        "number_of_copies": _first(props, CWA.numberOfCopies),
        "registration": [str(r["v"]) for r in regno],
        "recorded_by": _links(page, props, CWA.recordedBy),
        "typed_by": _links(page, props, CWA.typedBy),
        "authors": _links(page, props, RICO.hasAuthor),
        "addressees": _links(page, props, RICO.hasAddressee),
        "records": _links(page, props, CWA.records),
        "refers_to": _links(page, props, CWA.refersTo),
        "concerns": _links(page, props, CWA.concerns),
        "comments": [str(c) for c in props.get(str(RDFS.comment), [])],
        "references": archival_references(page),
        "copies": copies(page),
        "texts": document_texts(page),
        "catalogue": catalogue_records(page),
    }


# --- person -------------------------------------------------------------------------------


def _meetings_attended(page: Page, limit: int) -> list[str]:
    """Up to ``limit`` + 1 meetings the person took part in. No ORDER BY, so the scan stops
    early however many meetings a very busy person attended."""
    rows = page.q(
        f"""SELECT DISTINCT ?m WHERE {{
          {{ ?pa cwa:participant $this . ?m cwa:hasParticipation ?pa }}
          UNION {{ ?m cwa:attendee $this }} }} LIMIT {limit + 1}"""
    )
    return [str(r["m"]) for r in rows]


def _participations(page: Page, meetings: list[str], person: str | None) -> list[dict[str, Any]]:
    """Who took part in ``meetings`` (only ``person``, when given), as rows with ``m``,
    ``person``, ``g`` (the graph asserting it), ``roles``, ``names`` and ``date``.

    Four small queries per :data:`VALUES_CHUNK` meetings: one query with ``UNION``s of
    ``GRAPH`` patterns under ``VALUES`` makes Oxigraph evaluate the branches unbound
    (measured: ~300 ms against ~20 ms for 200 meetings). Bounded by the meetings given:
    a meeting page passes one, a person page at most :data:`LIST_LIMIT`."""
    who = sparql_iri(person) if person else "?person"
    parts: list[dict[str, Node]] = []
    attended: list[dict[str, Node]] = []
    dates: dict[str, Node] = {}
    for ms in _chunks(meetings):
        parts += page.q(
            f"""SELECT ?m ?pa ?person ?g WHERE {{ VALUES ?m {{ {ms} }}
              GRAPH ?g {{ ?m cwa:hasParticipation ?pa . ?pa cwa:participant {who} }} }}"""
        )
        attended += page.q(
            f"""SELECT ?m ?person ?g WHERE {{ VALUES ?m {{ {ms} }}
              GRAPH ?g {{ ?m cwa:attendee {who} }} }}"""
        )
        for r in page.q(
            f"SELECT ?m ?date WHERE {{ VALUES ?m {{ {ms} }} ?m schema:startDate ?date }}"
        ):
            dates.setdefault(str(r["m"]), r["date"])
    details: dict[str, dict[str, list[Node]]] = {}
    named = sorted({str(r["pa"]) for r in parts if isinstance(r["pa"], URIRef)})
    for pas in _chunks(named):
        for r in page.q(
            f"""SELECT ?pa ?k ?v WHERE {{ VALUES ?pa {{ {pas} }}
              {{ ?pa cwa:role ?v BIND("role" AS ?k) }}
              UNION {{ ?pa cwa:nameInSource ?v BIND("name" AS ?k) }} }}"""
        ):
            details.setdefault(str(r["pa"]), {}).setdefault(str(r["k"]), []).append(r["v"])
    out = []
    for r in [*parts, *attended]:
        m = str(r["m"])
        d = details.get(str(r.get("pa")), {})
        out.append(
            {
                "m": r["m"],
                "person": r["person"] if "person" in r else URIRef(str(person)),
                "g": r["g"],
                "roles": d.get("role", []),
                "names": d.get("name", []),
                "date": dates.get(m),
            }
        )
    return out


def _grouped(page: Page, rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Group participation rows by ``key`` (``m`` or ``person``): roles, names, sources."""
    groups: dict[str, dict[str, Any]] = {}
    graphs = {str(r["g"]) for r in rows}
    src = sources(page, graphs)
    for r in rows:
        k = str(r[key])
        g = groups.get(k)
        if g is None:
            g = groups[k] = {
                "entity": page.link(r[key]),
                "date": str(r["date"]) if r["date"] is not None else None,
                "roles": {},
                "names": set(),
                "sources": {},
            }
        for role in r["roles"]:
            if str(role) not in g["roles"]:
                g["roles"][str(role)] = page.link(role)
        g["names"].update(str(n) for n in r["names"])
        s = src[str(r["g"])]
        g["sources"][s["graph"]] = s
    out = []
    for g in groups.values():
        g["roles"] = list(g["roles"].values())
        g["names"] = sorted(g["names"])
        g["sources"] = list(g["sources"].values())
        out.append(g)
    return out


def met_most(page: Page, meetings: list[str], limit: int = 10) -> list[dict[str, Any]]:
    """Who shared most of ``meetings`` with the entity (a person), most first. Counted per
    :data:`VALUES_CHUNK` meetings and added up (the chunks share no meeting)."""
    counts: dict[str, int] = {}
    for ms in _chunks(meetings):
        for r in page.q(
            f"""SELECT ?other (COUNT(DISTINCT ?m) AS ?n) WHERE {{
              {{ VALUES ?m {{ {ms} }} ?m cwa:attendee ?other }}
              UNION {{ VALUES ?m {{ {ms} }}
                       ?m cwa:hasParticipation ?pb . ?pb cwa:participant ?other }}
              FILTER(?other != $this) }} GROUP BY ?other"""
        ):
            other = str(r["other"])
            counts[other] = counts.get(other, 0) + int(r["n"])  # type: ignore[call-overload]
    best = sorted(counts, key=lambda o: (-counts[o], o))[:limit]
    return [{"person": page.link(URIRef(o)), "count": counts[o]} for o in best]


def _sorted_rows(rows: list[dict[str, Node]], *keys: str) -> list[dict[str, Node]]:
    """Rows sorted by the string form of ``keys`` (lists read without ORDER BY, which
    would make the store read every match before the first)."""
    return sorted(rows, key=lambda r: tuple(str(r.get(k, "")) for k in keys))


def person_page(page: Page) -> dict[str, Any]:
    """Everything the person page shows.

    The meetings listed are at most :data:`LIST_LIMIT` (for a very busy person, the ones
    found first, in date order); "met most often" counts over the meetings listed."""
    props = own_properties(page)
    attended = _meetings_attended(page, LIST_LIMIT)
    truncated = len(attended) > LIST_LIMIT
    attended = attended[:LIST_LIMIT]
    meetings = _grouped(page, _participations(page, attended, page.iri), "m")
    meetings.sort(key=lambda m: (m["date"] or "9999", m["entity"]["iri"]))
    related = _sorted_rows(
        page.q(
            f"""SELECT DISTINCT ?doc ?p WHERE {{ ?doc ?p $this . ?doc a cwa:ArchivalDocument }}
            LIMIT {LIST_LIMIT}"""
        ),
        "doc",
        "p",
    )
    copies_sent = page.q(
        f"""SELECT DISTINCT ?doc WHERE {{ ?c cwa:sentTo $this . ?doc cwa:hasCopy ?c }}
        LIMIT {LIST_LIMIT}"""
    )
    resolutions = _sorted_rows(
        page.q(
            f"""SELECT DISTINCT ?r WHERE {{ ?r cwa:concerns $this ; a cwa:Resolution }}
            LIMIT {LIST_LIMIT}"""
        ),
        "r",
    )
    return {
        "name": _first(props, SKOS.prefLabel, RDFS.label, SDO.name),
        "variants": _variants(props),
        "birth": _first(props, SDO.birthDate),
        "death": _first(props, SDO.deathDate),
        "posts": _links(page, props, ORG.holds),
        "comments": [str(c) for c in props.get(str(RDFS.comment), [])],
        "meetings": meetings,
        "meetings_truncated": truncated,
        "met_most": met_most(page, attended),
        "met_most_sampled": truncated,
        "mentioned_in": mentioning_documents(page),
        "documents": [{"document": page.link(r["doc"]), "as": page.link(r["p"])} for r in related]
        + [{"document": page.link(r["doc"]), "as": None, "copy": True} for r in copies_sent],
        "resolutions": [page.link(r["r"]) for r in resolutions],
    }


def _variants(props: dict[str, list[Node]]) -> list[dict[str, Any]]:
    out = []
    for pred, kind in ((SKOS.prefLabel, "preferred"), (SKOS.altLabel, "variant")):
        for v in sorted(props.get(str(pred), []), key=lambda v: (_lang_rank(v), str(v))):
            lang = v.language if isinstance(v, Lit | Literal) else None
            out.append({"text": str(v), "lang": lang, "kind": kind})
    return out


# --- meeting ------------------------------------------------------------------------------


def meeting_page(page: Page) -> dict[str, Any]:
    """Everything the meeting page shows."""
    props = own_properties(page)
    participants = _grouped(page, _participations(page, [page.iri], None), "person")
    participants.sort(key=lambda p: p["entity"]["iri"])
    resolutions = page.q(
        f"""SELECT DISTINCT ?r ?how WHERE {{
          {{ ?r cwa:discussedAt $this BIND("discussed" AS ?how) }}
          UNION {{ ?r cwa:adoptedAt $this BIND("adopted" AS ?how) }}
          UNION {{ $this dcterms:subject ?r . ?r a cwa:Resolution BIND("subject" AS ?how) }} }}
        ORDER BY ?r LIMIT {LIST_LIMIT}"""
    )
    documents = page.q(
        f"""SELECT DISTINCT ?d ?how WHERE {{
          {{ ?d cwa:records $this BIND("records it" AS ?how) }}
          UNION {{ ?d cwa:refersTo $this BIND("refers to it" AS ?how) }} }}
        ORDER BY ?how ?d LIMIT {LIST_LIMIT}"""
    )
    return {
        "label": _first(props, RDFS.label, SKOS.prefLabel, SDO.name),
        "start": _first(props, SDO.startDate),
        "end": _first(props, SDO.endDate),
        "previous_start": _first(props, SDO.previousStartDate),
        "status": _links(page, props, SDO.eventStatus),
        "types": _links(page, props, CWA.meetingType),
        "places": _links(page, props, CWA.place),
        "convened_by": _links(page, props, CWA.convenedBy),
        "comments": [str(c) for c in props.get(str(RDFS.comment), [])],
        "participants": participants[:LIST_LIMIT],
        "resolutions": [
            {"resolution": page.link(r["r"]), "how": str(r["how"])} for r in resolutions
        ],
        "documents": [{"document": page.link(r["d"]), "how": str(r["how"])} for r in documents],
        "mentioned_in": mentioning_documents(page),
    }


# --- resolution ---------------------------------------------------------------------------


def resolution_page(page: Page) -> dict[str, Any]:
    """Everything the resolution page shows."""
    props = own_properties(page)
    inverse = page.q(
        f"""SELECT DISTINCT ?x ?how WHERE {{
          {{ ?x cwa:amends $this BIND("amended by" AS ?how) }}
          UNION {{ ?x cwa:isDraftOf $this BIND("draft" AS ?how) }}
          UNION {{ ?x cwa:supersedes $this BIND("superseded by" AS ?how) }} }}
        ORDER BY ?how ?x LIMIT {LIST_LIMIT}"""
    )
    documents = page.q(
        f"""SELECT DISTINCT ?d ?p WHERE {{ ?d ?p $this . ?d a cwa:ArchivalDocument }}
        ORDER BY ?d LIMIT {LIST_LIMIT}"""
    )
    concerns = _links(page, props, CWA.concerns)
    return {
        "label": _first(props, RDFS.label, SKOS.prefLabel, DCTERMS.title),
        "status": _links(page, props, CWA.decisionStatus),
        "adopted_by": _links(page, props, CWA.adoptedBy),
        "adopted_at": _links(page, props, CWA.adoptedAt),
        "date_adopted": _first(props, CWA.dateAdopted),
        "amends": _links(page, props, CWA.amends),
        "draft_of": _links(page, props, CWA.isDraftOf),
        "supersedes": _links(page, props, CWA.supersedes),
        "discussed_at": _links(page, props, CWA.discussedAt),
        "outcome": _links(page, props, CWA.outcome),
        "concerns_persons": [c for c in concerns if "/id/person/" in c.get("iri", "")],
        "concerns_other": [c for c in concerns if "/id/person/" not in c.get("iri", "")],
        "inverse": [{"entity": page.link(r["x"]), "how": str(r["how"])} for r in inverse],
        "documents": [{"document": page.link(r["d"]), "as": page.link(r["p"])} for r in documents],
        "comments": [str(c) for c in props.get(str(RDFS.comment), [])],
        "mentioned_in": mentioning_documents(page),
    }


# --- archival unit ------------------------------------------------------------------------


def unit_page(page: Page) -> dict[str, Any]:
    """Everything the archival unit page shows."""
    props = own_properties(page)
    children = page.q(
        f"""SELECT DISTINCT ?c WHERE {{ ?c rico:isOrWasIncludedIn $this ; a cwa:ArchivalUnit }}
        ORDER BY ?c LIMIT {LIST_LIMIT}"""
    )
    docs = page.q(
        f"""SELECT DISTINCT ?d ?fs ?fe ?date WHERE {{
          {{ ?d rico:isOrWasIncludedIn+ $this ; a cwa:ArchivalDocument }}
          UNION {{ ?ref cwa:inUnit/rico:isOrWasIncludedIn* $this .
                   ?d cwa:hasArchivalReference ?ref
                   OPTIONAL {{ ?ref cwa:folioStart ?fs }} OPTIONAL {{ ?ref cwa:folioEnd ?fe }} }}
          OPTIONAL {{ ?d dcterms:date ?date }} }} ORDER BY ?fs ?d LIMIT {LIST_LIMIT * 2}"""
    )
    by_doc: dict[str, dict[str, Any]] = {}
    for r in docs:
        d = by_doc.setdefault(
            str(r["d"]), {"document": page.link(r["d"]), "folios": None, "date": None}
        )
        if "fs" in r and d["folios"] is None:
            d["folios"] = str(r["fs"]) + (f"–{r['fe']}" if "fe" in r else "")
        if "date" in r:
            d["date"] = str(r["date"])
    return {
        "label": _first(props, RDFS.label, SKOS.prefLabel),
        "identifier": _first(props, RICO.identifier),
        "level": _links(page, props, RICO.hasRecordSetType),
        "breadcrumb": unit_chain(page, page.iri),
        "children": [page.link(r["c"]) for r in children],
        "documents": list(by_doc.values())[:LIST_LIMIT],
    }


# --- organization, place, concept -----------------------------------------------------------


def organization_page(page: Page) -> dict[str, Any]:
    """Everything the organization (or repository) page shows."""
    props = own_properties(page)
    rows = page.q(
        f"""SELECT DISTINCT ?x ?how WHERE {{
          {{ ?x org:subOrganizationOf $this BIND("Sub-organizations" AS ?how) }}
          UNION {{ ?x cwa:convenedBy $this BIND("Meetings convened" AS ?how) }}
          UNION {{ ?x cwa:adoptedBy $this BIND("Resolutions adopted" AS ?how) }}
          UNION {{ ?x cwa:heldBy $this ; a cwa:ArchivalUnit BIND("Archival units held" AS ?how) }}
          UNION {{ ?x rico:hasAddressee $this BIND("Documents addressed to it" AS ?how) }}
          UNION {{ ?x cwa:refersTo $this BIND("Documents referring to it" AS ?how) }} }}
        ORDER BY ?how ?x LIMIT {LIST_LIMIT}"""
    )
    related: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        related.setdefault(str(r["how"]), []).append(page.link(r["x"]))
    return {
        "name": _first(props, SKOS.prefLabel, RDFS.label, SDO.name),
        "variants": _variants(props),
        "parents": _links(page, props, ORG.subOrganizationOf),
        "related": related,
        "mentioned_in": mentioning_documents(page),
    }


def place_page(page: Page) -> dict[str, Any]:
    """Everything the place page shows."""
    props = own_properties(page)
    meetings = page.q(
        f"""SELECT DISTINCT ?m ?date WHERE {{ ?m cwa:place $this
          OPTIONAL {{ ?m schema:startDate ?date }} }} ORDER BY ?date LIMIT {LIST_LIMIT}"""
    )
    return {
        "name": _first(props, SKOS.prefLabel, RDFS.label, SDO.name),
        "variants": _variants(props),
        "meetings": [
            {"meeting": page.link(r["m"]), "date": str(r["date"]) if "date" in r else None}
            for r in meetings
        ],
        "mentioned_in": mentioning_documents(page),
    }


def concept_page(page: Page) -> dict[str, Any]:
    """Everything the concept page shows: its scheme and what uses it."""
    props = own_properties(page)
    used = page.q(
        f"""SELECT DISTINCT ?s ?p WHERE {{ ?s ?p $this FILTER(isIRI(?s))
          FILTER(?p != skos:inScheme && ?p != skos:hasTopConcept) }}
        ORDER BY ?p ?s LIMIT {LIST_LIMIT}"""
    )
    return {
        "name": _first(props, SKOS.prefLabel, RDFS.label),
        "definition": _first(props, SKOS.definition, RDFS.comment),
        "schemes": _links(page, props, SKOS.inScheme),
        "broader": _links(page, props, SKOS.broader),
        "used_by": [{"entity": page.link(r["s"]), "as": page.link(r["p"])} for r in used],
        "mentioned_in": mentioning_documents(page),
    }


def generic_page(page: Page) -> dict[str, Any]:
    """Any other resource: its own statements and what points at it."""
    return {}


#: Page type -> the function gathering what it shows.
PAGE_FUNCTIONS: dict[str, Callable[[Page], dict[str, Any]]] = {
    "document": document_page,
    "person": person_page,
    "meeting": meeting_page,
    "resolution": resolution_page,
    "unit": unit_page,
    "organization": organization_page,
    "place": place_page,
    "concept": concept_page,
    "entity": generic_page,
}


def entity_page(store: Store, iri: str, linker: Linker) -> dict[str, Any]:
    """Gather the page of any entity: its kind, label, type-specific parts, statements with
    sources and incoming links. Raises :class:`NotFound` for an unknown IRI."""
    page = Page(store, iri, linker)
    own = page.own()
    if own:
        types = sorted({str(r["o"]) for r in own if r["p"] == RDF.type})
    elif exists(store, iri):
        types = types_of(store, iri)
    else:
        raise NotFound(f"no entity <{iri}>")
    if len(own) > OWN_LIMIT:
        types = types_of(store, iri)
    kind = kind_of(types)
    data: dict[str, Any] = {
        "iri": iri,
        "kind": kind,
        "self": page.link(URIRef(iri)),
        "types": [page.link(URIRef(t)) for t in types],
        "parts": PAGE_FUNCTIONS[kind](page),
        "statements": statements(page),
        "incoming": incoming(page),
    }
    page.finish(data)
    data["label"] = data["self"]["label"]
    data["mentions_sampled"] = page.mentions_sampled
    return data


__all__ = [
    "LIST_LIMIT",
    "PAGE_FUNCTIONS",
    "Linker",
    "entity_page",
    "highlight_segments",
    "kind_of",
    "labels",
    "sparql_iri",
]
