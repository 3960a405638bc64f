"""What each entity page shows, gathered by SPARQL: one function per page type.

Every function takes the store and the entity IRI and returns plain dicts and lists (no
RDF terms), ready for a Jinja template and for :mod:`kg.web.jsonld`. Each list is capped
(:data:`LIST_LIMIT`), so a page is bounded however large the entity grows.

Links are ``{"iri", "label", "href"}`` dicts; :meth:`Linker.href` decides where a link goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDFS, SDO, SKOS
from rdflib.term import Node

from kg.errors import NotFound
from kg.namespaces import CWA, PREFIXES, RICO
from kg.store import Store

#: Most items any one list on a page shows (the data view pages through the rest).
LIST_LIMIT = 200
#: Most statements the "statements and their sources" table of a page shows.
STATEMENT_LIMIT = 300
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
    return store.select(_PREFIX_BLOCK + body)


def _values(iris: Iterable[str]) -> str:
    return " ".join(sparql_iri(i) for i in iris)


def _lang_rank(lit: Node) -> int:
    lang = lit.language if isinstance(lit, Literal) else None
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
    """The best label of each IRI (by :data:`LABEL_PROPS` order, English first)."""
    todo = sorted({i for i in iris if i and not i.startswith("_:")})
    best: dict[str, tuple[int, int, str]] = {}
    rank = {str(p): n for n, p in enumerate(LABEL_PROPS)}
    for start in range(0, len(todo), 200):
        chunk = todo[start : start + 200]
        rows = _q(
            store,
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {_values(chunk)} }} "
            f"VALUES ?p {{ {_values(str(p) for p in LABEL_PROPS)} }} ?x ?p ?l }}",
        )
        for r in rows:
            key = (rank[str(r["p"])], _lang_rank(r["l"]), str(r["l"]))
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
        if isinstance(node, Literal):
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
    """Predicate IRI -> objects of the entity's own triples (capped)."""
    out: dict[str, list[Node]] = {}
    for r in page.q(f"SELECT ?p ?o WHERE {{ $this ?p ?o }} LIMIT {LIST_LIMIT * 5}"):
        out.setdefault(str(r["p"]), []).append(r["o"])
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
    rows = page.q(
        f"""SELECT ?g ?doc ?method ?time ?file ?label WHERE {{ VALUES ?g {{ {_values(names)} }}
          OPTIONAL {{ ?g cwa:sourceDocument ?doc }} OPTIONAL {{ ?g cwa:derivationMethod ?method }}
          OPTIONAL {{ ?g prov:generatedAtTime ?time }} OPTIONAL {{ ?g rdfs:label ?label }}
          OPTIONAL {{ ?g cwa:sourceFile ?f . ?f rdfs:label ?file }} }}"""
    )
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


def statements(page: Page, limit: int = STATEMENT_LIMIT) -> dict[str, Any]:
    """The entity's own statements with the graph that asserts each, and where the graph
    comes from (PROV-O). Capped at ``limit``."""
    rows = page.q(
        f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ $this ?p ?o }} }} "
        f"ORDER BY ?p ?o ?g LIMIT {limit + 1}"
    )
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
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p $this FILTER(isIRI(?s)) }} "
        f"ORDER BY ?p ?s LIMIT {limit + 1}"
    )
    items = [{"subject": page.link(r["s"]), "property": page.link(r["p"])} for r in rows[:limit]]
    return {"items": items, "truncated": len(rows) > limit}


def mentioning_documents(page: Page) -> list[dict[str, Any]]:
    """Documents whose text mentions the entity (Web Annotation bodies), most mentions first."""
    rows = page.q(
        f"""SELECT ?doc (COUNT(DISTINCT ?m) AS ?n) WHERE {{
          ?m oa:hasBody $this ; oa:hasTarget ?t . ?t oa:hasSource ?text .
          ?text prov:specializationOf ?tr . ?tr cwa:translationOf ?doc }}
        GROUP BY ?doc ORDER BY DESC(?n) LIMIT {LIST_LIMIT}"""
    )
    return [{"document": page.link(r["doc"]), "count": int(r["n"])} for r in rows]  # type: ignore[call-overload]


def unit_chain(page: Page, unit: str) -> list[dict[str, Any]]:
    """The archival hierarchy above and including ``unit``, top-down, repository first."""
    rows = page.q(
        f"""SELECT ?a ?parent ?id ?lvl ?repo WHERE {{
          {sparql_iri(unit)} rico:isOrWasIncludedIn* ?a .
          OPTIONAL {{ ?a rico:isOrWasIncludedIn ?parent }} OPTIONAL {{ ?a rico:identifier ?id }}
          OPTIONAL {{ ?a rico:hasRecordSetType ?lvl }} OPTIONAL {{ ?a cwa:heldBy ?repo }} }}
        LIMIT 100"""
    )
    info: dict[str, dict[str, Node]] = {}
    for r in rows:
        info.setdefault(str(r["a"]), {}).update(r)
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


def _kind(types: Iterable[str]) -> str:
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
    ):
        if str(t) in types:
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


def _participations(page: Page, where: str) -> list[dict[str, Node]]:
    return page.q(
        f"""SELECT ?m ?person ?role ?name ?g ?date WHERE {{ {where}
          {{ GRAPH ?g {{ ?m cwa:hasParticipation ?pa . ?pa cwa:participant ?person }}
             OPTIONAL {{ ?pa cwa:role ?role }} OPTIONAL {{ ?pa cwa:nameInSource ?name }} }}
          UNION {{ GRAPH ?g {{ ?m cwa:attendee ?person }} }}
          OPTIONAL {{ ?m schema:startDate ?date }} }} LIMIT 5000"""
    )


def _grouped(page: Page, rows: list[dict[str, Node]], key: str) -> list[dict[str, Any]]:
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
                "date": str(r["date"]) if "date" in r else None,
                "roles": {},
                "names": set(),
                "sources": {},
            }
        if "role" in r:
            g["roles"][str(r["role"])] = page.link(r["role"])
        if "name" in r:
            g["names"].add(str(r["name"]))
        s = src[str(r["g"])]
        g["sources"][s["graph"]] = s
    out = []
    for g in groups.values():
        g["roles"] = list(g["roles"].values())
        g["names"] = sorted(g["names"])
        g["sources"] = list(g["sources"].values())
        out.append(g)
    return out


def person_page(page: Page) -> dict[str, Any]:
    """Everything the person page shows."""
    props = own_properties(page)
    meetings = _grouped(page, _participations(page, "VALUES ?person { $this }"), "m")
    meetings.sort(key=lambda m: (m["date"] or "9999", m["entity"]["iri"]))
    met = page.q(
        """SELECT ?other (COUNT(DISTINCT ?m) AS ?n) WHERE {
          { ?m cwa:attendee $this } UNION { ?m cwa:hasParticipation/cwa:participant $this }
          { ?m cwa:attendee ?other } UNION { ?m cwa:hasParticipation/cwa:participant ?other }
          FILTER(?other != $this) } GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 10"""
    )
    related = page.q(
        f"""SELECT DISTINCT ?doc ?p WHERE {{ ?doc ?p $this . ?doc a cwa:ArchivalDocument }}
        ORDER BY ?doc LIMIT {LIST_LIMIT}"""
    )
    copies_sent = page.q(
        f"""SELECT DISTINCT ?doc WHERE {{ ?c cwa:sentTo $this . ?doc cwa:hasCopy ?c }}
        LIMIT {LIST_LIMIT}"""
    )
    resolutions = page.q(
        f"""SELECT DISTINCT ?r WHERE {{ ?r cwa:concerns $this ; a cwa:Resolution }}
        ORDER BY ?r LIMIT {LIST_LIMIT}"""
    )
    return {
        "name": _first(props, SKOS.prefLabel, RDFS.label, SDO.name),
        "variants": _variants(props),
        "birth": _first(props, SDO.birthDate),
        "death": _first(props, SDO.deathDate),
        "posts": _links(page, props, ORG.holds),
        "comments": [str(c) for c in props.get(str(RDFS.comment), [])],
        "meetings": meetings[:LIST_LIMIT],
        "meetings_truncated": len(meetings) > LIST_LIMIT,
        "met_most": [{"person": page.link(r["other"]), "count": int(r["n"])} for r in met],  # type: ignore[call-overload]
        "mentioned_in": mentioning_documents(page),
        "documents": [{"document": page.link(r["doc"]), "as": page.link(r["p"])} for r in related]
        + [{"document": page.link(r["doc"]), "as": None, "copy": True} for r in copies_sent],
        "resolutions": [page.link(r["r"]) for r in resolutions],
    }


def _variants(props: dict[str, list[Node]]) -> list[dict[str, Any]]:
    out = []
    for pred, kind in ((SKOS.prefLabel, "preferred"), (SKOS.altLabel, "variant")):
        for v in sorted(props.get(str(pred), []), key=lambda v: (_lang_rank(v), str(v))):
            lang = v.language if isinstance(v, Literal) else None
            out.append({"text": str(v), "lang": lang, "kind": kind})
    return out


# --- meeting ------------------------------------------------------------------------------


def meeting_page(page: Page) -> dict[str, Any]:
    """Everything the meeting page shows."""
    props = own_properties(page)
    participants = _grouped(page, _participations(page, "VALUES ?m { $this }"), "person")
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
    if not exists(store, iri):
        raise NotFound(f"no entity <{iri}>")
    page = Page(store, iri, linker)
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
