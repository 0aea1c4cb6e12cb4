"""Which reviews need editorial attention: literature review overdue or due soon, and references
that are incomplete or unverified. Read by the dashboard panel and the "Reviews due" report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from .cycle import DUE_SOON, NEVER, OVERDUE, ReviewDue


@dataclass
class ReviewState:
    page: object  # TherapyPage
    due: ReviewDue
    incomplete: list[str] = field(default_factory=list)  # "key: no title" lines
    unverified: list[str] = field(default_factory=list)  # "key: note" lines
    unresolved: list[str] = field(default_factory=list)  # keys cited but not in the library

    @property
    def reference_problems(self) -> bool:
        return bool(self.incomplete or self.unverified or self.unresolved)


@dataclass
class DueReport:
    overdue: list[ReviewState]
    due_soon: list[ReviewState]
    references: list[ReviewState]

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.references)


def review_states(today=None) -> list[ReviewState]:
    """Every review (its latest draft, which is what editors will publish next), by title."""
    from carechoices.references.models import Reference
    from carechoices.therapies.compile import review_citation_order
    from carechoices.therapies.models import TherapyPage

    from .cycle import review_due

    today = today or timezone.localdate()
    library = {r.key: r for r in Reference.objects.all()}
    states = []
    for page in TherapyPage.objects.order_by("title").prefetch_related("review_dates"):
        literature = page.literature_reviews
        due = review_due(literature[0] if literature else None, page.literature_review_cycle_months, today)
        state = ReviewState(page=page, due=due)
        draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        keys = dict.fromkeys(key for keys in review_citation_order(draft).values() for key in keys)
        for key in keys:
            reference = library.get(key)
            if reference is None:
                state.unresolved.append(key)
                continue
            if reference.missing_fields:
                state.incomplete.append(f"{key}: no {', '.join(f.replace('|', ' or ') for f in reference.missing_fields)}")
            if reference.verification_note:
                state.unverified.append(f"{key}: {reference.verification_note}")
        states.append(state)
    return states


def due_report(today=None) -> DueReport:
    states = review_states(today)
    overdue = sorted((s for s in states if s.due.status in (OVERDUE, NEVER)),
                     key=lambda s: (s.due.due is not None, s.due.due or s.due.today))
    due_soon = sorted((s for s in states if s.due.status == DUE_SOON), key=lambda s: s.due.due)
    return DueReport(overdue=overdue, due_soon=due_soon, references=[s for s in states if s.reference_problems])
