"""The ingest-time precomputation behind the harvesting routes (``kg ingest`` calls
:func:`refresh_harvest` once, after every source is written).

1. Fingerprint the data (every graph but the VoID graph).
2. Keep the stored ``dcterms:modified`` when the fingerprint is unchanged; otherwise now.
3. Recompute the VoID statistics and rewrite the VoID graph only if it differs.
4. Rewrite the dumps and sitemaps only if the data or the description changed, or the
   files are missing.

So ingesting unchanged sources twice leaves the store byte-identical and the dumps as
they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.config import Settings
from kg.errors import KgError
from kg.harvest.dumps import (
    StagedDump,
    dumps_dir,
    is_current,
    manifest_for,
    read_manifest,
    remove_stale,
    write_dump,
    write_dumps,
    write_manifest,
)
from kg.harvest.fingerprint import data_fingerprint
from kg.harvest.sitemap import entity_pages, write_sitemaps
from kg.harvest.vocab import DCAT3
from kg.harvest.void import (
    DUMP_FORMATS,
    DescriptionInput,
    describe,
    description_iri,
    example_resources,
    store_stats,
    void_graph_iri,
)
from kg.store.base import Store


class HarvestError(KgError):
    """The dumps or sitemaps could not be written (the store itself is consistent)."""

    status = 500


@dataclass(frozen=True)
class HarvestReport:
    """What :func:`refresh_harvest` did."""

    triples: int
    modified: str
    description_written: bool
    dumps_written: bool


def now_iso() -> str:
    """The current UTC time as an xsd:dateTime, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stored_description(store: Store, base: str) -> Graph:
    """The VoID graph as stored (empty when there is none yet)."""
    return store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{void_graph_iri(base)}> {{ ?s ?p ?o }} }}"
    )


def description_digest(g: Graph) -> str:
    """A digest of a description's triples (it has no blank nodes).

    >>> description_digest(Graph()) == description_digest(Graph())
    True
    """
    lines = sorted(" ".join(term.n3() for term in triple) for triple in g)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def void_nquads(store: Store, meta: str) -> bytes:
    """The VoID graph as the store holds it, as sorted N-Quads lines (deterministic)."""
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{meta}> {{ ?s ?p ?o }} }}")
    tail = f" <{meta}> .".encode()
    lines = [
        line[: -len(b" .")] + tail
        for line in result.serialize("application/n-triples").splitlines()
        if line.endswith(b" .")
    ]
    return b"".join(line + b"\n" for line in sorted(lines))


def _stage(directory: Path) -> StagedDump | None:
    """The N-Quads dump to write during the fingerprint's read, or None when the folder
    is not writable (the store is still brought up to date; the dumps then fail below,
    with the message)."""
    try:
        return StagedDump(directory)
    except OSError:
        return None


def refresh_harvest(store: Store, settings: Settings) -> HarvestReport:
    """Bring the VoID graph, the dumps and the sitemaps up to date with the store.

    The store is read once for the fingerprint and the N-Quads dump together; the TriG
    dump is converted from the N-Quads file."""
    base = settings.base_uri
    meta = void_graph_iri(base)
    directory = dumps_dir(settings)
    staged = _stage(directory)
    try:
        version = data_fingerprint(store, meta, sink=staged)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    old = stored_description(store, base)
    ds = description_iri(base, "dataset")
    old_version = old.value(ds, DCAT3.version)
    old_modified = old.value(ds, DCTERMS.modified)
    if old_modified is not None and str(old_version) == version:
        modified = str(old_modified)
    else:
        modified = now_iso()
    try:
        info = DescriptionInput(
            base, modified, version, settings.license, tuple(example_resources(store, base))
        )
        description = describe(info, store_stats(store, base))
        written = set(description) != set(old)
        if written:
            data = Dataset()
            graph = data.graph(URIRef(meta))
            for triple in description:
                graph.add(triple)
            store.replace_graphs([meta], data)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise

    digest = description_digest(description)
    triples = store.count_quads()
    if is_current(directory, read_manifest(directory), version, digest):
        if staged is not None:
            staged.discard()
        return HarvestReport(triples, modified, written, False)
    try:
        if staged is None:
            dumps = write_dumps(store, directory)
        else:
            nquads = staged.finish(void_nquads(store, meta))
            dumps = [nquads] + [
                write_dump(store, directory, *spec, source=directory / nquads.file)
                for spec in DUMP_FORMATS[1:]
            ]
        sitemaps = write_sitemaps(entity_pages(store, base), directory, base)
        made = now_iso()
        manifest = manifest_for(dumps, sitemaps, version=version, description=digest, made=made)
        write_manifest(directory, manifest)
        remove_stale(directory, {d.file for d in dumps} | set(sitemaps))
    except OSError as exc:
        if staged is not None:
            staged.discard()
        raise HarvestError(
            f"cannot write the dumps to {directory}: {exc.strerror or exc}; the store is "
            "up to date, run 'kg ingest' again once the folder is writable"
        ) from None
    return HarvestReport(triples, modified, written, True)
