"""Golden lists: what each medicine and condition entry must resolve to.

golden_medicines.tsv holds the 43 names of drugvocab.md §4, the harder probes of §5,
input shapes (strengths, forms, separators) and our own cases (NSAIDs, supplements,
colloquial phrases, decided classes, local forms, strengths, misspellings).
golden_conditions.tsv does the same for conditions (ambiguous names, implied concepts).
"""

from __future__ import annotations

import pytest
from medicine_test_support import read_golden, split_field

from carechoices.medicines import MedicineVocabulary

MEDICINE_ROWS = read_golden("golden_medicines.tsv")
CONDITION_ROWS = read_golden("golden_conditions.tsv")


def test_golden_medicine_list_has_at_least_eighty_names() -> None:
    assert len(MEDICINE_ROWS) >= 80


@pytest.mark.parametrize("row", MEDICINE_ROWS, ids=[r["input"] or "<empty>" for r in MEDICINE_ROWS])
def test_lookup_medicine_matches_golden_row(
    vocabulary: MedicineVocabulary, row: dict[str, str]
) -> None:
    # Arrange
    entry = row["input"]

    # Act
    match = vocabulary.lookup_medicine(entry)

    # Assert
    assert match.input == entry
    assert match.status == row["status"], row["note"]
    assert match.ingredients == split_field(row["ingredients"]), row["note"]
    assert match.rule_classes == split_field(row["rule_classes"]), row["note"]
    assert match.unmatched == split_field(row["unmatched"]), row["note"]
    assert match.route == ("" if row["route"] == "-" else row["route"]), row["note"]
    assert match.strengths_mg == split_strengths(row["strengths_mg"]), row["note"]
    assert match.implied_conditions == split_field(row["implied_conditions"]), row["note"]
    assert match.undecided == ()
    if row["suggestion"] != "-":
        assert row["suggestion"] in match.suggestions


def split_strengths(value: str) -> tuple[tuple[str, float], ...]:
    """'naltrexone=4.5' -> (('naltrexone', 4.5),); '-' -> ()."""
    if value == "-":
        return ()
    return tuple(
        (ingredient, float(milligrams))
        for ingredient, milligrams in (part.split("=") for part in value.split("+"))
    )


@pytest.mark.parametrize(
    "row", CONDITION_ROWS, ids=[r["input"] or "<empty>" for r in CONDITION_ROWS]
)
def test_lookup_condition_matches_golden_row(
    vocabulary: MedicineVocabulary, row: dict[str, str]
) -> None:
    match = vocabulary.lookup_condition(row["input"])

    assert match.input == row["input"]
    assert match.status == row["status"], row["note"]
    assert match.concepts == split_field(row["concepts"]), row["note"]
    assert match.unmatched == split_field(row["unmatched"]), row["note"]
    assert match.implied == split_field(row["implied"]), row["note"]
    if row["suggestion"] != "-":
        assert row["suggestion"] in match.suggestions
