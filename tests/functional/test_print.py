"""Printing a review: a clean document with definitions and references spelled out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import (
    ARTIFACTS,
    LDN,
    artifact_path,
    normalise_text,
    pdf_text,
    screenshot,
)


@pytest.mark.functional
def test_print_view_hides_navigation_and_spells_out_definitions(page: Page) -> None:
    # Arrange
    page.goto(LDN)
    definitions = page.locator("span.gloss-def")
    assert definitions.count() > 0, "the LDN overview should mark at least one glossary term"
    # print.css drops the bold "term:" prefix, so compare only the definition's own words.
    first_definition = normalise_text(
        definitions.first.locator("span[id$='-text']").evaluate(
            "el => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('')"
        )
    )

    # Act
    page.emulate_media(media="print")

    # Assert: navigation chrome is gone
    for chrome in (".site-header", ".site-nav", ".review-nav", ".skip-link"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("a.back-link").first).to_be_hidden()
    # ...definitions sit inline in the text rather than as hidden tooltips
    for index in range(definitions.count()):
        definition = definitions.nth(index)
        expect(definition).to_be_visible()
        expect(definition).to_have_css("display", "inline")
        expect(definition).to_have_css("position", "static")
    # ...and the reference list is there
    expect(page.locator("ol.reference-list")).to_be_visible()
    assert page.locator("ol.reference-list > li").count() > 0
    screenshot(page, "print-ldn-overview")

    # Act: print to PDF
    pdf = page.pdf(path=str(artifact_path("ldn-overview-print.pdf", ARTIFACTS)), format="A4")

    # Assert: a real, non-empty PDF carrying the definition and not the skip link
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    text = pdf_text(pdf)
    assert len(first_definition) > 20 and first_definition[:60] in text
    assert "Skip to main content" not in text


@pytest.mark.functional
def test_print_without_javascript_includes_professional_details(no_js_page: Page) -> None:
    # print.css means the "For health professionals" details to print; site.js also opens them
    # on beforeprint, but a reader without JavaScript has only the stylesheet.
    # Arrange
    no_js_page.goto(LDN + "safety/")
    professional = no_js_page.locator("details.professional").first.locator("p").first
    professional_text = normalise_text(professional.text_content() or "")
    assert professional_text, "the first contraindication has no professional text"

    # Act
    no_js_page.emulate_media(media="print")
    screenshot(no_js_page, "print-ldn-safety-no-javascript")
    pdf = no_js_page.pdf(
        path=str(artifact_path("ldn-safety-print-no-javascript.pdf", ARTIFACTS)), format="A4"
    )

    # Assert (is_visible does not wait: the print styles are already applied)
    assert professional.is_visible(), "professional details are hidden in the printed page"
    assert professional_text[:60] in pdf_text(pdf), "professional details are missing from the PDF"
