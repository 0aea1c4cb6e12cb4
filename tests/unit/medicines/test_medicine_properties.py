"""Properties that must hold for any entry, checked with hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carechoices.medicines import RULE_CLASSES, STATUSES, load_vocabulary
from carechoices.medicines.parsing import name_key

FRAGMENTS = [
    "tramadol",
    "Tylenol",
    "#3",
    "with",
    "w/",
    "/",
    "+",
    "-",
    "5/325",
    "50 mg",
    "ER",
    "patch",
    "Percocet",
    "T3",
    "Hashimoto's",
    "and",
    "\x00",
    "\u200b",
    "no.",
    "%",
    "(",
    ")",
    "oxycodon",
    "Robitussin",
]
ENTRIES = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
)
PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(ENTRIES)
def test_lookup_medicine_result_is_consistent_for_any_text(text: str) -> None:
    match = load_vocabulary().lookup_medicine(text)

    assert match.input == text
    assert match.status in STATUSES
    if match.status in ("suggested", "unrecognised"):
        assert match.ingredients == ()
        assert match.formulas == ()
        assert match.rule_classes == ()
        assert match.unclassified == ()
    else:
        assert match.ingredients
        assert match.suggestions == ()
        assert list(match.ingredients) == sorted(match.ingredients)
        assert set(match.ingredients) == {i for formula in match.formulas for i in formula}
        assert set(match.unclassified) <= set(match.ingredients)
        assert set(match.rule_classes) <= RULE_CLASSES
        assert (match.status == "ambiguous") == (len(match.formulas) > 1)


@PROPERTY_SETTINGS
@given(ENTRIES)
def test_lookup_condition_result_is_consistent_for_any_text(text: str) -> None:
    vocabulary = load_vocabulary()

    match = vocabulary.lookup_condition(text)

    assert match.status in STATUSES - {"ambiguous"}
    assert (match.status == "recognised") == bool(match.concepts)
    assert set(match.concepts) <= vocabulary.condition_concepts()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)

    assert name_key(key) == key
