"""An offline accessibility smoke check of every LDN sub-page (no axe, no network).

It covers what can be decided from the rendered page: one h1, a main landmark, a working skip
link, alt text, labelled form controls and WCAG 2.2 AA text contrast (4.5:1).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.functional.conftest import LDN_SUBPAGES, screenshot

MINIMUM_CONTRAST = 4.5

# For each category of text, the contrast of every visible element's text colour against the
# colour actually behind it: the ancestors' backgrounds composited (alpha included) over white.
# Luminance and ratio follow the WCAG 2 definitions.
CONTRAST_JS = """(categories) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(\\s*([\\d.]+)[,\\s]+([\\d.]+)[,\\s]+([\\d.]+)(?:\\s*[,/]\\s*([\\d.]+%?))?\\s*\\)/);
    if (!m) return null;
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), a];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  };
  const backdrop = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg[3] > 0) layers.push(bg);
      if (bg && bg[3] === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const results = [];
  for (const [category, selector] of Object.entries(categories)) {
    for (const el of document.querySelectorAll(selector)) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
      if (!el.textContent.trim() || (category === 'all text' && !ownText(el))) continue;
      const bg = backdrop(el);
      const fg = over(parse(style.color), bg);
      const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      results.push({
        category,
        text: el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40),
        color: style.color,
        background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
        ratio: (light + 0.05) / (dark + 0.05),
      });
    }
  }
  return results;
}"""
TEXT_CATEGORIES = {
    "body text": "main p, main li, main td, main th, main dd, .site-footer p",
    "links": "a",
    "severity labels": ".severity-label",
    "all text": "body *",
}
UNLABELLED_CONTROLS_JS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')]
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 80))"""


def _structure_problems(page: Page) -> list[str]:
    problems = []
    if (h1s := page.locator("h1").count()) != 1:
        problems.append(f"{h1s} h1 elements, expected exactly 1")
    if (mains := page.get_by_role("main").count()) != 1:
        problems.append(f"{mains} main landmarks, expected exactly 1")
    if not page.locator("html").get_attribute("lang"):
        problems.append("<html> has no lang")
    if (no_alt := page.locator("img:not([alt])").count()) > 0:
        problems.append(f"{no_alt} images without alt")
    if unlabelled := page.evaluate(UNLABELLED_CONTROLS_JS):
        problems.append(f"form controls without a label: {unlabelled}")
    return problems


def _skip_link_problems(page: Page) -> list[str]:
    """Tab once from a fresh page load, then activate the skip link with Enter."""
    page.keyboard.press("Tab")
    if not page.evaluate("() => document.activeElement.matches('a.skip-link[href=\"#main\"]')"):
        return ["the first Tab stop is not the skip link to #main"]
    if not page.locator("a.skip-link").evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.width > 0; }"
    ):
        return ["the focused skip link is not on screen"]
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement.id") != "main":
        return ["activating the skip link did not move focus to #main"]
    return []


def _contrast_problems(page: Page, *, expect_severity: bool) -> list[str]:
    measured = page.evaluate(CONTRAST_JS, TEXT_CATEGORIES)
    problems = []
    for category in ("body text", "links", "all text") + (
        ("severity labels",) if expect_severity else ()
    ):
        if not any(row["category"] == category for row in measured):
            problems.append(f"no visible {category} found to check")
    for row in measured:
        if row["ratio"] < MINIMUM_CONTRAST:
            problems.append(
                f"{row['category']} {row['text']!r}: {row['color']} on {row['background']} "
                f"is {row['ratio']:.2f}:1"
            )
    return problems


@pytest.mark.functional
def test_ldn_subpages_pass_accessibility_smoke_check(page: Page) -> None:
    problems: dict[str, list[str]] = {}
    for name, url in LDN_SUBPAGES.items():
        # Arrange
        page.goto(url)

        # Act / Assert (collected so one run reports every page)
        found = _structure_problems(page)
        found += _contrast_problems(page, expect_severity=name == "safety")
        found += _skip_link_problems(page)
        screenshot(page, f"a11y-ldn-{name}-after-skip-link", full_page=False)
        if found:
            problems[url] = found
    assert not problems, f"accessibility problems: {problems}"
