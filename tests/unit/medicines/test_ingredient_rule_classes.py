"""``ingredient_rule_classes``: what a lookup of an ingredient's bare name says, remembered."""

from __future__ import annotations

import pytest

from carechoices.medicines.vocabulary import RECOGNISED


@pytest.mark.parametrize(
    "ingredient",
    ["oxycodone", "acetaminophen", "tacrolimus", "codeine", "levothyroxine", "buprenorphine", "naloxone"],
)
def test_the_classes_are_those_of_an_exact_lookup(vocabulary, ingredient):
    assert vocabulary.known_ingredient(ingredient)
    match = vocabulary.lookup_medicine(ingredient)
    expected = frozenset(match.rule_classes) if match.status == RECOGNISED else frozenset()
    assert vocabulary.ingredient_rule_classes(ingredient) == expected
    assert vocabulary.ingredient_rule_classes(ingredient) == expected  # the remembered answer


def test_an_opioid_ingredient_carries_its_class(vocabulary):
    assert "opioid" in vocabulary.ingredient_rule_classes("oxycodone")
    assert "opioid" not in vocabulary.ingredient_rule_classes("acetaminophen")


def test_only_the_vocabularys_own_ingredient_names_are_remembered(vocabulary):
    typed = "tramadoll 50 mg twice a day"
    assert not vocabulary.known_ingredient(typed)
    assert vocabulary.ingredient_rule_classes(typed) == frozenset()  # a suggestion gives no class
    assert typed not in vocabulary._recognised_classes
    vocabulary.ingredient_rule_classes("acetaminophen")
    assert set(vocabulary._recognised_classes) <= vocabulary._all_ingredients()
