"""Visual regression: the five pages a person reads most, at 375 px and 1280 px, against approved
screenshots in tests/functional/approved/.

A change to the CSS or a template that moves pixels fails here with the changed area drawn in
test-artifacts/visual/. If the change is wanted, look at the new screenshots there, then approve
them (and commit the images):

    APPROVE_SCREENSHOTS=1 make test PYTEST_ARGS="tests/functional/test_visual.py"

The pictures are kept stable: the clock is stopped at a fixed day (dates and "in 30 days" are
the same on every run), the browser's zone is Europe/London, animations and the caret are off,
the pointer rests outside the page, and the fonts are Debian's (fonts-noto-core, fonts-dejavu-core).
"""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, expect

from tests.functional.conftest import ARTIFACTS, LDN, _new_context

APPROVED = Path(__file__).resolve().parent / "approved"
DIFFS = ARTIFACTS / "visual"
#: The stopped clock: a Monday, in summer time in London.
FROZEN = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
WIDTHS = {"phone": 375, "desktop": 1280}
#: A pixel counts as changed when its lightness (0-255) moves by more than this (anti-aliasing
#: noise between runs on one machine is far smaller)...
CHANNEL_TOLERANCE = 40
#: ...and a page fails when more pixels than this change: a few hundred is a word; a ratings
#: bar alone is over a thousand.
PIXEL_TOLERANCE = 150


def _screen(page: Page) -> None:
    today = FROZEN.date()
    page.goto(LDN + "check/")
    page.get_by_label("Medicines and supplements you take").fill("tramadol 50 mg\ntramadoll")
    page.get_by_label("Health conditions").fill("Hashimoto's")
    page.get_by_label("I have surgery planned").check()
    page.get_by_label("Date of the surgery, if known").fill((today + datetime.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Check it for me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we found")


def _plan(page: Page) -> None:
    today = FROZEN.date()
    _screen(page)
    page.get_by_role("button", name="Make a start plan for Low-dose naltrexone (LDN)").click()
    page.get_by_label("When do you plan to start?").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Yes, I take opioid pain medicine every day").check()
    page.get_by_label("Opioid-free from (confirmed by your prescriber)").fill(
        (today + datetime.timedelta(days=50)).isoformat()
    )
    page.get_by_role("button", name="Make my plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your start plan")


PAGES: dict[str, Callable[[Page], object]] = {
    "home": lambda page: page.goto("/"),
    "ldn-overview": lambda page: page.goto(LDN),
    "ldn-research": lambda page: page.goto(LDN + "research/"),
    "screen-result": _screen,
    "plan": _plan,
}


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def sized_page(request, browser: Browser, live_site: str) -> Iterator[Page]:
    width = WIDTHS[request.param]
    phone = width < 500
    ctx = _new_context(
        browser, base_url=live_site, viewport={"width": width, "height": 800}, device_scale_factor=1,
        is_mobile=phone, has_touch=phone, timezone_id="Europe/London", locale="en-GB",
        reduced_motion="reduce",
        # The collapse test injects a <style> tag, which our Content-Security-Policy rightly
        # blocks; the pages themselves render the same either way.
        bypass_csp=True,
    )
    page = ctx.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    yield page
    ctx.close()


def capture(page: Page) -> Image.Image:
    """The whole page as it is now, with nothing that varies between runs."""
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate("() => document.fonts.ready")
    png = page.screenshot(full_page=True, animations="disabled", caret="hide", scale="css")
    # Kept in grey: a third of the size in the repository, and layout, bars and text all show in
    # lightness (colours here differ in lightness too: the harm red from the benefit green).
    return Image.open(io.BytesIO(png)).convert("L")


def changed_pixels(actual: Image.Image, approved: Image.Image) -> tuple[int, Image.Image | None]:
    """How many pixels differ beyond the channel tolerance, and a picture of where (or None)."""
    if actual.size != approved.size:
        return actual.width * actual.height, None
    difference = ImageChops.difference(actual, approved)
    mask = difference.point(lambda value: 255 if value > CHANNEL_TOLERANCE else 0)
    count = mask.histogram()[255]
    if not count:
        return 0, None
    marked = actual.convert("RGB")
    marked.paste((255, 0, 255), mask=mask)
    return count, marked


def check_against_approved(image: Image.Image, name: str) -> None:
    approved_path = APPROVED / f"{name}.png"
    DIFFS.mkdir(parents=True, exist_ok=True)
    image.save(DIFFS / f"{name}.actual.png", optimize=True)
    if os.environ.get("APPROVE_SCREENSHOTS") == "1":
        APPROVED.mkdir(parents=True, exist_ok=True)
        image.save(approved_path, optimize=True)
        return
    assert approved_path.exists(), (
        f"no approved screenshot {approved_path.name}: look at test-artifacts/visual/{name}.actual.png "
        "and approve it with APPROVE_SCREENSHOTS=1 (see this file's docstring)"
    )
    approved = Image.open(approved_path).convert("L")
    count, marked = changed_pixels(image, approved)
    if marked is not None:
        marked.save(DIFFS / f"{name}.diff.png", optimize=True)
    assert image.size == approved.size, (
        f"{name}: the page is {image.size[0]}x{image.size[1]} px, approved {approved.size[0]}x{approved.size[1]}; "
        f"see test-artifacts/visual/{name}.actual.png"
    )
    assert count <= PIXEL_TOLERANCE, (
        f"{name}: {count} pixels changed (tolerance {PIXEL_TOLERANCE}); "
        f"changes in magenta in test-artifacts/visual/{name}.diff.png"
    )


@pytest.mark.functional
@pytest.mark.parametrize("name", list(PAGES))
def test_page_looks_as_approved(sized_page: Page, name: str) -> None:
    # Arrange: the clock stopped, so every date on the page is the same on every run
    with time_machine.travel(FROZEN, tick=False):
        # Act
        PAGES[name](sized_page)
        image = capture(sized_page)

    # Assert
    check_against_approved(image, f"{name}-{sized_page.size_name}")  # type: ignore[attr-defined]


@pytest.mark.functional
@pytest.mark.parametrize(
    ("url", "collapse"),
    [
        (LDN, ".ratings-chart rect.rating-bar { width: 0 !important; }"),
        (LDN + "research/", ".evidence-map svg { width: 40px !important; height: auto !important; }"),
    ],
    ids=["ratings-bars", "evidence-map"],
)
def test_a_collapsed_chart_fails_the_comparison(sized_page: Page, url: str, collapse: str) -> None:
    # Arrange: the page as it is
    sized_page.goto(url)
    before = capture(sized_page)

    # Act: the CSS regression this check exists for (a site-wide rule squashing a chart)
    sized_page.add_style_tag(content=collapse)
    after = capture(sized_page)

    # Assert: the comparison sees it
    count, _ = changed_pixels(after, before)
    assert count > PIXEL_TOLERANCE, f"a collapsed chart changed only {count} pixels"
