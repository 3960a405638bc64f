"""The scale-out backend: any SPARQL 1.1 server, reached through SPARQLWrapper.

Store spec ``sparql+http://host:port/path``: queries go to ``http://host:port/path`` over
the SPARQL 1.1 Protocol (§2.1, POST with form encoding, so long dataset lists fit), and
writes go over SPARQL 1.1 Update (§2.2) to the update endpoint with the credentials of
the settings. ``docs/remote-stores.md`` is the user's side of this module.

Scope. kg's graphs are the named graphs whose IRI starts with the base URI (data,
provenance, authorities) or with the ontology IRI. Every query is sent with a protocol
dataset (SPARQL 1.1 Protocol §2.1.4: ``default-graph-uri`` and ``named-graph-uri``) that
lists exactly those graphs, so the default graph is their union and Virtuoso's own system
graphs (``virtrdf#``, DAV, ...) are never seen. A query's own ``FROM`` / ``FROM NAMED``
become the protocol dataset instead, restricted to kg's graphs.

Limits. Results are never silently partial: a server-side row cap (Virtuoso's
``X-SPARQL-MaxRows`` header, from ``ResultSetMaxRows``) raises :class:`ResultTooLarge`,
and an "anytime" partial result (``X-SQL-State`` header, from ``MaxQueryExecutionTime``
or the ``timeout`` parameter) raises :class:`RemoteTimeout`. Every request has a client
socket timeout; a server that cannot be reached raises :class:`RemoteStoreError` (502),
one that does not answer in time :class:`RemoteTimeout` (504).

Atomic replace. :meth:`RemoteStore.replace_graphs` sends ONE update request that drops
the old graphs and inserts the new data (small sources), or, for larger data, first fills
private staging graphs (outside kg's scope, so readers never see them) and then swaps
them in with ONE request of ``DROP`` + ``ADD`` + ``DROP`` operations. Virtuoso runs one
request as one transaction.
"""

from __future__ import annotations

import ast
import functools
import http.client
import io
import re
import socket
import threading
import time
import urllib.error
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO

import pyoxigraph as ox
from pyparsing import ParseResults
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node
from SPARQLWrapper import BASIC, DIGEST, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from kg.config import Settings
from kg.errors import (
    KgError,
    QueryError,
    RemoteStoreError,
    RemoteTimeout,
    ResultTooLarge,
    StoreError,
)
from kg.namespaces import ONTOLOGY_IRI
from kg.store.base import ASK, GRAPH, SELECT, QueryDataset, QueryResult, Store, named_graph_quads
from kg.store.convert import solution_rows, to_ox, to_rdflib

#: Media types kg asks the server for (and converts from with pyoxigraph).
_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
#: A graph IRI that never holds data: the scope of a store that has no graphs yet.
EMPTY_GRAPH = "urn:x-kg:empty"
#: Prefix of the private staging graphs used by a large atomic replace.
STAGING_PREFIX = "urn:x-kg:staging:"
#: Seconds the list of kg's graphs is cached (a write by any store object of this process
#: on the same endpoint and base clears it, e.g. the web app's ``/update`` writer).
GRAPH_LIST_TTL = 5.0
_SCOPES: dict[tuple[str, str], tuple[float, list[str]]] = {}
_SCOPE_LOCK = threading.Lock()
#: Triples per INSERT DATA request. Virtuoso 7.2 compiles INSERT DATA to SQL and refuses
#: more than about 1,200 triples per request ("SP031 ... exceeded 10000 lines").
INSERT_BATCH = 500
#: Longest query text whose parse is cached (the cache holds at most 256 of them).
CACHED_QUERY_LENGTH = 4096
#: Extra seconds the client waits beyond a query's server-side timeout.
CLIENT_GRACE = 5.0


def endpoint_of(spec: str) -> str:
    """The HTTP endpoint of a ``sparql+http(s)://`` store spec.

    >>> endpoint_of("sparql+http://127.0.0.1:8890/sparql")
    'http://127.0.0.1:8890/sparql'
    """
    if not spec.startswith(("sparql+http://", "sparql+https://")):
        raise StoreError(f"not a remote store spec: {spec!r} (expected sparql+http://host/path)")
    url = spec[len("sparql+") :]
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", url):
        raise StoreError(f"not a valid SPARQL endpoint URL: {url!r}")
    return url


def update_endpoint_of(query_url: str, settings: Settings) -> str:
    """Where updates go: ``KG_REMOTE_UPDATE_URL``, else Virtuoso's authenticated
    endpoint (``/sparql`` -> ``/sparql-auth``) when credentials are set, else the query
    endpoint itself.

    >>> update_endpoint_of("http://h/sparql", Settings(remote_user="dba"))
    'http://h/sparql-auth'
    >>> update_endpoint_of("http://h/ds/update", Settings())
    'http://h/ds/update'
    """
    if settings.remote_update_url:
        return settings.remote_update_url
    if settings.remote_user and query_url.endswith("/sparql"):
        return query_url + "-auth"
    return query_url


def bnode_groups(triples: Sequence[str], labels: Sequence[frozenset[str]]) -> list[list[int]]:
    """Group triple indexes so that triples sharing a blank node stay together.

    ``INSERT DATA`` gives a blank node label a fresh node per request, so a blank node
    split over two requests would become two nodes. ``labels[i]`` holds the blank node
    labels of ``triples[i]``.

    >>> bnode_groups(["a", "b", "c"], [frozenset({"x"}), frozenset(), frozenset({"x"})])
    [[0, 2], [1]]
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for labs in labels:
        if not labs:
            continue
        first, *rest = sorted(labs)
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[object, list[int]] = {}
    for i, labs in enumerate(labels):
        key: object = find(min(labs)) if labs else ("triple", i)
        groups.setdefault(key, []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def batches(groups: Iterable[list[int]], size: int) -> Iterator[list[int]]:
    """Pack groups of indexes into batches of about ``size`` (a group is never split).

    >>> list(batches([[0, 2], [1], [3]], 2))
    [[0, 2], [1, 3]]
    """
    batch: list[int] = []
    for group in groups:
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def _term_nt(term: object) -> str:
    return str(term)


class RemoteResult(QueryResult):
    """A result fetched from the server, re-serialised with pyoxigraph's writers."""

    def __init__(self, kind: str, body: bytes, media_type: str) -> None:
        self.kind = kind
        self._body = body
        self._media_type = media_type

    def serialize(self, media_type: str) -> bytes:
        """The result in ``media_type`` (converted by pyoxigraph from what the server sent)."""
        if self.kind == GRAPH:
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            if rdf_format is None:
                raise QueryError(f"cannot write a graph result as {media_type}")
            buf = io.BytesIO()
            ox.serialize(ox.parse(self._body, format=ox.RdfFormat.N_TRIPLES), buf, rdf_format)
            return buf.getvalue()
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is None:
            raise QueryError(f"cannot write a {self.kind} result as {media_type}")
        parsed = ox.parse_query_results(self._body, format=ox.QueryResultsFormat.JSON)
        buf = io.BytesIO()
        parsed.serialize(buf, results_format)
        return buf.getvalue()


class RemoteStore(Store):
    """A SPARQL 1.1 server as kg's store (Virtuoso, Fuseki, GraphDB, QLever, ...)."""

    #: Other writers (another kg ingest, the server's own tools) change it at any time.
    snapshot = False

    def __init__(
        self,
        spec: str,
        *,
        read_only: bool = False,
        settings: Settings,
        insert_batch: int = INSERT_BATCH,
    ) -> None:
        self.spec = spec
        self.read_only = read_only
        self.settings = settings
        self.query_url = endpoint_of(spec)
        self.update_url = update_endpoint_of(self.query_url, settings)
        if settings.remote_auth not in ("digest", "basic"):
            raise StoreError(
                f"KG_REMOTE_AUTH must be digest or basic, not {settings.remote_auth!r}"
            )
        self.insert_batch = insert_batch
        self.page_size = settings.remote_page_size
        self.ontology_graph = str(ONTOLOGY_IRI)
        self._scope_key = (self.query_url, settings.base_uri)

    # -- HTTP -------------------------------------------------------------------------

    def _wrapper(self, *, update: bool = False, timeout: float | None = None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        socket_timeout = self.settings.remote_timeout
        if timeout is not None:
            socket_timeout = min(socket_timeout, timeout + CLIENT_GRACE)
        wrapper.setTimeout(max(1, round(socket_timeout)))
        if update and self.settings.remote_user:
            wrapper.setHTTPAuth(DIGEST if self.settings.remote_auth == "digest" else BASIC)
            wrapper.setCredentials(self.settings.remote_user, self.settings.remote_password)
        return wrapper

    def _request(
        self,
        text: str,
        *,
        accept: str,
        dataset: QueryDataset | None = None,
        timeout: float | None = None,
        update: bool = False,
    ) -> bytes:
        """Send one query (or update) and return the body; every failure is a KgError."""
        wrapper = self._wrapper(update=update, timeout=timeout)
        wrapper.setQuery(text)
        if update and not wrapper.isSparqlUpdateRequest():
            raise QueryError("not a SPARQL Update request")
        if not update and wrapper.isSparqlUpdateRequest():
            raise QueryError("a SPARQL Update cannot be run as a query")
        if dataset is not None:
            _allow_response_headers(len(dataset.default_graph_uris) + len(dataset.named_graph_uris))
            for g in dataset.default_graph_uris:
                wrapper.addParameter("default-graph-uri", g)
            for g in dataset.named_graph_uris:
                wrapper.addParameter("named-graph-uri", g)
        if timeout is not None and not update:
            # Virtuoso's per-request limit, in milliseconds; other servers ignore it.
            wrapper.addParameter("timeout", str(max(1, int(timeout * 1000))))
        wrapper.addCustomHttpHeader("Accept", accept)
        target = self.update_url if update else self.query_url
        started = time.monotonic()
        try:
            response = wrapper.query().response
            body: bytes = response.read()
            headers = response.headers
        except KgError:
            raise
        except Exception as exc:
            raise _translate(exc, target, time.monotonic() - started) from None
        _check_headers(headers, target)
        return body

    # -- scope ------------------------------------------------------------------------

    def _in_scope(self, graph: str) -> bool:
        return graph.startswith(self.settings.base_uri) or graph == self.ontology_graph

    def _our_graphs(self) -> list[str]:
        """kg's graphs on the server (cached for :data:`GRAPH_LIST_TTL` seconds)."""
        with _SCOPE_LOCK:
            cached = _SCOPES.get(self._scope_key)
        if cached is not None and time.monotonic() - cached[0] < GRAPH_LIST_TTL:
            return cached[1]
        return self._remember(self._list_graphs())

    def _remember(self, graphs: list[str]) -> list[str]:
        with _SCOPE_LOCK:
            _SCOPES[self._scope_key] = (time.monotonic(), graphs)
        return graphs

    def _list_graphs(self) -> list[str]:
        """Page through the named graphs by key (``FILTER(STR(?g) > last)``), not OFFSET:
        Virtuoso refuses ORDER BY with an OFFSET past its ResultSetMaxRows."""
        found: list[str] = []
        last = ""
        while True:
            after = f"FILTER(STR(?g) > {_string(last)})" if last else ""
            rows = self._select_json(
                f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER(STRSTARTS(STR(?g), {_string(self.settings.base_uri)})
                       || STR(?g) = {_string(self.ontology_graph)}) {after} }}
                ORDER BY STR(?g) LIMIT {self.page_size}""",
                dataset=None,
            )
            page = [str(r["g"]) for r in rows]
            found.extend(page)
            if len(page) < self.page_size:
                return found
            last = page[-1]

    def _dataset_for(self, sparql: str, dataset: QueryDataset | None) -> QueryDataset:
        """The protocol dataset to send: the request's own, else the query's FROM /
        FROM NAMED, else the union of kg's graphs; always restricted to kg's graphs.

        Virtuoso 7.2 answers ``GRAPH <g>`` (or ``?g`` compared to ``<g>``) with one
        spurious solution when ``<g>`` is outside a declared dataset (ASK gives true, a
        COUNT gives 1), so every IRI the query names is also listed as a named graph:
        one that is not a graph is empty, as it should be.
        """
        own_dataset, iris = _query_iris(sparql)
        if dataset is None or not dataset.is_set:
            dataset = own_dataset
        ours = self._our_graphs()
        if dataset is not None and dataset.is_set:
            known = set(ours)
            default = tuple(g for g in dataset.default_graph_uris if self._in_scope(g))
            named = [g for g in dataset.named_graph_uris if self._in_scope(g)]
            named += sorted(i for i in iris if i not in known and i not in named)
            return QueryDataset(default or (EMPTY_GRAPH,), tuple(named) or (EMPTY_GRAPH,))
        extra = sorted(iris.difference(ours))
        return QueryDataset(tuple(ours) or (EMPTY_GRAPH,), (*ours, *extra) or (EMPTY_GRAPH,))

    def _clear_scope(self) -> None:
        with _SCOPE_LOCK:
            _SCOPES.pop(self._scope_key, None)

    # -- queries ----------------------------------------------------------------------

    def _select_json(self, sparql: str, dataset: QueryDataset | None) -> list[dict[str, Node]]:
        body = self._request(sparql, accept=_JSON, dataset=dataset)
        return _rows(body)

    def query(
        self, sparql: str, *, dataset: QueryDataset | None = None, timeout: float | None = None
    ) -> QueryResult:
        """Run a query on the server, scoped to kg's graphs; the server enforces
        ``timeout`` (Virtuoso) and the client gives up shortly after it."""
        kind = _kind(sparql)
        accept = _NTRIPLES if kind == GRAPH else _JSON
        scoped = self._dataset_for(sparql, dataset)
        body = self._request(sparql, accept=accept, dataset=scoped, timeout=timeout)
        if kind == GRAPH:
            _parse_triples(body, self.query_url)
        else:
            _parse_results(body, self.query_url)
        return RemoteResult(kind, body, accept)

    def select(self, sparql: str) -> list[dict[str, Node]]:
        """Rows of rdflib terms (``"x"^^xsd:string`` becomes ``Literal("x")``)."""
        if _kind(sparql) != SELECT:
            raise QueryError("not a SELECT query")
        return self._select_json(sparql, self._dataset_for(sparql, None))

    def ask(self, sparql: str) -> bool:
        """Boolean answer."""
        if _kind(sparql) != ASK:
            raise QueryError("not an ASK query")
        body = self._request(sparql, accept=_JSON, dataset=self._dataset_for(sparql, None))
        result = _parse_results(body, self.query_url)
        if not isinstance(result, ox.QueryBoolean):
            raise RemoteStoreError(f"{self.query_url} answered an ASK query without a boolean")
        return bool(result)

    def construct(self, sparql: str) -> Graph:
        """Graph answer as an rdflib Graph."""
        if _kind(sparql) != GRAPH:
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        body = self._request(sparql, accept=_NTRIPLES, dataset=self._dataset_for(sparql, None))
        g = Graph()
        for t in _parse_triples(body, self.query_url):
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g

    # -- writes -----------------------------------------------------------------------

    def update(self, sparql_update: str) -> None:
        """One SPARQL Update request, sent with the store's credentials."""
        self._writable()
        try:
            self._request(sparql_update, accept="*/*", update=True)
        finally:
            self._clear_scope()

    def graphs(self, prefix: str = "") -> list[str]:
        """kg's named graphs starting with ``prefix`` (read fresh, not from the cache)."""
        graphs = self._remember(self._list_graphs())
        return [g for g in graphs if g.startswith(prefix)]

    def replace_graphs(self, drop: Sequence[str], data: Dataset) -> None:
        """Drop ``drop`` and add every named graph of ``data``, atomically for readers.

        Up to ``insert_batch`` triples: one request ``DROP ...; INSERT DATA {...}``.
        More: the data is first written to staging graphs (``urn:x-kg:staging:...``,
        outside kg's scope, so no reader sees them), then one request drops the old
        graphs, ``ADD``s each staging graph to its target and drops the staging graphs.
        If anything fails before that last request, the staging graphs are dropped and
        the store is as it was.
        """
        self._writable()
        by_graph = _triples_by_graph(data)
        total = sum(len(t) for t in by_graph.values())
        drops = [f"DROP SILENT GRAPH <{g}>" for g in drop]
        try:
            if total <= self.insert_batch:
                ops = list(drops)
                if by_graph:
                    ops.append(_insert(by_graph))
                if ops:
                    self._request(" ;\n".join(ops), accept="*/*", update=True)
                return
            staging = {g: f"{STAGING_PREFIX}{uuid.uuid4()}" for g in by_graph}
            try:
                for g, triples in by_graph.items():
                    self._stage(staging[g], triples)
                swap = [*drops]
                for g, stage in staging.items():
                    swap += [
                        f"ADD SILENT GRAPH <{stage}> TO GRAPH <{g}>",
                        f"DROP SILENT GRAPH <{stage}>",
                    ]
                self._request(" ;\n".join(swap), accept="*/*", update=True)
            except KgError:
                self._drop_staging(staging.values())
                raise
        finally:
            self._clear_scope()

    def _stage(self, stage: str, triples: list[tuple[str, frozenset[str]]]) -> None:
        lines = [t for t, _ in triples]
        groups = bnode_groups(lines, [labels for _, labels in triples])
        for batch in batches(groups, self.insert_batch):
            self._request(_insert({stage: [triples[i] for i in batch]}), accept="*/*", update=True)

    def _drop_staging(self, stages: Iterable[str]) -> None:
        ops = [f"DROP SILENT GRAPH <{s}>" for s in stages]
        try:
            self._request(" ;\n".join(ops), accept="*/*", update=True)
        except KgError:
            return  # the server is gone; staging graphs are outside kg's scope anyway

    # -- dumps ------------------------------------------------------------------------

    def export(self, out: BinaryIO, fmt: str = "nq") -> None:
        """Every quad of kg's graphs, one graph at a time, paged with ORDER BY + LIMIT /
        OFFSET; the total is checked against :meth:`count_quads`, so a server-side row
        cap can never silently shorten a dump."""
        rdf_format = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}.get(fmt)
        if rdf_format is None:
            raise StoreError(f"unknown export format {fmt!r} (nq or trig)")
        expected = self.count_quads()
        written = 0
        for g in self._list_graphs():
            quads = list(self._graph_quads(g))
            written += len(quads)
            ox.serialize(quads, out, rdf_format)
        if written != expected:
            raise RemoteStoreError(
                f"export from {self.query_url} is incomplete: {written} of {expected} quads "
                "(the data changed during the export, or the server capped a page)"
            )

    def _graph_quads(self, graph: str) -> Iterator[ox.Quad]:
        name = ox.NamedNode(graph)
        offset = 0
        while True:
            rows = self._select_json(
                f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}
                ORDER BY ?s ?p ?o LIMIT {self.page_size} OFFSET {offset}""",
                dataset=QueryDataset((EMPTY_GRAPH,), (graph,)),
            )
            for r in rows:
                yield ox.Quad(to_ox(r["s"]), to_ox(r["p"]), to_ox(r["o"]), name)  # type: ignore[arg-type]
            if len(rows) < self.page_size:
                return
            offset += self.page_size

    def count_quads(self) -> int:
        """Number of quads in kg's graphs."""
        ours = tuple(self._list_graphs())
        if not ours:
            return 0
        rows = self._select_json(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            dataset=QueryDataset((EMPTY_GRAPH,), ours),
        )
        return int(str(rows[0]["n"])) if rows else 0

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")


# -- helpers ----------------------------------------------------------------------------

_HEADERS_LOCK = threading.Lock()


def _allow_response_headers(graphs: int) -> None:
    """Let Python's HTTP client read one response header per dataset graph.

    Virtuoso echoes every ``default-graph-uri`` / ``named-graph-uri`` of a request as an
    ``X-SPARQL-default-graph`` / ``X-SPARQL-named-graph`` response header, and
    ``http.client`` refuses a response with more than ``_MAXHEADERS`` (100) headers. The
    limit is a module global of the standard library with no public setter; it is only
    ever raised here, to what the request needs.
    """
    needed = 100 + graphs
    with _HEADERS_LOCK:
        if getattr(http.client, "_MAXHEADERS", 100) < needed:
            http.client._MAXHEADERS = needed  # type: ignore[attr-defined]


def _string(value: str) -> str:
    """A SPARQL string literal.

    >>> _string('a"b')
    '"a\\\\"b"'
    """
    return str(ox.Literal(value))


def _kind(sparql: str) -> str:
    """The result kind of a query, from SPARQLWrapper's reading of its form.

    >>> _kind("PREFIX a: <http://a/> CONSTRUCT WHERE { ?s ?p ?o }")
    'graph'
    """
    wrapper = SPARQLWrapper("http://127.0.0.1/")
    wrapper.setQuery(sparql)
    form = wrapper.queryType
    if form == "SELECT":
        return SELECT
    if form == "ASK":
        return ASK
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH
    raise QueryError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")


def _query_iris(sparql: str) -> tuple[QueryDataset | None, frozenset[str]]:
    """:func:`_parse_iris`, cached for short query texts (kg's own queries repeat)."""
    if len(sparql) <= CACHED_QUERY_LENGTH:
        return _cached_iris(sparql)
    return _parse_iris(sparql)


@functools.lru_cache(maxsize=256)
def _cached_iris(sparql: str) -> tuple[QueryDataset | None, frozenset[str]]:
    return _parse_iris(sparql)


def _parse_iris(sparql: str) -> tuple[QueryDataset | None, frozenset[str]]:
    """The query's own FROM / FROM NAMED graphs (None when it has none) and, when it
    uses GRAPH, every IRI it names. A query that rdflib cannot parse gives
    ``(None, frozenset())``: the server then judges it.

    >>> _parse_iris("SELECT * FROM <http://g/1> FROM NAMED <http://g/2> {?s ?p ?o}")[0]
    QueryDataset(default_graph_uris=('http://g/1',), named_graph_uris=('http://g/2',))
    >>> sorted(_parse_iris("PREFIX e: <http://e/> ASK { GRAPH e:g { ?s e:p ?o } }")[1])
    ['http://e/g', 'http://e/p']
    >>> _parse_iris("ASK {}")
    (None, frozenset())
    """
    if not re.search(r"(?i)\b(FROM|GRAPH)\b", sparql):
        return None, frozenset()
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(sparql)
        prologue = translatePrologue(parsed[0], None)
    except Exception:
        return None, frozenset()
    default: list[str] = []
    named: list[str] = []
    for clause in parsed[1].get("datasetClause") or ():
        for key, bucket in (("default", default), ("named", named)):
            if key in clause:
                bucket.append(str(prologue.absolutize(clause[key])))
    found: set[str] = set()
    if re.search(r"(?i)\bGRAPH\b", sparql):
        _collect_iris(parsed[1], prologue, found)
    own = QueryDataset(tuple(default), tuple(named)) if default or named else None
    return own, frozenset(found)


def _collect_iris(node: object, prologue: Any, found: set[str]) -> None:
    """Every IRI (and resolved prefixed name) in an rdflib parse tree."""
    if isinstance(node, CompValue):
        if node.name == "pname":
            found.add(str(prologue.absolutize(node)))
            return
        for value in node.values():
            _collect_iris(value, prologue, found)
    elif isinstance(node, URIRef):
        found.add(str(prologue.absolutize(node)))
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            _collect_iris(value, prologue, found)
    elif isinstance(node, dict):
        for value in node.values():
            _collect_iris(value, prologue, found)


def _triples_by_graph(data: Dataset) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """N-Triples lines (with their blank node labels) per named graph of ``data``."""
    by_graph: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for s, p, o, g in named_graph_quads(data):
        terms = [to_ox(t) for t in (s, p, o)]
        labels = frozenset(t.value for t in terms if isinstance(t, ox.BlankNode))
        line = " ".join(_term_nt(t) for t in terms) + " ."
        by_graph.setdefault(str(g), []).append((line, labels))
    return by_graph


def _insert(by_graph: dict[str, list[tuple[str, frozenset[str]]]]) -> str:
    """One insert operation: ``INSERT DATA``, or ``INSERT {...} WHERE {}`` when there are
    blank nodes (Virtuoso 7.2 refuses them in INSERT DATA; in a template each label is one
    fresh node for the whole request, SPARQL 1.1 Update §3.1.1).

    >>> print(_insert({"http://g": [("<a:s> <a:p> _:b .", frozenset({"b"}))]}))
    INSERT { GRAPH <http://g> {
    <a:s> <a:p> _:b .
    } } WHERE {}
    """
    blocks = "\n".join(
        f"GRAPH <{g}> {{\n" + "\n".join(t for t, _ in triples) + "\n}"
        for g, triples in by_graph.items()
    )
    if any(labels for triples in by_graph.values() for _, labels in triples):
        return f"INSERT {{ {blocks} }} WHERE {{}}"
    return f"INSERT DATA {{\n{blocks}\n}}"


def _parse_results(body: bytes, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise RemoteStoreError(f"{url} sent results kg cannot read: {exc}") from None


def _rows(body: bytes) -> list[dict[str, Node]]:
    return solution_rows(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def _parse_triples(body: bytes, url: str) -> list[ox.Triple]:
    try:
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as exc:
        raise RemoteStoreError(f"{url} sent a graph kg cannot read: {exc}") from None


def _check_headers(headers: http.client.HTTPMessage, url: str) -> None:
    """Refuse partial results: Virtuoso flags a row cap with ``X-SPARQL-MaxRows`` and an
    "anytime" result cut at its time limit with ``X-SQL-State``."""
    max_rows = headers.get("X-SPARQL-MaxRows")
    if max_rows:
        raise ResultTooLarge(
            f"the remote store {url} cut the result at its row limit of {max_rows} "
            "(Virtuoso's ResultSetMaxRows); add a LIMIT, or raise the server's limit"
        )
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "").strip()
        raise RemoteTimeout(
            f"the remote store {url} stopped the query at its time limit and returned "
            f"partial results, which kg refuses ({state}: {message})"
        )


def _server_text(exc: SPARQLWrapperException) -> str:
    """The first line of the server's error body (SPARQLWrapper keeps only its repr).

    >>> _server_text(QueryBadFormed(b"Virtuoso 37000 Error SP030: bad\\nmore"))
    'Virtuoso 37000 Error SP030: bad'
    """
    text = str(exc.args[0]) if exc.args else ""
    _, sep, raw = text.partition("Response:\n")
    if sep:
        try:
            body = ast.literal_eval(raw)
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        except (ValueError, SyntaxError):
            text = raw
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _translate(exc: Exception, url: str, elapsed: float) -> KgError:
    """A remote failure as kg's error: 400 for the query's own fault, 502 or 504 else."""
    if isinstance(exc, QueryBadFormed):
        text = _server_text(exc)
        if "Internal error" in text:
            # Virtuoso reports its own compiler faults as 400: not the query's fault.
            return RemoteStoreError(f"the remote store {url} failed on the query: {text}")
        return QueryError(f"the remote store refused the query: {text}")
    if isinstance(exc, Unauthorized):
        return RemoteStoreError(
            f"the remote store {url} refused the credentials (KG_REMOTE_USER, KG_REMOTE_PASSWORD)"
        )
    if isinstance(exc, EndPointNotFound):
        return RemoteStoreError(f"no SPARQL endpoint at {url} (404)")
    if isinstance(exc, URITooLong):
        return RemoteStoreError(f"the remote store {url} refused a request as too long (414)")
    if isinstance(exc, EndPointInternalError):
        text = _server_text(exc)
        if "estimated execution time" in text:
            # Virtuoso's MaxQueryCostEstimationTime: refused before it runs.
            return RemoteTimeout(f"the remote store {url} refused the query as too slow: {text}")
        if "S1T00" in text or "timed out" in text.lower() or "timeout" in text.lower():
            return RemoteTimeout(f"the remote store {url} stopped the query at its time limit")
        return RemoteStoreError(f"the remote store {url} failed: {text or 'error 500'}")
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in (408, 504):
            return RemoteTimeout(f"the remote store {url} timed out (HTTP {exc.code})")
        return RemoteStoreError(f"the remote store {url} answered HTTP {exc.code} {exc.reason}")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return RemoteTimeout(f"the remote store {url} did not answer within {elapsed:.0f} s")
    if isinstance(reason, OSError | http.client.HTTPException):
        return RemoteStoreError(
            f"cannot reach the remote store {url}: {getattr(reason, 'strerror', None) or reason}"
        )
    if isinstance(exc, SPARQLWrapperException):
        return RemoteStoreError(f"the remote store {url} failed: {_server_text(exc)}")
    return RemoteStoreError(f"the remote store {url} failed: {type(exc).__name__}")
