"""Compile a published review page into its ``ReviewRecord`` (the Django side of the record).

The record is built through the blocks' value classes (``as_rule``, ``as_protocol``,
``as_entry``), so the schema of a review's blocks is read here and nowhere else. Records are
built once per live revision and content version (a saved reference, glossary term or person
bumps the version) and shared by the screen, the plan, the API and the exports.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, prefetch_related_objects
from django.db.models.lookups import StartsWith
from wagtail.models import PageLogEntry, PageViewRestriction

from carechoices.editorial import generation
from carechoices.editorial.models import ReviewChange
from carechoices.evidence.blocks import grade_cancer_type
from carechoices.glossary.marking import GlossaryMarker, TermInfo
from carechoices.glossary.models import GlossaryTerm
from carechoices.plans.domain import DosingProtocol
from carechoices.references.citations import cited_keys, number_citations
from carechoices.references.formatting import format_references
from carechoices.references.models import Reference
from carechoices.screening.models import ReferenceInfo, TherapyRules

from .models import RATING_ATTRIBUTES, TherapyPage
from .record import (
    SECTIONS,
    Change,
    Contributor,
    ExpertUse,
    Grade,
    Rating,
    RecordReference,
    ReviewRecord,
    Revision,
    Section,
    SideEffect,
)

logger = logging.getLogger(__name__)

__all__ = ["CompiledReview", "RecordError", "build_record", "live_records", "reference_infos"]


class RecordError(ValueError):
    """A published review's content cannot be compiled (e.g. a rule cites a deleted reference)."""


def reference_infos(references: list[Reference]) -> dict[str, ReferenceInfo]:
    """AMA citation text and the best link for each reference, keyed by citation key."""
    formatted = {f.id: f.text for f in format_references([r.csl_item() for r in references])}
    infos = {}
    for r in references:
        citation = formatted.get(r.key) or r.key
        url = r.primary_url
        # AMA ends a web page's entry with its address; ``url`` carries it once, not twice.
        if url and citation.endswith(url):
            citation = citation[: -len(url)].rstrip()
        infos[r.key] = ReferenceInfo(id=r.key, citation=citation, url=url)
    return infos


def _glossary_terms(texts: list[str]) -> tuple[str, ...]:
    terms = [
        TermInfo(t.slug, t.term, tuple(t.synonym_list), t.definition, "")
        for t in GlossaryTerm.objects.all()
    ]
    marker = GlossaryMarker(terms)
    for text in texts:
        marker.mark(text)
    return tuple(sorted(info.slug for info in marker.used))


def build_record(page: TherapyPage, *, url: str | None = None) -> ReviewRecord:
    """The compiled record of one review page (its current field values).

    Raises ``RecordError`` for content the record cannot hold (a rule citing a deleted
    reference, a protocol the calculator cannot use).
    """
    from .presenters import ReviewPresenter, review_citation_order

    prefetch_related_objects([page], "review_dates", "ratings", "contributors__person")
    presenter = ReviewPresenter(page, "overview", url=url or page.url or "")
    order = review_citation_order(page, presenter.evidence)
    numbers = number_citations(key for keys in order.values() for key in keys)
    # Keys chosen in blocks but never numbered (e.g. a dosing protocol's citations) still count.
    chosen = [
        ref.key
        for stream in (page.contraindications, page.dosing_protocols, page.side_effects)
        for block in stream
        for ref in block.value.get("citations") or []
        if ref is not None
    ]
    for key in chosen:
        numbers.setdefault(key, len(numbers) + 1)
    library = {r.key: r for r in Reference.objects.filter(key__in=list(numbers))}
    infos = reference_infos([library[k] for k in numbers if k in library])
    references = tuple(
        RecordReference(
            key=key,
            number=number,
            citation=infos[key].citation,
            csl=library[key].csl_item(),
            doi=library[key].doi,
            pmid=library[key].pmid,
            pmcid=library[key].pmcid,
            url=infos[key].url,
            incomplete=library[key].is_incomplete,
            missing_fields=tuple(library[key].missing_fields),
        )
        for key, number in sorted(numbers.items(), key=lambda item: item[1])
        if key in library
    )
    try:
        rules = tuple(block.value.as_rule(infos) for block in page.contraindications)
        protocols = tuple(block.value.as_protocol(infos) for block in page.dosing_protocols)
    except (ValueError, KeyError) as exc:
        raise RecordError(f"{page.slug}: {exc}") from exc
    sections = tuple(
        Section(name, subpage, audience, getattr(page, name) or "", tuple(dict.fromkeys(cited_keys(getattr(page, name)))))
        for name, subpage, audience in SECTIONS
    )
    notes = {r.attribute: r for r in page.ratings.all()}
    finals = {rating.attribute.value: rating for rating in presenter.evidence.ratings.values()}
    ratings = tuple(
        Rating(
            attribute=attribute,
            label=label,
            score=finals[attribute].score,
            rationale=notes[attribute].rationale if attribute in notes else "",
            suggested_score=finals[attribute].suggested_score,
            suggested_reason=finals[attribute].suggested_reason,
            overridden=finals[attribute].overridden,
            override_reason=finals[attribute].override_reason,
        )
        for attribute, label in RATING_ATTRIBUTES
    )
    grades = tuple(
        Grade(b.value["outcome_category"], grade_cancer_type(b.value), b.value["grade"], b.value.get("reason") or "",
              b.value.get("cancer_type") or None)
        for b in page.grades
    )
    changes = tuple(
        Change(published=c.published_at, date=c.date, kind=c.kind, note=c.note, revision=c.revision_id or 0)
        for c in ReviewChange.objects.filter(page=page)
    ) if page.pk else ()
    notes = {c.revision: c.note for c in changes if c.revision}
    history = tuple(
        Revision(revision=entry.revision_id or 0, published=entry.timestamp, note=notes.get(entry.revision_id or 0, ""))
        for entry in PageLogEntry.objects.filter(page=page, action="wagtail.publish").order_by("timestamp", "pk")
    ) if page.pk else ()
    texts = [s.html for s in sections] + [b.value["plain_text"] for b in page.contraindications]
    return ReviewRecord(
        slug=page.slug,
        title=page.title,
        category=page.category,
        tagline=page.tagline,
        url=url or page.url or "",
        active_ingredients=page.active_ingredient_names,
        sections=sections,
        ratings=ratings,
        evidence=tuple(block.value.as_entry() for block in page.evidence),
        grades=grades,
        side_effects=tuple(
            SideEffect(
                b.value["effect"],
                b.value["frequency"],
                b.value.get("note") or "",
                tuple(r.key for r in b.value["citations"] if r is not None),
            )
            for b in page.side_effects
        ),
        rules=rules,
        rules_reviewed=bool(rules),
        protocols=protocols,
        expert_uses=tuple(
            ExpertUse(
                b.value["expert"],
                b.value.get("credentials") or "",
                b.value["source"].key if b.value.get("source") is not None else "",
                b.value.get("programme") or "",
                b.value["uses"],
                bool(b.value.get("published_programme", True)),
            )
            for b in page.expert_uses
        ),
        references=references,
        glossary_terms=_glossary_terms(texts),
        contributors=tuple(
            Contributor(c.person.slug, c.person.name, c.person.credentials, c.role, c.person.is_demo)
            for c in page.contributors.all()
        ),
        last_update=page.last_update,
        prior_updates=tuple(page.prior_updates),
        literature_reviews=tuple(page.literature_reviews),
        history=history,
        revision=page.live_revision_id or 0,
        published=page.last_published_at,
        changes=changes,
    )


@dataclass(frozen=True)
class CompiledReview:
    """A live review page and its record; ``record`` is None when the content cannot compile."""

    page: TherapyPage
    record: ReviewRecord | None
    error: str = ""

    @property
    def rules(self) -> TherapyRules:
        """The screen's rules; a review that cannot compile is screened as not reviewed."""
        if self.record is None:
            return TherapyRules(slug=self.page.slug, name=self.page.title, rules=(), rules_reviewed=False)
        return self.record.therapy_rules

    @property
    def protocols(self) -> tuple[DosingProtocol, ...]:
        return self.record.protocols if self.record is not None else ()


def _public_live():
    """Live reviews with no view restriction on them or an ancestor, in one query.

    The same pages as Wagtail's ``live().public()``, which first reads every restriction in a
    query of its own; this runs on every API request, so the restriction test is a subquery.
    """
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    return TherapyPage.objects.filter(live=True).exclude(Exists(restricted))


_lock = threading.Lock()
_records: dict[tuple, dict[str, CompiledReview]] = {}
generation.on_forget(_records.clear)


def live_records() -> dict[str, CompiledReview]:
    """Every live review, compiled (or with why it could not be), in title order, by slug.

    Cached per process on the published content generation (``editorial.generation``): every
    publish, unpublish, move or delete of a page, and every change to a view restriction, raises
    it in the change's own transaction, so the next call after a change compiles afresh, and a
    call in between costs the one primary-key read of the generation (usually already read by
    the request).
    """
    key = (generation.current(),)
    with _lock:
        cached = _records.get(key)
    if cached is not None:
        return cached
    compiled: dict[str, CompiledReview] = {}
    for page in _public_live().order_by("title").prefetch_related("review_dates"):
        try:
            compiled[page.slug] = CompiledReview(page, build_record(page))
        except RecordError as exc:
            # Content the record cannot hold must not take every consumer down; each says so.
            logger.exception("Review %s could not be compiled", page.slug)
            compiled[page.slug] = CompiledReview(page, None, str(exc))
    with _lock:
        _records.clear()
        _records[key] = compiled
    return compiled
