"""Ingest: files and folders -> validated source graphs in the store.

Each source is read, extracted, mapped, validated and then written with one atomic
replace of its graphs. A source that fails any stage stores nothing; the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from kg import __version__
from kg.errors import KgError, ValidationFailed
from kg.extraction import extract
from kg.extraction.authorities import AuthorityIndex, build_index
from kg.mapping import MappedSource, map_source
from kg.namespaces import CWA
from kg.rdf_files import ONTOLOGY_DIR, RDF_SUFFIXES, ontology_source, rdf_file_source
from kg.readers import RECORD_SUFFIXES, read_source
from kg.store.base import Store
from kg.validation import check


@dataclass
class SourceReport:
    """What happened to one source file."""

    path: str
    status: str  # stored | unchanged | rejected
    message: str = ""
    source_id: str | None = None
    quads: int = 0
    unreconciled: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    violations: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True unless the source was rejected."""
        return self.status != "rejected"


#: A validator takes the mapped source and raises ValidationFailed, or returns warnings.
Validator = Callable[[MappedSource, str, Graph | None], tuple[str, ...]]


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders into source files (records first, RDF files before them).

    RDF files (authorities, ontology) come first so that records can be reconciled
    against them; within each group the order is by path.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        else:
            files.append(p)
    suffixes = RECORD_SUFFIXES | RDF_SUFFIXES
    wanted = [f for f in files if f.suffix.lower() in suffixes or not f.exists()]
    yield from sorted((f for f in wanted if f.suffix.lower() in RDF_SUFFIXES), key=str)
    yield from (f for f in wanted if f.suffix.lower() not in RDF_SUFFIXES)


def authority_context(paths: Iterable[str | Path], base: str, store: Store | None = None) -> Graph:
    """The authority data that sources are reconciled and validated against: every RDF
    file under ``paths`` plus the RDF-file graphs already in ``store``, with IRIs under
    ``base``."""
    from kg.rdf_files import parse_rdf_file

    g = Graph()
    for path in discover(paths):
        if path.suffix.lower() in RDF_SUFFIXES and path.exists():
            try:
                g += parse_rdf_file(path, base)
            except KgError:
                continue
    if store is not None:
        g += store.construct(
            f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(STRSTARTS(STR(?g), "{base}graph/file/")
                   && !STRENDS(STR(?g), "/provenance")) }}"""
        )
    return g


def authority_index(context: Graph, base: str) -> AuthorityIndex:
    """The name index over an authority context graph."""
    return build_index(context, f"{base}id/")


def is_unchanged(store: Store, mapped: MappedSource) -> bool:
    """True when the store already holds this source, from the same bytes and the same
    version of kg (so re-ingesting changes nothing, not even timestamps)."""
    prov = mapped.provenance_graph
    q = f"""ASK {{ GRAPH <{prov}> {{
        ?g <{CWA.softwareVersion}> {Literal(__version__).n3()} ; <{CWA.sourceFile}> ?f .
        ?f <{DCTERMS.identifier}> {Literal(mapped.checksum).n3()} }} }}"""
    return store.ask(q)


def stored_graphs(store: Store, mapped: MappedSource) -> set[str]:
    """The graphs the store holds for this source: those its stored provenance record
    lists, and the provenance graph itself. One indexed lookup, whatever the store's size.
    """
    prov = mapped.provenance_graph
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{prov}> {{ ?g a <{CWA.SourceGraph}> }} }}"
    )
    return {str(row["g"]) for row in rows} | {prov}


def write_source(store: Store, mapped: MappedSource) -> None:
    """Replace every graph of the source with the mapped ones, atomically: the graphs it
    had before (a part the new mapping lacks is dropped too) and the new ones."""
    writer = Writer(store)
    writer.add(mapped)
    writer.flush()


class Writer:
    """Writes sources that passed the gate, each atomically, grouped per batch.

    :meth:`add` queues a record source (what to drop, what to add); :meth:`flush` hands
    the queue to :meth:`Store.replace_many`, which may write several new sources in one
    transaction (a source is still either wholly written or absent). RDF-file sources go
    through :meth:`Store.replace_graphs` at once, as they always did.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._changes: list[tuple[list[str], Sequence[ox.Quad]]] = []
        self._queued: set[str] = set()

    def add(self, mapped: MappedSource, quads: Sequence[ox.Quad] | None = None) -> None:
        """Queue ``mapped`` (``quads``: its quads already converted, else taken from
        ``mapped.quads``; a source without either is written now from its dataset)."""
        if quads is None and not mapped.quads:
            self.flush()
            old = set(mapped.graphs) | stored_graphs(self.store, mapped)
            self.store.replace_graphs(sorted(old), mapped.dataset)
            return
        if mapped.provenance_graph in self._queued:  # the same source twice: in order
            self.flush()
        old = set(mapped.graphs) | stored_graphs(self.store, mapped)
        self._changes.append((sorted(old), mapped.ox_quads if quads is None else quads))
        self._queued.add(mapped.provenance_graph)

    def flush(self) -> None:
        """Write everything queued."""
        if self._changes:
            changes, self._changes, self._queued = self._changes, [], set()
            self.store.replace_many(changes)


@dataclass(frozen=True)
class PreparedSource:
    """A source read, extracted and mapped, waiting for the gate."""

    path: Path
    mapped: MappedSource
    unreconciled: tuple[str, ...] = ()


def _rejected(path: Path, exc: KgError) -> SourceReport:
    if isinstance(exc, ValidationFailed):
        return SourceReport(str(path), "rejected", exc.message, violations=_violations(exc))
    message = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
    return SourceReport(str(path), "rejected", message)


def prepare_source(path: Path, base: str, index: AuthorityIndex) -> PreparedSource | SourceReport:
    """Read, extract and map one source; a rejection report if any stage fails."""
    try:
        if path == ONTOLOGY_DIR:
            return PreparedSource(path, ontology_source(base))
        if path.suffix.lower() in RDF_SUFFIXES:
            return PreparedSource(path, rdf_file_source(path, base))
        record = read_source(path)
        extraction = extract(record, index)
        return PreparedSource(path, map_source(record, extraction, base), extraction.unreconciled)
    except KgError as exc:
        return _rejected(path, exc)


def quad_count(mapped: MappedSource) -> int:
    """Number of quads of a mapped source."""
    if mapped.quads:
        return len(mapped.quads)
    return sum(1 for _ in mapped.dataset.quads((None, None, None, None)))


def finish_source(
    prepared: PreparedSource,
    store: Store | None,
    warnings: tuple[str, ...],
    unchanged: bool | None = None,
    writer: Writer | None = None,
) -> SourceReport:
    """Write a source that passed the gate, unless it is already stored unchanged
    (``unchanged`` when the caller has asked the store already). With ``writer`` the
    write is queued there (the caller flushes)."""
    mapped = prepared.mapped
    report = SourceReport(
        str(prepared.path),
        "stored",
        "",
        mapped.source_id,
        quad_count(mapped),
        prepared.unreconciled,
        warnings,
    )
    if store is None:
        report.status = "valid"
    elif unchanged if unchanged is not None else is_unchanged(store, mapped):
        report.status = "unchanged"
    elif writer is not None:
        writer.add(mapped)
    else:
        write_source(store, mapped)
    return report


def ingest_source(
    path: Path,
    store: Store | None,
    base: str,
    index: AuthorityIndex,
    validator: Validator | None = None,
    context: Graph | None = None,
) -> SourceReport:
    """Read, extract, map, validate and (when ``store`` is given) write one source."""
    prepared = prepare_source(path, base, index)
    if isinstance(prepared, SourceReport):
        return prepared
    try:
        warnings = validator(prepared.mapped, str(path), context) if validator else ()
    except KgError as exc:
        return _rejected(path, exc)
    return finish_source(prepared, store, tuple(warnings))


def _violations(exc: ValidationFailed) -> tuple[str, ...]:
    lines = getattr(exc.report, "lines", None)
    return tuple(lines) if lines else ()


def _gate_batch(
    batch: list[PreparedSource],
    store: Store | None,
    validator: Validator | None,
    context: Graph | None,
) -> list[SourceReport]:
    """Validate a batch of prepared sources (in one pyshacl pass when the validator can)
    and write each that passes. Sources already stored unchanged skip the gate."""
    reports: dict[int, SourceReport] = {}
    todo: list[tuple[int, PreparedSource]] = []
    writer = Writer(store) if store is not None else None
    for i, prepared in enumerate(batch):
        if store is not None and is_unchanged(store, prepared.mapped):
            reports[i] = finish_source(prepared, store, (), unchanged=True)
        else:
            todo.append((i, prepared))
    many = getattr(validator, "validate_many", None)
    if many is not None and len(todo) > 1:
        results = many([(p.mapped, str(p.path)) for _, p in todo], context)
        for (i, prepared), result in zip(todo, results, strict=True):
            try:
                warnings = check(result)
            except ValidationFailed as exc:
                reports[i] = _rejected(prepared.path, exc)
                continue
            reports[i] = finish_source(prepared, store, warnings, False, writer)
    else:
        for i, prepared in todo:
            try:
                warnings = (
                    validator(prepared.mapped, str(prepared.path), context) if validator else ()
                )
            except KgError as exc:
                reports[i] = _rejected(prepared.path, exc)
                continue
            reports[i] = finish_source(prepared, store, tuple(warnings), False, writer)
    if writer is not None:
        writer.flush()
    return [reports[i] for i in range(len(batch))]


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store | None,
    base: str,
    *,
    validator: Validator | None = None,
    batch_size: int = 50,
    jobs: int = 1,
) -> list[SourceReport]:
    """Ingest every source under ``paths``; with ``store=None`` nothing is written.

    Sources are prepared and validated in batches of ``batch_size`` (one SHACL pass per
    batch; a source with a violation is re-validated alone, so its rejection never depends
    on its neighbours) and written atomically (the new sources of a batch in one
    transaction).

    With ``jobs`` > 1, a store, kg's own :class:`~kg.validation.Validator` (or none) and
    more than one batch of records, the records are read, extracted, mapped and validated
    in ``jobs`` worker processes (:mod:`kg.ingest_pool`) while this process writes them in
    file order: the reports and the stored quads are the same as with ``jobs=1``.
    """
    paths = list(paths)
    context = authority_context(paths, base, store)
    index = authority_index(context, base)
    reports = [ingest_source(ONTOLOGY_DIR, store, base, index, validator, context)]
    files = list(discover(paths))
    records = [f for f in files if f.suffix.lower() not in RDF_SUFFIXES]
    if store is not None and jobs > 1 and len(records) > batch_size and _poolable(validator):
        rdf = files[: len(files) - len(records)]
        reports.extend(_ingest_batches(rdf, store, base, index, validator, context, batch_size))
        reports.extend(
            _ingest_parallel(records, store, base, index, validator, context, batch_size, jobs)
        )
        return reports
    reports.extend(_ingest_batches(files, store, base, index, validator, context, batch_size))
    return reports


def _ingest_batches(
    files: list[Path],
    store: Store | None,
    base: str,
    index: AuthorityIndex,
    validator: Validator | None,
    context: Graph,
    batch_size: int,
) -> list[SourceReport]:
    """Ingest ``files`` in this process, batch by batch."""
    reports: list[SourceReport] = []
    for start in range(0, len(files), batch_size):
        pending: list[PreparedSource] = []
        order: list[SourceReport | int] = []
        for path in files[start : start + batch_size]:
            prepared = prepare_source(path, base, index)
            if isinstance(prepared, SourceReport):
                order.append(prepared)
            else:
                order.append(len(pending))
                pending.append(prepared)
        gated = _gate_batch(pending, store, validator, context)
        reports.extend(gated[item] if isinstance(item, int) else item for item in order)
    return reports


def _poolable(validator: Validator | None) -> bool:
    """Workers rebuild the validator, so it must be kg's own with its default shapes."""
    from kg.validation import SHAPES_DIR
    from kg.validation import Validator as ShapesValidator

    return validator is None or (
        type(validator) is ShapesValidator
        and validator.shapes_dir == SHAPES_DIR
        and validator.ontology_dir == ONTOLOGY_DIR
    )


def _ingest_parallel(
    records: list[Path],
    store: Store,
    base: str,
    index: AuthorityIndex,
    validator: Validator | None,
    context: Graph,
    batch_size: int,
    jobs: int,
) -> list[SourceReport]:
    """Judge ``records`` in worker processes and write them here, in order."""
    from kg.ingest_pool import judged_sources, parse_nquads, stored_checksums

    reports: list[SourceReport] = []
    writer = Writer(store)
    judged = judged_sources(
        records,
        base,
        context,
        validate=validator is not None,
        skip=stored_checksums(store),
        jobs=jobs,
        chunk=batch_size,
    )
    for n, item in enumerate(judged, start=1):
        if item.report is not None:
            reports.append(item.report)  # type: ignore[arg-type]
        else:
            assert item.mapped is not None
            warnings: tuple[str, ...] = ()
            if is_unchanged(store, item.mapped):
                status = "unchanged"
            elif item.skipped:  # changed since the pool started: judge it here
                writer.flush()
                reports.append(ingest_source(item.path, store, base, index, validator, context))
                continue
            else:
                status, warnings = "stored", item.warnings
                writer.add(item.mapped, parse_nquads(item.nquads))
            reports.append(
                SourceReport(
                    str(item.path),
                    status,
                    "",
                    item.mapped.source_id,
                    item.quads,
                    item.unreconciled,
                    warnings,
                )
            )
        if n % batch_size == 0:
            writer.flush()
    writer.flush()
    return reports
