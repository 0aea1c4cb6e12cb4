"""Which therapies have evidence for a cancer type, and how strong it is, from the live reviews.

Each published review's evidence is grouped the way its research page groups it (outcome and
cancer type; :class:`carechoices.evidence.presenters.EvidencePresenter`), so the grade here is
the one readers see there: the editors' grade where they set one, otherwise the rubric's
suggestion, labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carechoices.evidence.domain import Direction, Grade, OutcomeCategory
from carechoices.evidence.pdq import pdq_strength_key, strongest_pdq
from carechoices.evidence.presenters import GENERAL_CANCER_TYPE, EvidencePresenter

#: Editors' grades from strongest to weakest, then no effect and harm (the issue's order).
GRADE_ORDER = (
    Grade.STRONG, Grade.GOOD, Grade.MODERATE, Grade.PRELIMINARY, Grade.WEAK,
    Grade.NO_EFFECT, Grade.HARM, Grade.INSUFFICIENT,
)
GRADE_RANK = {grade: rank for rank, grade in enumerate(GRADE_ORDER)}


@dataclass
class TherapyFinding:
    """One therapy's graded evidence for one outcome in one cancer type."""

    title: str
    url: str
    category: OutcomeCategory
    cancer_type: str
    grade: Grade
    editor_graded: bool
    studies: int
    participants: int | None
    best_pdq: str | None
    harms: int
    research_url: str

    @property
    def sort_key(self):
        pdq = pdq_strength_key(self.best_pdq) if self.best_pdq else (99, 99)
        return (GRADE_RANK.get(self.grade, len(GRADE_RANK)), -self.studies, pdq, self.title.lower())


@dataclass
class LabOnly:
    """A therapy with only cell, animal or opinion evidence for the type (never graded)."""

    title: str
    url: str
    studies: int
    harms: int
    research_url: str


@dataclass
class TypeEvidence:
    findings: list[TherapyFinding] = field(default_factory=list)
    lab_only: list[LabOnly] = field(default_factory=list)

    @property
    def therapies(self) -> list[str]:
        return list(dict.fromkeys([f.title for f in self.findings] + [lab.title for lab in self.lab_only]))

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.lab_only.sort(key=lambda lab: lab.title.lower())


def collect(pages, names: set[str] | None = None) -> dict[str, TypeEvidence]:
    """Cancer type name (lower case; ``cancer in general`` too) → the therapies' evidence for it.

    ``pages`` are live review pages; ``names`` limits the result to these types.
    """
    out: dict[str, TypeEvidence] = {}
    for page in pages:
        presenter = EvidencePresenter(page)
        url = page.url or ""
        harms: dict[str, int] = {}
        human_types: set[str] = set()
        lab: dict[str, list] = {}
        for view in presenter.entries:
            types = [t.lower() for t in view.entry.cancer_types] or [GENERAL_CANCER_TYPE]
            for name in types:
                if view.entry.direction is Direction.HARM:
                    harms[name] = harms.get(name, 0) + 1
                if view.human and view.entry.outcome_category is not OutcomeCategory.SAFETY:
                    human_types.add(name)
                elif not view.human:
                    lab.setdefault(name, []).append(view)
        for category in presenter.human_categories:
            if category.category is OutcomeCategory.SAFETY:
                continue  # safety findings are reported as harm signals, never graded
            for group in category.groups:
                name = group.cancer_type.lower()
                if names is not None and name not in names:
                    continue
                participants = [v.entry.participants for v in group.entries if v.entry.participants]
                out.setdefault(name, TypeEvidence()).findings.append(TherapyFinding(
                    title=page.title, url=url, category=category.category, cancer_type=group.cancer_type,
                    grade=group.grade, editor_graded=group.editor_graded, studies=len(group.entries),
                    participants=sum(participants) if participants else None,
                    best_pdq=strongest_pdq(v.pdq_code for v in group.entries),
                    harms=harms.get(name, 0),
                    research_url=f"{url}research/#evidence-{group.entries[0].index}",
                ))
        for name, views in lab.items():
            if (names is not None and name not in names) or name in human_types:
                continue
            out.setdefault(name, TypeEvidence()).lab_only.append(LabOnly(
                title=page.title, url=url, studies=len(views), harms=harms.get(name, 0),
                research_url=f"{url}research/#evidence-{views[0].index}",
            ))
    for evidence in out.values():
        evidence.sort()
    return out
