"""NCI PDQ levels: every design × endpoint, explanations, and entry validation."""

from __future__ import annotations

import pytest

from carechoices.evidence.domain import Design, Direction, Endpoint, OutcomeCategory
from carechoices.evidence.pdq import (
    PDQ_SCHEME_TEXT,
    classify_pdq,
    explain_pdq,
    pdq_level,
    validate_entry,
)

from .factories import make_entry

# Expected level for every design (rows) and endpoint (columns), written out from the scheme in
# cancerchoices.md §2.6 with the current endpoint letters. "-" = no level.
EXPECTED_GRID = """
design                              OS   CSS  QoL  EFS   DFS    PFS     TR      other none
meta-analysis                       -    -    -    -     -      -       -       -     -
systematic-review                   -    -    -    -     -      -       -       -     -
rct-double-blind                    1iA  1iB  1iC  1iDi  1iDii  1iDiii  1iDiv   -     -
rct-not-blinded                     1iiA 1iiB 1iiC 1iiDi 1iiDii 1iiDiii 1iiDiv  -     -
rct-blinding-unknown                -    -    -    -     -      -       -       -     -
non-randomised-controlled           2A   2B   2C   2Di   2Dii   2Diii   2Div    -     -
cohort                              -    -    -    -     -      -       -       -     -
case-control                        -    -    -    -     -      -       -       -     -
case-series-population-consecutive  3iA  3iB  3iC  3iDi  3iDii  3iDiii  3iDiv   -     -
case-series-consecutive             3iiA 3iiB 3iiC 3iiDi 3iiDii 3iiDiii 3iiDiv  -     -
case-series-non-consecutive        3iiiA 3iiiB 3iiiC 3iiiDi 3iiiDii 3iiiDiii 3iiiDiv - -
best-case-series                    4    4    4    4     4      4       4       -     -
case-report                         -    -    -    -     -      -       -       -     -
animal                              -    -    -    -     -      -       -       -     -
in-vitro                            -    -    -    -     -      -       -       -     -
expert-opinion                      -    -    -    -     -      -       -       -     -
"""
COLUMNS = [
    Endpoint.OVERALL_SURVIVAL,
    Endpoint.CAUSE_SPECIFIC_SURVIVAL,
    Endpoint.QUALITY_OF_LIFE,
    Endpoint.EVENT_FREE_SURVIVAL,
    Endpoint.DISEASE_FREE_SURVIVAL,
    Endpoint.PROGRESSION_FREE_SURVIVAL,
    Endpoint.TUMOUR_RESPONSE,
    Endpoint.SYMPTOM_OR_OTHER,
    None,
]


def _grid() -> list[tuple[Design, Endpoint | None, str | None]]:
    cases = []
    for line in EXPECTED_GRID.strip().splitlines()[1:]:
        design, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        for endpoint, cell in zip(COLUMNS, cells, strict=True):
            cases.append((Design(design), endpoint, None if cell == "-" else cell))
    return cases


GRID = _grid()


def test_expected_grid_covers_every_design_and_endpoint() -> None:
    # Arrange / Act
    covered = {(design, endpoint) for design, endpoint, _ in GRID}

    # Assert
    assert covered == {(d, e) for d in Design for e in [*Endpoint, None]}


@pytest.mark.parametrize(("design", "endpoint", "expected"), GRID)
def test_pdq_level_matches_the_scheme(
    design: Design, endpoint: Endpoint | None, expected: str | None
) -> None:
    # Arrange: see EXPECTED_GRID

    # Act
    code = pdq_level(design, endpoint)
    classification = classify_pdq(design, endpoint)

    # Assert: the code, and a reason that says "not ..." exactly when there is no code
    assert code == classification.code == expected
    assert classification.reason.strip()
    assert classification.reason.startswith("not ") is (expected is None)


@pytest.mark.parametrize(
    ("design", "endpoint", "words"),
    [
        (Design.RCT_BLINDING_UNKNOWN, Endpoint.OVERALL_SURVIVAL, "blinding unknown"),
        (Design.COHORT, Endpoint.OVERALL_SURVIVAL, "not classified"),
        (Design.CASE_CONTROL, Endpoint.OVERALL_SURVIVAL, "not classified"),
        (Design.META_ANALYSIS, Endpoint.OVERALL_SURVIVAL, "individual studies"),
        (Design.SYSTEMATIC_REVIEW, Endpoint.OVERALL_SURVIVAL, "individual studies"),
        (Design.CASE_REPORT, Endpoint.OVERALL_SURVIVAL, "case reports"),
        (Design.ANIMAL, Endpoint.OVERALL_SURVIVAL, "human studies only"),
        (Design.IN_VITRO, Endpoint.OVERALL_SURVIVAL, "human studies only"),
        (Design.RCT_DOUBLE_BLIND, Endpoint.SYMPTOM_OR_OTHER, "therapeutic endpoints"),
        (Design.RCT_DOUBLE_BLIND, None, "no endpoint"),
    ],
)
def test_pdq_unscored_reason_names_the_rule(
    design: Design, endpoint: Endpoint | None, words: str
) -> None:
    # Arrange / Act
    result = classify_pdq(design, endpoint)

    # Assert
    assert result.code is None
    assert words in result.reason


def test_pdq_level_accepts_slugs() -> None:
    # Arrange / Act
    code = pdq_level("rct-not-blinded", "progression-free-survival")

    # Assert
    assert code == "1iiDiii"


def test_pdq_level_unknown_design_raises() -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="design"):
        pdq_level("rct", None)


@pytest.mark.parametrize("code", sorted({code for _, _, code in GRID if code}))
def test_explain_pdq_explains_every_code_the_scheme_gives(code: str) -> None:
    # Arrange / Act
    text = explain_pdq(code)

    # Assert
    assert text.startswith(f"Level {code}:")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("1iA", "double-blind"),
        ("1iA", "died from any cause"),
        ("1iiC", "not given blind"),
        ("2Dii", "disease-free survival"),
        ("3iiiDiv", "tumour response"),
        ("3iDi", "event-free survival"),
        ("4", "Best Case Series"),
    ],
)
def test_explain_pdq_uses_plain_words(code: str, words: str) -> None:
    # Arrange / Act
    text = explain_pdq(code)

    # Assert
    assert words in text


@pytest.mark.parametrize("code", ["", "1", "2", "1iE", "4A", "5A", "1iDv", "1iiii A", "A1i", "1ia"])
def test_explain_pdq_rejects_codes_the_scheme_cannot_give(code: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError):
        explain_pdq(code)


def test_pdq_scheme_text_lists_every_level_part() -> None:
    # Arrange
    parts = ["1i ", "1ii ", "2 ", "3i ", "3ii ", "3iii ", "4 ", "A ", "B ", "C ", "Di ", "Dii "]

    # Act
    missing = [part for part in [*parts, "Diii ", "Div "] if part not in PDQ_SCHEME_TEXT]

    # Assert
    assert missing == []


# --- validate_entry ---------------------------------------------------------------------------


def test_validate_entry_valid_entry_has_no_errors() -> None:
    # Arrange
    entry = make_entry()

    # Act / Assert
    assert validate_entry(entry) == {}


@pytest.mark.parametrize("participants", [-1, 0, True, "21", 2.5])
def test_validate_entry_impossible_participants(participants: object) -> None:
    # Arrange
    entry = make_entry(participants=participants)

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"participants"}


@pytest.mark.parametrize("design", [Design.ANIMAL, Design.IN_VITRO, Design.EXPERT_OPINION])
def test_validate_entry_participants_count_people_only(design: Design) -> None:
    # Arrange
    entry = make_entry(design=design, participants=500, endpoint=None)

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"participants"}
    assert "people" in errors["participants"]


def test_validate_entry_animal_without_participants_passes() -> None:
    # Arrange
    entry = make_entry(design=Design.ANIMAL, participants=None, endpoint=None)

    # Act / Assert
    assert validate_entry(entry) == {}


@pytest.mark.parametrize(
    "design",
    [
        Design.RCT_DOUBLE_BLIND,
        Design.RCT_NOT_BLINDED,
        Design.RCT_BLINDING_UNKNOWN,
        Design.NON_RANDOMISED_CONTROLLED,
        Design.CASE_SERIES_POPULATION_CONSECUTIVE,
        Design.CASE_SERIES_CONSECUTIVE,
        Design.CASE_SERIES_NON_CONSECUTIVE,
        Design.BEST_CASE_SERIES,
    ],
)
def test_validate_entry_pdq_design_needs_an_endpoint(design: Design) -> None:
    # Arrange
    entry = make_entry(design=design, endpoint=None)

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"endpoint"}


@pytest.mark.parametrize(
    "design", [Design.CASE_REPORT, Design.META_ANALYSIS, Design.COHORT, Design.CASE_CONTROL]
)
def test_validate_entry_unscored_design_may_omit_endpoint(design: Design) -> None:
    # Arrange
    entry = make_entry(design=design, endpoint=None)

    # Act / Assert
    assert validate_entry(entry) == {}


def test_validate_entry_harm_without_reference_is_flagged_as_harm() -> None:
    # Arrange
    entry = make_entry(direction=Direction.HARM, references=())

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"references"}
    assert "harm" in errors["references"]


def test_validate_entry_any_entry_needs_a_reference() -> None:
    # Arrange
    entry = make_entry(references=())

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"references"}


@pytest.mark.parametrize(
    ("field", "value"), [("references", ("ok", " ")), ("cancer_types", ("lung cancer", ""))]
)
def test_validate_entry_blank_names_are_flagged(field: str, value: tuple[str, ...]) -> None:
    # Arrange
    entry = make_entry(**{field: value})

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {field}


def test_validate_entry_does_not_police_endpoint_against_category() -> None:
    # Arrange: our sources give no rule linking endpoints to outcome categories
    entry = make_entry(
        outcome_category=OutcomeCategory.CANCER_RISK, endpoint=Endpoint.TUMOUR_RESPONSE
    )

    # Act / Assert
    assert validate_entry(entry) == {}


def test_validate_entry_reports_every_problem_at_once() -> None:
    # Arrange
    entry = make_entry(
        design=Design.RCT_NOT_BLINDED,
        participants=-3,
        endpoint=None,
        direction=Direction.HARM,
        references=(),
    )

    # Act
    errors = validate_entry(entry)

    # Assert
    assert set(errors) == {"participants", "endpoint", "references"}


def test_strongest_pdq_orders_design_before_endpoint():
    from carechoices.evidence.pdq import pdq_strength_key, strongest_pdq

    assert strongest_pdq(["3iiiDiv", "1iiC", None, "1iC", "2A"]) == "1iC"
    assert strongest_pdq(["4", "3iiiA"]) == "3iiiA"
    assert strongest_pdq([None]) is None
    assert sorted(["2A", "1iiA", "1iDiv", "1iA"], key=pdq_strength_key) == ["1iA", "1iDiv", "1iiA", "2A"]
    with pytest.raises(ValueError):
        pdq_strength_key("5Z")
