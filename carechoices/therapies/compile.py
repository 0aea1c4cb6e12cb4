"""Compile a published review page into its ``ReviewRecord`` (the Django side of the record).

The record is built through the blocks' value classes (``as_rule``, ``as_contraindication``,
``as_protocol``, ``as_entry``), so the schema of a review's blocks is read here and nowhere else.
The review's citations are walked here too, once, in reading order
(:func:`review_citation_order`): the record carries each sub-page's keys and every number.
Records are built once per live revision and content version (a saved reference, glossary term
or person bumps the version) and shared by the review's pages, the screen, the plan, the API and
the exports; a preview or a draft is compiled on the fly (:func:`page_record`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, prefetch_related_objects
from django.db.models.lookups import StartsWith
from wagtail.models import PageLogEntry, PageViewRestriction

from carechoices.editorial import generation
from carechoices.editorial.models import ReviewChange
from carechoices.evidence.blocks import grade_cancer_type
from carechoices.evidence.presenters import EvidencePresenter, EvidenceViews
from carechoices.glossary.marking import GlossaryMarker, TermInfo
from carechoices.glossary.models import GlossaryTerm
from carechoices.plans.domain import DosingProtocol
from carechoices.references.citations import cited_keys
from carechoices.references.formatting import FormattedReference, format_references
from carechoices.references.models import Reference
from carechoices.screening.models import ReferenceInfo, Rule, TherapyRules

from .models import RATING_ATTRIBUTES, TherapyPage
from .record import (
    SECTIONS,
    Change,
    Citations,
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

__all__ = [
    "CompiledReview",
    "RecordError",
    "build_record",
    "live_records",
    "page_record",
    "reference_infos",
    "review_citation_order",
]


class RecordError(ValueError):
    """A published review's content cannot be compiled (e.g. a rule cites a deleted reference)."""


def _formatted(references: list[Reference]) -> dict[str, FormattedReference]:
    return {f.id: f for f in format_references([r.csl_item() for r in references])}


def _reference_info(reference: Reference, formatted: FormattedReference | None) -> ReferenceInfo:
    citation = formatted.text if formatted is not None and formatted.text else reference.key
    url = reference.primary_url
    # AMA ends a web page's entry with its address; ``url`` carries it once, not twice.
    if url and citation.endswith(url):
        citation = citation[: -len(url)].rstrip()
    return ReferenceInfo(id=reference.key, citation=citation, url=url)


def reference_infos(references: list[Reference]) -> dict[str, ReferenceInfo]:
    """AMA citation text and the best link for each reference, keyed by citation key."""
    formatted = _formatted(references)
    return {r.key: _reference_info(r, formatted.get(r.key)) for r in references}


def _block_keys(stream, *, texts=(), refs=("citations",)) -> list[str]:
    keys: list[str] = []
    for block in stream:
        value = block.value
        for name in texts:
            keys += cited_keys(value.get(name) or "")
        for name in refs:
            chosen = value.get(name)
            if chosen is None:
                continue
            for ref in [chosen] if isinstance(chosen, Reference) else chosen:
                if ref is not None:
                    keys.append(ref.key)
    return keys


def review_citation_order(page: TherapyPage, evidence: EvidenceViews | None = None) -> dict[str, list[str]]:
    """The keys each sub-page cites, in reading order: the one walk behind review-wide numbering.

    ``page`` may be a draft (a revision's page object); ``evidence`` is its evidence as already
    grouped, when the caller has it. The record keeps the result (``ReviewRecord.citations``),
    so the pages, the API and the exports number from this walk and never walk again.
    """
    ratings = sorted(page.ratings.all(), key=lambda r: [a for a, _ in RATING_ATTRIBUTES].index(r.attribute))
    overview = cited_keys(page.at_a_glance)
    for rating in ratings:
        overview += cited_keys(rating.rationale)
    # Evidence entries are cited in the order the research page lists them: every study once,
    # there, so a study's reference number is the one numbering of the list and the map.
    evidence = evidence or EvidencePresenter(page)
    # The research page opens with the harm signals, then the summary, then each outcome's
    # groups (an editor's reason, then its studies) and its laboratory evidence.
    research = [key for view in evidence.harm_entries for key in view.entry.references]
    research += cited_keys(page.research_summary)
    for section in evidence.outcome_sections:
        for listed in section.groups:
            research += cited_keys(listed.group.editor_reason)
            research += [key for view in listed.entries for key in view.entry.references]
        research += [key for view in section.laboratory for key in view.entry.references]
    return {
        "overview": overview,
        "research": research,
        "safety": cited_keys(page.safety_overview)
        + _block_keys(page.side_effects, texts=("note",))
        + _block_keys(page.contraindications, texts=("plain_text", "professional_text")),
        "expert-use": _block_keys(page.expert_uses, texts=("uses", "programme"), refs=("source",))
        + _block_keys(page.dosing_protocols, texts=("note",)),
        "professionals": cited_keys(page.mechanisms) + cited_keys(page.preclinical),
        "costs": cited_keys(page.costs_access),
    }


def _glossary_terms(texts: list[str]) -> tuple[str, ...]:
    terms = [
        TermInfo(t.slug, t.term, tuple(t.synonym_list), t.definition, "")
        for t in GlossaryTerm.objects.all()
    ]
    marker = GlossaryMarker(terms)
    for text in texts:
        marker.mark(text)
    return tuple(sorted(info.slug for info in marker.used))


def build_record(page: TherapyPage, *, url: str | None = None, strict: bool = True) -> ReviewRecord:
    """The compiled record of one review page (its current field values).

    Raises ``RecordError`` for content the record cannot hold (a rule citing a deleted
    reference, a protocol the calculator cannot use). With ``strict=False`` such rules and
    protocols are left out instead (the rules as "not reviewed"): for a page to render the rest
    of such a review, never for the screen, the plan or the API, which must not see it.
    """
    prefetch_related_objects([page], "review_dates", "ratings", "contributors__person")
    evidence = EvidencePresenter(page)
    citations = Citations(tuple(
        (subpage, tuple(dict.fromkeys(keys))) for subpage, keys in review_citation_order(page, evidence).items()
    ))
    numbers = citations.numbers
    library = {r.key: r for r in Reference.objects.filter(key__in=list(numbers))}
    cited = [library[k] for k in numbers if k in library]
    formatted = _formatted(cited)
    infos = {r.key: _reference_info(r, formatted.get(r.key)) for r in cited}
    references = tuple(
        RecordReference(
            key=ref.key,
            number=numbers[ref.key],
            citation=infos[ref.key].citation,
            csl=ref.csl_item(),
            doi=ref.doi,
            pmid=ref.pmid,
            pmcid=ref.pmcid,
            url=infos[ref.key].url,
            incomplete=ref.is_incomplete,
            missing_fields=tuple(ref.missing_fields),
            html=formatted[ref.key].html if ref.key in formatted else "",
            links=tuple(ref.links),
            verification_note=ref.verification_note,
        )
        for ref in cited
    )
    contraindications = tuple(block.value.as_contraindication() for block in page.contraindications)
    rules, rules_reviewed, protocols = _rules_and_protocols(page, infos, strict=strict)
    sections = tuple(
        Section(name, subpage, audience, getattr(page, name) or "", tuple(dict.fromkeys(cited_keys(getattr(page, name)))))
        for name, subpage, audience in SECTIONS
    )
    notes = {r.attribute: r for r in page.ratings.all()}
    finals = {rating.attribute.value: rating for rating in evidence.ratings.values()}
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
        Change(published=c.published_at, date=c.date, kind=c.kind, note=c.note, revision=c.revision_id or 0, id=c.pk)
        for c in ReviewChange.objects.filter(page=page)
    ) if page.pk else ()
    change_notes = {c.revision: c.note for c in changes if c.revision}
    history = tuple(
        Revision(revision=entry.revision_id or 0, published=entry.timestamp, note=change_notes.get(entry.revision_id or 0, ""))
        for entry in PageLogEntry.objects.filter(page=page, action="wagtail.publish").order_by("timestamp", "pk")
    ) if page.pk else ()
    texts = [s.html for s in sections] + [c.plain_text for c in contraindications]
    return ReviewRecord(
        slug=page.slug,
        title=page.title,
        category=page.category,
        tagline=page.tagline,
        url=url or page.url or "",
        active_ingredients=page.active_ingredient_names,
        sections=sections,
        ratings=ratings,
        evidence=tuple(view.entry for view in evidence.entries),
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
        rules_reviewed=rules_reviewed,
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
        contraindications=contraindications,
        citations=citations,
    )


def _rules_and_protocols(
    page: TherapyPage, infos: dict[str, ReferenceInfo], *, strict: bool
) -> tuple[tuple[Rule, ...], bool, tuple[DosingProtocol, ...]]:
    """The screen's rules, whether they count as reviewed, and the calculator's protocols.

    Not strict: rules that cannot compile are left out as a whole (the screen would report the
    review as not reviewed), and each protocol that cannot compile is left out on its own.
    """
    try:
        rules = tuple(block.value.as_rule(infos) for block in page.contraindications)
        rules_reviewed = bool(rules)
    except (ValueError, KeyError) as exc:
        if strict:
            raise RecordError(f"{page.slug}: {exc}") from exc
        rules, rules_reviewed = (), False
    protocols = []
    for block in page.dosing_protocols:
        try:
            protocols.append(block.value.as_protocol(infos))
        except (ValueError, KeyError) as exc:
            if strict:
                raise RecordError(f"{page.slug}: {exc}") from exc
    return rules, rules_reviewed, tuple(protocols)


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


#: Each live review's compiled record, by page, live revision and address, for one generation:
#: whoever asks first (a page, the API, the screen) compiles it, and the others share it.
_compiled: generation.PerGenerationMap[CompiledReview] = generation.PerGenerationMap(max_entries=8192)


def compiled_review(page: TherapyPage, *, url: str | None = None) -> CompiledReview:
    """One live review, compiled once per content generation (or with why it could not be)."""

    def compile_now() -> CompiledReview:
        try:
            return CompiledReview(page, build_record(page, url=url))
        except RecordError as exc:
            # Content the record cannot hold must not take every consumer down; each says so.
            logger.exception("Review %s could not be compiled", page.slug)
            return CompiledReview(page, None, str(exc))

    return _compiled.get((page.pk, page.live_revision_id, url), compile_now)


def _compile_live() -> dict[str, CompiledReview]:
    return {
        page.slug: compiled_review(page)
        for page in _public_live().order_by("title").prefetch_related("review_dates")
    }


_live = generation.PerGeneration(_compile_live)


def live_records() -> dict[str, CompiledReview]:
    """Every live review, compiled (or with why it could not be), in title order, by slug.

    Kept per process on the published content generation (``editorial.generation``): every
    publish, unpublish, move or delete of a page, and every change to a view restriction, raises
    it in the change's own transaction, so the next call after a change compiles afresh, and a
    call in between costs the one primary-key read of the generation (usually already read by
    the request). A review already compiled in this generation (its page was shown) is not
    compiled again.
    """
    return _live.get()


def page_record(page: TherapyPage, *, preview: bool = False, url: str | None = None) -> ReviewRecord:
    """The record a review page renders from.

    The live revision, as readers get it, renders from its record compiled for this content
    generation (:func:`compiled_review`, shared with :func:`live_records`), so the page shows
    what the API and the exports give; the first page shown after a publish compiles its own
    review, not every review. Anything else is compiled now: a preview or a revision, and a
    review whose record cannot compile (``strict=False``: its page still shows everything
    else, as before the record).
    """
    if not preview and page.live and page.live_revision_id:
        own_url = None if url is None or url == page.url else url
        record = compiled_review(page, url=own_url).record
        if record is not None:
            return record
        # Content the record cannot hold: the page's lenient record, kept likewise, so a
        # signed-in reader (who bypasses the page store) does not compile it per request.
        return _compiled.get(
            (page.pk, page.live_revision_id, own_url, "page"),
            lambda: CompiledReview(page, build_record(page, url=url, strict=False)),
        ).record
    return build_record(page, url=url, strict=False)
