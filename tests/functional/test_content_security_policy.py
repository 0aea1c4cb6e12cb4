"""Pages still work under the Content-Security-Policy: no violation, and their scripts run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import LDN, LDN_SUBPAGES

# Recorded before any page script runs, so a violation at load time is seen too.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
window.print = function () { window.__printed = (window.__printed || 0) + 1; };
"""
PAGES = [
    "/",
    "/therapies/",
    *LDN_SUBPAGES.values(),
    LDN + "check/",
    "/screen/",
    "/how-we-rate/",
    "/glossary/",
    "/people/",
    "/people/casey-demo/",
    "/cancer-types/",
    "/cancer-types/brain-cancer/",
    "/about/",
    "/search/?q=naltrexone",
    "/api/v1/docs",
]


def _watch(page: Page) -> list[str]:
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return console_errors


@pytest.mark.functional
def test_no_public_page_breaks_the_policy(page: Page) -> None:
    console_errors = _watch(page)
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "'unsafe-inline'" not in (response.header_value("content-security-policy") or "")
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path
    assert [error for error in console_errors if "Content Security Policy" in error] == []


@pytest.mark.functional
def test_scripts_and_styles_still_work_under_the_policy(page: Page) -> None:
    _watch(page)
    page.goto(LDN)
    # A rating's bar is drawn to its score (SVG geometry attributes, no style attribute).
    bar = page.locator(".ratings-chart rect.rating-bar").first
    expect(bar).to_be_visible()
    assert bar.bounding_box()["width"] > 0
    # site.js runs: Escape dismisses a glossary definition opened by focus.
    term = page.locator("button.gloss-term").first
    term.focus()
    definition = page.locator(f"span#{term.get_attribute('aria-describedby')}")
    expect(definition).to_be_visible()
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    # Print buttons work without inline handlers.
    page.goto("/screen/")
    page.fill("textarea[name=medicines]", "tramadol")
    page.get_by_role("button", name="Check it for me").click()
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.functional
def test_the_api_docs_script_runs_under_the_policy(page: Page) -> None:
    _watch(page)
    page.goto("/api/v1/docs")
    # Swagger UI's own files build the page (its settings are JSON, not an inline script).
    expect(page.locator("#swagger-ui .swagger-ui").first).to_be_attached()
    assert page.evaluate("window.__cspViolations") == []
