"""Typed records of the evidence behind a therapy review (no Django, no I/O).

The module is called ``domain`` rather than ``types`` (a name that shadows the standard library
module when a tool runs from inside the package) or ``models`` (Django's home for ORM models, which
this package will gain later), as in :mod:`carechoices.plans.domain`.

Every enum value is the kebab-case slug stored in the database and sent by the API; labels are
for people and may be reworded without a data migration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar


class Design(StrEnum):
    """How a study was designed (one value per evidence entry)."""

    META_ANALYSIS = "meta-analysis"
    SYSTEMATIC_REVIEW = "systematic-review"
    RCT_DOUBLE_BLIND = "rct-double-blind"
    RCT_NOT_BLINDED = "rct-not-blinded"
    RCT_BLINDING_UNKNOWN = "rct-blinding-unknown"
    NON_RANDOMISED_CONTROLLED = "non-randomised-controlled"
    COHORT = "cohort"
    CASE_CONTROL = "case-control"
    CASE_SERIES_POPULATION_CONSECUTIVE = "case-series-population-consecutive"
    CASE_SERIES_CONSECUTIVE = "case-series-consecutive"
    CASE_SERIES_NON_CONSECUTIVE = "case-series-non-consecutive"
    BEST_CASE_SERIES = "best-case-series"
    CASE_REPORT = "case-report"
    ANIMAL = "animal"
    IN_VITRO = "in-vitro"
    EXPERT_OPINION = "expert-opinion"

    @property
    def label(self) -> str:
        """The design's name for readers."""
        return DESIGN_LABELS[self]


class Endpoint(StrEnum):
    """What a study measured (PDQ groups the first seven as therapeutic endpoints)."""

    OVERALL_SURVIVAL = "overall-survival"
    CAUSE_SPECIFIC_SURVIVAL = "cause-specific-survival"
    QUALITY_OF_LIFE = "quality-of-life"
    EVENT_FREE_SURVIVAL = "event-free-survival"
    DISEASE_FREE_SURVIVAL = "disease-free-survival"
    PROGRESSION_FREE_SURVIVAL = "progression-free-survival"
    TUMOUR_RESPONSE = "tumour-response"
    SYMPTOM_OR_OTHER = "symptom-or-other"

    @property
    def label(self) -> str:
        """The endpoint's name for readers."""
        return ENDPOINT_LABELS[self]


class Direction(StrEnum):
    """Which way the result pointed for the outcome the entry records."""

    BENEFIT = "benefit"
    NO_EFFECT = "no-effect"
    HARM = "harm"
    MIXED = "mixed"

    @property
    def label(self) -> str:
        """The direction's name for readers."""
        return DIRECTION_LABELS[self]


class OutcomeCategory(StrEnum):
    """The four medical benefits a review asks about, plus safety."""

    TREATMENT_OUTCOMES = "treatment-outcomes"
    BODY_TERRAIN = "body-terrain"
    SIDE_EFFECTS_WELLNESS = "side-effects-wellness"
    CANCER_RISK = "cancer-risk"
    SAFETY = "safety"

    @property
    def label(self) -> str:
        """The category's heading for readers."""
        return OUTCOME_CATEGORY_LABELS[self]


class Grade(StrEnum):
    """Strength-of-evidence grade for one outcome category and cancer type.

    ``good`` and ``moderate`` exist because editors may set them, but their definitions were not
    visible in our sources, so :func:`carechoices.evidence.grading.suggest_grade` never suggests
    them.
    """

    STRONG = "strong"
    GOOD = "good"
    MODERATE = "moderate"
    PRELIMINARY = "preliminary"
    WEAK = "weak"
    NO_EFFECT = "no-effect"
    HARM = "harm"
    INSUFFICIENT = "insufficient"

    @property
    def label(self) -> str:
        """The grade's name as shown on a review."""
        return GRADE_LABELS[self]


class RatedAttribute(StrEnum):
    """The seven attributes rated 0–5 on every review (slugs match the therapy models)."""

    TREATMENT_OUTCOMES = "treatment-outcomes"
    BODY_TERRAIN = "body-terrain"
    SIDE_EFFECTS_WELLNESS = "side-effects-wellness"
    CANCER_RISK = "cancer-risk"
    EXPERT_USE = "expert-use"
    SAFETY = "safety"
    AFFORDABILITY = "affordability"

    @property
    def label(self) -> str:
        """The attribute's tile heading."""
        return RATED_ATTRIBUTE_LABELS[self]


class EvidenceKind(StrEnum):
    """Whether an entry is a study in people, a laboratory or animal study, or an opinion."""

    HUMAN = "human"
    PRECLINICAL = "preclinical"
    OPINION = "expert-opinion"


DESIGN_LABELS = MappingProxyType(
    {
        Design.META_ANALYSIS: "Meta-analysis",
        Design.SYSTEMATIC_REVIEW: "Systematic review",
        Design.RCT_DOUBLE_BLIND: "Randomised trial, double-blind",
        Design.RCT_NOT_BLINDED: "Randomised trial, not blinded",
        Design.RCT_BLINDING_UNKNOWN: "Randomised trial, blinding not stated",
        Design.NON_RANDOMISED_CONTROLLED: "Controlled trial, not randomised",
        Design.COHORT: "Cohort study",
        Design.CASE_CONTROL: "Case-control study",
        Design.CASE_SERIES_POPULATION_CONSECUTIVE: "Case series, consecutive, population-based",
        Design.CASE_SERIES_CONSECUTIVE: "Case series, consecutive",
        Design.CASE_SERIES_NON_CONSECUTIVE: "Case series, not consecutive",
        Design.BEST_CASE_SERIES: "Best case series",
        Design.CASE_REPORT: "Case report",
        Design.ANIMAL: "Animal study",
        Design.IN_VITRO: "Cell (in vitro) study",
        Design.EXPERT_OPINION: "Expert opinion or narrative review",
    }
)

ENDPOINT_LABELS = MappingProxyType(
    {
        Endpoint.OVERALL_SURVIVAL: "Overall survival",
        Endpoint.CAUSE_SPECIFIC_SURVIVAL: "Cause-specific survival",
        Endpoint.QUALITY_OF_LIFE: "Quality of life",
        Endpoint.EVENT_FREE_SURVIVAL: "Event-free survival",
        Endpoint.DISEASE_FREE_SURVIVAL: "Disease-free survival",
        Endpoint.PROGRESSION_FREE_SURVIVAL: "Progression-free survival",
        Endpoint.TUMOUR_RESPONSE: "Tumour response",
        Endpoint.SYMPTOM_OR_OTHER: "Symptom or other outcome",
    }
)

DIRECTION_LABELS = MappingProxyType(
    {
        Direction.BENEFIT: "Benefit",
        Direction.NO_EFFECT: "No effect",
        Direction.HARM: "Harm",
        Direction.MIXED: "Mixed",
    }
)

OUTCOME_CATEGORY_LABELS = MappingProxyType(
    {
        OutcomeCategory.TREATMENT_OUTCOMES: "Improving treatment outcomes",
        OutcomeCategory.BODY_TERRAIN: "Optimizing body terrain",
        OutcomeCategory.SIDE_EFFECTS_WELLNESS: "Managing side effects and promoting wellness",
        OutcomeCategory.CANCER_RISK: "Reducing cancer risk",
        OutcomeCategory.SAFETY: "Safety",
    }
)

GRADE_LABELS = MappingProxyType(
    {
        Grade.STRONG: "Strong evidence",
        Grade.GOOD: "Good evidence",
        Grade.MODERATE: "Moderate evidence",
        Grade.PRELIMINARY: "Preliminary evidence",
        Grade.WEAK: "Weak evidence",
        Grade.NO_EFFECT: "No evidence of an effect",
        Grade.HARM: "Evidence of harm",
        Grade.INSUFFICIENT: "Insufficient evidence",
    }
)

RATED_ATTRIBUTE_LABELS = MappingProxyType(
    {
        RatedAttribute.TREATMENT_OUTCOMES: "Improving treatment outcomes",
        RatedAttribute.BODY_TERRAIN: "Optimizing body terrain",
        RatedAttribute.SIDE_EFFECTS_WELLNESS: "Managing side effects and promoting wellness",
        RatedAttribute.CANCER_RISK: "Reducing cancer risk",
        RatedAttribute.EXPERT_USE: "Use by integrative oncology experts",
        RatedAttribute.SAFETY: "Safety",
        RatedAttribute.AFFORDABILITY: "Affordability and access",
    }
)

#: Designs from strongest to weakest, for display (chart rows, table order). The broad order
#: follows the hierarchy in the research note (meta-analyses, then randomised trials, then other
#: controlled and observational studies, then uncontrolled case studies, then cell and animal
#: work, then opinion). Within a tier the order is our choice: Best Case Series sit below the
#: other case series because PDQ scores them 4, below case series (3).
DESIGN_ORDER: tuple[Design, ...] = (
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
    Design.ANIMAL,
    Design.IN_VITRO,
    Design.EXPERT_OPINION,
)

PRECLINICAL_DESIGNS = frozenset({Design.ANIMAL, Design.IN_VITRO})
OPINION_DESIGNS = frozenset({Design.EXPERT_OPINION})
#: Studies of people. A meta-analysis or systematic review counts as human because our records
#: use those designs for pooled clinical studies; a review of animal work is recorded as ``animal``.
HUMAN_DESIGNS = frozenset(set(Design) - PRECLINICAL_DESIGNS - OPINION_DESIGNS)


class InvalidEntry(ValueError):
    """An evidence entry holds a value that is not one of the allowed choices.

    ``field`` names the entry's attribute so a form or API can attach the message to it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_E = TypeVar("_E", bound=StrEnum)


def parse_choice(enum: type[_E], value: object, field_name: str) -> _E:
    """Return ``value`` as a member of ``enum``, accepting the member or its slug.

    Entries arrive from forms and JSON as plain strings; converting here lets every function
    downstream rely on the type.

    Raises:
        InvalidEntry: naming ``field_name`` and the allowed slugs, if ``value`` is unknown.
    """
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError as error:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidEntry(field_name, f"{value!r} is not one of: {allowed}") from error


def _as_keys(values: Iterable[str] | str, field_name: str) -> tuple[str, ...]:
    # A bare string would otherwise be split into characters by tuple().
    if isinstance(values, str):
        raise InvalidEntry(field_name, "give a list of values, not a single string")
    return tuple(values)


@dataclass(frozen=True, kw_only=True)
class EvidenceEntry:
    """One study (or one finding of a study) as the editors recorded it.

    ``participants`` counts people; it is ``None`` when not stated and must stay ``None`` for
    animal, cell and opinion entries (see :func:`carechoices.evidence.pdq.validate_entry`).
    ``endpoint`` may be ``None`` only for designs PDQ does not score. ``references`` are
    citation keys of the shared reference library. Construction coerces slugs to enums and lists
    to tuples; plausibility checks live in ``validate_entry`` so a form can report all of them.

    Raises:
        InvalidEntry: if a choice field holds an unknown value.
    """

    design: Design
    participants: int | None = None
    population: str = ""
    cancer_types: tuple[str, ...] = ()
    intervention: str = ""
    dose: str = ""
    outcome_category: OutcomeCategory
    endpoint: Endpoint | None = None
    direction: Direction
    effect: str = ""
    notes: str = ""
    references: tuple[str, ...] = field(default=())
    #: The cancer types' stable slugs, in the order of ``cancer_types`` (the names), when known.
    cancer_type_slugs: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: normalise through object.__setattr__.
        object.__setattr__(self, "design", parse_choice(Design, self.design, "design"))
        object.__setattr__(
            self,
            "outcome_category",
            parse_choice(OutcomeCategory, self.outcome_category, "outcome_category"),
        )
        object.__setattr__(self, "direction", parse_choice(Direction, self.direction, "direction"))
        if self.endpoint is not None:
            object.__setattr__(self, "endpoint", parse_choice(Endpoint, self.endpoint, "endpoint"))
        object.__setattr__(self, "cancer_types", _as_keys(self.cancer_types, "cancer_types"))
        object.__setattr__(self, "references", _as_keys(self.references, "references"))
        object.__setattr__(self, "cancer_type_slugs", tuple(self.cancer_type_slugs))

    @property
    def kind(self) -> EvidenceKind:
        """Whether the entry is human, preclinical or opinion evidence (from its design)."""
        if self.design in PRECLINICAL_DESIGNS:
            return EvidenceKind.PRECLINICAL
        if self.design in OPINION_DESIGNS:
            return EvidenceKind.OPINION
        return EvidenceKind.HUMAN

    @property
    def human(self) -> bool:
        """True for studies in people; False for cell, animal and opinion entries."""
        return self.kind is EvidenceKind.HUMAN
