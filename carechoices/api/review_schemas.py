"""Response shapes of the read-only open-data API (OpenAPI and response validation).

They mirror ``ReviewRecord.to_json()`` and friends in ``carechoices.therapies.record``; a test
validates the live answers against them, so the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Closed(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Closed):
    field: str = Field(description="The parameter or path part at fault, e.g. page_size")
    message: str


class ErrorResponse(Closed):
    error: ErrorDetail


class TherapySummary(Closed):
    slug: str = Field(examples=["low-dose-naltrexone"])
    title: str
    category: str
    tagline: str
    url: str
    reviewed_sections: list[str]
    partial: bool = Field(description="True when a section or the interactions are not yet reviewed")
    cancer_types: list[str]
    last_update: str | None = Field(description="YYYY-MM-DD")
    revision: int = Field(description="The live revision the record was compiled from")


class TherapyList(Closed):
    count: int
    page: int
    page_size: int
    items: list[TherapySummary]


class SectionOut(Closed):
    subpage: str
    audience: Literal["lay", "professional"]
    reviewed: bool
    html: str = Field(description="Rich text with [@key] citation markers; empty when not yet reviewed")
    references: list[str]


class RatingOut(Closed):
    attribute: str
    label: str
    score: int | None = Field(ge=0, le=5)
    rationale: str
    suggested_score: int | None
    suggested_reason: str
    overridden: bool
    override_reason: str


class EvidenceOut(Closed):
    design: str
    participants: int | None
    population: str
    cancer_types: list[str]
    cancer_type_slugs: list[str] = Field(description="The cancer types' slugs, as at /api/v1/cancer-types")
    intervention: str
    dose: str
    outcome_category: str
    endpoint: str | None
    direction: str
    effect: str
    notes: str
    pdq_code: str | None = Field(description="NCI PDQ level of evidence, for human studies it covers")
    references: list[str]


class GradeOut(Closed):
    outcome_category: str
    cancer_type: str
    cancer_type_slug: str | None = Field(description="None for cancer in general")
    grade: str
    reason: str


class SideEffectOut(Closed):
    effect: str
    frequency: str
    note: str
    references: list[str]


class TriggerOut(Closed):
    kind: Literal["medicine_class", "ingredient", "condition", "procedure"]
    value: str


class TimingOut(Closed):
    kind: Literal["wait-until-cleared", "stop-before-procedure"]
    min_days: int
    max_days: int
    wean_for: str
    restart: str


class RuleOut(Closed):
    rule_id: str
    title: str
    severity: Literal["avoid", "caution", "info"]
    any_of: list[TriggerOut]
    all_of: list[TriggerOut]
    none_of: list[TriggerOut]
    min_dose_mg: float | None
    plain_text: str
    professional_text: str
    action: str
    timing: TimingOut | None
    references: list[str]


class CitedReference(Closed):
    id: str
    citation: str
    url: str | None


class ScheduleStepOut(Closed):
    dose_mg: float
    min_days: int | None
    max_days: int | None


class ProtocolOut(Closed):
    id: str
    name: str
    condition: str | None
    steps: list[ScheduleStepOut]
    start_dose_mg: float | None
    step_mg: float | None
    interval_days: int | None
    target_mg: float | None
    needs_start_dose: bool
    timing: str
    note: str
    references: list[CitedReference]


class ExpertUseOut(Closed):
    expert: str
    credentials: str
    source: str
    programme: str
    uses: str
    published_programme: bool


class RecordReferenceOut(Closed):
    id: str
    number: int
    citation: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    url: str | None
    incomplete: bool
    missing_fields: list[str]
    csl: dict[str, Any] = Field(description="CSL-JSON item")


class ContributorOut(Closed):
    person: str
    name: str
    credentials: str
    role: Literal["author", "reviewer"]
    demo_profile: bool


class RevisionOut(Closed):
    revision: int
    published: str
    note: str


class ChangeOut(Closed):
    date: str = Field(description="The day it was published (site time zone)")
    published: str
    kind: Literal["substantive", "minor"] = Field(
        description="substantive: what the review says changed; minor: wording, links or typos"
    )
    note: str = Field(description="What changed and why, in the editors' words")
    revision: int


class DatesOut(Closed):
    last_update: str | None
    prior_updates: list[str]
    literature_reviews: list[str]


class ReviewOut(TherapySummary):
    format: int = Field(description="Version of this record's shape")
    active_ingredients: list[str]
    published: str | None
    dates: DatesOut
    sections: dict[str, SectionOut]
    ratings: list[RatingOut]
    evidence: list[EvidenceOut]
    grades: list[GradeOut]
    side_effects: list[SideEffectOut]
    rules_reviewed: bool
    rules: list[RuleOut]
    dosing_protocols: list[ProtocolOut]
    expert_uses: list[ExpertUseOut]
    references: list[RecordReferenceOut]
    glossary_terms: list[str]
    contributors: list[ContributorOut]
    history: list[RevisionOut]
    changes: list[ChangeOut] = Field(description="The public change log, newest first")


class RulesOut(Closed):
    slug: str
    revision: int
    rules_reviewed: bool
    active_ingredients: list[str]
    rules: list[RuleOut]
    references: list[RecordReferenceOut]


class ReferenceOut(Closed):
    id: str
    citation: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    url: str | None
    incomplete: bool
    missing_fields: list[str]
    cited_by: list[str] = Field(description="Slugs of the published reviews that cite it")
    csl: dict[str, Any]


class ReferenceList(Closed):
    count: int
    page: int
    page_size: int
    items: list[ReferenceOut]


class GlossaryTermOut(Closed):
    slug: str
    term: str
    synonyms: list[str]
    definition: str
    house_definition: bool
    url: str


class GlossaryList(Closed):
    count: int
    items: list[GlossaryTermOut]


class CancerTypeOut(Closed):
    slug: str = Field(examples=["brain-cancer"], description="Fixed once published")
    name: str
    synonyms: list[str]
    parent: str | None = Field(description="The broader type's slug, if any")
    description: str
    url: str
    therapies: list[str] = Field(description="Slugs of published reviews with evidence for it")


class CancerTypeList(Closed):
    count: int
    items: list[CancerTypeOut]


class PersonReview(Closed):
    therapy: str
    role: str


class PersonOut(Closed):
    slug: str
    name: str
    credentials: str
    role: str
    bio: str
    demo_profile: bool
    url: str
    reviews: list[PersonReview]


class PeopleList(Closed):
    count: int
    items: list[PersonOut]
