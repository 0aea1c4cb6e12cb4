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

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

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
def playwright_driver(django_db_setup, _async_orm_allowed) -> Iterator[Playwright]:
    # Depending on django_db_setup makes the driver stop before the test database is destroyed.
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
def sample_content_snapshot(django_db_setup, django_db_blocker) -> str:
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
def live_site(_async_orm_allowed, sample_content_snapshot: str, live_server) -> str:
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


def _new_context(browser: Browser, **options) -> BrowserContext:
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
    return context.new_page()


@pytest.fixture
def no_js_page(browser: Browser, live_site: str) -> Iterator[Page]:
    """A page in a context with JavaScript switched off, as some readers browse."""
    ctx = _new_context(
        browser, base_url=live_site, viewport={"width": 1280, "height": 800}, java_script_enabled=False
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
        device_scale_factor=2,
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
    """Save a PNG of ``page`` under test-artifacts/screenshots/ and return its path."""
    path = artifact_path(f"{name}.png")
    page.screenshot(path=str(path), full_page=full_page)
    return path
