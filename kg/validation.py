"""The SHACL gate (DESIGN §7): each source's graphs, with the ontology and the authority
data they reference, are validated before anything of that source is stored.

Shapes and ontology are parsed once per :class:`Validator`, not per document. Validation
is fast because of four choices, measured in ``benchmarks/validation.py`` and recorded in
``docs/decisions/0003-rdf-mapping-and-shapes.md``:

1. **Neighbourhood, not world.** The data graph holds the source's triples, the authority
   triples about nodes it references (two hops), the SKOS vocabularies, and the ontology's
   class hierarchy with every node's super-classes precomputed (no inference at run time).
2. **Two passes, each on the engine that suits it.** The core constraints run in pyshacl
   on an rdflib memory graph; the SHACL-SPARQL constraints run in pyshacl on an Oxigraph
   store (``pyshacl`` evaluates their queries with Oxigraph's engine).
3. **SPARQL checks only where they can fire.** Each shape with SPARQL constraints gets a
   SHACL-AF ``sh:SPARQLTarget`` made of its own constraint queries, so its focus nodes are
   only the nodes for which some constraint query has a solution. The constraints then run
   as written on those nodes: the results are the same, but a clean source costs one
   query per shape instead of one per node and constraint.
4. **Batches.** :meth:`Validator.validate_many` validates many sources in one pyshacl
   pass. Each source's nodes are aliased apart, so the batch is a disjoint union and every
   source is judged exactly as it would be alone; findings go back to their source through
   the alias. A source with a violation is validated again alone before it is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from kg.codegen import ONTOLOGY_DIR, ROOT
from kg.errors import ValidationFailed
from kg.mapping import MappedSource
from kg.shapes_plan import inline_vocabularies, plan
from kg.store.base import named_graph_quads
from kg.store.convert import to_ox

SHAPES_DIR = ROOT / "shapes"


@dataclass(frozen=True)
class Finding:
    """One validation result."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None = None
    """The shape of ``shapes/`` that made the finding (a property shape's node shape)."""

    def line(self, source: str) -> str:
        """One readable line: severity, source, focus node, path, value and message."""
        parts = [f"{self.severity}: {source}: {self.focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message}"


@dataclass(frozen=True)
class Report:
    """The findings for one source."""

    source: str
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        """Findings of severity Violation."""
        return tuple(f for f in self.findings if f.severity == "Violation")

    @property
    def lines(self) -> list[str]:
        """Each finding as one line."""
        return [f.line(self.source) for f in self.findings]


def _short(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return repr(str(node))
    return str(node)


class _OxigraphData(OxigraphDataGraph):  # type: ignore[misc,valid-type]
    """pyshacl's Oxigraph-backed data graph, always truthy: pyshacl tests a data graph's
    truth for every result it makes, and on Oxigraph that counts every quad."""

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class _Item:
    mapped: MappedSource
    source: str


class Validator:
    """Validates mapped sources against ``shapes/`` with the ontology and authorities."""

    def __init__(self, shapes_dir: Path = SHAPES_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> None:
        self.shapes_dir, self.ontology_dir = shapes_dir, ontology_dir
        self.shapes = Graph()
        for path in sorted(shapes_dir.glob("*.ttl")):
            self.shapes.parse(path, format="turtle")
        self.ontology = Graph()
        for path in sorted(ontology_dir.glob("*.ttl")):
            self.ontology.parse(path, format="turtle")
        self.superclasses = self._closure()
        self.vocabulary = Graph()
        for t in self.ontology.triples((None, RDFS.subClassOf, None)):
            self.vocabulary.add(t)
        for concept, scheme in self.ontology.subject_objects(SKOS.inScheme):
            self.vocabulary.add((concept, SKOS.inScheme, scheme))
            for t in self.ontology.triples((concept, RDF.type, None)):
                self.vocabulary.add(t)
        self.planned = plan(inline_vocabularies(self.shapes, self.vocabulary), closed=True)
        self._terms: dict[Node, Any] = {}
        self._vocabulary_quads = [
            ox.Quad(self._term(s), self._term(p), self._term(o)) for s, p, o in self.vocabulary
        ]
        self._context_key: tuple[int, int] | None = None
        self._context: dict[Node, list[tuple[Node, Node]]] = {}

    def _closure(self) -> dict[Node, frozenset[Node]]:
        """Every class of the ontology -> all its super-classes (precomputed once)."""
        parents: dict[Node, set[Node]] = {}
        for c, p in self.ontology.subject_objects(RDFS.subClassOf):
            parents.setdefault(c, set()).add(p)
        closure: dict[Node, frozenset[Node]] = {}
        for c in parents:
            seen: set[Node] = set()
            stack = list(parents[c])
            while stack:
                p = stack.pop()
                if p not in seen:
                    seen.add(p)
                    stack.extend(parents.get(p, ()))
            closure[c] = frozenset(seen)
        return closure

    def _term(self, node: Node) -> Any:
        term = self._terms.get(node)
        if term is None:
            term = self._terms[node] = to_ox(node)
        return term

    def _context_index(self, context: Graph) -> dict[Node, list[tuple[Node, Node]]]:
        """Subject -> its (predicate, object) pairs in ``context``, built once per graph."""
        key = (id(context), len(context))
        if self._context_key != key:
            index: dict[Node, list[tuple[Node, Node]]] = {}
            for s, p, o in context:
                index.setdefault(s, []).append((p, o))
            self._context_key, self._context = key, index
        return self._context

    def data_quads(
        self, datasets: Sequence[MappedSource], context: Graph | None, *, alias: bool = False
    ) -> list[ox.Quad]:
        """The triples to validate, as Oxigraph quads in the default graph: each source's
        triples with the context triples about the nodes it mentions (two hops), each
        typed node's super-classes, and the vocabularies and class hierarchy once.

        With ``alias``, every IRI under a source's base is suffixed with ``~kg-batch-N``
        (N the source's position), so that the sources of a batch share no node and each
        is validated exactly as it would be alone; :func:`_unalias` undoes it."""
        quads, text = self._data(datasets, context, alias)
        return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) + quads

    def _data(
        self, datasets: Sequence[MappedSource], context: Graph | None, alias: bool
    ) -> tuple[list[ox.Quad], bytes]:
        """:meth:`data_quads` in two parts: the added triples (context, super-classes,
        vocabularies) as quads, and the sources' own triples as N-Triples, aliased in the
        text (one regular expression per source instead of a Python call per term)."""
        index = self._context_index(context) if context is not None and len(context) else {}
        if len(self._terms) > _TERM_CACHE:  # keep the shared cache to the recurring terms
            self._terms.clear()
        term = self._term
        rdf_type, superclasses = RDF.type, self.superclasses
        quads: list[ox.Quad] = []
        texts: list[bytes] = []
        for n, mapped in enumerate(datasets):
            triples = [t[:3] for t in _quads(mapped)]
            own = len(triples)
            frontier = {t[0] for t in triples} | {t[2] for t in triples if isinstance(t[2], URIRef)}
            seen: set[Node] = set()
            for _ in range(2 if index else 0):
                nxt: set[Node] = set()
                for node in frontier - seen:
                    seen.add(node)
                    for p, o in index.get(node, ()):
                        triples.append((node, p, o))
                        if isinstance(o, URIRef):
                            nxt.add(o)
                frontier = nxt
            for s, p, o in [t for t in triples if t[1] == rdf_type]:
                for sup in superclasses.get(o, ()):
                    triples.append((s, p, sup))
            # The source's own quads come converted (shared with the writer) and go in as
            # text; the added context and class triples are converted here.
            extra = triples[own:]
            text = _GRAPH_TOKEN.sub(rb" .", mapped.nquads)
            if alias and mapped.base:
                suffix = f"{_ALIAS}{n}"
                text = _alias_text(text, mapped.base, suffix)
                aliased = _aliaser(mapped.base, suffix)
                quads.extend(
                    ox.Quad(aliased(term(s)), term(p), aliased(term(o))) for s, p, o in extra
                )
            else:
                quads.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in extra)
            texts.append(text)
        return quads + self._vocabulary_quads, b"".join(texts)

    def _run(self, data: tuple[list[ox.Quad], bytes]) -> list[Finding]:
        quads, text = data
        store = ox.Store()
        store.bulk_extend(quads)
        if text:
            store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
        _, results, _ = validate(
            _OxigraphData(store),
            shacl_graph=self.planned,
            inference="none",
            allow_warnings=True,
            advanced=True,
            inplace=True,
        )
        findings = []
        for r in results.subjects(SH.focusNode, None):
            sev = results.value(r, SH.resultSeverity)
            findings.append(
                Finding(
                    severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
                    focus=str(results.value(r, SH.focusNode)),
                    path=_short(results.value(r, SH.resultPath)),
                    value=_short(results.value(r, SH.value)),
                    message=str(results.value(r, SH.resultMessage) or "constraint not met"),
                    shape=_short(self._owner(results.value(r, SH.sourceShape))),
                )
            )
        return findings

    def _owner(self, shape: Node | None) -> Node | None:
        """The named shape a (blank) property shape belongs to."""
        while shape is not None and not isinstance(shape, URIRef):
            parent = self.shapes.value(None, SH.property, shape)
            if parent is None:
                return shape
            shape = parent
        return shape

    def validate_many(
        self, items: Sequence[tuple[MappedSource, str]], context: Graph | None = None
    ) -> list[Report]:
        """Validate many sources in one pyshacl pass; one report per item, in order, each
        the same as validating that source alone.

        The sources' nodes are aliased apart (see :meth:`data_quads`), so no source sees
        another's statements; each finding goes back to its source through the alias of
        its focus node. A source with a violation is validated again alone, so that its
        rejection never depends on the rest of the batch.
        """
        batch = [_Item(m, s) for m, s in items]
        if len(batch) <= 1:
            if not batch:
                return []
            findings = self._run(self._data([batch[0].mapped], context, False))
            return [_report(batch[0].source, findings)]
        data = self._data([item.mapped for item in batch], context, True)
        per_source: list[list[Finding]] = [[] for _ in batch]
        for f in self._run(data):
            owner, finding = _unalias(f)
            for n in [owner] if owner is not None else range(len(batch)):
                per_source[n].append(finding)
        reports = []
        for item, mine in zip(batch, per_source, strict=True):
            if any(f.severity == "Violation" for f in mine):
                reports.append(self.validate_many([(item.mapped, item.source)], context)[0])
            else:
                reports.append(_report(item.source, mine))
        return reports

    def report(self, mapped: MappedSource, source: str, context: Graph | None = None) -> Report:
        """Validate one mapped source with the authority ``context``; never raises on
        findings."""
        return self.validate_many([(mapped, source)], context)[0]

    def __call__(
        self, mapped: MappedSource, source: str = "", context: Graph | None = None
    ) -> tuple[str, ...]:
        """The ingest gate: raise :class:`ValidationFailed` on a violation, else return
        the warning lines."""
        report = self.report(mapped, source or mapped.source_id, context)
        return check(report)


_ALIAS = "~kg-batch-"
#: Entries of the shared rdflib -> Oxigraph term cache before it is emptied (the cache
#: holds IRIs from every source; without a bound it grows with the ingest).
_TERM_CACHE = 100_000
_ALIASED = re.compile(re.escape(_ALIAS) + r"(\d+)")


#: The graph name at the end of an N-Quads line.
_GRAPH_TOKEN = re.compile(rb" <[^<>]*> \.$", re.MULTILINE)


def _alias_text(text: bytes, base: str, suffix: str) -> bytes:
    """Suffix the subject and object IRIs under ``base`` in N-Triples text. Only whole
    IRI terms match: a subject opens its line and an object IRI closes it (a literal
    never ends in ``> .`` after a space), so no literal is touched.

    >>> _alias_text(b'<b:x> <p:p> <b:y> .\\n<b:x> <p:p> "<b:z> ." .\\n', "b:", "~1")
    b'<b:x~1> <p:p> <b:y~1> .\\n<b:x~1> <p:p> "<b:z> ." .\\n'
    """
    escaped = re.escape(base.encode())
    tail = suffix.encode()
    text = re.sub(rb"^<(" + escaped + rb"[^>]*)>", rb"<\1" + tail + rb">", text, flags=re.M)
    return re.sub(rb" <(" + escaped + rb"[^>]*)> \.$", rb" <\1" + tail + rb"> .", text, flags=re.M)


def _aliaser(base: str, suffix: str) -> Callable[[Any], Any]:
    """A converter that suffixes the IRIs under ``base`` (each distinct term once)."""
    done: dict[Any, Any] = {}

    def aliased(term: Any) -> Any:
        converted = done.get(term)
        if converted is None:
            converted = term
            if isinstance(term, ox.NamedNode):
                value = term.value
                if value.startswith(base):
                    converted = ox.NamedNode(value + suffix)
            done[term] = converted
        return converted

    return aliased


def _unalias(finding: Finding) -> tuple[int | None, Finding]:
    """The batch position a finding belongs to (None if its focus node is not a source's
    node), and the finding with every alias removed."""
    m = _ALIASED.search(finding.focus)
    owner = int(m.group(1)) if m else None

    def clean(text: str | None) -> str | None:
        return _ALIASED.sub("", text) if text is not None else None

    return owner, replace(
        finding,
        focus=clean(finding.focus) or "",
        value=clean(finding.value),
        message=clean(finding.message) or "",
    )


def _quads(mapped: MappedSource) -> Iterable[tuple[Node, Node, Node, Node]]:
    """The source's quads: the mapper's plain tuples when it kept them (much faster than
    iterating the rdflib Dataset), else the dataset's."""
    if mapped.quads:
        return mapped.quads
    return named_graph_quads(mapped.dataset)  # type: ignore[return-value]


def check(report: Report) -> tuple[str, ...]:
    """Raise :class:`ValidationFailed` when ``report`` has a violation, else return its
    lines (the warnings)."""
    if report.violations:
        raise ValidationFailed(
            f"{report.source}: rejected by the SHACL shapes "
            f"({len(report.violations)} violation(s))",
            report,
        )
    return tuple(report.lines)


def _report(source: str, findings: Iterable[Finding]) -> Report:
    unique = sorted(
        set(findings), key=lambda f: (f.severity != "Violation", f.focus, f.message, f.path or "")
    )
    return Report(source, tuple(unique))


__all__ = ["Finding", "Report", "Validator", "check"]
