"""Glossary marking: first use per page, never inside links or headings, accessible markup."""

from __future__ import annotations

from carechoices.glossary.marking import GlossaryMarker, TermInfo

META = TermInfo("meta-analysis", "meta-analysis", ("meta-analyses",), "Pooled studies.", "/glossary/#term-meta-analysis")
RCT = TermInfo("rct", "randomised controlled trial", ("RCT",), "Chance decides.", "/glossary/#term-rct")


def marker() -> GlossaryMarker:
    return GlossaryMarker([META, RCT], id_prefix="g")


def test_first_use_is_marked_with_a_popover_button_and_description():
    html = marker().mark("<p>A meta-analysis found it. Another meta-analysis too.</p>")
    assert html.count('class="gloss-term"') == 1
    # A button opening the definition in place: a popover needs no JavaScript and works by touch.
    assert '<button type="button" class="gloss-term" popovertarget="g-meta-analysis"' in html
    assert 'id="g-meta-analysis" popover>' in html
    # Screen readers hear the definition (not the link inside it) as the term's description.
    assert 'aria-describedby="g-meta-analysis-text"' in html and 'id="g-meta-analysis-text"' in html
    # The full glossary entry is one link away, inside the definition.
    assert 'href="/glossary/#term-meta-analysis"' in html


def test_marking_spans_several_texts_on_one_page():
    m = marker()
    first = m.mark("<p>An RCT.</p>")
    second = m.mark("<p>Another RCT and a meta-analyses pool.</p>")
    assert "gloss-term" in first
    assert second.count("gloss-term") == 1  # RCT already done; meta-analyses is new
    assert [t.slug for t in m.used] == ["rct", "meta-analysis"]


def test_synonym_and_case_are_matched_and_original_text_kept():
    html = marker().mark("<p>Two Meta-Analyses agree.</p>")
    assert ">Meta-Analyses</button>" in html


def test_terms_inside_links_headings_and_citations_are_left_alone():
    html = marker().mark('<h3>RCT results</h3><p><a href="/x">an RCT</a> <sup>RCT</sup></p><p>RCT</p>')
    assert html.count("gloss-term") == 1
    assert html.startswith("<h3>RCT results</h3>")
    assert html.endswith(
        '<p><span class="gloss"><button type="button" class="gloss-term" popovertarget="g-rct" '
        'aria-describedby="g-rct-text">RCT</button><span class="gloss-def" id="g-rct" popover>'
        '<button type="button" class="gloss-close" popovertarget="g-rct" popovertargetaction="hide" '
        'aria-label="Close the definition">×</button><span id="g-rct-text"><strong>randomised '
        'controlled trial:</strong> Chance decides.</span> <a class="gloss-more" '
        'href="/glossary/#term-rct">randomised controlled trial in the glossary</a></span></span></p>'
    )


def test_partial_words_are_not_marked():
    assert "gloss" not in marker().mark("<p>RCTs-like and preRCT and meta-analysisX</p>")


def test_attributes_are_never_rewritten():
    html = marker().mark('<p title="an RCT">text</p>')
    assert html == '<p title="an RCT">text</p>'


def test_definitions_are_escaped():
    evil = TermInfo("x", "placebo", (), "<script>alert(1)</script>", "/g#x")
    html = GlossaryMarker([evil]).mark("<p>placebo</p>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_terms_leaves_html_unchanged():
    assert GlossaryMarker([]).mark("<p>RCT</p>") == "<p>RCT</p>"


def test_terms_inside_character_references_are_not_marked():
    amp = TermInfo("amp", "AMP", (), "A made-up term.", "/g#amp")
    html = GlossaryMarker([amp]).mark("<p>R&amp;D and AMP</p>")
    assert "R&amp;D" in html
    assert html.count("gloss-term") == 1 and ">AMP</button>" in html
