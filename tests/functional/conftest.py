"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

How the database is handled: ``live_server`` makes every test transactional, and a transactional
test empties the whole database when it ends, including what Wagtail's migrations created (the
root page, the default site, the Editors and Moderators groups) that the sample content builds on,
so ``load_sample_content()`` alone cannot rebuild it. Django's own serialized rollback would put
the migrated state back, but it keeps its snapshot on the database connection object, and while
Playwright's event loop runs in this thread Django hands out different (context-local)
connection objects that lack it. So ``sample_content_snapshot`` serializes the database once,
sample content included, and ``live_site`` restores it before each browser test.

Chromium is never downloaded: Playwright launches ``/usr/bin/chromium`` with networking features
switched off, because this machine is offline and the test run must not reach the network.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LDN = "/therapies/low-dose-naltrexone/"
LDN_SUBPAGES = {
    "overview": LDN,
    "research": LDN + "research/",
    "safety": LDN + "safety/",
    "expert-use": LDN + "expert-use/",
    "professionals": LDN + "professionals/",
    "costs": LDN + "costs/",
    "references": LDN + "references/",
}
# Playwright's default is 30 s; a page of this site renders in well under a second, so a shorter
# wait makes a broken selector fail fast instead of eating the run's time budget.
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def _async_orm_allowed() -> Iterator[None]:
    """Let the ORM run while Playwright's sync API keeps an asyncio loop in this thread.

    Django refuses ORM calls from a thread with a running event loop because in an async server
    they would block it; here the loop is Playwright's and the calls (loading content, the
    database flush between tests) are meant to block. Set only while the browser is alive.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def playwright_driver(django_db_setup: None, _async_orm_allowed: None) -> Iterator[Playwright]:
    """Playwright's driver process, started once per run.

    It depends on ``django_db_setup`` so it stops before the test database is destroyed, and
    Django's teardown then runs without Playwright's event loop in the thread.
    """
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole run; each test gets its own context."""
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def sample_content_snapshot(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> str:
    """The whole test database with the sample content loaded, serialized once per run.

    Restoring this before each browser test takes a fraction of a second, where rebuilding the
    content with Wagtail's page and revision machinery takes several.
    """
    from django.db import connection

    from carechoices.demo.loader import load_sample_content

    with django_db_blocker.unblock():
        load_sample_content()
        snapshot = json.loads(connection.creation.serialize_db_to_string())
    # Content types go first: building a Wagtail page or task object during deserialization looks
    # its content type up and, if the row is not back yet, inserts a new one that then collides.
    snapshot.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(snapshot)


@pytest.fixture
def live_site(
    _async_orm_allowed: None, sample_content_snapshot: str, live_server: LiveServer
) -> str:
    """The live server's base URL, serving the sample content (LDN review, glossary, people)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from carechoices.demo.loader import load_sample_content

    # The previous browser test's teardown emptied the database and let post_migrate recreate
    # content types and permissions under new ids; clear those so the snapshot's ids come back.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(sample_content_snapshot)
    report = load_sample_content()
    assert not report.changed, f"the restored snapshot lacked sample content: {report.created}"
    return live_server.url


def _new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context with this suite's short default timeout."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, live_site: str) -> Iterator[BrowserContext]:
    """A fresh desktop-sized context (1280x800) whose relative URLs go to the live server."""
    ctx = _new_context(browser, base_url=live_site, viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page in the desktop context."""
    return context.new_page()


@pytest.fixture
def no_js_page(browser: Browser, live_site: str) -> Iterator[Page]:
    """A page in a context with JavaScript switched off, as some readers browse."""
    ctx = _new_context(
        browser,
        base_url=live_site,
        viewport={"width": 1280, "height": 800},
        java_script_enabled=False,
    )
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def phone_page(browser: Browser, live_site: str) -> Iterator[Page]:
    """A page the size of a small phone (375x812, touch, mobile viewport meta honoured)."""
    ctx = _new_context(
        browser,
        base_url=live_site,
        viewport={"width": 375, "height": 812},
        device_scale_factor=1,  # 2 would be truer to a phone but quadruples screenshot time
        is_mobile=True,
        has_touch=True,
    )
    yield ctx.new_page()
    ctx.close()


def artifact_path(name: str, folder: Path = SCREENSHOTS) -> Path:
    """Where a screenshot or PDF called ``name`` is saved (folders created on demand)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` under test-artifacts/screenshots/ and return its path.

    Full pages are saved as JPEG: at these heights Chromium encodes JPEG about three times
    faster than PNG, and the run has a time budget. Viewport shots stay PNG.
    """
    if full_page:
        path = artifact_path(f"{name}.jpg")
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=85)
    else:
        path = artifact_path(f"{name}.png")
        page.screenshot(path=str(path))
    return path


def normalise_text(text: str) -> str:
    """Text as a reader sees it: ligatures split (PDF text uses them), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(pdf: bytes) -> str:
    """The normalised text of every page of a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    return normalise_text(" ".join(page.extract_text() or "" for page in reader.pages))


def tab_until(page: Page, selector: str, *, max_presses: int = 40) -> int:
    """Press Tab until the focused element matches ``selector``; return how many presses it took.

    Fails if focus never gets there, which is itself a keyboard-access bug.
    """
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement.matches(sel)", selector):
            return presses
    raise AssertionError(f"{max_presses} presses of Tab never focused {selector!r}")
