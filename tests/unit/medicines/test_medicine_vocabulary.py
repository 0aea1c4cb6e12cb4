"""Behaviour of MedicineVocabulary beyond the golden lists."""

from __future__ import annotations

import pytest

from carechoices.medicines import RULE_CLASSES, MedicineVocabulary, load_vocabulary
from carechoices.medicines.vocabulary import MAX_FORMULAS


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
        ("Kenalog injection", ""),  # a systemic form word wins over a local-only name
        ("Kenalog", ""),  # widened to Kenalog-10 and Kenalog-40, injections
        ("Restasis eye drops tablets", ""),  # any systemic form word: never local
        ("sirolimus gel", "local"),  # a local form word with one matched name
        ("Hyftor", "local"),  # curated local route (sirolimus gel, no NDC 2019 route)
        ("Verkazia", "local"),  # curated local route (cyclosporine eye drops)
        ("Vevye", "local"),  # curated local route (cyclosporine eye drops)
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
        ("naltrexone 50mg/day", (("naltrexone", 50.0),)),  # a dose per day is a dose
        ("naltrexone 50 mg/day", (("naltrexone", 50.0),)),
        ("naltrexone 50 mg/d", (("naltrexone", 50.0),)),
        ("naltrexone 50 mg daily", (("naltrexone", 50.0),)),
        ("naltrexone 50 mg per day", (("naltrexone", 50.0),)),
        ("naltrexone 50", ()),  # a bare number: no unit, no strength
        ("naltrexone 380mg/4mL", ()),  # a concentration
        ("naltrexone 5 mg/5 mL", ()),  # a concentration
        ("naltrexone 50 mg/wk", ()),  # another rate
        ("naltrexone 50 mg/24 hr", ()),  # a delivery rate (patches)
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

    # Not an organ transplant, but immunosuppressed (conditions.tsv, rule owner to confirm).
    assert (match.status, match.concepts, match.implied) == (
        "recognised",
        ("stem-cell-transplant",),
        ("immunosuppressed",),
    )


@pytest.mark.parametrize(
    ("entry", "concept"),
    [
        ("hair transplant", "hair-transplant"),
        ("corneal transplant", "corneal-transplant"),
        ("cornea transplant", "corneal-transplant"),
        ("keratoplasty", "corneal-transplant"),
    ],
)
def test_lookup_condition_tissue_transplants_are_not_organ_transplants(
    vocabulary: MedicineVocabulary, entry: str, concept: str
) -> None:
    match = vocabulary.lookup_condition(entry)

    assert (match.status, match.concepts, match.implied, match.unmatched) == (
        "recognised",
        (concept,),
        (),
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


# --- product families and words left out of a match -------------------------------------

FAMILY_NAMES = [
    "coricidin hbp",
    "vicks formula 44",
    "adult tussin",
    "sunmark tussin",
    "healthy accents tussin",
    "tylenol",
    "advil",
    "kenalog",
]


@pytest.mark.parametrize("key", FAMILY_NAMES)
def test_a_product_name_is_screened_on_every_product_name_it_begins(
    vocabulary: MedicineVocabulary, key: str
) -> None:
    # "Coricidin HBP" is one product, but also the start of "Coricidin HBP Cough and Cold"
    # and four more: the entry can mean any of them.
    extensions = vocabulary._names_starting_with(key)
    expected = {tuple(f) for name in (key, *extensions) for f in vocabulary._names[name]}

    match = vocabulary.lookup_medicine(key)

    assert extensions
    assert len(expected) <= MAX_FORMULAS  # else only the union would be checked below
    assert set(match.formulas) == expected
    assert set(match.ingredients) == {i for formula in expected for i in formula}
    assert match.status == ("ambiguous" if len(expected) > 1 else "recognised")


@pytest.mark.parametrize(
    "entry",
    [
        "Coricidin HBP",
        "Vicks Formula 44",
        "Adult Tussin",
        "Sunmark Tussin",
        "Healthy Accents Tussin",
        "Tylenol",
    ],
)
def test_a_cough_and_cold_family_carries_dextromethorphan(
    vocabulary: MedicineVocabulary, entry: str
) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status == "ambiguous"
    assert "dextromethorphan" in match.ingredients
    assert "opioid" in match.rule_classes


@pytest.mark.parametrize(
    ("entry", "formulas"),
    [
        ("ibuprofen", (("ibuprofen",),)),  # a substance: never widened
        ("oxycodone hcl", (("oxycodone",),)),  # a substance with its salt word
        ("aspirin 81mg", (("aspirin",),)),  # a substance with its strength
        ("Tylenol Extra Strength", (("acetaminophen",),)),  # a more specific name
        ("Coricidin HBP Cough and Cold", (("chlorpheniramine", "dextromethorphan"),)),
        ("omega 3", (("omega-3 fatty acids",),)),  # a curated alias: never widened
    ],
)
def test_substances_aliases_and_specific_names_are_not_widened(
    vocabulary: MedicineVocabulary, entry: str, formulas: tuple
) -> None:
    assert vocabulary.lookup_medicine(entry).formulas == formulas


def test_tylenol_is_screened_on_every_tylenol_product_codeine_included(
    vocabulary: MedicineVocabulary,
) -> None:
    match = vocabulary.lookup_medicine("Tylenol")

    assert ("acetaminophen", "codeine") in match.formulas
    assert "opioid" in match.rule_classes


@pytest.mark.parametrize(
    ("entry", "unmatched"),
    [
        ("Benylin DM", ("dm",)),  # no Benylin product name explains "dm"
        ("Benylin DM-E", ("dm", "e")),
        ("Benylin dry cough", ("dry", "cough")),
        ("Zicam Cough Max", ("cough", "max")),
        ("Panadol Ultra", ("ultra",)),
        ("naltrexone 50", ("50",)),  # a bare number is no strength
        ("Tylenol No. 7", ("#7",)),  # a numbered strength nobody curated
        ("Tylenol 7", ("7",)),
        ("Valoron N", ("n",)),
        ("oxycodone and zzzdrug", ("zzzdrug",)),  # unchanged: an unmatched name
    ],
)
def test_words_and_numbers_left_out_of_a_match_are_not_recognised(
    vocabulary: MedicineVocabulary, entry: str, unmatched: tuple[str, ...]
) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status in ("recognised", "ambiguous")
    assert match.unmatched == unmatched


@pytest.mark.parametrize(
    "entry",
    [
        "tramadol 50 mg",  # a strength with its unit
        "Percocet 5/325",  # a ratio of strengths
        "fentanyl 25 mcg/hr transdermal patch",  # a rate, a form, a route
        "oxycodone hcl 5mg",  # a salt word
        "naltrexone 50 mg 2 tablets",  # a count
        "naltrexone 4.5 mg every 4 hours",  # a frequency
        "Percocet at night",  # directions
        "Tylenol Cold and Flu",  # words a Tylenol product name explains
        "Aleve D",  # "d" is explained by Aleve-D products
        "Coricidin HBP cough",
        "Tylenol medicine",  # a word that only says it is a medicine
        "Tylenol No. 3",  # a curated numbered strength
        "Tylenol with Codeine No. 3",
    ],
)
def test_strengths_forms_and_explained_words_are_left_out_silently(
    vocabulary: MedicineVocabulary, entry: str
) -> None:
    match = vocabulary.lookup_medicine(entry)

    assert match.status in ("recognised", "ambiguous")
    assert match.unmatched == ()


def test_a_variant_word_narrows_only_the_part_it_follows(vocabulary: MedicineVocabulary) -> None:
    # "PM" follows Advil: Tylenol keeps every product (its codeine ones too).
    match = vocabulary.lookup_medicine("Tylenol, Advil PM")
    tylenol = vocabulary.lookup_medicine("Tylenol")

    assert set(tylenol.ingredients) <= set(match.ingredients)
    assert match.unmatched == ()


def local_route_vocabulary(
    rows: list[dict[str, str]], alias: str | None = None
) -> MedicineVocabulary:
    index = {
        "names": {"hyftor": [["sirolimus"]], "protopic": [["tacrolimus"]]},
        "name_origins": {"codes": "bp"},
        "name_routes": {"codes": "-l"},
        "generic_words": [],
        "ingredient_classes": {},
    }
    aliases = (
        [{"alias": alias, "ingredients": "sirolimus", "note": "", "source": "t"}] if alias else []
    )
    return MedicineVocabulary(index, aliases, [], [], local_route_rows=rows)


def local_row(name: str, route: str = "local", source: str = "test") -> dict[str, str]:
    return {"name": name, "route": route, "note": "", "source": source}


def test_a_curated_local_route_makes_a_name_local() -> None:
    vocabulary = local_route_vocabulary([local_row("Hyftor")])

    assert vocabulary.lookup_medicine("Hyftor").route == "local"
    assert vocabulary.lookup_medicine("Hyftor tablets").route == ""


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (local_row("Nothing"), "not a name of the drug index"),
        (local_row("Hyftor", route="systemic"), "unusable row"),
        (local_row("Hyftor", source=""), "no source"),
        (local_row("Protopic"), "FDA NDC products"),  # the NDC route decides
    ],
)
def test_unusable_local_route_rows_are_refused(row: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        local_route_vocabulary([row])


def test_a_local_route_row_for_a_curated_alias_is_refused() -> None:
    with pytest.raises(ValueError, match="alias never takes a route"):
        local_route_vocabulary([local_row("Hyftor")], alias="Hyftor")
