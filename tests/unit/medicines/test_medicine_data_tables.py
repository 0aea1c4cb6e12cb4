"""Integrity of the curated tables: every row sourced, every name resolvable."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from medicine_test_support import REPO_ROOT

from carechoices.medicines import RULE_CLASSES, MedicineVocabulary
from carechoices.medicines.parsing import name_key
from carechoices.medicines.vocabulary import NO_RULE_CLASS

DATA_DIR = REPO_ROOT / "carechoices" / "medicines" / "data"
TABLES = {
    "aliases.tsv": ["alias", "ingredients", "note", "source"],
    "rule_classes.tsv": [
        "ingredient",
        "rule_class",
        "decision",
        "systemic_only",
        "signals",
        "note",
        "source",
    ],
    "rule_class_signals.tsv": ["rule_class", "pattern", "note", "source"],
    "conditions.tsv": [
        "slug",
        "label",
        "synonyms",
        "parents",
        "ambiguous_synonyms",
        "implied_by",
        "source",
    ],
    "local_routes.tsv": ["name", "route", "note", "source"],
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

    assert 250 <= len(rows) <= 450
    assert {row["rule_class"] for row in rows} == RULE_CLASSES | {NO_RULE_CLASS}


def test_rule_class_rows_have_a_valid_decision_and_one_row_per_class() -> None:
    rows = read_table("rule_classes.tsv")
    pairs = [(row["ingredient"], row["rule_class"]) for row in rows]

    assert {row["decision"] for row in rows} == {"in", "out"}
    assert {row["systemic_only"] for row in rows} == {"", "yes"}
    assert [r for r in rows if r["systemic_only"] == "yes" and r["decision"] != "in"] == []
    assert [r for r in rows if r["rule_class"] == NO_RULE_CLASS and r["decision"] != "out"] == []
    assert len(pairs) == len(set(pairs))


def test_judgement_calls_are_marked_for_the_rule_owner() -> None:
    # A row that says "Decision:" is a judgement beyond the FDA class strings; each one
    # asks the rule owner to confirm, so none slips through as settled fact.
    rows = read_table("rule_classes.tsv")
    decisions = [r for r in rows if r["note"].startswith("Decision:")]
    unconfirmed = [
        r["ingredient"] for r in decisions if "rule owner to confirm" not in r["note"].lower()
    ]

    assert len(decisions) >= 10
    assert unconfirmed == []


def test_systemic_only_rows_are_the_local_use_medicines() -> None:
    rows = read_table("rule_classes.tsv")
    systemic_only = {(r["ingredient"], r["rule_class"]) for r in rows if r["systemic_only"]}

    assert ("tacrolimus", "transplant-immunosuppressant") in systemic_only
    assert ("cyclosporine", "transplant-immunosuppressant") in systemic_only
    assert ("prednisone", "immunosuppressant") in systemic_only
    assert not any(rule_class == "opioid" for _, rule_class in systemic_only)


def test_every_signal_pattern_matches_some_signal_of_the_index(
    vocabulary: MedicineVocabulary,
) -> None:
    # A pattern that matches nothing guards nothing: a typo in it would go unnoticed.
    all_signals = {
        signal
        for rule_class in vocabulary.coverage().values()
        for ingredient in rule_class.neighbourhood
        for signal in vocabulary.signals(ingredient)
    }
    dead = [
        row.pattern
        for row in vocabulary.rule_class_signal_rows()
        if not any(re.search(row.pattern, signal, re.IGNORECASE) for signal in all_signals)
    ]

    assert dead == []
    assert {row.rule_class for row in vocabulary.rule_class_signal_rows()} == RULE_CLASSES


def test_no_ingredient_is_undecided_in_any_rule_class(vocabulary: MedicineVocabulary) -> None:
    # The safety net for a rebuilt index: an ingredient that a signal (FDA class, DEA
    # schedule) ties to a rule class must have a curated decision, or it is not checked.
    # `carechoices vocabulary coverage --check` lists what to decide.
    undecided = {
        rule_class: [(u.ingredient, u.signals) for u in report.undecided]
        for rule_class, report in vocabulary.coverage().items()
        if report.undecided
    }

    assert undecided == {}


def test_coverage_counts_members_and_exclusions_of_each_class(
    vocabulary: MedicineVocabulary,
) -> None:
    coverage = vocabulary.coverage()

    assert set(coverage) == RULE_CLASSES
    assert {"difenoxin", "opium", "diphenoxylate", "oxycodone"} <= set(coverage["opioid"].members)
    assert {"naloxone", "alprazolam", "aspirin", "menthol"} <= set(coverage["opioid"].exclusions)
    transplant = coverage["transplant-immunosuppressant"]
    assert {"lapine t-lymphocyte immune globulin", "tacrolimus"} <= set(transplant.members)
    assert "pimecrolimus" in transplant.exclusions
    # Every transplant member is an immunosuppressant by the same row.
    assert set(transplant.members) <= set(coverage["immunosuppressant"].members)
    assert "fluticasone" in coverage["immunosuppressant"].exclusions
    assert "prednisone" in coverage["immunosuppressant"].systemic_only


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
    assert row["decision"] == "in"
    assert row["note"].startswith("Decision:")


def test_difenoxin_decision_cites_the_controlled_substance_schedule() -> None:
    (row,) = [r for r in read_table("rule_classes.tsv") if r["ingredient"] == "difenoxin"]

    assert (row["rule_class"], row["decision"]) == ("opioid", "in")
    assert "21 CFR 1308.14(b)" in row["source"]
    assert "DEA schedule CIV" in row["signals"]


def test_ambiguous_condition_synonyms_name_several_concepts() -> None:
    named: dict[str, set[str]] = {}
    for row in read_table("conditions.tsv"):
        for synonym in filter(None, row["ambiguous_synonyms"].split("|")):
            named.setdefault(name_key(synonym), set()).add(row["slug"])

    assert named["transplant"] == {"organ-transplant", "stem-cell-transplant"}
    assert all(len(slugs) >= 2 for slugs in named.values())


def test_stem_cell_transplant_is_not_an_organ_transplant(vocabulary: MedicineVocabulary) -> None:
    concept = vocabulary.condition("stem-cell-transplant")

    assert concept.parents == ()
    assert "bone marrow transplant" in concept.synonyms
    # A stem cell transplant implies immunosuppressed (a decision for the rule owner,
    # sourced in the immunosuppressed row) without being an organ transplant.
    assert vocabulary.condition("immunosuppressed").implied_by == (
        "class:immunosuppressant",
        "condition:organ-transplant",
        "condition:stem-cell-transplant",
    )
    assert "rule owner to confirm" in vocabulary.condition("immunosuppressed").source


@pytest.mark.parametrize("slug", ["corneal-transplant", "hair-transplant"])
def test_tissue_transplants_are_not_organ_transplants(
    vocabulary: MedicineVocabulary, slug: str
) -> None:
    concept = vocabulary.condition(slug)

    assert concept.parents == ()
    assert concept.implied_by == ()
    assert concept.ambiguous_synonyms == ()
    assert slug not in vocabulary.lookup_condition("transplant").concepts


def test_curated_local_routes_only_fill_in_names_without_an_ndc_route(
    vocabulary: MedicineVocabulary,
) -> None:
    # The index stores a route only for names with FDA NDC products; a curated row may
    # only add one for a brand the 2019 file does not have (the constructor refuses
    # others), and never for a curated alias.
    rows = read_table("local_routes.tsv")

    assert {row["route"] for row in rows} == {"local"}
    for row in rows:
        key = name_key(row["name"])
        assert vocabulary.is_local_only_name(key)
        assert vocabulary.lookup_medicine(row["name"]).via == "FDA UNII brand name"


def test_unclassified_fails_closed_only_for_ingredients_nobody_classified(
    vocabulary: MedicineVocabulary,
) -> None:
    # acetaminophen has a curated "none" row; metformin has an FDA class mapping to no rule class;
    # magnesium has neither, so it is reported as not classified.
    assert vocabulary.lookup_medicine("Percocet").unclassified == ()
    assert vocabulary.lookup_medicine("metformin").unclassified == ()
    assert vocabulary.lookup_medicine("magnesium").unclassified == ("magnesium",)
    assert vocabulary.lookup_medicine("Percocet").rule_classes == ("opioid",)
