"""Pytest plugin: a private Virtuoso per session, and a kg store seeded on it.

Load it with ``pytest_plugins = ["tests.conftest_virtuoso"]``. Tests that use these
fixtures are skipped, with the reason, only where Virtuoso is not installed.

The shared instance caps results at :data:`SERVER_MAX_ROWS` (far below Virtuoso's default
10,000) so that the small bundled data set is enough to prove a capped result fails
loudly and that kg's paging stays under the cap (``PAGE_SIZE`` in :mod:`tests.virtuoso`).

PYTEST_DONT_REWRITE: ``--doctest-modules`` imports this file before the test modules name
it in ``pytest_plugins``, too late for assertion rewriting (pytest would warn, and
warnings are errors here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.harvest.refresh import refresh_harvest
from kg.ingest import ingest_paths
from kg.store.remote import RemoteStore
from kg.validation import Validator
from tests.conftest import BASE, DATA
from tests.virtuoso import SERVER_MAX_ROWS, VirtuosoServer, available, remote_settings


def start_virtuoso(workdir: Path) -> VirtuosoServer:
    """Start a private Virtuoso in ``workdir``, or skip the test if none is installed."""
    reason = available()
    if reason:
        pytest.skip(f"Virtuoso tests need Debian's virtuoso-opensource: {reason}")
    return VirtuosoServer(workdir, result_set_max_rows=SERVER_MAX_ROWS).start()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso for the whole session, on free 127.0.0.1 ports."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture
def fresh_virtuoso(tmp_path: Path) -> Iterator[VirtuosoServer]:
    """A Virtuoso of this test's own (for tests that kill or stop it)."""
    server = start_virtuoso(tmp_path / "virtuoso")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def seeded_remote(virtuoso: VirtuosoServer, validator: Validator) -> str:
    """The store spec of the shared Virtuoso with ``data/`` ingested (read it only)."""
    settings = remote_settings(virtuoso, dumps_dir=str(virtuoso.workdir / "dumps"))
    store = RemoteStore(virtuoso.store_spec, settings=settings)
    reports = ingest_paths([DATA], store, BASE, validator=validator)
    assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
    refresh_harvest(store, settings)  # as `kg ingest` does (the VoID graph and dumps)
    return virtuoso.store_spec
