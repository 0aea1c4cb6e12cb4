"""Properties that must hold for any entry, checked with hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carechoices.medicines import RULE_CLASSES, STATUSES, load_vocabulary
from carechoices.medicines.parsing import name_key
from carechoices.medicines.vocabulary import MAX_FORMULAS

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
    "Coricidin HBP",
    "Benylin DM",
    "Aleve",
    "Vicks",
    "50",
    "mg/day",
    "injection",
    "transplant",
    "stem cell",
    "kidney",
    "ointment",
    "Protopic",
    "LDN",
    "4.5mg",
    "500 mcg",
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
# More brand-family formula combinations than MAX_FORMULAS: once merged into one union
# they left an "ambiguous" match with a single formula (found by Hypothesis).
@example("T3:T3:ROBITUSSIN:ROBITUSSIN")
@example("TYLENOL:T3:TYLENOL:M:ROBITUSSIN")
# Parts after the cap multiplied the kept combinations past MAX_FORMULAS again (found by
# Hypothesis once brand names were widened to their product families).
@example("Tylenol Tylenol Tylenol Tylenol Aleve Vicks Aleve")
def test_lookup_medicine_result_is_consistent_for_any_text(text: str) -> None:
    vocabulary = load_vocabulary()
    match = vocabulary.lookup_medicine(text)

    assert match.input == text
    assert match.status in STATUSES
    assert match.route in ("", "local")
    if match.status in ("suggested", "unrecognised"):
        assert match.ingredients == ()
        assert match.formulas == ()
        assert match.rule_classes == ()
        assert match.unclassified == ()
        assert match.undecided == ()
        assert match.strengths_mg == ()
        assert match.implied_conditions == ()
    else:
        assert match.ingredients
        assert match.suggestions == ()
        assert list(match.ingredients) == sorted(match.ingredients)
        assert set(match.ingredients) == {i for formula in match.formulas for i in formula}
        assert set(match.unclassified) <= set(match.ingredients)
        assert set(match.rule_classes) <= RULE_CLASSES
        assert (match.status == "ambiguous") == (len(match.formulas) > 1)
        assert len(match.formulas) <= MAX_FORMULAS
        assert match.undecided == ()  # the shipped data decides every class
        for ingredient, milligrams in match.strengths_mg:
            assert match.formulas == ((ingredient,),)
            assert milligrams > 0
        assert set(match.implied_conditions) <= vocabulary.condition_concepts()
        # A class of the match is carried by one of its ingredients.
        carried = set().union(*(vocabulary.rule_classes_of(i) for i in match.ingredients))
        assert set(match.rule_classes) <= carried


def test_merged_formula_combinations_stay_ambiguous_and_cover_every_ingredient() -> None:
    match = load_vocabulary().lookup_medicine("T3:T3:ROBITUSSIN:ROBITUSSIN")
    robitussin = load_vocabulary().lookup_medicine("Robitussin")

    assert match.status == "ambiguous"
    assert 1 < len(match.formulas) <= MAX_FORMULAS
    assert set(robitussin.ingredients) | {"liothyronine", "codeine"} <= set(match.ingredients)
    assert match.ingredients in match.formulas  # the union stands for the combinations left out


@PROPERTY_SETTINGS
@given(ENTRIES)
def test_lookup_condition_result_is_consistent_for_any_text(text: str) -> None:
    vocabulary = load_vocabulary()

    match = vocabulary.lookup_condition(text)

    assert match.status in STATUSES
    assert (match.status in ("recognised", "ambiguous")) == bool(match.concepts)
    assert set(match.concepts) <= vocabulary.condition_concepts()
    assert set(match.implied) <= vocabulary.condition_concepts()
    assert not set(match.implied) & set(match.concepts)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)

    assert name_key(key) == key
