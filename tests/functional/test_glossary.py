"""Glossary terms in a review: definitions on keyboard focus, and plain links without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import LDN, normalise_text, screenshot, tab_until


@pytest.mark.functional
def test_glossary_definition_shows_on_keyboard_focus_and_escape_hides_it(page: Page) -> None:
    # Arrange: nothing focused yet, so no definition is showing
    page.goto(LDN)
    expect(page.locator("span.gloss-def").first).to_be_hidden()

    # Act: Tab from the top of the page until a glossary term has focus
    tab_until(page, "a.gloss-term")
    def_id = page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
    assert def_id, "the focused glossary term has no aria-describedby"
    term = page.locator(f'a.gloss-term[aria-describedby="{def_id}"]')
    definition = page.locator(f"span.gloss-def#{def_id}")

    # Assert: its definition is on screen and is the term's accessible description
    expect(term).to_be_focused()
    expect(definition).to_be_visible()
    described = normalise_text(definition.text_content() or "")
    assert len(described) > len(term.inner_text()), "the definition is empty"
    expect(term).to_have_accessible_description(re.compile(re.escape(described)))
    screenshot(page, "glossary-1-definition-on-focus", full_page=False)

    # Act: Escape dismisses the definition without moving focus (WCAG 1.4.13)
    page.keyboard.press("Escape")

    # Assert
    expect(definition).to_be_hidden()
    expect(term).to_be_focused()
    screenshot(page, "glossary-2-after-escape", full_page=False)

    # Act: focus leaves and comes back; the definition is offered again
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")

    # Assert
    expect(term).to_be_focused()
    expect(definition).to_be_visible()


@pytest.mark.functional
def test_glossary_term_without_javascript_links_to_its_glossary_entry(no_js_page: Page) -> None:
    # Arrange
    no_js_page.goto(LDN)
    term = no_js_page.locator("a.gloss-term").first
    href = term.get_attribute("href") or ""
    slug = re.fullmatch(r"/glossary/#term-([a-z0-9-]+)", href)
    assert slug, f"a glossary term should link to /glossary/#term-<slug>, got {href!r}"
    label = normalise_text(term.inner_text())

    # Act
    term.click()

    # Assert: the glossary page opens at that term's entry
    expect(no_js_page).to_have_url(re.compile(rf"/glossary/#term-{slug.group(1)}$"))
    entry = no_js_page.locator(f"dl.glossary dt#term-{slug.group(1)}")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text(re.compile(re.escape(label), re.I))
    screenshot(no_js_page, "glossary-3-no-javascript-entry", full_page=False)
