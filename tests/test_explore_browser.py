"""The timeline and the "who met whom" network in headless Chromium (Debian's
``/usr/bin/chromium`` driven by Playwright) against the live server over the seeded store:
the views draw the seed's facts, /explore filters by date, and the console shows no errors
(CSP violations are console errors).

The screenshots go to a temporary folder; with ``KG_SCREENSHOTS=1`` they replace those in
``docs/screenshots/`` (``KG_SCREENSHOTS=1 pytest tests/test_explore_browser.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium_context, error_tab, needs_chromium
from tests.conftest import ROOT

SHOTS = ROOT / "docs" / "screenshots"
MEETING = "meeting/1956-09-22-at-kim-il-sung"
READY = '[data-state="ready"]'

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    """One headless Chromium and context for the module."""
    with chromium_context(viewport={"width": 1200, "height": 900}) as ctx:
        yield ctx


@pytest.fixture
def tab(context: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list its console errors and page errors go to."""
    with error_tab(context) as page_and_errors:
        yield page_and_errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/screenshots/ when asked for, else a temporary folder."""
    if os.environ.get("KG_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS
    return tmp_path_factory.mktemp("screenshots")


def shoot(page: Any, selector: str, path: Path) -> Path:
    """Screenshot of the element ``selector`` into ``path``."""
    page.locator(selector).screenshot(path=str(path))
    return path


def test_meeting_page_network_shows_the_eight_participants(
    live_server: str, tab: tuple[Any, list[str]], shots: Path
) -> None:
    page, errors = tab
    page.goto(f"{live_server}/page/{MEETING}")
    net = page.locator(f".viz-network{READY}")
    net.wait_for()
    assert net.get_attribute("data-rendered-nodes") == "8"
    assert net.get_attribute("data-rendered-edges") == "28"
    # Cytoscape draws on canvases inside the container, which has a size.
    assert page.locator(".viz-network canvas").count() >= 1
    assert net.bounding_box()["height"] > 200
    labels = page.evaluate(
        "() => document.querySelector('.viz-network').kgCy.nodes().map(n => n.data('label')).sort()"
    )
    assert "Kim Il Sung" in labels and "Peng Dehuai" in labels and len(labels) == 8
    # The list of participants is still there for readers without JavaScript.
    assert page.locator("table.participants tbody tr").count() == 8
    png = shoot(page, "#views", shots / "meeting-network.png")
    assert png.stat().st_size > 5000
    # Clicking a node (a real mouse click where cytoscape drew it) opens the person's page.
    pos = page.evaluate(
        "() => document.querySelector('.viz-network').kgCy"
        ".getElementById('http://127.0.0.1:5000/id/person/nam-il').renderedPosition()"
    )
    box = net.bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_url(f"{live_server}/page/person/nam-il")
    assert page.locator("h1").inner_text() == "Nam Il"
    assert errors == []


def test_kim_il_sung_timeline_shows_the_22_september_meeting(
    live_server: str, tab: tuple[Any, list[str]], shots: Path
) -> None:
    page, errors = tab
    page.goto(f"{live_server}/page/person/kim-il-sung")
    page.locator(f".viz-timeline{READY}").wait_for()
    assert page.locator(".viz-timeline").get_attribute("data-rendered-items") == "2"
    item = page.locator(".viz-timeline .vis-item", has_text="22 September 1956")
    assert item.count() == 1 and item.is_visible()
    meeting = item.locator("a.tl-meeting")
    assert meeting.get_attribute("href") == f"/page/{MEETING}"
    doc = item.locator("a.tl-document")
    assert doc.get_attribute("href") == "/page/document/garf-5446-98-721-l27"
    page.locator(f".viz-network{READY}").wait_for()
    png = shoot(page, "#views", shots / "person-timeline.png")
    assert png.stat().st_size > 5000
    meeting.click()
    page.wait_for_url(f"{live_server}/page/{MEETING}")
    assert errors == []


def test_explore_filters_by_date(live_server: str, tab: tuple[Any, list[str]]) -> None:
    page, errors = tab
    page.goto(f"{live_server}/explore")
    timeline = page.locator(".viz-timeline")
    network = page.locator(".viz-network")
    page.locator(f".viz-timeline{READY}").wait_for()
    page.locator(f".viz-network{READY}").wait_for()
    assert timeline.get_attribute("data-rendered-items") == "4"
    assert page.locator(".viz-timeline .vis-item", has_text="22 September 1956").count() == 1
    assert network.get_attribute("data-rendered-nodes") == "8"
    # The lists are hidden once the views are drawn.
    assert not page.locator("[data-static-list]").first.is_visible()

    page.fill("input[name=from]", "1950")
    page.fill("input[name=to]", "1955-12-31")
    page.click("form[data-explore-form] button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('form[data-explore-form]')"
        ".getAttribute('data-state') === 'ready'"
    )
    assert timeline.get_attribute("data-rendered-items") == "0"
    assert page.locator(".viz-timeline .vis-item").count() == 0
    assert network.get_attribute("data-rendered-nodes") == "0"
    assert page.url.endswith("/explore?from=1950&to=1955-12-31")

    page.fill("input[name=from]", "1956-09-21")
    page.fill("input[name=to]", "")
    page.click("form[data-explore-form] button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('.viz-timeline').getAttribute('data-rendered-items') === '2'"
    )
    assert page.locator(".viz-timeline .vis-item", has_text="22 September 1956").count() == 1
    page.locator(f".viz-network{READY}").wait_for()
    assert network.get_attribute("data-rendered-nodes") == "8"
    assert errors == []


def test_explore_without_a_valid_date_reports_it(
    live_server: str, tab: tuple[Any, list[str]]
) -> None:
    page, _ = tab
    resp = page.goto(f"{live_server}/explore?from=1956-02-30")
    assert resp is not None and resp.status == 400
    assert "from: '1956-02-30' is not a date" in page.content()
