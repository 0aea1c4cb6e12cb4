"""One line per published review for lists: the index's filters and the home page's cards.

Everything comes from the compiled records (``compile.live_records``, cached per published
revision) and the same evidence grouping the research page shows, so a card never says more
than the review does. The safety headline names the review's own "avoid" and "caution" rules;
it never says a therapy is safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from carechoices.cancertypes.evidence import GRADE_RANK
from carechoices.evidence.domain import Grade, OutcomeCategory, RatedAttribute
from carechoices.evidence.presenters import GENERAL_CANCER_TYPE, EvidencePresenter

from .compile import live_records
from .models import CATEGORY_CHOICES

CATEGORY_LABELS = dict(CATEGORY_CHOICES)
NO_GRADE = "none"


@dataclass(frozen=True)
class Strongest:
    grade: Grade
    category: OutcomeCategory
    cancer_type: str
    editor_graded: bool

    @property
    def where(self) -> str:
        return "cancer in general" if self.cancer_type == GENERAL_CANCER_TYPE else self.cancer_type


@dataclass(frozen=True)
class Summary:
    slug: str
    title: str
    url: str
    tagline: str
    category: str
    cancer_types: tuple[tuple[str, str], ...]  # (slug, name)
    strongest: Strongest | None
    safety_rating: int | None
    safety_headline: str
    partial: bool
    covers: str = ""  # what a partial review covers, in words ("safety")

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def grade_value(self) -> str:
        return self.strongest.grade.value if self.strongest else NO_GRADE

    @property
    def check_url(self) -> str:
        return f"{self.url}check/"


def _strongest(page) -> Strongest | None:
    best = None
    for category in EvidencePresenter(page).human_categories:
        if category.category is OutcomeCategory.SAFETY:
            continue
        for group in category.groups:
            if group.grade is Grade.INSUFFICIENT:
                continue
            key = (GRADE_RANK.get(group.grade, 99), not group.editor_graded)
            if best is None or key < best[0]:
                best = (key, Strongest(group.grade, category.category, group.cancer_type, group.editor_graded))
    return best[1] if best else None


def _in_a_sentence(title: str) -> str:
    """A rule's title inside a sentence: "Opioid medicines" → "opioid medicines", "NSAIDs" kept."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def _listed(titles: list[str]) -> str:
    return ", ".join(_in_a_sentence(t) for t in titles[:2]) + ("…" if len(titles) > 2 else "")


def _safety_headline(record) -> str:
    if not record.rules_reviewed and not record.rules:
        return "Interactions not yet reviewed"
    by_severity = {
        severity: [r.title for r in record.rules if r.severity == severity]
        for severity in ("avoid", "caution", "info")
    }
    if by_severity["avoid"]:
        return "Do not combine with: " + _listed(by_severity["avoid"])
    if by_severity["caution"]:
        return "Take care with: " + _listed(by_severity["caution"])
    if by_severity["info"]:
        return "Worth raising with your care team: " + _listed(by_severity["info"])
    return "No warnings recorded yet; see the safety section"


def _summary(compiled) -> Summary | None:
    record = compiled.record
    if record is None:
        return None
    slugs = dict.fromkeys((s, n) for e in record.evidence for s, n in zip(e.cancer_type_slugs, e.cancer_types, strict=False))
    safety = next((r.score for r in record.ratings if r.attribute == RatedAttribute.SAFETY.value), None)
    return Summary(
        slug=record.slug, title=record.title, url=compiled.page.url or record.url, tagline=record.tagline,
        category=record.category, cancer_types=tuple(slugs), strongest=_strongest(compiled.page),
        safety_rating=safety, safety_headline=_safety_headline(record),
        partial=record.summary_json()["partial"], covers=compiled.page.covers,
    )


_lock = threading.Lock()
_cached: tuple[object, list[Summary]] | None = None


def summaries() -> list[Summary]:
    """Every live review's summary in title order (recomputed only when a review changes)."""
    global _cached
    records = live_records()
    with _lock:
        if _cached is not None and _cached[0] is records:
            return _cached[1]
    built = [s for s in (_summary(c) for c in records.values()) if s is not None]
    with _lock:
        _cached = (records, built)
    return built
