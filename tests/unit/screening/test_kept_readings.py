"""Kept vocabulary answers, read for the rules once per rule set, screen exactly as fresh ones."""

from __future__ import annotations

import datetime

import pytest

from carechoices.medicines import load_vocabulary
from carechoices.screening.engine import prepare_rules, screen
from carechoices.screening.models import ScreenRequest
from tests.unit.screening.sample_rules import ALL_THERAPIES

TODAY = datetime.date(2026, 11, 1)
ENTRIES = (
    "Ultram",
    "Percocet",
    "Prograf",
    "Advil",
    "Suboxone",
    "naltrexone",
    "rituximab",
    "Tylenol with Codeine",
    "tramadol",
    "Ultram",
    "oxycodone/acetaminophen",  # known names and separators: kept too
    "Percocet + Advil",
    "Oxycodone / Acetaminophen",
)


class _Fresh:
    """The shared vocabulary without ``lookup_medicine_kept``: every answer read afresh."""

    def __init__(self, vocabulary) -> None:
        self._vocabulary = vocabulary

    def lookup_medicine(self, text):
        return self._vocabulary.lookup_medicine(text)

    def lookup_condition(self, text):
        return self._vocabulary.lookup_condition(text)

    def data_sources(self):
        return self._vocabulary.data_sources()

    def ingredient_rule_classes(self, ingredient):
        return self._vocabulary.ingredient_rule_classes(ingredient)


def test_kept_readings_screen_as_fresh_ones_and_are_kept() -> None:
    vocabulary = load_vocabulary()
    rule_set = prepare_rules(ALL_THERAPIES)
    request = ScreenRequest(medicines=ENTRIES)
    fresh = screen(request, prepare_rules(ALL_THERAPIES), _Fresh(vocabulary), today=TODAY).to_json()
    first = screen(request, rule_set, vocabulary, today=TODAY)
    kept = rule_set.readings_for(vocabulary)
    # One reading per kept answer: nine names, two combinations (typed three ways).
    assert len(kept) == 11
    second = screen(request, rule_set, vocabulary, today=TODAY)
    assert first.to_json() == fresh
    assert second.to_json() == fresh
    assert first.not_checked == second.not_checked
    # Only vocabulary answers are kept, never the entries' own text.
    assert all(reading.matched != "" or not reading.screened for _, reading in kept.values())
    assert not any(
        entry in repr(list(kept.values()))
        for entry in ("Ultram", "Percocet", "Percocet + Advil", "Oxycodone / Acetaminophen")
    )


def test_a_request_for_some_therapies_reads_kept_answers_through_the_whole_rule_set() -> None:
    # The API's and CDS hook's usual question names the therapies (LDN alone, say). Its
    # evidence is read through the whole rule set's kept readings, and its rules come from a
    # kept rule set of just those therapies; it answers exactly as rules prepared for them
    # alone with every answer read afresh.
    vocabulary = load_vocabulary()
    rule_set = prepare_rules(ALL_THERAPIES)
    asked = ("vitamin-d", "low-dose-naltrexone", "vitamin-d")  # any order, repeats allowed
    request = ScreenRequest(medicines=ENTRIES, therapies=asked)
    alone = prepare_rules([t for t in ALL_THERAPIES if t.slug in asked])
    fresh = screen(ScreenRequest(medicines=ENTRIES), alone, _Fresh(vocabulary), today=TODAY)

    first = screen(request, rule_set, vocabulary, today=TODAY)
    selection = rule_set.selection(reversed(asked))

    assert [t.slug for t in selection.therapies] == ["low-dose-naltrexone", "vitamin-d"]
    assert rule_set.selection(["low-dose-naltrexone", "vitamin-d"]) is selection  # kept
    assert len(rule_set.readings_for(vocabulary)) == 11  # one reading per kept answer
    assert selection.readings_for(vocabulary) == {}  # none kept again per selection
    assert first.to_json() == fresh.to_json()
    assert screen(request, rule_set, vocabulary, today=TODAY).to_json() == fresh.to_json()
    assert rule_set.selection(t.slug for t in ALL_THERAPIES) is rule_set


def test_a_selection_is_keyed_by_the_rule_sets_own_slugs() -> None:
    class Typed(str):
        """A slug as a caller's own object, carrying something else besides."""

    rule_set = prepare_rules(ALL_THERAPIES)
    rule_set.selection([Typed("melatonin")])

    (key,) = rule_set._selections
    (slug,) = key
    assert type(slug) is str
    assert slug is next(t.slug for t in ALL_THERAPIES if t.slug == "melatonin")


def test_selections_are_of_known_slugs_only_and_bounded(monkeypatch) -> None:
    from carechoices.screening import engine

    rule_set = prepare_rules(ALL_THERAPIES)
    with pytest.raises(engine.UnknownTherapy) as raised:
        rule_set.selection(("melatonin", "not-a-therapy", "also-not"))
    assert raised.value.slug == "not-a-therapy"
    assert rule_set._selections == {}  # nothing kept for a request that failed

    monkeypatch.setattr(engine, "SELECTIONS_KEPT", 3)
    slugs = [t.slug for t in ALL_THERAPIES]
    for slug in slugs:
        assert rule_set.selection([slug]) is rule_set.selection([slug])
        assert len(rule_set._selections) <= 3
    assert frozenset({slugs[-1]}) in rule_set._selections  # the latest one is kept
