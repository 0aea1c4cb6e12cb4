"""The published, versioned rubric that suggests the seven 0–5 ratings, and editor overrides.

Our sources show that ratings run from 0 (lowest) to 5 (highest) and that the four outcome
ratings express strength of evidence, but not what each point means nor the criteria for expert
use, safety or affordability. Every mapping below is therefore **our rubric's decision**, published
on the "How we rate" page (:data:`RUBRIC_TABLE`) and versioned by :data:`RUBRIC_VERSION`. Change a
number, change the version.

A suggestion of ``None`` means "not yet rated": the rubric never fills a missing input by guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from carechoices.evidence.domain import GRADE_LABELS, Grade, OutcomeCategory, RatedAttribute

RUBRIC_VERSION = "1.0.0"

SCALE_MIN = 0
SCALE_MAX = 5

# --- Grading thresholds, used by carechoices.evidence.grading. The sources give no study-size
# --- thresholds, so these are our rubric's decisions, not medical facts.

#: A clinical study with at least this many participants counts as "large" (rubric choice).
LARGE_STUDY_PARTICIPANTS = 100
#: A clinical study or meta-analysis with at least this many participants counts as "very large"
#: (rubric choice).
VERY_LARGE_STUDY_PARTICIPANTS = 1000
#: "Several" large, well-designed studies means at least this many (rubric choice).
SEVERAL_STUDIES = 3
#: Agreeing meta-analyses needed for "strong" (from the visible definition: two or more).
AGREEING_META_ANALYSES = 2
#: Grades the grading rule never suggests, because their definitions were not visible in our
#: sources; only an editor may set them.
EDITOR_ONLY_GRADES = frozenset({Grade.GOOD, Grade.MODERATE})

#: The four ratings that come from evidence grades, and the outcome category each one reads.
EVIDENCE_ATTRIBUTES = MappingProxyType(
    {
        RatedAttribute.TREATMENT_OUTCOMES: OutcomeCategory.TREATMENT_OUTCOMES,
        RatedAttribute.BODY_TERRAIN: OutcomeCategory.BODY_TERRAIN,
        RatedAttribute.SIDE_EFFECTS_WELLNESS: OutcomeCategory.SIDE_EFFECTS_WELLNESS,
        RatedAttribute.CANCER_RISK: OutcomeCategory.CANCER_RISK,
    }
)

#: Grade → score for the four evidence ratings (rubric choice). The order of good and moderate
#: between strong and preliminary is our reading of the words; their definitions were not visible.
#: Harm, no effect and insufficient all score 0 because the rating measures evidence *of benefit*;
#: harm is reported beside the rating, never folded into it silently.
GRADE_SCORES = MappingProxyType(
    {
        Grade.STRONG: 5,
        Grade.GOOD: 4,
        Grade.MODERATE: 3,
        Grade.PRELIMINARY: 2,
        Grade.WEAK: 1,
        Grade.NO_EFFECT: 0,
        Grade.HARM: 0,
        Grade.INSUFFICIENT: 0,
    }
)

#: Expert use: points per published integrative oncology programme that uses the therapy, capped
#: at the top of the scale (rubric choice; the sources do not give the thresholds). Clinical
#: practice guidelines are not counted here.
EXPERT_USE_POINTS_PER_PROGRAMME = 1

#: Safety starts here and loses points for each kind of concern present (rubric choice).
SAFETY_START = 5
SAFETY_DEDUCTIONS = MappingProxyType(
    {
        # A serious adverse event in people is the gravest signal a review records.
        "serious_adverse_events_reported": 2,
        # Harm seen in people outranks harm seen only in cells or animals.
        "human_harm_signals": 2,
        "preclinical_harm_signals": 1,
        # Contraindications restrict who may use a therapy rather than measure harm to everyone.
        "avoid_contraindications": 1,
    }
)
#: How each safety deduction is described on the page and in reasons.
SAFETY_DEDUCTION_LABELS = MappingProxyType(
    {
        "serious_adverse_events_reported": "serious adverse events reported in people",
        "human_harm_signals": "harm reported in studies in people",
        "preclinical_harm_signals": "harm reported in cell or animal studies",
        "avoid_contraindications": "at least one 'avoid' contraindication",
    }
)


class CostBand(StrEnum):
    """Typical out-of-pocket cost to the person (band limits are rubric choices)."""

    FREE = "free"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very-high"


#: Rubric choice; the sources give no cost thresholds. The lead should confirm the limits.
COST_BAND_DESCRIPTIONS = MappingProxyType(
    {
        CostBand.FREE: "no cost to the person",
        CostBand.LOW: "under US$25 a month",
        CostBand.MODERATE: "US$25 to US$100 a month",
        CostBand.HIGH: "US$100 to US$500 a month",
        CostBand.VERY_HIGH: "over US$500 a month",
    }
)
COST_BAND_SCORES = MappingProxyType(
    {
        CostBand.FREE: 5,
        CostBand.LOW: 4,
        CostBand.MODERATE: 3,
        CostBand.HIGH: 2,
        CostBand.VERY_HIGH: 1,
    }
)
#: Needing a prescriber is an access barrier: one point off (rubric choice).
PRESCRIPTION_DEDUCTION = 1

NOT_RATED = "not yet rated"


@dataclass(frozen=True)
class SafetyInputs:
    """Editorial inputs for the safety rating; ``None`` in any field means "not yet reviewed".

    Counts are recorded so the page can show them, but the rule uses only whether each kind of
    concern is present: a count would change the score when editors split or merge entries.
    ``serious_adverse_events_reported`` is True when studies in people report serious adverse
    events attributed to the therapy.
    """

    avoid_contraindications: int | None = None
    human_harm_signals: int | None = None
    preclinical_harm_signals: int | None = None
    serious_adverse_events_reported: bool | None = None


@dataclass(frozen=True)
class AffordabilityInputs:
    """Editorial inputs for affordability and access; ``None`` means "not yet reviewed"."""

    needs_prescription: bool | None = None
    cost_band: CostBand | None = None


@dataclass(frozen=True)
class RatingSuggestion:
    """The rubric's suggested score (``None`` = not yet rated) and the reason, in words."""

    attribute: RatedAttribute
    score: int | None
    reason: str
    rubric_version: str = RUBRIC_VERSION


@dataclass(frozen=True)
class FinalRating:
    """The published rating: the suggestion, or an editor's override with its reason."""

    attribute: RatedAttribute
    score: int | None
    suggested_score: int | None
    suggested_reason: str
    overridden: bool
    override_reason: str
    rubric_version: str


class OverrideError(ValueError):
    """An override cannot be accepted; ``field`` names the form field to attach ``message`` to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _score_text(score: int | None) -> str:
    return NOT_RATED if score is None else f"{score} of {SCALE_MAX}"


def _rate_from_grades(
    attribute: RatedAttribute, grades: Iterable[Grade | str] | None
) -> tuple[int | None, str]:
    given = [Grade(grade) for grade in grades or ()]
    category = EVIDENCE_ATTRIBUTES[attribute]
    if not given:
        return None, f"Not yet rated: no evidence is recorded for {category.label.lower()}."
    order = list(Grade)
    # Highest score wins; among equal scores the earlier grade in Grade's order is named.
    best = max(given, key=lambda grade: (GRADE_SCORES[grade], -order.index(grade)))
    reason = (
        f"Best grade across cancer types: {GRADE_LABELS[best].lower()} "
        f"(score {GRADE_SCORES[best]})."
    )
    if Grade.HARM in given and best is not Grade.HARM:
        reason += " Evidence of harm is also graded for at least one cancer type."
    return GRADE_SCORES[best], reason


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return value


def _rate_expert_use(programmes: int | None) -> tuple[int | None, str]:
    if programmes is None:
        return None, "Not yet rated: expert programmes have not been reviewed."
    count = _check_count(programmes, "expert_programmes")
    score = min(SCALE_MAX, count * EXPERT_USE_POINTS_PER_PROGRAMME)
    return score, (
        f"{count} published integrative oncology programme{'s' if count != 1 else ''} "
        f"use{'s' if count == 1 else ''} it; one point each, up to {SCALE_MAX}."
    )


def _rate_safety(inputs: SafetyInputs | None) -> tuple[int | None, str]:
    if inputs is None:
        return None, "Not yet rated: the safety inputs have not been reviewed."
    missing = [name for name in SAFETY_DEDUCTIONS if getattr(inputs, name) is None]
    if missing:
        listed = ", ".join(name.replace("_", " ") for name in missing)
        return None, f"Not yet rated: missing {listed}."
    score = SAFETY_START
    applied: list[str] = []
    for name, points in SAFETY_DEDUCTIONS.items():
        value = getattr(inputs, name)
        if name == "serious_adverse_events_reported":
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, not {value!r}")
            present = value
        else:
            present = _check_count(value, name) > 0
        if present:
            score -= points
            applied.append(f"{SAFETY_DEDUCTION_LABELS[name]} (−{points})")
    score = max(SCALE_MIN, score)
    if not applied:
        return score, f"Starts at {SAFETY_START}; no concern recorded in the inputs."
    return score, f"Starts at {SAFETY_START}; points off for: " + "; ".join(applied) + "."


def _rate_affordability(inputs: AffordabilityInputs | None) -> tuple[int | None, str]:
    if inputs is None or inputs.cost_band is None or inputs.needs_prescription is None:
        return None, "Not yet rated: cost and access have not been reviewed."
    band = CostBand(inputs.cost_band)
    if not isinstance(inputs.needs_prescription, bool):
        raise ValueError("needs_prescription must be True or False")
    score = COST_BAND_SCORES[band]
    reason = f"Cost band {band.value} ({COST_BAND_DESCRIPTIONS[band]}) scores {score}"
    if inputs.needs_prescription:
        score = max(SCALE_MIN, score - PRESCRIPTION_DEDUCTION)
        reason += f"; needs a prescription (−{PRESCRIPTION_DEDUCTION})"
    return score, reason + "."


def suggest_rating(
    attribute: RatedAttribute | str,
    *,
    grades: Iterable[Grade | str] | None = None,
    expert_programmes: int | None = None,
    safety: SafetyInputs | None = None,
    affordability: AffordabilityInputs | None = None,
) -> RatingSuggestion:
    """Suggest a 0–5 score for one attribute under the current rubric.

    Pass only the input the attribute uses: ``grades`` (one per cancer type, for the four
    outcome attributes), ``expert_programmes``, ``safety`` or ``affordability``. A missing input
    gives ``score=None`` ("not yet rated").

    Raises:
        ValueError: for an unknown attribute, an input the attribute does not use, or an input
            that is out of range (e.g. a negative count).
    """
    attribute = RatedAttribute(attribute)
    given = {
        "grades": grades,
        "expert_programmes": expert_programmes,
        "safety": safety,
        "affordability": affordability,
    }
    if attribute in EVIDENCE_ATTRIBUTES:
        expected = "grades"
    elif attribute is RatedAttribute.EXPERT_USE:
        expected = "expert_programmes"
    elif attribute is RatedAttribute.SAFETY:
        expected = "safety"
    else:
        expected = "affordability"
    stray = [name for name, value in given.items() if value is not None and name != expected]
    if stray:
        raise ValueError(f"{attribute.value} is rated from {expected}, not {', '.join(stray)}")
    if expected == "grades":
        score, reason = _rate_from_grades(attribute, grades)
    elif expected == "expert_programmes":
        score, reason = _rate_expert_use(expert_programmes)
    elif expected == "safety":
        score, reason = _rate_safety(safety)
    else:
        score, reason = _rate_affordability(affordability)
    return RatingSuggestion(attribute=attribute, score=score, reason=reason)


def apply_override(
    suggested: RatingSuggestion, override_score: int | None = None, reason: str = ""
) -> FinalRating:
    """Combine the rubric's suggestion with an editor's optional override.

    ``override_score=None`` keeps the suggestion. An override that differs from the suggested
    score (including overriding "not yet rated") needs a non-blank ``reason``; an override equal
    to the suggestion is not counted as an override.

    Raises:
        OverrideError: ``field="override_score"`` for a score outside 0–5, or
            ``field="override_reason"`` for a differing score without a reason.
    """
    if not isinstance(reason, str):
        raise OverrideError("override_reason", "The reason must be text.")
    reason = reason.strip()
    if override_score is None:
        final, overridden = suggested.score, False
    else:
        if (
            isinstance(override_score, bool)
            or not isinstance(override_score, int)
            or not SCALE_MIN <= override_score <= SCALE_MAX
        ):
            raise OverrideError(
                "override_score", f"A rating is a whole number from {SCALE_MIN} to {SCALE_MAX}."
            )
        final, overridden = override_score, override_score != suggested.score
        if overridden and not reason:
            raise OverrideError(
                "override_reason",
                f"Say why the rating differs from the rubric's suggestion "
                f"({_score_text(suggested.score)}).",
            )
    return FinalRating(
        attribute=suggested.attribute,
        score=final,
        suggested_score=suggested.score,
        suggested_reason=suggested.reason,
        overridden=overridden,
        override_reason=reason,
        rubric_version=suggested.rubric_version,
    )


# --- The "How we rate" page -------------------------------------------------------------------

_GRADE_DEFINITIONS: dict[Grade, tuple[str, str]] = {
    # (definition in our words, where it comes from)
    Grade.STRONG: (
        "Several large, well-designed clinical studies (or one very large one) consistently "
        "show a significant effect, or at least two meta-analyses of moderate quality or better "
        "agree (or a single large meta-analysis does).",
        "CancerChoices grade definition, paraphrased",
    ),
    Grade.GOOD: (
        "Set by editors only; the rule never suggests it because its definition was not "
        "visible in our sources.",
        "definition not available",
    ),
    Grade.MODERATE: (
        "Set by editors only; the rule never suggests it because its definition was not "
        "visible in our sources.",
        "definition not available",
    ),
    Grade.PRELIMINARY: (
        "Small or poorly designed clinical studies show a significant effect, or adequate "
        "studies disagree but most of them point to an effect.",
        "CancerChoices grade definition, paraphrased",
    ),
    Grade.WEAK: (
        "Case reports backed by animal findings, effects too small to matter much clinically, "
        "studies with no comparison group, or weak trends.",
        "CancerChoices grade definition, paraphrased",
    ),
    Grade.NO_EFFECT: (
        "Studies did not find the expected outcome. Small or poorly designed studies can miss a "
        "real effect, so this is not proof that there is none.",
        "CancerChoices grade definition, paraphrased",
    ),
    Grade.HARM: (
        "At least one study in people reports harm for this outcome.",
        "our rubric (the CancerChoices wording was not visible)",
    ),
    Grade.INSUFFICIENT: (
        "No study in people is recorded; cell, animal and opinion evidence alone is not graded.",
        "our rubric (the CancerChoices wording was not visible)",
    ),
}


#: The grade-suggestion rule in plain words, first match wins (implemented in
#: carechoices.evidence.grading; keep the two in step).
GRADING_RULE_STEPS: tuple[str, ...] = (
    "If any study in people reports harm, we suggest 'evidence of harm', whatever else is found.",
    "If there is no study in people, we suggest 'insufficient evidence'. Cell, animal and "
    "opinion entries are shown to professionals but not graded; any harm they report is shown "
    "beside the grade.",
    "With controlled studies in people (meta-analyses, systematic reviews, controlled trials, "
    "cohort and case-control studies), we count those showing a benefit and those showing none. "
    f"'Strong' needs benefit with no controlled study disagreeing, plus {AGREEING_META_ANALYSES} "
    f"agreeing meta-analyses, one of at least {VERY_LARGE_STUDY_PARTICIPANTS:,} participants, "
    f"{SEVERAL_STUDIES} randomised trials with recorded blinding of at least "
    f"{LARGE_STUDY_PARTICIPANTS} participants each, or one such trial of at least "
    f"{VERY_LARGE_STUDY_PARTICIPANTS:,}.",
    "Otherwise more benefit than no-effect findings gives 'preliminary'; an even split, or only "
    "mixed results, gives 'weak'; more no-effect findings give 'no evidence of an effect'.",
    "With only uncontrolled reports in people (case reports and case series), a benefit or "
    "mixed result gives 'weak'; otherwise 'no evidence of an effect'.",
    "The rule never suggests 'good' or 'moderate'; editors may set them, with a reason.",
)


def rubric_table() -> dict[str, Any]:
    """Return the rubric as plain, JSON-ready data for the "How we rate" page and the API.

    The table is built from the same constants the functions use, so the page cannot drift from
    the code. Each row's ``input`` can be passed straight back to :func:`suggest_rating`.
    """
    rubric_choice = "rubric choice (our sources give no threshold)"
    evidence_rows = [
        {"input": {"grades": [grade.value]}, "grade_label": GRADE_LABELS[grade], "score": score}
        for grade, score in GRADE_SCORES.items()
    ]
    return {
        "version": RUBRIC_VERSION,
        "scale": {
            "lowest": SCALE_MIN,
            "highest": SCALE_MAX,
            "not_rated": "Shown as 'not yet rated' when an input the rubric needs is missing.",
        },
        "grades": [
            {
                "grade": grade.value,
                "label": GRADE_LABELS[grade],
                "definition": definition,
                "definition_source": source,
                "suggested_by_rule": grade not in EDITOR_ONLY_GRADES,
            }
            for grade, (definition, source) in _GRADE_DEFINITIONS.items()
        ],
        "grading_rule": list(GRADING_RULE_STEPS),
        "grading_thresholds": [
            {
                "name": "large study",
                "participants": LARGE_STUDY_PARTICIPANTS,
                "source": rubric_choice,
            },
            {
                "name": "very large study or meta-analysis",
                "participants": VERY_LARGE_STUDY_PARTICIPANTS,
                "source": rubric_choice,
            },
            {
                "name": "several studies",
                "studies": SEVERAL_STUDIES,
                "source": rubric_choice,
            },
            {
                "name": "agreeing meta-analyses",
                "studies": AGREEING_META_ANALYSES,
                "source": "CancerChoices grade definition (two or more)",
            },
        ],
        "attributes": [
            *(
                {
                    "attribute": attribute.value,
                    "label": attribute.label,
                    "basis": (
                        f"The best evidence grade across cancer types for {category.label.lower()}."
                    ),
                    "rows": evidence_rows,
                    "not_rated_when": "no evidence is recorded for this outcome",
                }
                for attribute, category in EVIDENCE_ATTRIBUTES.items()
            ),
            {
                "attribute": RatedAttribute.EXPERT_USE.value,
                "label": RatedAttribute.EXPERT_USE.label,
                "basis": (
                    "Published integrative oncology programmes that use the therapy: one point "
                    f"each, up to {SCALE_MAX}."
                ),
                "rows": [
                    {"input": {"expert_programmes": count}, "score": min(SCALE_MAX, count)}
                    for count in range(SCALE_MAX + 1)
                ],
                "not_rated_when": "expert programmes have not been reviewed",
            },
            {
                "attribute": RatedAttribute.SAFETY.value,
                "label": RatedAttribute.SAFETY.label,
                "basis": (
                    f"Starts at {SAFETY_START}; points come off for each kind of concern "
                    f"present, down to {SCALE_MIN}."
                ),
                "start": SAFETY_START,
                "deductions": [
                    {"input": name, "when": SAFETY_DEDUCTION_LABELS[name], "points": points}
                    for name, points in SAFETY_DEDUCTIONS.items()
                ],
                "not_rated_when": "any safety input has not been reviewed",
            },
            {
                "attribute": RatedAttribute.AFFORDABILITY.value,
                "label": RatedAttribute.AFFORDABILITY.label,
                "basis": "Typical cost band, minus a point when a prescription is needed.",
                "rows": [
                    {
                        "input": {"cost_band": band.value, "needs_prescription": False},
                        "description": COST_BAND_DESCRIPTIONS[band],
                        "score": score,
                    }
                    for band, score in COST_BAND_SCORES.items()
                ],
                "deductions": [
                    {
                        "input": "needs_prescription",
                        "when": "needs a prescription",
                        "points": PRESCRIPTION_DEDUCTION,
                    }
                ],
                "not_rated_when": "cost or prescription status has not been reviewed",
            },
        ],
        "overrides": (
            "Editors may publish a different score from the suggestion; the page then shows "
            "their reason next to the rating."
        ),
    }


#: The rubric as published (read-only by convention; call :func:`rubric_table` for a private copy).
RUBRIC_TABLE: dict[str, Any] = rubric_table()
