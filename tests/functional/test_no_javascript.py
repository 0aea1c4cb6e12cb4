"""The review is readable with JavaScript switched off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import LDN, screenshot


@pytest.mark.functional
def test_professional_details_open_without_javascript(no_js_page: Page) -> None:
    # Arrange
    no_js_page.goto(LDN + "safety/")
    details = no_js_page.locator("details.professional").first
    summary = details.locator("summary")
    professional = details.locator("p").first
    expect(summary).to_have_text("For health professionals")
    assert details.get_attribute("open") is None
    expect(professional).to_be_hidden()

    # Act
    summary.click()

    # Assert
    expect(professional).to_be_visible()
    assert details.get_attribute("open") is not None
    details.scroll_into_view_if_needed()
    screenshot(no_js_page, "no-javascript-safety-professional-details-open", full_page=False)
