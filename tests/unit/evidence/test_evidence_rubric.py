"""The versioned rating rubric, its published table, and editor overrides."""

from __future__ import annotations

import json

import pytest

from carechoices.evidence import grading, rubric
from carechoices.evidence.domain import Grade, RatedAttribute
from carechoices.evidence.rubric import (
    RUBRIC_TABLE,
    RUBRIC_VERSION,
    AffordabilityInputs,
    CostBand,
    FinalRating,
    OverrideError,
    RatingSuggestion,
    SafetyInputs,
    apply_override,
    rubric_table,
    suggest_rating,
)

EVIDENCE_ATTRIBUTES = [
    RatedAttribute.TREATMENT_OUTCOMES,
    RatedAttribute.BODY_TERRAIN,
    RatedAttribute.SIDE_EFFECTS_WELLNESS,
    RatedAttribute.CANCER_RISK,
]


def test_rubric_decisions_are_pinned_to_the_version() -> None:
    # Arrange: changing any number below is a rubric change; bump RUBRIC_VERSION and this pin
    expected = {
        "version": "1.0.0",
        "large": 100,
        "very_large": 1000,
        "several": 3,
        "agreeing_meta_analyses": 2,
        "grade_scores": {
            "strong": 5,
            "good": 4,
            "moderate": 3,
            "preliminary": 2,
            "weak": 1,
            "no-effect": 0,
            "harm": 0,
            "insufficient": 0,
        },
        "safety_start": 5,
        "safety_deductions": {
            "serious_adverse_events_reported": 2,
            "human_harm_signals": 2,
            "preclinical_harm_signals": 1,
            "avoid_contraindications": 1,
        },
        "cost_band_scores": {"free": 5, "low": 4, "moderate": 3, "high": 2, "very-high": 1},
        "prescription_deduction": 1,
        "points_per_programme": 1,
    }

    # Act
    actual = {
        "version": RUBRIC_VERSION,
        "large": grading.LARGE_STUDY_PARTICIPANTS,
        "very_large": grading.VERY_LARGE_STUDY_PARTICIPANTS,
        "several": grading.SEVERAL_STUDIES,
        "agreeing_meta_analyses": grading.AGREEING_META_ANALYSES,
        "grade_scores": {grade.value: score for grade, score in rubric.GRADE_SCORES.items()},
        "safety_start": rubric.SAFETY_START,
        "safety_deductions": dict(rubric.SAFETY_DEDUCTIONS),
        "cost_band_scores": {band.value: s for band, s in rubric.COST_BAND_SCORES.items()},
        "prescription_deduction": rubric.PRESCRIPTION_DEDUCTION,
        "points_per_programme": rubric.EXPERT_USE_POINTS_PER_PROGRAMME,
    }

    # Assert
    assert actual == expected


GRADE_TABLE = [
    (Grade.STRONG, 5),
    (Grade.GOOD, 4),
    (Grade.MODERATE, 3),
    (Grade.PRELIMINARY, 2),
    (Grade.WEAK, 1),
    (Grade.NO_EFFECT, 0),
    (Grade.HARM, 0),
    (Grade.INSUFFICIENT, 0),
]


@pytest.mark.parametrize("attribute", EVIDENCE_ATTRIBUTES)
@pytest.mark.parametrize(("grade", "score"), GRADE_TABLE)
def test_suggest_rating_maps_a_single_grade(
    attribute: RatedAttribute, grade: Grade, score: int
) -> None:
    # Arrange / Act
    suggestion = suggest_rating(attribute, grades=[grade])

    # Assert
    assert suggestion == RatingSuggestion(
        attribute=attribute, score=score, reason=suggestion.reason, rubric_version="1.0.0"
    )


@pytest.mark.parametrize(
    ("grades", "score"),
    [
        (["weak", "preliminary", "no-effect"], 2),
        ([Grade.INSUFFICIENT, Grade.WEAK], 1),
        ([Grade.HARM, Grade.STRONG], 5),
        ([Grade.HARM, Grade.NO_EFFECT], 0),
    ],
)
def test_suggest_rating_takes_the_best_grade_across_cancer_types(
    grades: list[Grade | str], score: int
) -> None:
    # Arrange / Act
    suggestion = suggest_rating(RatedAttribute.TREATMENT_OUTCOMES, grades=grades)

    # Assert
    assert suggestion.score == score


def test_suggest_rating_mentions_harm_beside_a_better_grade() -> None:
    # Arrange / Act
    suggestion = suggest_rating(RatedAttribute.CANCER_RISK, grades=[Grade.HARM, Grade.WEAK])

    # Assert
    assert suggestion.score == 1
    assert "harm" in suggestion.reason.lower()


@pytest.mark.parametrize("grades", [None, []])
@pytest.mark.parametrize("attribute", EVIDENCE_ATTRIBUTES)
def test_suggest_rating_no_evidence_is_not_yet_rated(
    attribute: RatedAttribute, grades: list[Grade] | None
) -> None:
    # Arrange / Act
    suggestion = suggest_rating(attribute, grades=grades)

    # Assert
    assert suggestion.score is None
    assert suggestion.reason.startswith("Not yet rated")


@pytest.mark.parametrize(
    ("programmes", "score"),
    [(None, None), (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 5), (40, 5)],
)
def test_suggest_rating_expert_use_counts_programmes(programmes: int | None, score: int) -> None:
    # Arrange / Act
    suggestion = suggest_rating("expert-use", expert_programmes=programmes)

    # Assert
    assert suggestion.score == score


@pytest.mark.parametrize("programmes", [-1, True, 2.0])
def test_suggest_rating_expert_use_rejects_impossible_counts(programmes: object) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="expert_programmes"):
        suggest_rating(RatedAttribute.EXPERT_USE, expert_programmes=programmes)  # type: ignore[arg-type]


SAFETY_TABLE = [
    ("no concerns", SafetyInputs(0, 0, 0, False), 5),
    ("one avoid rule", SafetyInputs(1, 0, 0, False), 4),
    ("many avoid rules count once", SafetyInputs(6, 0, 0, False), 4),
    ("preclinical harm", SafetyInputs(0, 0, 2, False), 4),
    ("human harm", SafetyInputs(0, 1, 0, False), 3),
    ("serious adverse events", SafetyInputs(0, 0, 0, True), 3),
    ("LDN-like", SafetyInputs(2, 0, 2, False), 3),
    ("everything", SafetyInputs(3, 2, 2, True), 0),
    ("floor at zero", SafetyInputs(9, 9, 9, True), 0),
    ("not reviewed", None, None),
    ("one input missing", SafetyInputs(0, 0, None, False), None),
    ("serious events unknown", SafetyInputs(0, 0, 0, None), None),
]


@pytest.mark.parametrize(
    ("inputs", "score"),
    [pytest.param(inputs, score, id=name) for name, inputs, score in SAFETY_TABLE],
)
def test_suggest_rating_safety_from_inputs(inputs: SafetyInputs | None, score: int | None) -> None:
    # Arrange / Act
    suggestion = suggest_rating(RatedAttribute.SAFETY, safety=inputs)

    # Assert
    assert suggestion.score == score
    if score is None:
        assert suggestion.reason.startswith("Not yet rated")


def test_suggest_rating_safety_rejects_negative_counts() -> None:
    # Arrange
    inputs = SafetyInputs(-1, 0, 0, False)

    # Act / Assert
    with pytest.raises(ValueError, match="avoid_contraindications"):
        suggest_rating(RatedAttribute.SAFETY, safety=inputs)


AFFORDABILITY_TABLE = [
    (AffordabilityInputs(False, CostBand.FREE), 5),
    (AffordabilityInputs(True, CostBand.FREE), 4),
    (AffordabilityInputs(False, CostBand.LOW), 4),
    (AffordabilityInputs(True, CostBand.MODERATE), 2),
    (AffordabilityInputs(False, CostBand.HIGH), 2),
    (AffordabilityInputs(True, CostBand.VERY_HIGH), 0),
    (AffordabilityInputs(True, "low"), 3),
    (AffordabilityInputs(True, None), None),
    (AffordabilityInputs(None, CostBand.LOW), None),
    (None, None),
]


@pytest.mark.parametrize(("inputs", "score"), AFFORDABILITY_TABLE)
def test_suggest_rating_affordability_from_inputs(
    inputs: AffordabilityInputs | None, score: int | None
) -> None:
    # Arrange / Act
    suggestion = suggest_rating(RatedAttribute.AFFORDABILITY, affordability=inputs)

    # Assert
    assert suggestion.score == score


@pytest.mark.parametrize(
    ("attribute", "inputs"),
    [
        (RatedAttribute.SAFETY, {"grades": [Grade.STRONG]}),
        (RatedAttribute.TREATMENT_OUTCOMES, {"expert_programmes": 2}),
        (RatedAttribute.EXPERT_USE, {"safety": SafetyInputs(0, 0, 0, False)}),
        (RatedAttribute.AFFORDABILITY, {"expert_programmes": 1}),
    ],
)
def test_suggest_rating_rejects_inputs_the_attribute_does_not_use(
    attribute: RatedAttribute, inputs: dict[str, object]
) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="is rated from"):
        suggest_rating(attribute, **inputs)  # type: ignore[arg-type]


def test_suggest_rating_unknown_attribute_raises() -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError):
        suggest_rating("popularity")


# --- overrides --------------------------------------------------------------------------------

SUGGESTED = RatingSuggestion(RatedAttribute.SAFETY, 3, "Starts at 5; ...")
NOT_RATED = RatingSuggestion(RatedAttribute.AFFORDABILITY, None, "Not yet rated: ...")


@pytest.mark.parametrize(
    ("suggested", "override", "reason", "score", "overridden"),
    [
        (SUGGESTED, None, "", 3, False),
        (SUGGESTED, 3, "", 3, False),
        (SUGGESTED, 3, " agrees ", 3, False),
        (SUGGESTED, 4, "Panel review found no serious events.", 4, True),
        (SUGGESTED, 0, "New case series of liver injury.", 0, True),
        (NOT_RATED, None, "", None, False),
        (NOT_RATED, 2, "Cost page reviewed by hand.", 2, True),
    ],
)
def test_apply_override_combines_suggestion_and_override(
    suggested: RatingSuggestion,
    override: int | None,
    reason: str,
    score: int | None,
    overridden: bool,
) -> None:
    # Arrange: see parameters

    # Act
    final = apply_override(suggested, override, reason)

    # Assert
    assert final == FinalRating(
        attribute=suggested.attribute,
        score=score,
        suggested_score=suggested.score,
        suggested_reason=suggested.reason,
        overridden=overridden,
        override_reason=reason.strip(),
        rubric_version="1.0.0",
    )


@pytest.mark.parametrize(("suggested", "override"), [(SUGGESTED, 4), (NOT_RATED, 0)])
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_apply_override_differing_score_needs_a_reason(
    suggested: RatingSuggestion, override: int, reason: str
) -> None:
    # Arrange / Act
    with pytest.raises(OverrideError) as raised:
        apply_override(suggested, override, reason)

    # Assert
    assert raised.value.field == "override_reason"


@pytest.mark.parametrize("override", [-1, 6, True, 2.5, "3"])
def test_apply_override_score_outside_the_scale_is_rejected(override: object) -> None:
    # Arrange / Act
    with pytest.raises(OverrideError) as raised:
        apply_override(SUGGESTED, override, "a reason")  # type: ignore[arg-type]

    # Assert
    assert raised.value.field == "override_score"


# --- the published table ----------------------------------------------------------------------


def test_rubric_table_is_json_and_carries_the_version() -> None:
    # Arrange / Act
    text = json.dumps(RUBRIC_TABLE)

    # Assert
    assert json.loads(text)["version"] == RUBRIC_VERSION == "1.0.0"


def test_rubric_table_covers_all_seven_attributes_in_order() -> None:
    # Arrange / Act
    attributes = [row["attribute"] for row in RUBRIC_TABLE["attributes"]]

    # Assert
    assert attributes == [attribute.value for attribute in RatedAttribute]


def test_rubric_table_rows_agree_with_suggest_rating() -> None:
    # Arrange
    checked = 0

    # Act / Assert: every published example must be what the code suggests
    for attribute in RUBRIC_TABLE["attributes"]:
        for row in attribute.get("rows", []):
            inputs = dict(row["input"])
            if "cost_band" in inputs:
                inputs = {"affordability": AffordabilityInputs(**inputs)}
            suggestion = suggest_rating(attribute["attribute"], **inputs)
            assert suggestion.score == row["score"], (attribute["attribute"], row)
            checked += 1
    assert checked == 4 * len(Grade) + 6 + len(CostBand)


def test_rubric_table_marks_editor_only_grades_and_their_sources() -> None:
    # Arrange / Act
    grades = {row["grade"]: row for row in RUBRIC_TABLE["grades"]}

    # Assert
    assert set(grades) == {grade.value for grade in Grade}
    assert {g for g, row in grades.items() if not row["suggested_by_rule"]} == {"good", "moderate"}
    assert "not visible" in grades["harm"]["definition_source"]
    assert "not visible" in grades["insufficient"]["definition_source"]


def test_rubric_table_publishes_size_thresholds_as_rubric_choices() -> None:
    # Arrange / Act
    thresholds = {row["name"]: row for row in RUBRIC_TABLE["grading_thresholds"]}

    # Assert
    assert thresholds["large study"]["participants"] == grading.LARGE_STUDY_PARTICIPANTS
    assert "rubric choice" in thresholds["large study"]["source"]


def test_rubric_table_copy_is_independent() -> None:
    # Arrange
    copy = rubric_table()

    # Act
    copy["version"] = "tampered"

    # Assert
    assert RUBRIC_TABLE["version"] == RUBRIC_VERSION


def test_rubric_table_publishes_the_grading_rule_with_its_numbers() -> None:
    # Arrange / Act
    rule = " ".join(RUBRIC_TABLE["grading_rule"])

    # Assert: the published words carry the same thresholds the code uses
    assert f"{grading.LARGE_STUDY_PARTICIPANTS} participants" in rule
    assert f"{grading.VERY_LARGE_STUDY_PARTICIPANTS:,}" in rule
    assert "never suggests 'good' or 'moderate'" in rule
