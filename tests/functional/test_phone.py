"""On a small phone every LDN sub-page, and every glossary definition it offers, fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.functional.conftest import LDN_SUBPAGES, screenshot

# The elements sticking out past the right edge, to say what to fix when a page scrolls sideways.
OVERFLOWING_JS = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > edge)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ends at `
      + `${Math.round(el.getBoundingClientRect().right)}px: ${(el.textContent || '').trim().slice(0, 50)}`);
}"""
# Focus each visible glossary term in turn and report definitions not wholly on screen
# (WCAG 1.4.10: content shown on focus must not need sideways scrolling to read).
DEFINITIONS_OFF_SCREEN_JS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  for (const term of document.querySelectorAll('button.gloss-term')) {
    if (!term.checkVisibility()) continue;  // e.g. inside a closed <details>
    term.focus();
    const definition = document.getElementById(term.getAttribute('aria-describedby'));
    const box = definition && definition.getBoundingClientRect();
    if (!box || !box.width) problems.push(`"${term.textContent}": definition not shown on focus`);
    else if (box.left < 0 || box.right > width + 0.5)
      problems.push(`"${term.textContent}": definition spans ${Math.round(box.left)}-${Math.round(box.right)}px of ${width}px`);
  }
  document.activeElement.blur();
  return problems;
}"""


@pytest.mark.functional
def test_ldn_subpages_fit_a_375px_phone_screen(phone_page: Page) -> None:
    too_wide: dict[str, list[str]] = {}
    definitions_off_screen: dict[str, list[str]] = {}
    for name, url in LDN_SUBPAGES.items():
        # Arrange / Act
        phone_page.goto(url)
        screenshot(phone_page, f"phone-375-ldn-{name}")

        # Assert (collected, so every page gets its screenshot and the report names them all)
        scroll_width, client_width = phone_page.evaluate(
            "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        if scroll_width > client_width:
            too_wide[url] = [f"{scroll_width}px wide in {client_width}px"]
            too_wide[url] += phone_page.evaluate(OVERFLOWING_JS)
        if off_screen := phone_page.evaluate(DEFINITIONS_OFF_SCREEN_JS):
            definitions_off_screen[url] = off_screen
    assert not too_wide and not definitions_off_screen, (
        f"pages that scroll sideways at 375px: {too_wide}; "
        f"glossary definitions that run off a 375px screen when focused: {definitions_off_screen}"
    )
