"""Behaviour of MedicineVocabulary beyond the golden lists."""

from __future__ import annotations

import pytest

from carechoices.medicines import RULE_CLASSES, MedicineVocabulary, load_vocabulary


def test_load_vocabulary_returns_the_same_instance_twice() -> None:
    assert load_vocabulary() is load_vocabulary()


def test_lookup_medicine_t3_is_ambiguous_with_both_formulas(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("T3")

    assert match.status == "ambiguous"
    assert match.formulas == (("acetaminophen", "codeine"), ("liothyronine",))
    assert match.ingredients == ("acetaminophen", "codeine", "liothyronine")
    assert match.rule_classes == ("opioid", "thyroid-hormone")


def test_lookup_medicine_brand_family_screens_on_the_union(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("Robitussin")

    assert match.status == "ambiguous"
    assert len(match.formulas) > 1
    assert set(match.ingredients) == {i for formula in match.formulas for i in formula}
    assert "opioid" in match.rule_classes  # some Robitussin products carry dextromethorphan


def test_lookup_medicine_unii_brand_never_replaces_an_ndc_combination(
    vocabulary: MedicineVocabulary,
) -> None:
    # UNII lists Suboxone as buprenorphine alone; the NDC product has both ingredients.
    match = vocabulary.lookup_medicine("Suboxone")

    assert match.ingredients == ("buprenorphine", "naloxone")
    assert match.via == "FDA NDC product name"


def test_lookup_medicine_misspelling_is_only_suggested(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("tramadoll")

    assert match.status == "suggested"
    assert match.suggestions[0] == "tramadol"
    assert match.ingredients == ()
    assert match.rule_classes == ()
    assert match.via == "fuzzy suggestion"


@pytest.mark.parametrize("entry", ["daily", "vitamin", "blood pressure pill", "water pill", "none"])
def test_lookup_medicine_ordinary_words_are_unrecognised(
    vocabulary: MedicineVocabulary, entry: str
) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status == "unrecognised"
    assert match.suggestions == ()


def test_lookup_medicine_reports_unclassified_ingredients(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("fish oil")

    assert match.rule_classes == ()
    assert match.unclassified == ("fish oil",)


def test_lookup_medicine_partial_match_lists_the_unmatched_word(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_medicine("hydrocodon/APAP")

    assert match.ingredients == ("acetaminophen",)
    assert match.unmatched == ("hydrocodon",)
    assert vocabulary.suggest_medicine_names("hydrocodon")[0] == "hydrocodone"


def test_lookup_medicine_keeps_the_matched_span_and_how(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("Synthroid (levothyroxine) 100 mcg")

    assert match.matched == "synthroid + levothyroxine"
    assert match.via == "FDA NDC product name; FDA NDC substance"


def test_lookup_medicine_curated_alias_wins_over_an_ndc_name(
    vocabulary: MedicineVocabulary,
) -> None:
    # An NDC topical product happens to be called "Omega 3" (capsaicin).
    match = vocabulary.lookup_medicine("omega 3")

    assert match.via == "curated alias"
    assert match.ingredients == ("omega-3 fatty acids",)


@pytest.mark.parametrize("entry", ["a" * 1_000_000, "tramadol " * 120_000, "\x00" * 5_000])
def test_lookup_medicine_survives_huge_entries(vocabulary: MedicineVocabulary, entry: str) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status == "unrecognised"
    assert match.input is entry


def test_lookup_medicine_ignores_control_characters(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine("\x00\x1btra\u200bmadol\u00ad\x7f")

    assert match.status == "recognised"
    assert match.ingredients == ("tramadol",)


def test_lookup_medicine_accepts_none_without_raising(vocabulary: MedicineVocabulary) -> None:
    match = vocabulary.lookup_medicine(None)  # type: ignore[arg-type]

    assert match.status == "unrecognised"


def test_rule_classes_are_the_six_curated_slugs(vocabulary: MedicineVocabulary) -> None:
    assert vocabulary.rule_classes() == RULE_CLASSES
    assert RULE_CLASSES == {
        "opioid",
        "opioid-antagonist",
        "transplant-immunosuppressant",
        "thyroid-hormone",
        "nsaid",
        "corticosteroid",
    }


def test_condition_concepts_include_the_required_slugs(vocabulary: MedicineVocabulary) -> None:
    required = {
        "hashimotos-thyroiditis",
        "hypothyroidism",
        "liver-disease",
        "organ-transplant",
        "kidney-transplant",
        "liver-transplant",
        "heart-transplant",
        "lung-transplant",
        "pancreas-transplant",
        "irritable-bowel-syndrome",
        "inflammatory-bowel-disease",
        "crohns-disease",
        "ulcerative-colitis",
        "kidney-disease",
        "immunosuppressed",
    }

    assert required <= vocabulary.condition_concepts()


def test_known_ingredient_is_true_for_index_and_alias_ingredients(
    vocabulary: MedicineVocabulary,
) -> None:
    assert vocabulary.known_ingredient("tramadol")
    assert vocabulary.known_ingredient(" Dihydrocodeine ")
    assert not vocabulary.known_ingredient("percocet")  # a brand, not an ingredient
    assert not vocabulary.known_ingredient("xyzzy")


def test_data_sources_name_both_fda_files_and_the_curated_tables(
    vocabulary: MedicineVocabulary,
) -> None:
    sources = vocabulary.data_sources()

    assert [set(source) for source in sources] == [{"name", "version", "date"}] * 3
    assert sources[0]["date"] == "2019-04-29"
    assert sources[1]["date"] == "2025-06-12"
    assert sources[2]["version"].startswith("sha256:")


def test_pharm_classes_returns_fda_classes(vocabulary: MedicineVocabulary) -> None:
    assert "Opioid Agonist [EPC]" in vocabulary.pharm_classes("tramadol")
    assert "Partial Opioid Agonist/Antagonist [EPC]" in vocabulary.pharm_classes("pentazocine")
    assert vocabulary.pharm_classes("xyzzy") == ()


def test_rule_class_rows_carry_the_loperamide_decision(vocabulary: MedicineVocabulary) -> None:
    (row,) = vocabulary.rule_class_rows("loperamide")

    assert row.rule_class == "opioid"
    assert "Decision" in row.note
    assert "Opioid Agonist [EPC]" in row.source


def test_lookup_condition_lists_the_matched_concept_before_its_ancestors(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_condition("glioblastoma")

    assert match.concepts == ("glioblastoma", "high-grade-glioma", "glioma", "brain-cancer")
