"""A review's evidence, grades and ratings as its pages show them (Django side).

Everything is derived from the review's records by the pure rules in this package (PDQ levels,
grade suggestions, the versioned rubric); nothing derived is stored, so it cannot go stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.safestring import mark_safe

from .blocks import GENERAL_CANCER_TYPE, grade_cancer_type
from .charts import evidence_map_svg
from .domain import (
    HUMAN_DESIGNS,
    Direction,
    EvidenceEntry,
    Grade,
    OutcomeCategory,
    RatedAttribute,
)
from .grading import GradeSuggestion, harm_signals, suggest_grade
from .pdq import classify_pdq
from .rubric import (
    EVIDENCE_ATTRIBUTES,
    AffordabilityInputs,
    FinalRating,
    OverrideError,
    RatingSuggestion,
    SafetyInputs,
    apply_override,
    suggest_rating,
)

CATEGORY_ORDER = list(OutcomeCategory)
#: Categories whose entries the pages show without a grade. The grades (and the rubric that
#: suggests them) measure evidence *of benefit*; adverse events and harm are reported as found,
#: with harm also in the harm-signals box, and the safety rating has its own inputs.
UNGRADED_CATEGORIES = frozenset({OutcomeCategory.SAFETY})


@dataclass
class EntryView:
    """One evidence entry with what the page derives from it."""

    index: int
    entry: EvidenceEntry
    pdq_code: str | None
    pdq_reason: str

    @property
    def human(self) -> bool:
        return self.entry.design in HUMAN_DESIGNS

    @property
    def is_harm(self) -> bool:
        return self.entry.direction is Direction.HARM


@dataclass
class GradeGroup:
    category: OutcomeCategory
    cancer_type: str
    entries: list[EntryView]
    suggestion: GradeSuggestion
    editor_grade: Grade | None = None
    editor_reason: str = ""

    @property
    def label(self) -> str:
        """The group's heading: its cancer type, or a plain note that the studies name none."""
        if self.cancer_type == GENERAL_CANCER_TYPE:
            return "No particular cancer type"
        return self.cancer_type[:1].upper() + self.cancer_type[1:]

    @property
    def graded(self) -> bool:
        """False for safety findings, which are reported but never given a benefit grade."""
        return self.category not in UNGRADED_CATEGORIES

    @property
    def editor_graded(self) -> bool:
        """True when an editor recorded a grade; otherwise only the rubric's suggestion exists."""
        return self.editor_grade is not None

    @property
    def grade(self) -> Grade:
        return self.editor_grade or self.suggestion.grade

    @property
    def differs(self) -> bool:
        return self.editor_grade is not None and self.editor_grade != self.suggestion.grade


@dataclass
class CategoryView:
    category: OutcomeCategory
    groups: list[GradeGroup] = field(default_factory=list)


@dataclass
class ListedGroup:
    """A grade group as the research page lists it: each study appears in one group only.

    A study naming several cancer types counts towards each of their grades, but it is listed
    under the first; the others name it in a line (``counted_here``) instead of repeating it.
    """

    group: GradeGroup
    entries: list[EntryView]
    counted_here: list[EntryView]


@dataclass
class OutcomeSection:
    """One outcome on the research page: studies in people by cancer type (graded), then the
    cell, animal and opinion evidence for the same outcome (never graded)."""

    category: OutcomeCategory
    groups: list[ListedGroup]
    laboratory: list[EntryView]

    @property
    def slug(self) -> str:
        return self.category.value



def _cancer_types(entry: EvidenceEntry) -> list[str]:
    return list(entry.cancer_types) or [GENERAL_CANCER_TYPE]


def rating_inputs(*, evidence_entries: list[EvidenceEntry], contraindications, expert_uses,
                  serious_adverse_events: bool | None, needs_prescription: bool | None,
                  cost_band: str) -> dict[RatedAttribute, dict[str, Any]]:
    """The rubric's inputs for each attribute, from a review's records (None = not reviewed)."""
    has_evidence = bool(evidence_entries)
    harms = harm_signals(evidence_entries) if has_evidence else ()
    human_harms = sum(1 for e in harms if e.design in HUMAN_DESIGNS)
    programmes = sum(1 for b in expert_uses if b.value.get("published_programme", True)) if len(expert_uses) else None
    avoid = sum(1 for b in contraindications if b.value["severity"] == "avoid") if len(contraindications) else None
    return {
        RatedAttribute.EXPERT_USE: {"expert_programmes": programmes},
        RatedAttribute.SAFETY: {
            "safety": SafetyInputs(
                avoid_contraindications=avoid,
                human_harm_signals=human_harms if has_evidence else None,
                preclinical_harm_signals=(len(harms) - human_harms) if has_evidence else None,
                serious_adverse_events_reported=serious_adverse_events,
            )
        },
        RatedAttribute.AFFORDABILITY: {
            "affordability": AffordabilityInputs(needs_prescription=needs_prescription, cost_band=cost_band or None)
        },
    }


class EvidenceViews:
    """A review's evidence as its pages list it, from typed entries and the editors' grades.

    ``grades`` are ``(outcome category, cancer type name, grade, reason)``: the compiled record's
    grades, or a page's grade blocks (:class:`EvidencePresenter`). ``citation_numbers`` are the
    review-wide numbers, when a page has them: the evidence map then names each mark's
    references by number instead of by citation key.
    """

    def __init__(self, title: str, entries: Iterable[EvidenceEntry],
                 grades: Iterable[tuple[str, str, str, str]] = (),
                 citation_numbers: dict[str, int] | None = None) -> None:
        self.title = title
        self._entries = tuple(entries)
        self._grades = tuple(grades)
        self.citation_numbers = citation_numbers

    @cached_property
    def entries(self) -> list[EntryView]:
        views = []
        for index, entry in enumerate(self._entries, start=1):
            pdq = classify_pdq(entry.design, entry.endpoint)
            views.append(EntryView(index, entry, pdq.code, pdq.reason))
        return views

    @cached_property
    def editor_grades(self) -> dict[tuple[str, str], tuple[Grade, str]]:
        return {
            (category, cancer_type.strip().lower()): (Grade(grade), reason or "")
            for category, cancer_type, grade, reason in self._grades
        }

    def _groups(self, *, human: bool) -> list[CategoryView]:
        categories: dict[OutcomeCategory, dict[str, list[EntryView]]] = {}
        for view in self.entries:
            if view.human != human:
                continue
            for cancer in _cancer_types(view.entry):
                categories.setdefault(view.entry.outcome_category, {}).setdefault(cancer, []).append(view)
        result = []
        for category in CATEGORY_ORDER:
            if category not in categories:
                continue
            cat_view = CategoryView(category)
            for cancer, views in categories[category].items():
                suggestion = suggest_grade([v.entry for v in views])
                editor = self.editor_grades.get((category.value, cancer.strip().lower()))
                cat_view.groups.append(
                    GradeGroup(category, cancer, views, suggestion,
                               editor_grade=editor[0] if editor else None, editor_reason=editor[1] if editor else "")
                )
            result.append(cat_view)
        return result

    @cached_property
    def human_categories(self) -> list[CategoryView]:
        return self._groups(human=True)

    @cached_property
    def preclinical_entries(self) -> list[EntryView]:
        return [v for v in self.entries if not v.human]

    @cached_property
    def outcome_sections(self) -> list[OutcomeSection]:
        """Every study once, by outcome, then cancer type, in the order the research page lists
        them (the order its citation numbers follow)."""
        human = {view.category: view for view in self.human_categories}
        sections = []
        listed: set[int] = set()
        for category in CATEGORY_ORDER:
            groups = []
            for group in human[category].groups if category in human else []:
                here = [v for v in group.entries if v.index not in listed]
                elsewhere = [v for v in group.entries if v.index in listed]
                listed.update(v.index for v in here)
                groups.append(ListedGroup(group, here, elsewhere))
            laboratory = [v for v in self.preclinical_entries if v.entry.outcome_category is category]
            if groups or laboratory:
                sections.append(OutcomeSection(category, groups, laboratory))
        return sections

    @cached_property
    def listed_entries(self) -> list[EntryView]:
        """The entries in the research page's order."""
        return [
            view
            for section in self.outcome_sections
            for view in [v for g in section.groups for v in g.entries] + section.laboratory
        ]

    @property
    def unstudied_categories(self) -> list[OutcomeCategory]:
        """Outcomes with no evidence entry at all, named in one line instead of empty headings."""
        studied = {section.category for section in self.outcome_sections}
        return [category for category in CATEGORY_ORDER if category not in studied]

    @cached_property
    def harm_entries(self) -> list[EntryView]:
        return [v for v in self.entries if v.is_harm]

    # Charts ----------------------------------------------------------------------------------
    def _evidence_map(self, layout: str) -> str:
        entries = [v.entry for v in self.entries]
        if not entries:
            return ""
        harms = sum(1 for e in entries if e.direction is Direction.HARM)
        return mark_safe(  # noqa: S308 - charts.py escapes every text it writes
            evidence_map_svg(
                entries,
                citation_numbers=self.citation_numbers or {},
                title=f"Evidence map for {self.title}",
                description=(
                    f"{len(entries)} studies plotted by outcome and strength of design; {harms} "
                    "show harm. Each is labelled with its reference number; the list of studies "
                    "above describes each one."
                ),
                chart_id="evidence-map" if layout == "wide" else "evidence-map-stacked",
                layout=layout,
            )
        )

    def evidence_map(self) -> str:
        """The map as a grid, for screens wider than a phone."""
        return self._evidence_map("wide")

    def evidence_map_stacked(self) -> str:
        """The same marks, one block per outcome, readable on a 375 px phone."""
        return self._evidence_map("stacked")


class EvidencePresenter(EvidenceViews):
    """Evidence views and the rubric's ratings for one review page; ``page`` may also be an
    unsaved form instance."""

    def __init__(self, page, citation_numbers: dict[str, int] | None = None) -> None:
        self.page = page
        super().__init__(
            page.title,
            (block.value.as_entry() for block in page.evidence),
            ((b.value["outcome_category"], grade_cancer_type(b.value), b.value["grade"], b.value.get("reason") or "")
             for b in page.grades),
            citation_numbers,
        )

    # Ratings ---------------------------------------------------------------------------------
    def suggestions(self) -> dict[RatedAttribute, RatingSuggestion]:
        grades_by_category: dict[OutcomeCategory, list[Grade]] = {}
        for cat in self.human_categories:
            grades_by_category[cat.category] = [g.grade for g in cat.groups]
        inputs = rating_inputs(
            evidence_entries=[v.entry for v in self.entries],
            contraindications=self.page.contraindications,
            expert_uses=self.page.expert_uses,
            serious_adverse_events=self.page.serious_adverse_events_reported,
            needs_prescription=self.page.needs_prescription,
            cost_band=self.page.cost_band,
        )
        out = {}
        for attribute in RatedAttribute:
            if attribute in EVIDENCE_ATTRIBUTES:
                grades = grades_by_category.get(EVIDENCE_ATTRIBUTES[attribute])
                out[attribute] = suggest_rating(attribute, grades=grades if grades else None)
            else:
                out[attribute] = suggest_rating(attribute, **inputs[attribute])
        return out

    def final_ratings(self, overrides: dict[str, tuple[int | None, str]]) -> dict[RatedAttribute, FinalRating]:
        """Apply editor overrides ``{attribute: (score, reason)}``; raises OverrideError."""
        finals = {}
        for attribute, suggestion in self.suggestions().items():
            score, reason = overrides.get(attribute.value, (None, ""))
            finals[attribute] = apply_override(suggestion, score, reason)
        return finals

    @cached_property
    def ratings(self) -> dict[RatedAttribute, FinalRating]:
        overrides = {r.attribute: (r.score, r.override_reason) for r in self.page.ratings.all()}
        finals = {}
        for attribute, suggestion in self.suggestions().items():
            score, reason = overrides.get(attribute.value, (None, ""))
            try:
                finals[attribute] = apply_override(suggestion, score, reason)
            except OverrideError:
                # The form blocks this; an old override that no longer validates (e.g. after a
                # rubric change) falls back to the suggestion for that attribute only.
                finals[attribute] = apply_override(suggestion)
        return finals
