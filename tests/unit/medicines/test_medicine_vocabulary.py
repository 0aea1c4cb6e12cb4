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


def test_rule_classes_are_the_seven_curated_slugs(vocabulary: MedicineVocabulary) -> None:
    assert vocabulary.rule_classes() == RULE_CLASSES
    assert RULE_CLASSES == {
        "opioid",
        "opioid-antagonist",
        "transplant-immunosuppressant",
        "immunosuppressant",
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
        "stem-cell-transplant",
        "opioid-use-disorder",
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


# --- signals and decided classes ------------------------------------------------------


def test_signals_include_every_fda_class_kind_and_the_dea_schedule(
    vocabulary: MedicineVocabulary,
) -> None:
    assert "Increased T Lymphocyte Destruction [PE]" in vocabulary.signals(
        "lapine t-lymphocyte immune globulin"
    )
    assert "Thyroxine [CS]" in vocabulary.signals("levothyroxine")
    assert "DEA schedule CII" in vocabulary.signals("oxycodone")
    assert "DEA schedule CIV (combination products)" in vocabulary.signals("difenoxin")
    assert vocabulary.dea_schedules("difenoxin") == ("CIV",)


def test_a_combination_schedule_is_not_given_to_a_known_unscheduled_partner(
    vocabulary: MedicineVocabulary,
) -> None:
    # Suboxone (CIII) does not schedule naloxone; Motofen (CIV) does not schedule atropine.
    assert vocabulary.dea_schedules("naloxone") == ()
    assert vocabulary.dea_schedules("atropine") == ()
    assert "CIII" in vocabulary.dea_schedules("buprenorphine")


@pytest.mark.parametrize(
    ("ingredient", "rule_class", "decision"),
    [
        ("difenoxin", "opioid", "in"),
        ("alprazolam", "opioid", "out"),
        ("naloxone", "opioid", "out"),
        ("naloxone", "opioid-antagonist", "in"),
        ("tacrolimus", "immunosuppressant", "in"),  # by its transplant row
        ("fluticasone", "immunosuppressant", "out"),
        ("metformin", "opioid", "out"),  # FDA class outside every neighbourhood
        ("magnesium", "opioid", "unclassified"),
    ],
)
def test_rule_class_decision(
    vocabulary: MedicineVocabulary, ingredient: str, rule_class: str, decision: str
) -> None:
    assert vocabulary.rule_class_decision(ingredient, rule_class) == decision


def test_rule_class_decision_refuses_an_unknown_class(vocabulary: MedicineVocabulary) -> None:
    with pytest.raises(ValueError, match="unknown rule class"):
        vocabulary.rule_class_decision("tramadol", "opiod")


def small_vocabulary(
    rule_rows: list[dict[str, str]], signal_rows: list[dict[str, str]]
) -> MedicineVocabulary:
    """A vocabulary over a three-name index, for the decision machinery."""
    index = {
        "names": {
            "motofen": [["atropine", "difenoxin"]],
            "protopic": [["tacrolimus"]],
            "tacrolimus": [["tacrolimus"]],
        },
        "name_origins": {"codes": "pss"},
        "name_routes": {"codes": "lls"},
        "generic_words": [],
        "ingredient_classes": {
            "atropine": ["Anticholinergic [EPC]"],
            "difenoxin": ["Antidiarrheal [EPC]"],
            "tacrolimus": ["Calcineurin Inhibitor Immunosuppressant [EPC]"],
        },
        "ingredient_dea_schedules_from_combinations": {"difenoxin": ["CIV"]},
    }
    condition_rows = [
        {
            "slug": "immunosuppressed",
            "label": "Immunosuppressed",
            "synonyms": "immunosuppressed",
            "parents": "",
            "implied_by": "class:immunosuppressant",
            "source": "test",
        }
    ]
    return MedicineVocabulary(index, [], rule_rows, condition_rows, signal_rows=signal_rows)


def rule_row(ingredient: str, rule_class: str, decision: str, systemic_only: str = "") -> dict:
    return {
        "ingredient": ingredient,
        "rule_class": rule_class,
        "decision": decision,
        "systemic_only": systemic_only,
        "signals": "",
        "note": "",
        "source": "test",
    }


OPIOID_BY_SCHEDULE = {"rule_class": "opioid", "pattern": "dea schedule", "source": "test"}
CALCINEURIN = {
    "rule_class": "transplant-immunosuppressant",
    "pattern": "calcineurin",
    "source": "t",
}


def test_an_ingredient_a_signal_ties_to_a_class_is_undecided_until_a_row_decides() -> None:
    undecided = small_vocabulary([], [OPIOID_BY_SCHEDULE]).lookup_medicine("Motofen")
    decided = small_vocabulary(
        [rule_row("difenoxin", "opioid", "in")], [OPIOID_BY_SCHEDULE]
    ).lookup_medicine("Motofen")

    assert [(u.ingredient, u.rule_class, u.signals) for u in undecided.undecided] == [
        ("difenoxin", "opioid", ("DEA schedule CIV (combination products)",))
    ]
    assert undecided.rule_classes == ()
    assert undecided.unclassified == ()  # it has signals: undecided, not unclassified
    assert decided.undecided == ()
    assert decided.rule_classes == ("opioid",)


def test_coverage_reports_the_undecided_ingredient_with_its_signals() -> None:
    coverage = small_vocabulary([], [OPIOID_BY_SCHEDULE]).coverage()

    (undecided,) = coverage["opioid"].undecided
    assert undecided.ingredient == "difenoxin"
    assert coverage["opioid"].neighbourhood == ("difenoxin",)
    assert coverage["opioid"].implicitly_out == 2  # atropine and tacrolimus
    assert coverage["nsaid"].undecided == ()


def test_a_wider_class_inherits_the_neighbourhood_and_members_of_a_narrower_one() -> None:
    undecided = small_vocabulary([], [CALCINEURIN]).coverage()
    decided = small_vocabulary(
        [rule_row("tacrolimus", "transplant-immunosuppressant", "in")], [CALCINEURIN]
    ).coverage()

    assert [u.ingredient for u in undecided["immunosuppressant"].undecided] == ["tacrolimus"]
    assert decided["immunosuppressant"].members == ("tacrolimus",)
    assert decided["immunosuppressant"].undecided == ()


def test_a_systemic_only_row_leaves_local_use_out_of_the_class() -> None:
    vocabulary = small_vocabulary(
        [rule_row("tacrolimus", "transplant-immunosuppressant", "in", "yes")], [CALCINEURIN]
    )

    local = vocabulary.lookup_medicine("Protopic")
    systemic = vocabulary.lookup_medicine("tacrolimus")

    assert (local.route, local.rule_classes, local.implied_conditions) == ("local", (), ())
    assert systemic.route == ""
    assert systemic.rule_classes == ("immunosuppressant", "transplant-immunosuppressant")
    assert systemic.implied_conditions == ("immunosuppressed",)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([rule_row("tacrolimus", "opioid", "maybe")], "decision must be in or out"),
        ([rule_row("tacrolimus", "opioid", "out", "yes")], "systemic_only"),
        ([rule_row("tacrolimus", "none", "in")], "'none' row"),
        (
            [rule_row("tacrolimus", "opioid", "in"), rule_row("tacrolimus", "opioid", "out")],
            "two rows",
        ),
        (
            [rule_row("tacrolimus", "opioid", "in"), rule_row("tacrolimus", "none", "out")],
            "'none' row and",
        ),
        (
            [
                rule_row("tacrolimus", "transplant-immunosuppressant", "in"),
                rule_row("tacrolimus", "immunosuppressant", "out"),
            ],
            "but out of",
        ),
    ],
)
def test_inconsistent_rule_class_rows_are_refused(rows: list[dict], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        small_vocabulary(rows, [])


def test_a_bad_signal_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="bad pattern"):
        small_vocabulary([], [{"rule_class": "opioid", "pattern": "opioid(", "source": "t"}])


# --- route, strengths, implied conditions ---------------------------------------------


@pytest.mark.parametrize(
    ("entry", "route"),
    [
        ("Protopic", "local"),
        ("tacrolimus ointment", "local"),
        ("Restasis", "local"),
        ("fluticasone inhaler", "local"),
        ("Prograf", ""),
        ("tacrolimus", ""),  # capsules and ointment: not every product is local
        ("fentanyl patch", ""),  # a patch is not local
        ("Duragesic", ""),  # transdermal
        ("hydrocortisone cream and tablets", ""),
        ("prednisone and tacrolimus ointment", ""),
        ("omega 3", ""),  # a curated alias never takes an NDC name's route
    ],
)
def test_lookup_medicine_route(vocabulary: MedicineVocabulary, entry: str, route: str) -> None:
    assert vocabulary.lookup_medicine(entry).route == route


@pytest.mark.parametrize(
    ("entry", "strengths"),
    [
        ("Revia 50 mg", (("naltrexone", 50.0),)),
        ("LDN 4.5mg", (("naltrexone", 4.5),)),
        ("naltrexone 500 mcg", (("naltrexone", 0.5),)),
        ("naltrexone 1 g", (("naltrexone", 1000.0),)),
        ("naltrexone 50 mg 2 tablets", (("naltrexone", 50.0),)),
        ("naltrexone", ()),
        ("naltrexone 1.5 mg 3 mg", ()),  # two strengths
        ("naltrexone 50 mg/ml", ()),  # a concentration
        ("naltrexone 1,5 mg", ()),  # a decimal comma or a thousands separator: unclear
        ("fentanyl 25 mcg/hr", ()),  # a rate
        ("Percocet 5/325", ()),  # two ingredients
        ("T3 25 mcg", ()),  # two formulas
        ("hydrocortisone 1%", ()),  # a percentage
    ],
)
def test_lookup_medicine_strengths_only_when_unambiguous(
    vocabulary: MedicineVocabulary, entry: str, strengths: tuple
) -> None:
    assert vocabulary.lookup_medicine(entry).strengths_mg == strengths


def test_an_immunosuppressant_implies_the_condition_immunosuppressed(
    vocabulary: MedicineVocabulary,
) -> None:
    assert vocabulary.lookup_medicine("CellCept").implied_conditions == ("immunosuppressed",)
    assert vocabulary.lookup_medicine("Humira").implied_conditions == ("immunosuppressed",)
    assert vocabulary.lookup_medicine("Elidel").implied_conditions == ()
    assert vocabulary.implied_conditions(["immunosuppressant", "opioid"]) == ("immunosuppressed",)


def test_lookup_condition_transplant_is_ambiguous_and_screened_on_both(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_condition("transplant")

    assert match.status == "ambiguous"
    assert match.concepts == ("organ-transplant", "stem-cell-transplant")
    assert match.implied == ("immunosuppressed",)


def test_lookup_condition_stem_cell_transplant_is_not_an_organ_transplant(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_condition("stem cell transplant")

    assert (match.status, match.concepts, match.implied) == (
        "recognised",
        ("stem-cell-transplant",),
        (),
    )


def test_lookup_condition_implied_never_repeats_a_stated_concept(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_condition("kidney transplant, immunosuppressed")

    assert "immunosuppressed" in match.concepts
    assert match.implied == ()


# --- suggestions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "first"),
    [
        ("Percoset", "percocet"),  # a wrong letter
        ("codiene", "codeine"),  # two letters swapped
        ("oxycotin", "oxycontin"),  # a missing letter
        ("tramdol", "tramadol"),
        ("ibuprophen", "ibuprofen"),  # two edits in a longer word
        ("levothyroxin", "levothyroxine"),
    ],
)
def test_misspellings_are_suggested_first_and_never_applied(
    vocabulary: MedicineVocabulary, entry: str, first: str
) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status == "suggested"
    assert match.suggestions[0] == first
    assert match.ingredients == ()


@pytest.mark.parametrize("entry", ["garden", "paper", "travel", "hello", "window", "coffee"])
def test_one_letter_from_a_product_name_is_not_enough_for_a_short_word(
    vocabulary: MedicineVocabulary, entry: str
) -> None:
    # "paper" is one substitution from the brand Paser, "garden" from Gardan: only a swap of
    # two letters counts for a word this short.
    assert vocabulary.lookup_medicine(entry).suggestions == ()
