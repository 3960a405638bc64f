"""The embedded backend: pyoxigraph on disk (RocksDB).

The web process opens the store read-only; only ``kg ingest`` / ``kg load`` write.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.store.base import (
    ASK,
    GRAPH,
    SELECT,
    OxTerm,
    QueryDataset,
    QueryResult,
    Store,
    named_graph_quads,
)
from kg.store.convert import solution_rows, solution_terms, to_rdflib


class OxigraphResult(QueryResult):
    """A pyoxigraph query result."""

    def __init__(self, result: object) -> None:
        self._result = result
        if isinstance(result, ox.QuerySolutions):
            self.kind = SELECT
        elif isinstance(result, ox.QueryBoolean):
            self.kind = ASK
        else:
            self.kind = GRAPH

    def serialize(self, media_type: str) -> bytes:
        """Serialise with pyoxigraph's own writers."""
        if self.kind == GRAPH:
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            if rdf_format is None:
                raise QueryError(f"cannot write a graph result as {media_type}")
            out = self._result.serialize(format=rdf_format)  # type: ignore[attr-defined]
        else:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise QueryError(f"cannot write a {self.kind} result as {media_type}")
            out = self._result.serialize(format=results_format)  # type: ignore[attr-defined]
        return bytes(out)


def _dataset_kwargs(dataset: QueryDataset | None, query: str = "") -> dict[str, object]:
    from kg.sparql.safety import declares_dataset

    if dataset is None or not dataset.is_set:
        return {} if declares_dataset(query) else {"use_default_graph_as_union": True}
    kwargs: dict[str, object] = {}
    kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graph_uris]
    if dataset.named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graph_uris]
    return kwargs


class OxigraphStore(Store):
    """pyoxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: str | Path | None, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(
                        f"no store at {self.path}: run 'kg ingest data --store {self.path}' first"
                    )
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store (benchmarks and tests compare against it)."""
        return self._store

    def _run(self, sparql: str, dataset: QueryDataset | None = None) -> object:
        try:
            return self._store.query(sparql, **_dataset_kwargs(dataset, sparql))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except OSError as exc:
            raise StoreError(f"store failure: {exc}") from None
        except (ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def query(
        self, sparql: str, *, dataset: QueryDataset | None = None, timeout: float | None = None
    ) -> QueryResult:
        """Run a query; ``timeout`` is enforced by the caller (pyoxigraph cannot cancel)."""
        return OxigraphResult(self._run(sparql, dataset))

    def select(self, sparql: str) -> list[dict[str, Node]]:
        """Rows of rdflib terms."""
        return solution_rows(self._run(sparql))

    def select_terms(self, sparql: str) -> list[dict[str, OxTerm]]:
        """Rows of pyoxigraph terms, as the store gives them."""
        return solution_terms(self._run(sparql))

    def ask(self, sparql: str) -> bool:
        """Boolean answer."""
        result = self._run(sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("not an ASK query")
        return bool(result)

    def construct(self, sparql: str) -> Graph:
        """Graph answer as an rdflib Graph."""
        result = self._run(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        g = Graph()
        for t in result:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g

    def update(self, sparql_update: str) -> None:
        """Transactional SPARQL Update."""
        self._writable()
        try:
            self._store.update(sparql_update)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL Update syntax error: {exc}") from None
        except OSError as exc:
            raise StoreError(f"store failure: {exc}") from None

    def graphs(self, prefix: str = "") -> list[str]:
        """Named graphs starting with ``prefix``."""
        names = (g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(n for n in names if n.startswith(prefix))

    def replace_graphs(self, drop: Sequence[str], data: Dataset) -> None:
        """Drop and add in one transaction.

        Oxigraph applies one SPARQL Update request as one transaction (either all of it
        or nothing is written), so ``DROP`` + ``INSERT DATA`` in a single request gives
        the atomic replace the design asks for.
        """
        self._writable()
        graph_blocks = insert_data_blocks(data)
        ops = [f"DROP SILENT GRAPH <{g}>" for g in drop]
        if graph_blocks:
            ops.append("INSERT DATA {\n" + graph_blocks + "\n}")
        if not ops:
            return
        try:
            self._store.update(" ;\n".join(ops))
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"store write failed, nothing was written: {exc}") from None

    def replace_many(self, changes: Sequence[tuple[Sequence[str], Sequence[ox.Quad]]]) -> None:
        """Apply replacements in order; each is atomic.

        A run of changes whose graphs the store does not hold yet (nor an earlier change
        of the run) is added in one transaction: ``Store.extend`` writes all of it or
        nothing, and skips the SPARQL text. A change that replaces graphs the store holds
        is one update request, as in :meth:`replace_graphs`. The quads of a change must
        lie in the graphs it names.
        """
        self._writable()
        run: list[ox.Quad] = []
        named: set[str] = set()
        for drop, quads in changes:
            held = [
                g for g in drop if g in named or self._store.contains_named_graph(ox.NamedNode(g))
            ]
            if held:
                self._extend(run)
                run, named = [], set()
                self._update(_replace_text(drop, quads))
            else:
                run.extend(quads)
                named.update(drop)
        self._extend(run)

    def _extend(self, quads: list[ox.Quad]) -> None:
        if not quads:
            return
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(
                f"store write failed, nothing of this batch was written: {exc}"
            ) from None

    def _update(self, text: str) -> None:
        if not text:
            return
        try:
            self._store.update(text)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"store write failed, nothing was written: {exc}") from None

    def export(self, out: BinaryIO, fmt: str = "nq") -> None:
        """Whole dataset, streamed by pyoxigraph."""
        rdf_format = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]
        self._store.dump(out, format=rdf_format)

    def count_quads(self) -> int:
        """Number of quads."""
        return len(self._store)

    def flush(self) -> None:
        """Make writes durable."""
        if not self.read_only:
            self._store.flush()

    def close(self) -> None:
        """Flush and drop the handle, releasing the RocksDB lock (pyoxigraph has no
        explicit close: the lock goes with the last reference)."""
        if self._store is None:
            return
        self.flush()
        self._store = None  # type: ignore[assignment]

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")


def insert_data_blocks(data: Dataset) -> str:
    """The named graphs of ``data`` as ``GRAPH <g> { s p o . }`` blocks for INSERT DATA,
    written with rdflib's N-Triples term syntax (which SPARQL shares).

    >>> from rdflib import URIRef, Literal
    >>> ds = Dataset()
    >>> ds.graph(URIRef("a:g")).add((URIRef("a:s"), URIRef("a:p"), Literal('say "hi"')))
    <Graph identifier=a:g (<class 'rdflib.graph.Graph'>)>
    >>> print(insert_data_blocks(ds))
    GRAPH <a:g> {
    <a:s> <a:p> "say \\"hi\\"" .
    }
    """
    by_graph: dict[str, list[str]] = {}
    for s, p, o, g in named_graph_quads(data):
        by_graph.setdefault(g.n3(), []).append(f"{s.n3()} {p.n3()} {o.n3()} .")
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())


def _replace_text(drop: Sequence[str], quads: Sequence[ox.Quad]) -> str:
    """One SPARQL Update request that drops ``drop`` and inserts ``quads`` (pyoxigraph
    writes its terms in N-Triples syntax, which SPARQL shares).

    >>> q = ox.Quad(ox.NamedNode("a:s"), ox.NamedNode("a:p"), ox.Literal("x"), ox.NamedNode("a:g"))
    >>> print(_replace_text(["a:g"], [q]))
    DROP SILENT GRAPH <a:g> ;
    INSERT DATA {
    GRAPH <a:g> {
    <a:s> <a:p> "x" .
    }
    }
    """
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    ops = [f"DROP SILENT GRAPH <{g}>" for g in drop]
    if by_graph:
        blocks = "\n".join(
            f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items()
        )
        ops.append("INSERT DATA {\n" + blocks + "\n}")
    return " ;\n".join(ops)
