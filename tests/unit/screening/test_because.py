"""A finding's "why this applies to you" says in words what the screen's ``via`` says for machines."""

from __future__ import annotations

import pytest

from carechoices.screening.presenters import because
from carechoices.screening.results import TriggeredBy


@pytest.mark.parametrize(
    ("entered", "via", "shown_as", "expected"),
    [
        ("tramadol 50 mg", "ingredient tramadol in class opioid (FDA NDC substance)", None,
         "“tramadol 50 mg” contains tramadol, an opioid"),
        ("tramadol", "ingredient tramadol in class opioid (FDA NDC substance)", None, "“tramadol” is an opioid"),
        ("Percocet", "ingredient oxycodone in class opioid (FDA NDC product name)", None,
         "“Percocet” contains oxycodone, an opioid"),
        ("ibuprofen", "ingredient ibuprofen in class nsaid (FDA NDC substance)", None,
         "“ibuprofen” is an NSAID (an anti-inflammatory painkiller)"),
        ("tacrolimus", "ingredient tacrolimus in class transplant-immunosuppressant (FDA NDC substance)", None,
         "“tacrolimus” is a medicine that stops a transplant being rejected"),
        ("prednisone", "condition immunosuppressed, implied by the medicine (FDA NDC substance)", None,
         "taking “prednisone” means you are immunosuppressed"),
        ("kidney transplant", "condition immunosuppressed, implied by kidney-transplant (curated condition synonym)",
         None, "“kidney transplant” means you are immunosuppressed"),
        ("kidney transplant", "kidney-transplant, a kind of organ-transplant (curated condition synonym)", None,
         "“kidney transplant” is a kind of organ transplant"),
        ("naltrexone 50 mg", "contains naltrexone, this therapy's active ingredient, 50 mg a unit as entered", None,
         "“naltrexone 50 mg” contains naltrexone, the therapy itself"),
        ("surgery on 2026-12-10", "planned procedure of type surgery", "surgery on 10 December 2026",
         "your planned surgery on 10 December 2026"),
        ("something", "a wording no rule writes yet (source)", None, "“something”"),
    ],
)
def test_because_says_why_in_words(entered, via, shown_as, expected):
    trigger = TriggeredBy(input=entered, matched=entered, via=via)
    assert because(trigger, shown_as) == expected


@pytest.mark.parametrize(
    "via",
    [
        "ingredient tramadol in class opioid (FDA NDC substance)",
        "condition immunosuppressed, implied by kidney-transplant (curated condition synonym)",
        "kidney-transplant, a kind of organ-transplant (curated condition synonym)",
        "planned procedure of type surgery",
    ],
)
def test_because_never_shows_the_machine_wording(via):
    text = because(TriggeredBy(input="x", matched="x", via=via))
    for internal in ("FDA NDC", "curated", "in class", "of type", "ingredient ", "-transplant"):
        assert internal not in text, text
