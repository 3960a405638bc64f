"""The store interface (DESIGN §8): one interface, two backends.

Writing a source replaces its graphs atomically: readers see each source either fully
old or fully new.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.store.convert import to_ox, to_rdflib

#: A pyoxigraph RDF term.
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

#: Result kinds of a SPARQL query.
SELECT, ASK, GRAPH = "select", "ask", "graph"


@dataclass(frozen=True)
class QueryDataset:
    """A protocol dataset (SPARQL 1.1 Protocol §2.1.4): overrides FROM / FROM NAMED."""

    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()

    @property
    def is_set(self) -> bool:
        """True when the request names any graph."""
        return bool(self.default_graph_uris or self.named_graph_uris)


class QueryResult(ABC):
    """The result of one query, serialisable in the formats of its kind."""

    kind: str

    @abstractmethod
    def serialize(self, media_type: str) -> bytes:
        """Serialise in a media type offered for this kind (see ``kg.sparql.formats``)."""


class Store(ABC):
    """A quad store that kg reads and writes."""

    read_only: bool = False
    #: True when no other process can change what this handle reads: answers computed
    #: from it stay true until it is written through (the web app's response cache).
    snapshot: bool = True

    @abstractmethod
    def query(
        self, sparql: str, *, dataset: QueryDataset | None = None, timeout: float | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs (or the protocol dataset)."""

    @abstractmethod
    def select(self, sparql: str) -> list[dict[str, Node]]:
        """Run a SELECT query and return rows of rdflib terms (unbound variables absent)."""

    def select_terms(self, sparql: str) -> list[dict[str, OxTerm]]:
        """The rows of :meth:`select` as pyoxigraph terms. A backend that has them natively
        skips rdflib, whose terms cost up to 9× the query to build (DESIGN §11)."""
        return [{k: to_ox(v) for k, v in row.items()} for row in self.select(sparql)]

    @abstractmethod
    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, sparql: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query into an rdflib Graph."""

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update (used only by ``/update`` and ``kg load``)."""

    @abstractmethod
    def graphs(self, prefix: str = "") -> list[str]:
        """Names of the named graphs whose IRI starts with ``prefix``."""

    @abstractmethod
    def replace_graphs(self, drop: Sequence[str], data: Dataset) -> None:
        """Atomically drop the graphs ``drop`` and add every named graph of ``data``."""

    def replace_many(self, changes: Sequence[tuple[Sequence[str], Sequence[ox.Quad]]]) -> None:
        """Apply several replacements in order, each atomically: drop the graphs it names
        and add its quads (which lie in those graphs). A backend may group them into
        fewer transactions; by default each is one :meth:`replace_graphs`."""
        for drop, quads in changes:
            data = Dataset()
            for q in quads:
                data.graph(str(to_rdflib(q.graph_name))).add(
                    (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                )
            self.replace_graphs(drop, data)

    @abstractmethod
    def export(self, out: BinaryIO, fmt: str = "nq") -> None:
        """Write the whole dataset as N-Quads (``nq``) or TriG (``trig``)."""

    @abstractmethod
    def count_quads(self) -> int:
        """Number of quads in the store."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store."""


def named_graph_quads(data: Dataset) -> Iterable[tuple[Node, Node, Node, Node]]:
    """The quads of every named graph of an rdflib Dataset (the default graph is ignored)."""
    for s, p, o, g in data.quads((None, None, None, None)):
        if g is not None and str(g) != "urn:x-rdflib:default":
            yield s, p, o, g
