"""Sitemaps of the entity pages (sitemaps.org protocol 0.9), written at ingest time.

One file holds at most 50,000 URLs (protocol §"Sitemap file format"); with more pages,
``sitemap.xml`` becomes a sitemap index pointing at ``sitemap-1.xml``, ``sitemap-2.xml``, ...
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from kg.harvest.void import entity_space
from kg.store.base import Store

#: The protocol's limit of URLs per sitemap file (and of sitemaps per index).
SITEMAP_LIMIT = 50_000
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def entity_pages(store: Store, base: str) -> list[str]:
    """The ``/page/...`` URL of every entity (subject IRI under ``{base}id/``), sorted.

    Sorted here rather than by ``ORDER BY``, which pyoxigraph's on-disk store makes
    about 15 times slower than the query itself (measured: 39 s against 2.6 s for 10,000
    entities in 100,000 quads).
    """
    space = entity_space(base)
    query = f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}")) }}"""
    iris = [row["s"].value for row in store.select_terms(query)]  # no rdflib terms
    return sorted(f"{base}page/{iri[len(space) :]}" for iri in iris)


def urlset(urls: Sequence[str]) -> str:
    """One sitemap file.

    >>> print(urlset(["http://x.org/page/a&b"]))
    <?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>http://x.org/page/a&amp;b</loc></url>
    </urlset>
    """
    body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NS}">\n{body}</urlset>'


def sitemap_index(locations: Sequence[str]) -> str:
    """A sitemap index file."""
    body = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>\n" for u in locations)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_NS}">\n'
        f"{body}</sitemapindex>"
    )


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def write_sitemaps(
    urls: Sequence[str], directory: Path, base: str, *, limit: int = SITEMAP_LIMIT
) -> list[str]:
    """Write ``sitemap.xml`` (and its parts when there are more than ``limit`` URLs);
    return the file names written."""
    directory.mkdir(parents=True, exist_ok=True)
    if len(urls) <= limit:
        _write(directory / "sitemap.xml", urlset(urls))
        return ["sitemap.xml"]
    parts = [urls[i : i + limit] for i in range(0, len(urls), limit)]
    if len(parts) > SITEMAP_LIMIT:
        raise ValueError(f"{len(urls)} entity pages do not fit one sitemap index")
    names = [f"sitemap-{i}.xml" for i in range(1, len(parts) + 1)]
    for name, part in zip(names, parts, strict=True):
        _write(directory / name, urlset(part))
    _write(directory / "sitemap.xml", sitemap_index([f"{base}{n}" for n in names]))
    return ["sitemap.xml", *names]
