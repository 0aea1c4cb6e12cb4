"""Citations and the reference list link both ways on a review page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import LDN, screenshot


@pytest.mark.functional
def test_citation_jumps_to_reference_and_back_link_returns(page: Page) -> None:
    # Arrange
    page.goto(LDN)
    citation = page.locator("sup.cite a").first
    cite_id = citation.get_attribute("id")
    number = re.fullmatch(r"cite-(\d+)-1", cite_id or "")
    assert number, f"the first citation on the page should be cite-N-1, got {cite_id!r}"
    n = number.group(1)
    assert citation.get_attribute("href") == f"#ref-{n}"
    reference = page.locator(f"ol.reference-list li#ref-{n}")

    # Act: follow the citation
    citation.click()

    # Assert: the URL names the reference and the reference is on screen
    expect(page).to_have_url(re.compile(rf"#ref-{n}$"))
    expect(reference).to_be_in_viewport()
    expect(citation).not_to_be_in_viewport()
    screenshot(page, "citation-1-at-reference", full_page=False)

    # Act: follow the reference's back-link
    reference.locator("a.back-link").click()

    # Assert: back at the citation, on screen
    expect(page).to_have_url(re.compile(rf"#cite-{n}-1$"))
    expect(page.locator(f"#cite-{n}-1")).to_be_in_viewport()
    screenshot(page, "citation-2-back-at-citation", full_page=False)
