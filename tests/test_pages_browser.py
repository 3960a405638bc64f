"""Entity pages in headless Chromium (Debian's ``/usr/bin/chromium`` driven by Playwright)
against live servers on 127.0.0.1: linked mentions work, and the console shows no errors
(CSP violations are console errors)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium_context, error_tab, needs_chromium
from tests.conftest import free_port
from tests.fixtures.model import SEED_DOC, model_app

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def model_server() -> Iterator[str]:
    """The app over the model fixtures, served by waitress on a free 127.0.0.1 port."""
    from waitress.server import create_server

    server = create_server(model_app(), host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[attr-defined]
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    """One headless Chromium and context for the module (cheaper than one per test)."""
    with chromium_context() as ctx:
        yield ctx


@pytest.fixture
def tab(context: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list its console errors and page errors go to."""
    with error_tab(context) as page_and_errors:
        yield page_and_errors


def test_document_page_mentions_lead_to_their_entities(
    model_server: str, tab: tuple[Any, list[str]]
) -> None:
    page, errors = tab
    resp = page.goto(f"{model_server}/id/{SEED_DOC}")  # through the 303
    assert resp is not None and resp.status == 200
    assert page.url == f"{model_server}/page/{SEED_DOC}"
    mentions = page.locator(".document-text a.mention")
    assert mentions.count() == 21
    hrefs = mentions.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith("/page/") for h in hrefs)
    # The text is laid out (pre-wrap) and the mention is visible and styled.
    first = page.locator('.document-text a.mention[href="/page/person/choe-chang-ik"]')
    assert first.is_visible()
    assert first.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
    first.click()
    page.wait_for_url(f"{model_server}/page/person/choe-chang-ik")
    assert page.locator("h1").inner_text() == "Choe Chang-ik"
    assert errors == []


def test_person_page_links_back_to_documents(model_server: str, tab: tuple[Any, list[str]]) -> None:
    page, errors = tab
    page.goto(f"{model_server}/page/person/anastas-mikoyan")
    assert page.locator("h1").inner_text() == "Anastas Mikoyan"
    assert page.locator("#meetings ol.timeline li").count() >= 1
    page.locator("#mentioned-in a").first.click()
    page.wait_for_url(f"{model_server}/page/{SEED_DOC}")
    assert page.locator('a.mention[href="/page/person/anastas-mikoyan"]').count() == 2
    assert errors == []


def test_hostile_record_runs_no_script(model_server: str, tab: tuple[Any, list[str]]) -> None:
    page, errors = tab
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{model_server}/page/document/hostile-1")
    assert "<script>alert('text')</script>" in page.locator(".document-text .text").inner_text()
    assert page.locator("img").count() == 0
    assert dialogs == [] and errors == []
    # The console check does see CSP violations: an injected inline script is refused.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("Content Security Policy" in e for e in errors), errors


def test_real_seed_document_page_has_no_console_errors(
    live_server: str, tab: tuple[Any, list[str]]
) -> None:
    page, errors = tab
    resp = page.goto(f"{live_server}/id/document/garf-5446-98-721-l27")
    assert resp is not None and resp.status == 200
    assert "Minutes of the Meeting" in page.locator("h1").inner_text()
    assert page.locator(".breadcrumb li").count() >= 4
    for href in page.locator("a.mention").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    ):
        assert href.startswith("/page/")
    assert errors == []
