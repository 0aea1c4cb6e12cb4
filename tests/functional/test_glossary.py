"""Glossary terms in a review: definitions on keyboard focus, in place on a tap (touch screens),
and in place without JavaScript, with the full entry one link away."""

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
    tab_until(page, "button.gloss-term")
    text_id = page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
    assert text_id, "the focused glossary term has no aria-describedby"
    term = page.locator(f'button.gloss-term[aria-describedby="{text_id}"]')
    definition = page.locator(f"span#{text_id}")

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


def _open_first_term_in_place(page: Page, *, tap: bool) -> None:
    """Tap or click the first glossary term; its definition opens on this page, on screen."""
    page.goto(LDN)
    term = page.locator("button.gloss-term").first
    popover_id = term.get_attribute("popovertarget")
    assert popover_id, "a glossary term should open its definition (popovertarget)"
    definition = page.locator(f"span.gloss-def#{popover_id}")
    expect(definition).to_be_hidden()

    term.tap() if tap else term.click()

    # The definition is open in place: same page, whole box on screen, with the term's words
    expect(page).to_have_url(re.compile(rf"{re.escape(LDN)}$"))
    expect(definition).to_be_visible()
    expect(definition).to_be_in_viewport(ratio=1)
    assert page.evaluate("id => document.getElementById(id).matches(':popover-open')", popover_id)
    label = normalise_text(term.inner_text())
    expect(definition).to_contain_text(re.compile(re.escape(label), re.I))
    width = page.evaluate("() => document.documentElement.clientWidth")
    box = definition.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5

    # The full entry is one link away, inside the definition
    more = definition.locator("a.gloss-more")
    slug = re.fullmatch(r"/glossary/#term-([a-z0-9-]+)", more.get_attribute("href") or "")
    assert slug, "the definition should link to /glossary/#term-<slug>"

    # Closing it leaves the page as it was
    definition.locator("button.gloss-close").click()
    expect(definition).to_be_hidden()
    more_target = slug.group(1)
    term.tap() if tap else term.click()
    definition.locator("a.gloss-more").click()
    expect(page).to_have_url(re.compile(rf"/glossary/#term-{more_target}$"))
    expect(page.locator(f"dl.glossary dt#term-{more_target}")).to_be_in_viewport()


@pytest.mark.functional
def test_glossary_term_tapped_on_a_phone_opens_its_definition_in_place(phone_page: Page) -> None:
    _open_first_term_in_place(phone_page, tap=True)
    screenshot(phone_page, "glossary-3-phone-tap-after", full_page=False)


@pytest.mark.functional
def test_glossary_term_without_javascript_opens_its_definition_in_place(no_js_page: Page) -> None:
    _open_first_term_in_place(no_js_page, tap=False)
    screenshot(no_js_page, "glossary-4-no-javascript-entry", full_page=False)
