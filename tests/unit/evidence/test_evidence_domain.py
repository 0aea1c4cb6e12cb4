"""The evidence entry record: coercion of editors' values and the human/preclinical split."""

from __future__ import annotations

import pytest

from carechoices.evidence.domain import (
    DESIGN_ORDER,
    Design,
    Direction,
    Endpoint,
    EvidenceKind,
    InvalidEntry,
    OutcomeCategory,
    RatedAttribute,
)

from .factories import make_entry

HUMAN = {
    Design.META_ANALYSIS,
    Design.SYSTEMATIC_REVIEW,
    Design.RCT_DOUBLE_BLIND,
    Design.RCT_NOT_BLINDED,
    Design.RCT_BLINDING_UNKNOWN,
    Design.NON_RANDOMISED_CONTROLLED,
    Design.COHORT,
    Design.CASE_CONTROL,
    Design.CASE_SERIES_POPULATION_CONSECUTIVE,
    Design.CASE_SERIES_CONSECUTIVE,
    Design.CASE_SERIES_NON_CONSECUTIVE,
    Design.BEST_CASE_SERIES,
    Design.CASE_REPORT,
}


def test_design_slugs_match_the_agreed_vocabulary() -> None:
    # Arrange
    expected = [
        "meta-analysis",
        "systematic-review",
        "rct-double-blind",
        "rct-not-blinded",
        "rct-blinding-unknown",
        "non-randomised-controlled",
        "cohort",
        "case-control",
        "case-series-population-consecutive",
        "case-series-consecutive",
        "case-series-non-consecutive",
        "best-case-series",
        "case-report",
        "animal",
        "in-vitro",
        "expert-opinion",
    ]

    # Act
    slugs = [design.value for design in Design]

    # Assert
    assert slugs == expected
    assert list(DESIGN_ORDER) == list(Design)


def test_rated_attribute_slugs_match_the_therapy_models() -> None:
    # Arrange: the slugs the lead's TherapyRating.attribute choices already use
    expected = [
        "treatment-outcomes",
        "body-terrain",
        "side-effects-wellness",
        "cancer-risk",
        "expert-use",
        "safety",
        "affordability",
    ]

    # Act
    slugs = [attribute.value for attribute in RatedAttribute]

    # Assert
    assert slugs == expected


@pytest.mark.parametrize("design", list(Design))
def test_entry_human_follows_design(design: Design) -> None:
    # Arrange
    entry = make_entry(design=design)

    # Act
    human = entry.human

    # Assert
    assert human is (design in HUMAN)


@pytest.mark.parametrize(
    ("design", "kind"),
    [
        (Design.CASE_REPORT, EvidenceKind.HUMAN),
        (Design.ANIMAL, EvidenceKind.PRECLINICAL),
        (Design.IN_VITRO, EvidenceKind.PRECLINICAL),
        (Design.EXPERT_OPINION, EvidenceKind.OPINION),
    ],
)
def test_entry_kind_separates_preclinical_from_opinion(design: Design, kind: EvidenceKind) -> None:
    # Arrange
    entry = make_entry(design=design)

    # Act / Assert
    assert entry.kind is kind


def test_entry_slugs_from_a_form_become_enums() -> None:
    # Arrange / Act
    entry = make_entry(
        design="case-report",
        outcome_category="safety",
        direction="harm",
        endpoint="tumour-response",
        cancer_types=["lung cancer"],
        references=["a", "b"],
    )

    # Assert
    assert entry.design is Design.CASE_REPORT
    assert entry.outcome_category is OutcomeCategory.SAFETY
    assert entry.direction is Direction.HARM
    assert entry.endpoint is Endpoint.TUMOUR_RESPONSE
    assert entry.cancer_types == ("lung cancer",)
    assert entry.references == ("a", "b")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("design", "randomised"),
        ("outcome_category", "survival"),
        ("direction", "positive"),
        ("endpoint", "os"),
    ],
)
def test_entry_unknown_choice_names_the_field(field: str, value: str) -> None:
    # Arrange / Act
    with pytest.raises(InvalidEntry) as raised:
        make_entry(**{field: value})

    # Assert
    assert raised.value.field == field
    assert value in raised.value.message


def test_entry_single_string_of_references_is_rejected() -> None:
    # Arrange / Act
    with pytest.raises(InvalidEntry) as raised:
        make_entry(references="bolton2019")

    # Assert: not silently split into characters
    assert raised.value.field == "references"


def test_labels_exist_for_every_choice() -> None:
    # Arrange
    enums = [Design, Endpoint, Direction, OutcomeCategory, RatedAttribute]

    # Act
    labels = [member.label for enum in enums for member in enum]

    # Assert
    assert all(label.strip() for label in labels)
