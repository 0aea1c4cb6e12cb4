"""Card wording helpers: Markdown escaping and summaries under 140 characters."""

from __future__ import annotations

from carechoices.cds.cards import md, shorten
from carechoices.cds.schemas import SUMMARY_MAX


def test_markdown_from_the_request_cannot_become_html_or_a_link():
    text = md("<script>alert(1)</script> [click](https://evil.example) ![x](y) **bold** a|b")
    assert "<" not in text.replace("\\<", "") and "[" not in text.replace("\\[", "")
    assert text.startswith("\\<script\\>")


def test_markdown_joins_lines():
    assert md("one\n\n# two") == "one \\# two"


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_word():
    assert shorten("short") == "short"
    long = "Avoid: Low-dose naltrexone (LDN) ordered — Opioid medicines: " + ", ".join(["oxycodone hydrochloride"] * 8)
    cut = shorten(long)
    assert len(cut) <= SUMMARY_MAX and cut.endswith("…")
    assert not cut[:-1].endswith(" ")
