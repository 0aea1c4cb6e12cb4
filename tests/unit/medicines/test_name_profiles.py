"""``_name_profile``: how a known name resolves, kept per name; never a person's text."""

from __future__ import annotations

import dataclasses
import functools

import pytest

from carechoices.medicines import MedicineVocabulary
from carechoices.medicines.vocabulary import NAME_PROFILES_KEPT

# The entry as typed, then entries that reach the same kept name with something more: a dose,
# a form for local use, a form taken into the body, a left-out word, a second name.
FAMILIES = [
    ("hydrocortisone", "hydrocortisone cream", "hydrocortisone 10 mg tablet", "HYDROCORTISONE"),
    ("tacrolimus", "tacrolimus ointment", "tacrolimus injection", "tacrolimus 1 mg"),
    ("Tylenol", "Tylenol with Codeine", "Tylenol Cold and Flu", "tylenol 500mg"),
    ("naltrexone", "naltrexone 50", "naltrexone 4.5 mg", "naltrexone / bupropion"),
    ("Advil", "Advil PM", "advil 200 mg", "prednisone and tacrolimus ointment"),
]


def answers(vocabulary: MedicineVocabulary, texts: list[str]) -> list[dict]:
    return [dataclasses.asdict(vocabulary.lookup_medicine(text)) for text in texts]


def first_answers(vocabulary: MedicineVocabulary, texts: list[str]) -> list[dict]:
    """Each entry's answer with nothing kept before it."""
    found = []
    for text in texts:
        vocabulary._name_profile.cache_clear()
        found.extend(answers(vocabulary, [text]))
    return found


@pytest.mark.parametrize("family", FAMILIES, ids=[family[0] for family in FAMILIES])
def test_a_kept_name_answers_each_entry_as_a_first_lookup_does(vocabulary, family) -> None:
    texts = list(family)
    cold = first_answers(vocabulary, texts)
    vocabulary._name_profile.cache_clear()
    # Every name kept, in both orders, so a profile kept with one entry's route, doses or
    # left-out words would show up in another entry's answer.
    warm, backwards = answers(vocabulary, texts), answers(vocabulary, texts[::-1])[::-1]
    assert vocabulary._name_profile.cache_info().hits > 0  # kept profiles were used
    assert warm == cold
    assert backwards == cold


def test_the_route_still_decides_the_classes_of_a_kept_name(vocabulary) -> None:
    vocabulary.lookup_medicine("hydrocortisone")  # kept first, by a systemic entry
    local = vocabulary.lookup_medicine("hydrocortisone cream")
    systemic = vocabulary.lookup_medicine("hydrocortisone")
    assert local.route == "local"
    assert "immunosuppressant" in systemic.rule_classes  # a systemic_only row
    assert "immunosuppressant" not in local.rule_classes


def test_only_the_vocabularys_own_names_are_kept(vocabulary, monkeypatch) -> None:
    asked: list[str] = []

    def spy(key: str):
        asked.append(key)
        return vocabulary._resolve_name_profile(key)

    monkeypatch.setattr(vocabulary, "_name_profile", functools.lru_cache(maxsize=8)(spy))
    typed = ["Synthroid 88 mcg every morning", "tramadoll", "metformin/zzzq", "my water pill",
             "Tylenol Cold and Flu", "oxycodone/acetaminophen", "levothyroxine 50 mcg"]
    for text in typed:
        vocabulary.lookup_medicine(text)
    assert asked, "the exact names should have been kept"
    assert all(vocabulary._known_name(key) for key in asked), asked
    assert not set(asked) & {text.casefold() for text in typed}  # no entry as typed
    with pytest.raises(KeyError):
        vocabulary._resolve_name_profile("tramadoll")


def test_at_most_a_bounded_number_of_names_is_kept(vocabulary) -> None:
    assert vocabulary._name_profile.cache_info().maxsize == NAME_PROFILES_KEPT
    for name in vocabulary._sorted_names[: NAME_PROFILES_KEPT + 10]:
        vocabulary.lookup_medicine(name)
    assert vocabulary._name_profile.cache_info().currsize == NAME_PROFILES_KEPT
