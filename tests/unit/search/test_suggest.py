"""Did you mean: misspelt names are corrected, known and short words never are."""

import pytest

from carechoices.search.snippets import best_snippet, find_terms
from carechoices.search.suggest import Suggester

NAMES = ["Low-dose naltrexone (LDN)", "LDN, naltrexone", "European mistletoe", "Viscum album", "brain cancer",
         "pancreatic cancer", "Turmeric and curcumin", "placebo", "meta-analysis"]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("naltrexome", "naltrexone"),
        ("naltrxone", "naltrexone"),
        ("nlatrexone", "naltrexone"),  # a swapped pair of letters counts once
        ("misteltoe", "mistletoe"),
        ("brian cancer", "brain cancer"),
        ("curcumn", "curcumin"),
        ("naltrexone", None),  # known
        ("ldm", None),  # too short to guess
        ("vivid dreams", None),  # ordinary words near no name
        ("xyzzyqq", None),
    ],
)
def test_suggest(typed, suggested):
    assert Suggester(NAMES).suggest(typed) == suggested


def test_snippet_marks_every_match_in_the_best_text():
    texts = [("Overview", "Naltrexone blocks opioid receptors."),
             ("Safety", "Some people have vivid dreams or nightmares in the first week; dreams fade.")]
    snippet = best_snippet(texts, find_terms("vivid dreams"))
    assert snippet.name == "Safety"
    assert "<mark>vivid</mark> <mark>dreams</mark>" in snippet.html
    assert snippet.html.count("<mark>") == 3


def test_snippet_escapes_the_text():
    snippet = best_snippet([("x", "<script>alert(1)</script> naltrexone & more")], ["naltrexone"])
    assert "<script>" not in snippet.html and "&lt;script&gt;" in snippet.html and "&amp;" in snippet.html


def test_snippet_matches_word_starts_and_accents():
    assert best_snippet([("x", "Interactions with opioids")], find_terms("interaction")).matches == 1
    assert best_snippet([("x", "naltrexóne")], find_terms("naltrexone")).matches == 1
    assert best_snippet([("x", "cannabis")], find_terms("abis")) is None
