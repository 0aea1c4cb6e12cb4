"""Citation markers: parsing, numbering in order of first use, rendering, dangling markers."""

from __future__ import annotations

import pytest

from carechoices.references.citations import (
    Citation,
    PageCitations,
    cited_keys,
    marker_problems,
    number_citations,
    parse_markers,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[@bolton2019]", [("bolton2019", "")]),
        ("[@a; @b]", [("a", ""), ("b", "")]),
        ("[@elsegood2016, p. 21]", [("elsegood2016", "p. 21")]),
        ("[@Bolton2019]", [("bolton2019", "")]),
        ("[@web-page_1]", [("web-page_1", "")]),
    ],
)
def test_parse_markers_reads_keys_and_locators(text, expected):
    (marker,) = parse_markers(text)
    assert marker.problem == ""
    assert [(c.key, c.locator) for c in marker.citations] == expected


@pytest.mark.parametrize("text", ["[@]", "[@a b]", "[@a;b]", "[@ spaced]"])
def test_parse_markers_flags_malformed_markers(text):
    (marker,) = parse_markers(text)
    assert marker.problem


def test_text_without_markers_has_none():
    assert parse_markers("An email like a@b.org [not a marker] stays.") == []


def test_cited_keys_in_order_of_first_use_without_repeats():
    assert cited_keys("x [@b] y [@a; @b] z [@c]") == ["b", "a", "c"]


def test_number_citations_keeps_first_number_for_repeats():
    assert number_citations(["b", "a", "b", "c", "a"]) == {"b": 1, "a": 2, "c": 3}


def test_marker_problems_name_the_unresolved_key():
    problems = marker_problems(["ok [@known]", "bad [@ghost]", "[@known; @ghost2]"], {"known"})
    assert len(problems) == 2
    assert "ghost" in problems[0] and "[@ghost]" in problems[0]
    assert "ghost2" in problems[1]


def test_marker_problems_empty_when_all_resolve():
    assert marker_problems(["[@a] and [@b, p. 3]"], {"a", "b"}) == []


def test_render_numbers_links_and_unique_anchors():
    page = PageCitations({"a": 1, "b": 2})
    html = page.render("<p>One [@b; @a]. Two [@a].</p>")
    assert '<a href="#ref-1" id="cite-1-1"' in html
    assert '<a href="#ref-2" id="cite-2-1"' in html
    assert 'id="cite-1-2"' in html  # the second citation of ref 1 gets its own anchor
    assert html.index("#ref-1") < html.index("#ref-2")  # grouped citations in number order
    assert page.cited == {"b": 2, "a": 1}


def test_render_locator_in_ama_parentheses():
    html = PageCitations({"a": 4}).render("[@a, p. 21]")
    assert ">4</a>(p21)" in html


def test_render_unknown_key_is_visible_not_silent():
    html = PageCitations({}).render("Claim [@ghost].")
    assert "missing reference: ghost" in html
    assert "[@" not in html


def test_superscript_escapes_locator():
    html = PageCitations({"a": 1}).superscript([Citation("a", "<b>")])
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_render_plain_escapes_text_but_keeps_locators_intact():
    html = PageCitations({"a": 1}).render_plain("x < y [@a, pp. 20 & 21]")
    assert html.startswith("x &lt; y ")
    assert "(pp20 &amp; 21)" in html and "&amp;amp;" not in html
