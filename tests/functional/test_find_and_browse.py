"""A newcomer on a phone finds LDN by typing "ldn", opens it, then browses by cancer type;
the therapy index filters with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import screenshot
from tests.functional.test_phone import OVERFLOWING_JS


@pytest.fixture(autouse=True)
def _search_index(live_site):
    """The snapshot restore brings back the rows, not SQLite's full-text index: rebuild it."""
    from django.core.management import call_command

    call_command("update_index", verbosity=0)


@pytest.mark.functional
def test_phone_user_searches_ldn_opens_it_and_browses_by_cancer_type(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_label("Search therapies, cancer types, terms and studies").fill("ldn")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=ldn$"))
    therapies = page.locator("section.search-group", has=page.get_by_role("heading", name=re.compile("^Therapies")))
    first = therapies.locator("li.search-hit").first
    expect(first.get_by_role("link", name="Low-dose naltrexone (LDN)")).to_be_visible()
    expect(first.locator("mark").first).to_have_text(re.compile("ldn", re.I))
    assert page.evaluate(OVERFLOWING_JS) == []
    screenshot(page, "phone-search-ldn")

    first.get_by_role("link", name="Low-dose naltrexone (LDN)").click()
    expect(page).to_have_url(re.compile(r"/therapies/low-dose-naltrexone/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Low-dose naltrexone")

    page.goto("/")
    page.get_by_role("link", name="All cancer types").click()
    expect(page).to_have_url(re.compile(r"/cancer-types/$"))
    page.get_by_role("link", name="Brain cancer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brain cancer")
    finding = page.locator("li.finding").first
    expect(finding).to_contain_text("Low-dose naltrexone (LDN)")
    expect(finding).to_contain_text("Preliminary evidence")
    assert page.evaluate(OVERFLOWING_JS) == []
    screenshot(page, "phone-brain-cancer")
    finding.get_by_role("link", name="The studies behind this grade").click()
    expect(page).to_have_url(re.compile(r"/therapies/low-dose-naltrexone/research/#evidence-\d+$"))


@pytest.mark.functional
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_index_filters_keep_their_state_in_the_url(page: Page, no_js_page: Page, javascript: bool) -> None:
    browser_page = page if javascript else no_js_page
    browser_page.goto("/therapies/")
    browser_page.locator("details.filters > summary").click()
    browser_page.get_by_label("Herbal or plant extract").check()
    browser_page.get_by_role("button", name="Show therapies").click()
    expect(browser_page).to_have_url(re.compile(r"category=herbal"))
    expect(browser_page.get_by_text("Showing 2 of 7 therapies.")).to_be_visible()
    expect(browser_page.get_by_label("Herbal or plant extract")).to_be_checked()
    browser_page.get_by_role("link", name="remove").click()
    expect(browser_page.get_by_text("7 therapies.")).to_be_visible()


@pytest.mark.functional
def test_suggestions_as_you_type_by_keyboard(page: Page) -> None:
    # A progressive enhancement: the form still submits to /search/ without it (tests above).
    page.goto("/search/")
    box = page.get_by_role("combobox", name="Search therapies, cancer types, terms and studies")
    box.press_sequentially("naltrex", delay=30)
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()
    first = suggestions.get_by_role("option").first
    expect(first).to_contain_text("Low-dose naltrexone (LDN)")
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/therapies/low-dose-naltrexone/"))


@pytest.mark.functional
def test_escape_closes_the_suggestions_and_enter_still_searches(page: Page) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Search therapies, cancer types, terms and studies")
    box.press_sequentially("brain", delay=30)
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()
    box.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=brain$"))
