"""Shared fixtures: a real pyoxigraph store with the bundled data, the real Flask app,
a live server on 127.0.0.1, and a click runner. Each test gets isolated data."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.harvest import refresh_harvest
from kg.ingest import ingest_paths
from kg.store.oxigraph import OxigraphStore
from kg.validation import Validator
from kg.web import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "sources" / "000_433681a86fbd4be3.txt"
BASE = "http://127.0.0.1:5000/"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def validator() -> Validator:
    """The SHACL gate with the bundled authorities (shapes parsed once per session)."""
    return Validator()


@pytest.fixture(scope="session")
def seeded_store_dir(tmp_path_factory: pytest.TempPathFactory, validator: Validator) -> Path:
    """An on-disk store with ``data/`` ingested, built once per session (read it only)."""
    path = tmp_path_factory.mktemp("store") / "store"
    store = OxigraphStore(path)
    reports = ingest_paths([DATA], store, BASE, validator=validator)
    assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
    refresh_harvest(store, Settings(store=str(path), base_uri=BASE))  # as `kg ingest` does
    store.close()
    del store
    return path


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """An empty store location for one test."""
    return tmp_path / "store"


@pytest.fixture(scope="session")
def app(seeded_store_dir: Path) -> Flask:
    """The real app over the seeded store, opened read-only as ``kg serve`` does."""
    return create_app(Settings(store=str(seeded_store_dir), base_uri=BASE))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Click's runner for the ``kg`` command."""
    return CliRunner()


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served by waitress on a free 127.0.0.1 port; yields its root URL."""
    from waitress.server import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
