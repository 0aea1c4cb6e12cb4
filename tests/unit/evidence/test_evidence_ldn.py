"""LDN, the first fully modelled therapy: its entries come out as documented to the lead."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from carechoices.evidence.charts import evidence_map_svg, evidence_table
from carechoices.evidence.domain import Design, Grade, OutcomeCategory, RatedAttribute
from carechoices.evidence.grading import (
    UNSPECIFIED_CANCER_TYPE,
    harm_signals,
    suggest_grades,
)
from carechoices.evidence.pdq import pdq_level, validate_entry
from carechoices.evidence.rubric import (
    AffordabilityInputs,
    SafetyInputs,
    suggest_rating,
)

from .ldn_entries import (
    BERKSON_2006,
    BERKSON_2007,
    BERKSON_2009,
    BOLTON_2019,
    KURAMOCHI_2024,
    LDN_AVOID_CONTRAINDICATIONS,
    LDN_ENTRIES,
    LDN_EXPERT_PROGRAMMES,
    LISSONI_1993,
    PETERS_2022,
    SZYMASZKIEWICZ_2024,
)

TREATMENT = OutcomeCategory.TREATMENT_OUTCOMES


@pytest.mark.parametrize("entry", LDN_ENTRIES, ids=lambda entry: entry.references[0])
def test_ldn_entries_pass_validation(entry) -> None:
    # Arrange / Act
    errors = validate_entry(entry)

    # Assert
    assert errors == {}


def test_ldn_entries_split_human_and_preclinical_as_documented() -> None:
    # Arrange / Act
    human = {entry.references[0] for entry in LDN_ENTRIES if entry.human}

    # Assert: R3, R14, R15–R18 are studies in people; the rest are cells, animals or reviews
    assert human == {
        "bolton2019",
        "lissoni1993",
        "peters2022",
        "berkson2006",
        "berkson2009",
        "berkson2007",
    }


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (PETERS_2022, "1iC"),  # double-blind RCT, quality of life
        (LISSONI_1993, None),  # randomised, blinding not stated
        (BOLTON_2019, None),  # meta-analysis: PDQ scores single studies
        (BERKSON_2006, None),  # case report
        (BERKSON_2009, None),  # case report of three cases
        (BERKSON_2007, None),  # case report
        (KURAMOCHI_2024, None),  # animal
    ],
    ids=lambda value: getattr(value, "references", (value,))[0] or "none",
)
def test_ldn_pdq_levels(entry, expected: str | None) -> None:
    # Arrange / Act
    code = pdq_level(entry.design, entry.endpoint)

    # Assert
    assert code == expected


def test_ldn_lissoni_trial_is_recorded_as_blinding_unknown() -> None:
    # Arrange / Act / Assert: the facts do not state blinding, so we do not guess it
    assert LISSONI_1993.design is Design.RCT_BLINDING_UNKNOWN


@pytest.mark.parametrize(
    ("key", "grade"),
    [
        # Matches the public review's "preliminary" for brain cancer.
        ((TREATMENT, "brain cancer"), Grade.PRELIMINARY),
        # Matches the public review's "weak" for LDN with alpha-lipoic acid.
        ((TREATMENT, "pancreatic cancer"), Grade.WEAK),
        ((TREATMENT, "B-cell lymphoma"), Grade.WEAK),
        ((OutcomeCategory.SIDE_EFFECTS_WELLNESS, "brain cancer"), Grade.NO_EFFECT),
        ((TREATMENT, "cervical cancer"), Grade.INSUFFICIENT),
        ((TREATMENT, "colorectal cancer"), Grade.INSUFFICIENT),
        ((TREATMENT, UNSPECIFIED_CANCER_TYPE), Grade.INSUFFICIENT),
        ((OutcomeCategory.SAFETY, UNSPECIFIED_CANCER_TYPE), Grade.WEAK),
        ((OutcomeCategory.SAFETY, "pancreatic cancer"), Grade.INSUFFICIENT),
        ((OutcomeCategory.SAFETY, "colorectal cancer"), Grade.INSUFFICIENT),
    ],
)
def test_ldn_grade_suggestions(key: tuple[OutcomeCategory, str], grade: Grade) -> None:
    # Arrange
    suggestions = suggest_grades(LDN_ENTRIES)

    # Act
    suggestion = suggestions[key]

    # Assert
    assert suggestion.grade is grade


def test_ldn_grade_groups_are_exactly_the_documented_ones() -> None:
    # Arrange / Act
    keys = set(suggest_grades(LDN_ENTRIES))

    # Assert
    assert len(keys) == 10


def test_ldn_animal_harm_is_surfaced_not_buried() -> None:
    # Arrange
    suggestions = suggest_grades(LDN_ENTRIES)

    # Act
    everywhere = harm_signals(LDN_ENTRIES)
    pancreatic = suggestions[(OutcomeCategory.SAFETY, "pancreatic cancer")]
    colorectal = suggestions[(OutcomeCategory.SAFETY, "colorectal cancer")]

    # Assert
    assert everywhere == (KURAMOCHI_2024, SZYMASZKIEWICZ_2024)
    assert pancreatic.harm_signals == (KURAMOCHI_2024,)
    assert "kuramochi2024" in pancreatic.reason
    assert colorectal.harm_signals == (SZYMASZKIEWICZ_2024,)
    assert "szymaszkiewicz2024" in colorectal.reason


def test_ldn_suggested_ratings() -> None:
    # Arrange
    grades_by_category: dict[OutcomeCategory, list[Grade]] = {}
    for (category, _), suggestion in suggest_grades(LDN_ENTRIES).items():
        grades_by_category.setdefault(category, []).append(suggestion.grade)

    # Act
    scores = {
        attribute: suggest_rating(
            attribute, grades=grades_by_category.get(OutcomeCategory(attribute.value), [])
        ).score
        for attribute in (
            RatedAttribute.TREATMENT_OUTCOMES,
            RatedAttribute.BODY_TERRAIN,
            RatedAttribute.SIDE_EFFECTS_WELLNESS,
            RatedAttribute.CANCER_RISK,
        )
    }
    scores[RatedAttribute.EXPERT_USE] = suggest_rating(
        RatedAttribute.EXPERT_USE, expert_programmes=LDN_EXPERT_PROGRAMMES
    ).score
    scores[RatedAttribute.SAFETY] = suggest_rating(
        RatedAttribute.SAFETY,
        safety=SafetyInputs(
            avoid_contraindications=LDN_AVOID_CONTRAINDICATIONS,
            human_harm_signals=sum(1 for e in harm_signals(LDN_ENTRIES) if e.human),
            preclinical_harm_signals=sum(1 for e in harm_signals(LDN_ENTRIES) if not e.human),
            # R3: serious adverse events were not more common than with placebo.
            serious_adverse_events_reported=False,
        ),
    ).score
    scores[RatedAttribute.AFFORDABILITY] = suggest_rating(
        RatedAttribute.AFFORDABILITY,
        # Prescription-only is a fact; the cost page was not visible, so no band.
        affordability=AffordabilityInputs(needs_prescription=True, cost_band=None),
    ).score

    # Assert
    assert scores == {
        RatedAttribute.TREATMENT_OUTCOMES: 2,
        RatedAttribute.BODY_TERRAIN: None,
        RatedAttribute.SIDE_EFFECTS_WELLNESS: 0,
        RatedAttribute.CANCER_RISK: None,
        RatedAttribute.EXPERT_USE: 2,
        RatedAttribute.SAFETY: 3,
        RatedAttribute.AFFORDABILITY: None,
    }


def test_ldn_evidence_map_and_table_show_every_entry() -> None:
    # Arrange / Act
    svg = evidence_map_svg(LDN_ENTRIES, title="LDN evidence", description="Studies of LDN.")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    rows = evidence_table(LDN_ENTRIES)

    # Assert
    marks = [el for el in root.iter("{http://www.w3.org/2000/svg}path") if el.get("data-entry")]
    assert len(marks) == len(rows) == len(LDN_ENTRIES) == 14
    assert [m.get("data-direction") for m in marks].count("harm") == 2
