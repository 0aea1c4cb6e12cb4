"""The grade suggestion rule: one outcome category and cancer type at a time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.evidence.domain import (
    Design,
    Direction,
    Endpoint,
    EvidenceEntry,
    Grade,
    OutcomeCategory,
)
from carechoices.evidence.grading import (
    EDITOR_ONLY_GRADES,
    LARGE_STUDY_PARTICIPANTS,
    UNSPECIFIED_CANCER_TYPE,
    VERY_LARGE_STUDY_PARTICIPANTS,
    group_for_grading,
    harm_signals,
    suggest_grade,
    suggest_grades,
)
from carechoices.evidence.rubric import RUBRIC_VERSION

from .factories import make_entry


def rct(n: int = 40, direction: Direction = Direction.BENEFIT, **kw: object) -> EvidenceEntry:
    fields: dict[str, object] = {"design": Design.RCT_DOUBLE_BLIND, **kw}
    return make_entry(participants=n, direction=direction, **fields)


def meta(n: int | None = 500, direction: Direction = Direction.BENEFIT) -> EvidenceEntry:
    return make_entry(design=Design.META_ANALYSIS, participants=n, direction=direction)


def case_report(direction: Direction = Direction.BENEFIT) -> EvidenceEntry:
    return make_entry(design=Design.CASE_REPORT, participants=1, direction=direction)


def animal(direction: Direction = Direction.BENEFIT, key: str = "mice1") -> EvidenceEntry:
    return make_entry(
        design=Design.ANIMAL,
        participants=None,
        endpoint=None,
        direction=direction,
        references=(key,),
    )


LARGE = LARGE_STUDY_PARTICIPANTS
VERY_LARGE = VERY_LARGE_STUDY_PARTICIPANTS

# (name, entries, expected grade): each row exercises one branch of the documented rule.
RULE_TABLE = [
    ("nothing recorded", [], Grade.INSUFFICIENT),
    ("animal only", [animal()], Grade.INSUFFICIENT),
    (
        "opinion only",
        [make_entry(design=Design.EXPERT_OPINION, participants=None, endpoint=None)],
        Grade.INSUFFICIENT,
    ),
    ("two agreeing meta-analyses", [meta(), meta()], Grade.STRONG),
    ("one very large meta-analysis", [meta(VERY_LARGE)], Grade.STRONG),
    ("one meta-analysis below very large", [meta(VERY_LARGE - 1)], Grade.PRELIMINARY),
    ("one meta-analysis of unknown size", [meta(None)], Grade.PRELIMINARY),
    ("three large double-blind trials", [rct(LARGE), rct(LARGE), rct(LARGE)], Grade.STRONG),
    (
        "three large trials, one not blinded",
        [rct(LARGE), rct(LARGE), rct(LARGE, design=Design.RCT_NOT_BLINDED)],
        Grade.STRONG,
    ),
    (
        "three large trials, blinding unknown",
        [rct(LARGE, design=Design.RCT_BLINDING_UNKNOWN) for _ in range(3)],
        Grade.PRELIMINARY,
    ),
    (
        "three trials just below large",
        [rct(LARGE - 1), rct(LARGE - 1), rct(LARGE - 1)],
        Grade.PRELIMINARY,
    ),
    ("two large trials", [rct(LARGE), rct(LARGE)], Grade.PRELIMINARY),
    ("one very large trial", [rct(VERY_LARGE)], Grade.STRONG),
    ("one small trial", [rct(21)], Grade.PRELIMINARY),
    (
        "strong pattern broken by a null trial",
        [rct(LARGE), rct(LARGE), rct(LARGE), rct(LARGE, Direction.NO_EFFECT)],
        Grade.PRELIMINARY,
    ),
    (
        "strong pattern broken by a mixed trial",
        [meta(), meta(), rct(LARGE, Direction.MIXED)],
        Grade.PRELIMINARY,
    ),
    ("conflicting, no majority", [rct(), rct(direction=Direction.NO_EFFECT)], Grade.WEAK),
    (
        "conflicting, majority no effect",
        [rct(), rct(direction=Direction.NO_EFFECT), rct(direction=Direction.NO_EFFECT)],
        Grade.NO_EFFECT,
    ),
    (
        "conflicting, majority benefit",
        [rct(), rct(), rct(direction=Direction.NO_EFFECT)],
        Grade.PRELIMINARY,
    ),
    ("one null trial", [rct(110, Direction.NO_EFFECT)], Grade.NO_EFFECT),
    (
        "null trial outweighs case reports",
        [rct(110, Direction.NO_EFFECT), case_report(), case_report()],
        Grade.NO_EFFECT,
    ),
    ("controlled, mixed only", [meta(direction=Direction.MIXED)], Grade.WEAK),
    (
        "cohort benefit",
        [make_entry(design=Design.COHORT, participants=5000)],
        Grade.PRELIMINARY,
    ),
    ("case reports only", [case_report(), case_report()], Grade.WEAK),
    ("case report with animal support", [case_report(), animal()], Grade.WEAK),
    (
        "best case series",
        [make_entry(design=Design.BEST_CASE_SERIES, endpoint=Endpoint.TUMOUR_RESPONSE)],
        Grade.WEAK,
    ),
    ("case report, mixed", [case_report(Direction.MIXED)], Grade.WEAK),
    ("case report, no effect", [case_report(Direction.NO_EFFECT)], Grade.NO_EFFECT),
    ("human harm in a case report", [case_report(Direction.HARM)], Grade.HARM),
    (
        "human harm beside strong benefit",
        [meta(), meta(), case_report(Direction.HARM)],
        Grade.HARM,
    ),
    ("animal harm beside case report", [case_report(), animal(Direction.HARM)], Grade.WEAK),
    ("animal harm alone", [animal(Direction.HARM)], Grade.INSUFFICIENT),
]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [pytest.param(entries, grade, id=name) for name, entries, grade in RULE_TABLE],
)
def test_suggest_grade_follows_the_documented_rule(
    entries: list[EvidenceEntry], expected: Grade
) -> None:
    # Arrange: see RULE_TABLE

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert suggestion.grade is expected
    assert suggestion.reason.strip()
    assert suggestion.rubric_version == RUBRIC_VERSION


def test_suggest_grade_preclinical_harm_is_surfaced_with_the_grade() -> None:
    # Arrange
    harm = animal(Direction.HARM, key="kuramochi2024")
    entries = [case_report(), harm]

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert suggestion.grade is Grade.WEAK
    assert suggestion.has_harm_signal
    assert suggestion.harm_signals == (harm,)
    assert "kuramochi2024" in suggestion.reason
    assert "harm" in suggestion.reason.lower()


def test_suggest_grade_human_harm_names_its_references() -> None:
    # Arrange
    harm = make_entry(
        design=Design.CASE_REPORT, direction=Direction.HARM, references=("smith2020",)
    )
    entries = [meta(), meta(), harm]

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert suggestion.grade is Grade.HARM
    assert "smith2020" in suggestion.reason


def test_suggest_grade_weak_reason_mentions_animal_support() -> None:
    # Arrange
    entries = [case_report(), animal(key="mouse2021")]

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert "supported by" in suggestion.reason
    assert "mouse2021" in suggestion.reason


def test_suggest_grade_reason_cites_with_markers_pages_can_number() -> None:
    # Arrange: two case reports sharing a key, one with its own, and one with none
    entries = [
        make_entry(design=Design.CASE_REPORT, participants=1, references=("a2006", "b2009")),
        make_entry(design=Design.CASE_REPORT, participants=3, references=("b2009",)),
        make_entry(design=Design.CASE_REPORT, participants=1, references=()),
    ]

    # Act
    reason = suggest_grade(entries).reason

    # Assert: one marker, keys once each in first-seen order, never a bare "(a2006, b2009)"
    assert "[@a2006; @b2009]" in reason
    assert "(a2006" not in reason and "uncited" not in reason
    assert "(1 entry without a reference)" in reason


def test_suggest_grade_harm_reasons_cite_with_markers() -> None:
    # Arrange
    human = make_entry(design=Design.CASE_REPORT, direction=Direction.HARM, references=("h1",))
    mice = animal(direction=Direction.HARM, key="mice2024")

    # Act
    human_reason = suggest_grade([human]).reason
    animal_reason = suggest_grade([case_report(), mice]).reason

    # Assert
    assert "harm [@h1]." in human_reason
    assert "entry [@mice2024] reports harm" in animal_reason


def test_suggest_grade_mixed_categories_raise() -> None:
    # Arrange
    entries = [rct(), rct(outcome_category=OutcomeCategory.SAFETY)]

    # Act / Assert
    with pytest.raises(ValueError, match="one outcome category"):
        suggest_grade(entries)


def test_harm_signals_keeps_human_and_preclinical_in_order() -> None:
    # Arrange
    first = animal(Direction.HARM, key="a")
    second = case_report(Direction.HARM)
    entries = [rct(), first, meta(), second]

    # Act
    signals = harm_signals(entries)

    # Assert
    assert signals == (first, second)


def test_group_for_grading_puts_an_entry_under_each_cancer_type() -> None:
    # Arrange
    shared = rct(cancer_types=("lung cancer", " breast cancer "))
    unnamed = rct(cancer_types=())

    # Act
    groups = group_for_grading([shared, unnamed])

    # Assert
    category = OutcomeCategory.TREATMENT_OUTCOMES
    assert groups == {
        (category, "lung cancer"): (shared,),
        (category, "breast cancer"): (shared,),
        (category, UNSPECIFIED_CANCER_TYPE): (unnamed,),
    }


def test_suggest_grades_grades_each_group_separately() -> None:
    # Arrange
    entries = [
        rct(cancer_types=("lung cancer",)),
        case_report(),
        rct(outcome_category=OutcomeCategory.SAFETY, direction=Direction.HARM),
    ]

    # Act
    grades = {key: suggestion.grade for key, suggestion in suggest_grades(entries).items()}

    # Assert
    assert grades == {
        (OutcomeCategory.TREATMENT_OUTCOMES, "lung cancer"): Grade.PRELIMINARY,
        (OutcomeCategory.TREATMENT_OUTCOMES, "brain cancer"): Grade.WEAK,
        (OutcomeCategory.SAFETY, "brain cancer"): Grade.HARM,
    }


# --- properties over any group of entries --------------------------------------------------

entries_strategy = st.lists(
    st.builds(
        make_entry,
        design=st.sampled_from(list(Design)),
        participants=st.one_of(st.none(), st.integers(min_value=1, max_value=20_000)),
        direction=st.sampled_from(list(Direction)),
        endpoint=st.one_of(st.none(), st.sampled_from(list(Endpoint))),
    ),
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(entries_strategy)
def test_suggest_grade_never_suggests_editor_only_grades(entries: list[EvidenceEntry]) -> None:
    # Arrange: any group

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert suggestion.grade not in EDITOR_ONLY_GRADES


@settings(max_examples=100, deadline=None)
@given(entries_strategy)
def test_suggest_grade_never_hides_harm(entries: list[EvidenceEntry]) -> None:
    # Arrange
    harmful = [entry for entry in entries if entry.direction is Direction.HARM]

    # Act
    suggestion = suggest_grade(entries)

    # Assert
    assert list(suggestion.harm_signals) == harmful
    if any(entry.human for entry in harmful):
        assert suggestion.grade is Grade.HARM
    if not any(entry.human for entry in entries):
        assert suggestion.grade is Grade.INSUFFICIENT


@settings(max_examples=100, deadline=None)
@given(entries_strategy)
def test_suggest_grade_ignores_preclinical_benefit(entries: list[EvidenceEntry]) -> None:
    # Arrange: adding a preclinical benefit entry must not change the grade
    extra = animal()

    # Act
    before = suggest_grade(entries).grade
    after = suggest_grade([*entries, extra]).grade

    # Assert
    assert before is after
