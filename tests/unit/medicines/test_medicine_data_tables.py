"""Integrity of the curated tables: every row sourced, every name resolvable."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from medicine_test_support import REPO_ROOT

from carechoices.medicines import RULE_CLASSES, MedicineVocabulary
from carechoices.medicines.parsing import name_key
from carechoices.medicines.vocabulary import NO_RULE_CLASS

DATA_DIR = REPO_ROOT / "carechoices" / "medicines" / "data"
TABLES = {
    "aliases.tsv": ["alias", "ingredients", "note", "source"],
    "rule_classes.tsv": ["ingredient", "rule_class", "fda_classes", "note", "source"],
    "conditions.tsv": ["slug", "label", "synonyms", "parents", "source"],
}


def read_table(name: str) -> list[dict[str, str]]:
    path: Path = DATA_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize(("name", "header"), TABLES.items())
def test_curated_table_has_the_expected_header(name: str, header: list[str]) -> None:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        first_line = handle.readline().rstrip("\n")

    assert first_line.split("\t") == header


@pytest.mark.parametrize("name", TABLES)
def test_every_curated_row_names_its_source(name: str) -> None:
    rows = read_table(name)

    assert rows
    assert [row for row in rows if not row["source"].strip()] == []
    assert all(None not in row and None not in row.values() for row in rows)  # column counts


def test_rule_class_table_size_and_slugs() -> None:
    rows = read_table("rule_classes.tsv")

    assert 60 <= len(rows) <= 150
    assert {row["rule_class"] for row in rows} == RULE_CLASSES | {NO_RULE_CLASS}


def test_every_rule_class_ingredient_is_in_the_index(vocabulary: MedicineVocabulary) -> None:
    missing = [
        row["ingredient"]
        for row in read_table("rule_classes.tsv")
        if vocabulary.lookup_medicine(row["ingredient"]).ingredients != (row["ingredient"],)
    ]

    assert missing == []


def test_every_alias_ingredient_is_an_ingredient_of_the_index(
    vocabulary: MedicineVocabulary,
) -> None:
    unknown = set()
    for row in read_table("aliases.tsv"):
        for formula in row["ingredients"].split("|"):
            for ingredient in formula.split("+"):
                name = ingredient.strip()
                if vocabulary.lookup_medicine(name).ingredients != (name,):
                    unknown.add(name)

    assert unknown == set()


def test_aliases_are_unique_after_folding() -> None:
    keys = [name_key(row["alias"]) for row in read_table("aliases.tsv")]

    assert len(keys) == len(set(keys))


def test_condition_parents_exist_and_form_no_cycle(vocabulary: MedicineVocabulary) -> None:
    for slug in vocabulary.condition_concepts():
        seen = {slug}
        pending = list(vocabulary.condition(slug).parents)
        while pending:
            parent = pending.pop()
            assert parent in vocabulary.condition_concepts()
            assert parent not in seen
            seen.add(parent)
            pending.extend(vocabulary.condition(parent).parents)


def test_loperamide_decision_is_recorded_in_the_table() -> None:
    (row,) = [r for r in read_table("rule_classes.tsv") if r["ingredient"] == "loperamide"]

    assert row["rule_class"] == "opioid"
    assert row["note"].startswith("Decision:")


def test_unclassified_fails_closed_only_for_ingredients_nobody_classified(vocabulary: MedicineVocabulary) -> None:
    # acetaminophen has a curated "none" row; metformin has an FDA class mapping to no rule class;
    # magnesium has neither, so it is reported as not classified.
    assert vocabulary.lookup_medicine("Percocet").unclassified == ()
    assert vocabulary.lookup_medicine("metformin").unclassified == ()
    assert vocabulary.lookup_medicine("magnesium").unclassified == ("magnesium",)
    assert vocabulary.lookup_medicine("Percocet").rule_classes == ("opioid",)
