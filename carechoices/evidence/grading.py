"""Suggest an evidence grade for one outcome category and cancer type.

The rule is ours: simple, conservative, and derived from the grade definitions that were visible
in our sources (research note cancerchoices.md §2.2). An editor may set any grade; a different
grade from the suggestion needs a reason (see :func:`carechoices.evidence.rubric.apply_override`).

The rule, first match wins, using only the entries passed in:

1. Any human entry reporting harm → **harm**. Harm is checked first so no benefit can outweigh
   it in the suggestion.
2. No human entries (only cell, animal or opinion entries, or none) → **insufficient**.
3. Controlled human evidence exists (meta-analyses, systematic reviews, randomised or
   non-randomised controlled trials, cohort and case-control studies). Counting those that show
   a benefit (B) and those that show no effect (N):

   * B ≥ 1, none showing no effect or mixed results, and either at least
     :data:`AGREEING_META_ANALYSES` meta-analyses/systematic reviews or one with at least
     :data:`VERY_LARGE_STUDY_PARTICIPANTS` participants, or at least :data:`SEVERAL_STUDIES`
     well-designed trials of at least :data:`LARGE_STUDY_PARTICIPANTS` participants each, or one
     well-designed trial of at least :data:`VERY_LARGE_STUDY_PARTICIPANTS` → **strong**;
   * B > N → **preliminary** (small or poorly designed studies, or conflicting results where
     most point to an effect);
   * B = N ≥ 1 → **weak** (conflicting with no majority; the sources' mixed/conflicting grade
     has no visible definition, so we do not use it);
   * N > B → **no-effect**;
   * only mixed results → **weak**.

   Uncontrolled reports do not lift or lower a grade once controlled evidence exists.
4. Only uncontrolled human evidence (case reports, case series, Best Case Series): any benefit or
   mixed result → **weak** ("studies without controls"); otherwise → **no-effect**.

The size thresholds are rubric decisions kept (and versioned) in
:mod:`carechoices.evidence.rubric`. **good** and **moderate** (:data:`EDITOR_ONLY_GRADES`) are
never suggested: their definitions were not visible in our sources, so only an editor may set
them. Our wording of **harm** and **insufficient** is our own
for the same reason. Harm found in cell or animal studies does not change the grade (preclinical
evidence is not graded) but is always returned in :attr:`GradeSuggestion.harm_signals` and named
in the reason, so a page can show it beside the grade.

A reason cites the entries it counts with citation markers (``[@key; @key2]``), the same markers
review text uses, so a page renders them as its numbered citations and readers never see a
citation key.

Safety entries (adverse events, harm) can be passed in, but the rule above grades evidence *of
benefit*; the review pages therefore show safety findings ungraded (see
:mod:`carechoices.evidence.presenters`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carechoices.evidence.domain import (
    Design,
    Direction,
    EvidenceEntry,
    Grade,
    OutcomeCategory,
)
from carechoices.evidence.rubric import (
    AGREEING_META_ANALYSES,
    EDITOR_ONLY_GRADES,
    LARGE_STUDY_PARTICIPANTS,
    RUBRIC_VERSION,
    SEVERAL_STUDIES,
    VERY_LARGE_STUDY_PARTICIPANTS,
)

__all__ = [
    "AGREEING_META_ANALYSES",
    "CONTROLLED_DESIGNS",
    "EDITOR_ONLY_GRADES",
    "LARGE_STUDY_PARTICIPANTS",
    "META_DESIGNS",
    "SEVERAL_STUDIES",
    "UNCONTROLLED_DESIGNS",
    "UNSPECIFIED_CANCER_TYPE",
    "VERY_LARGE_STUDY_PARTICIPANTS",
    "WELL_DESIGNED_DESIGNS",
    "GradeSuggestion",
    "group_for_grading",
    "harm_signals",
    "suggest_grade",
    "suggest_grades",
]

META_DESIGNS = frozenset({Design.META_ANALYSIS, Design.SYSTEMATIC_REVIEW})
#: "Well-designed" for the strong rule: a randomised trial whose blinding is recorded. Our
#: records hold the design, not a quality appraisal, so this is the most the rule can check.
WELL_DESIGNED_DESIGNS = frozenset({Design.RCT_DOUBLE_BLIND, Design.RCT_NOT_BLINDED})
CONTROLLED_DESIGNS = frozenset(
    {
        Design.RCT_DOUBLE_BLIND,
        Design.RCT_NOT_BLINDED,
        Design.RCT_BLINDING_UNKNOWN,
        Design.NON_RANDOMISED_CONTROLLED,
        Design.COHORT,
        Design.CASE_CONTROL,
    }
)
UNCONTROLLED_DESIGNS = frozenset(
    {
        Design.CASE_SERIES_POPULATION_CONSECUTIVE,
        Design.CASE_SERIES_CONSECUTIVE,
        Design.CASE_SERIES_NON_CONSECUTIVE,
        Design.BEST_CASE_SERIES,
        Design.CASE_REPORT,
    }
)

#: Grouping key used for entries that name no cancer type.
UNSPECIFIED_CANCER_TYPE = "not specified"


@dataclass(frozen=True)
class GradeSuggestion:
    """A suggested grade, why, and every entry in the group that reports harm.

    ``harm_signals`` holds human *and* preclinical harm entries, in input order, so a page can
    show them next to the grade whatever the grade is.
    """

    grade: Grade
    reason: str
    harm_signals: tuple[EvidenceEntry, ...]
    rubric_version: str = RUBRIC_VERSION

    @property
    def has_harm_signal(self) -> bool:
        """True when any entry in the group (human or preclinical) reports harm."""
        return bool(self.harm_signals)


def harm_signals(entries: Iterable[EvidenceEntry]) -> tuple[EvidenceEntry, ...]:
    """Return every entry reporting harm, human or preclinical, in input order.

    Use it across all categories to put harm signals at the top of a review.
    """
    return tuple(entry for entry in entries if entry.direction is Direction.HARM)


def _cite(entries: Iterable[EvidenceEntry]) -> str:
    """The entries' references as one citation marker, led by a space: `` [@a; @b]``.

    A page renders the marker as its own numbered citations (as it does in review text), so a
    reason never shows a citation key to readers. Entries without a reference are counted in
    words instead, since there is nothing to number.
    """
    keys: list[str] = []
    uncited = 0
    for entry in entries:
        if not entry.references:
            uncited += 1
        for key in entry.references:
            if key not in keys:
                keys.append(key)
    parts = []
    if keys:
        parts.append("[" + "; ".join(f"@{key}" for key in keys) + "]")
    if uncited:
        parts.append(f"({_count(uncited, 'entry', 'entries')} without a reference)")
    return " " + " ".join(parts) if parts else ""


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _studies(n: int) -> str:
    return _count(n, "controlled human study", "controlled human studies")


def _non_human(n: int) -> str:
    return _count(n, "cell, animal or opinion entry", "cell, animal or opinion entries")


def _verb(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


def _large(entry: EvidenceEntry, threshold: int) -> bool:
    return isinstance(entry.participants, int) and entry.participants >= threshold


def _meets_strong(benefit: list[EvidenceEntry]) -> str | None:
    """Return why ``benefit`` (consistent controlled benefit entries) is strong, or None."""
    metas = [e for e in benefit if e.design in META_DESIGNS]
    if len(metas) >= AGREEING_META_ANALYSES:
        return f"{len(metas)} agreeing meta-analyses or systematic reviews"
    very_large_meta = [e for e in metas if _large(e, VERY_LARGE_STUDY_PARTICIPANTS)]
    if very_large_meta:
        return (
            f"a meta-analysis of at least {VERY_LARGE_STUDY_PARTICIPANTS:,} participants"
            f"{_cite(very_large_meta)}"
        )
    trials = [e for e in benefit if e.design in WELL_DESIGNED_DESIGNS]
    large = [e for e in trials if _large(e, LARGE_STUDY_PARTICIPANTS)]
    if len(large) >= SEVERAL_STUDIES:
        return (
            f"{len(large)} randomised trials with recorded blinding and at least "
            f"{LARGE_STUDY_PARTICIPANTS} participants each"
        )
    very_large = [e for e in trials if _large(e, VERY_LARGE_STUDY_PARTICIPANTS)]
    if very_large:
        return (
            f"a randomised trial of at least {VERY_LARGE_STUDY_PARTICIPANTS:,} participants"
            f"{_cite(very_large)}"
        )
    return None


def _harm_note(signals: tuple[EvidenceEntry, ...]) -> str:
    preclinical = [e for e in signals if not e.human]
    if not preclinical:
        return ""
    n = len(preclinical)
    return (
        f" Harm signal outside studies in people: {_non_human(n)}"
        f"{_cite(preclinical)} {_verb(n, 'reports', 'report')} harm; shown with this grade, "
        "not graded."
    )


def _grade_without_harm(
    human: list[EvidenceEntry], others: list[EvidenceEntry]
) -> tuple[Grade, str]:
    controlled = [e for e in human if e.design in META_DESIGNS | CONTROLLED_DESIGNS]
    if controlled:
        benefit = [e for e in controlled if e.direction is Direction.BENEFIT]
        no_effect = [e for e in controlled if e.direction is Direction.NO_EFFECT]
        mixed = [e for e in controlled if e.direction is Direction.MIXED]
        b, n = len(benefit), len(no_effect)
        if b and not no_effect and not mixed:
            why_strong = _meets_strong(benefit)
            if why_strong:
                return (
                    Grade.STRONG,
                    f"Consistent benefit in controlled human studies, including {why_strong}.",
                )
        if b > n:
            against = f" and {n} did not" if n else ""
            return (
                Grade.PRELIMINARY,
                f"{_studies(b)} {_verb(b, 'shows', 'show')} a benefit{_cite(benefit)}"
                f"{against}; the bar for strong evidence is not met (it needs "
                f"{SEVERAL_STUDIES} randomised trials with recorded blinding of at least "
                f"{LARGE_STUDY_PARTICIPANTS} participants, one of at least "
                f"{VERY_LARGE_STUDY_PARTICIPANTS:,}, or {AGREEING_META_ANALYSES} agreeing "
                "meta-analyses, with no controlled study disagreeing).",
            )
        if b and b == n:
            return (
                Grade.WEAK,
                f"Conflicting controlled human studies: {b} with a benefit{_cite(benefit)} "
                f"and {n} with no effect{_cite(no_effect)}, with no majority.",
            )
        if n > b:
            against = f", against {b} showing a benefit{_cite(benefit)}" if b else ""
            return (
                Grade.NO_EFFECT,
                f"{_studies(n)} did not show the effect{_cite(no_effect)}{against}. This does "
                "not rule out an effect that larger or better-designed studies might find.",
            )
        return (
            Grade.WEAK,
            f"Controlled human studies report only mixed results{_cite(mixed)}.",
        )
    # Only uncontrolled human evidence from here on.
    positive = [e for e in human if e.direction in (Direction.BENEFIT, Direction.MIXED)]
    if positive:
        support = [e for e in others if e.direction is Direction.BENEFIT and not e.human]
        supported = (
            f", supported by {_non_human(len(support))}{_cite(support)}" if support else ""
        )
        return (
            Grade.WEAK,
            f"Only uncontrolled human reports{_cite(positive)}{supported}; studies without "
            "a comparison group give weak evidence.",
        )
    return (
        Grade.NO_EFFECT,
        f"Uncontrolled human reports did not show the effect{_cite(human)}.",
    )


def suggest_grade(entries: Iterable[EvidenceEntry]) -> GradeSuggestion:
    """Suggest a grade for the entries of one outcome category and one cancer type.

    The caller chooses the group (see :func:`group_for_grading`); the rule is in the module
    docstring. An empty group is ``insufficient``.

    Raises:
        ValueError: if the entries span more than one outcome category.
    """
    group = list(entries)
    categories = {entry.outcome_category for entry in group}
    if len(categories) > 1:
        names = ", ".join(sorted(category.value for category in categories))
        raise ValueError(f"grade one outcome category at a time, not: {names}")
    signals = harm_signals(group)
    human = [entry for entry in group if entry.human]
    others = [entry for entry in group if not entry.human]
    human_harm = [entry for entry in human if entry.direction is Direction.HARM]
    if human_harm:
        grade, reason = (
            Grade.HARM,
            f"{_count(len(human_harm), 'human study reports', 'human studies report')} harm"
            f"{_cite(human_harm)}. Harm is checked first, so benefit findings do not "
            "outweigh it in the suggestion.",
        )
    elif not human:
        not_graded = (
            f"; {_non_human(len(others))} {_verb(len(others), 'is', 'are')} reported for "
            "professionals and not graded."
        )
        grade, reason = (
            Grade.INSUFFICIENT,
            "No studies in people are recorded" + (not_graded if others else "."),
        )
    else:
        grade, reason = _grade_without_harm(human, others)
    return GradeSuggestion(grade=grade, reason=reason + _harm_note(signals), harm_signals=signals)


def group_for_grading(
    entries: Iterable[EvidenceEntry],
) -> dict[tuple[OutcomeCategory, str], tuple[EvidenceEntry, ...]]:
    """Group entries by (outcome category, cancer type), the unit a grade is given for.

    An entry naming several cancer types joins each of their groups; one naming none goes under
    :data:`UNSPECIFIED_CANCER_TYPE`. Cancer types are compared after trimming spaces, so editors
    should choose them from one controlled list. Groups keep first-seen order.
    """
    groups: dict[tuple[OutcomeCategory, str], list[EvidenceEntry]] = {}
    for entry in entries:
        names = [name.strip() for name in entry.cancer_types if name.strip()]
        for name in names or [UNSPECIFIED_CANCER_TYPE]:
            groups.setdefault((entry.outcome_category, name), []).append(entry)
    return {key: tuple(value) for key, value in groups.items()}


def suggest_grades(
    entries: Iterable[EvidenceEntry],
) -> dict[tuple[OutcomeCategory, str], GradeSuggestion]:
    """Suggest a grade for every (outcome category, cancer type) group in ``entries``."""
    return {key: suggest_grade(group) for key, group in group_for_grading(entries).items()}
