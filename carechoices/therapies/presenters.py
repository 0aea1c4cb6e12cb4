"""Turn a therapy review's compiled record into what its pages show: numbered citations,
glossary terms, ratings, dates.

Everything the review says comes from its ``ReviewRecord`` (``therapies.compile``), whose
citations were walked once when it was compiled; the page itself is read only for what belongs
to Wagtail: its address and navigation, the completeness badge, the sign-off, the further
reading links and the literature review cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from carechoices.evidence.charts import ratings_bar_svg
from carechoices.evidence.presenters import EvidenceViews
from carechoices.evidence.rubric import RUBRIC_VERSION
from carechoices.glossary.library import glossary_terms
from carechoices.glossary.marking import GlossaryMarker, TermInfo
from carechoices.plans.domain import DosingProtocol
from carechoices.references.citations import Citation, PageCitations
from carechoices.screening.wording import days_phrase, mg

from .models import SUBPAGES, TherapyPage, is_blank_rich_text
from .record import RecordReference, ReviewRecord


@dataclass(frozen=True)
class ProtocolView:
    protocol: DosingProtocol
    citations: tuple[str, ...]  # citation keys
    lines: list[str]


def protocol_lines(protocol: DosingProtocol) -> list[str]:
    """The schedule step by step, ranges kept as ranges, nothing the source leaves open filled in."""
    timing = f" {protocol.timing}" if protocol.timing else ""
    if not protocol.stepwise:
        lines = []
        for number, step in enumerate(protocol.steps):
            dose = mg(step.dose_mg)
            if step.open_ended:
                lead = "Then " if number else ""
                pace = "" if number else "; the pace after it is for your prescriber"
                lines.append(f"{lead}{dose}{timing}, continuing{pace}.")
            else:
                assert step.min_days is not None and step.max_days is not None
                lines.append(f"{dose}{timing} for {days_phrase(step.min_days, step.max_days)}.")
        return lines
    assert protocol.step_mg is not None and protocol.target_mg is not None
    start = (
        f"Start at {mg(protocol.start_dose_mg)}{timing}."
        if protocol.start_dose_mg is not None
        else "Start at the dose your prescriber gives you: the source does not state one."
    )
    return [
        start,
        f"Add {mg(protocol.step_mg)} every {days_phrase(protocol.interval_days or 0, protocol.interval_days or 0)}, "
        f"up to {mg(protocol.target_mg)}{timing}.",
    ]


@dataclass(frozen=True)
class ReferenceEntry:
    number: int
    reference: RecordReference | None
    key: str
    html: SafeString
    back_anchor: str
    #: (label, url) links not already in the formatted text (PubMed, PMC; a DOI or web address
    #: the text does not print), so no identifier is printed twice.
    links: tuple[tuple[str, str], ...] = ()


def link_identifiers(html: str, reference: RecordReference) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Make the DOI and web address the formatted reference prints into its links.

    AMA style ends an entry with ``doi:…`` or the page's address; printing them again as
    separate links showed every DOI twice. Returns the HTML and the links still to add.
    """
    from html import escape

    remaining = []
    for label, url in reference.links:
        shown = f"doi:{reference.doi}" if reference.doi and url.endswith(reference.doi) else url
        needle = escape(shown, quote=False)
        if needle in html:  # the formatter writes no links of its own
            link = f'<a class="ref-link" href="{escape(url)}" rel="noopener">{needle}</a>'
            html = html.replace(needle, link, 1)
        else:
            remaining.append((label, url))
    return html, tuple(remaining)


@dataclass(frozen=True)
class RatingRow:
    attribute: str
    label: str
    score: int | None
    rationale: SafeString
    suggested_score: int | None = None
    suggested_reason: str = ""
    overridden: bool = False
    override_reason: str = ""

    @property
    def why_not_rated(self) -> str:
        """The rubric's reason without its "Not yet rated:" lead, for a list headed so already."""
        reason = self.suggested_reason
        lead = "Not yet rated:"
        if reason.startswith(lead):
            reason = reason[len(lead):].strip()
            reason = reason[:1].upper() + reason[1:]
        return reason


@dataclass(frozen=True)
class Credit:
    """An author or reviewer as the page credits them, linked to their profile."""

    display_name: str
    url: str
    is_demo: bool


class ReviewPresenter:
    """Everything a review sub-page template needs, from the review's record, once per request.

    ``page`` is the Wagtail page being served (a preview's or revision's page object, too):
    only its address, navigation and Wagtail's own state are read from it.
    """

    def __init__(self, record: ReviewRecord, page: TherapyPage, subpage: str, url: str | None = None) -> None:
        self.record = record
        self.page = page
        self.url = url or page.url
        self.subpage = subpage
        # The record's numbering, from the one walk at compile time (shared: read only).
        self.numbers = record.citations.numbers
        self.citations = PageCitations(self.numbers)
        self.glossary = GlossaryMarker(self._terms(), id_prefix=f"gloss-{subpage}")

    @staticmethod
    def _terms() -> tuple[TermInfo, ...]:
        return glossary_terms()

    # Navigation ------------------------------------------------------------------------------
    @property
    def nav(self) -> list[dict]:
        base = self.url
        items = [
            {"slug": slug, "url": base + suffix, "label": label, "current": slug == self.subpage}
            for slug, suffix, label in SUBPAGES
        ]
        items.append(
            {"slug": "references", "url": base + "references/", "label": "References",
             "current": self.subpage == "references"}
        )
        return items

    @property
    def subpage_label(self) -> str:
        return dict((s, label) for s, _, label in SUBPAGES).get(self.subpage, "References")

    # Text ------------------------------------------------------------------------------------
    @cached_property
    def sections(self) -> dict[str, str]:
        """Each rich-text section's HTML by field name (``at_a_glance``…), markers kept."""
        return {section.name: section.html for section in self.record.sections}

    def text(self, html: str) -> SafeString:
        """Rich text with citations numbered and glossary terms marked; never empty."""
        from wagtail.rich_text import expand_db_html

        if is_blank_rich_text(html):
            return mark_safe('<p class="not-reviewed">Not yet reviewed.</p>')  # noqa: S308
        return mark_safe(self.glossary.mark(self.citations.render(expand_db_html(html))))  # noqa: S308

    def plain(self, text: str) -> SafeString:
        """Plain text (escaped, paragraphs kept) with citations and glossary."""
        from django.utils.html import linebreaks

        html = linebreaks(self.citations.render_plain(text or ""), autoescape=False)
        return mark_safe(self.glossary.mark(html))  # noqa: S308 - render_plain escapes the text

    def inline(self, text: str) -> SafeString:
        """One line of plain text (escaped, no paragraphs) with its citation markers numbered.

        For generated sentences such as the rubric's reasons, which cite with the same markers
        as review text: readers see reference numbers, never citation keys.
        """
        return mark_safe(self.citations.render_plain(text or ""))  # noqa: S308 - render_plain escapes the text

    def cite(self, keys: str | Iterable[str] | None) -> SafeString:
        """A superscript citing the given citation keys (a record part's references)."""
        chosen = [keys] if isinstance(keys, str) else list(keys or [])
        return mark_safe(self.citations.superscript([Citation(key) for key in chosen if key]))  # noqa: S308

    # Evidence and ratings --------------------------------------------------------------------
    @cached_property
    def evidence(self) -> EvidenceViews:
        """The record's evidence as the research page lists it, with the review's numbers."""
        record = self.record
        return EvidenceViews(
            record.title,
            record.evidence,
            ((g.outcome_category, g.cancer_type, g.grade, g.reason) for g in record.grades),
            citation_numbers=self.numbers,
        )

    @property
    def rubric_version(self) -> str:
        return RUBRIC_VERSION

    @cached_property
    def ratings(self) -> list[RatingRow]:
        """The seven ratings as published: the rubric's suggestion or an editor's override."""
        return [
            RatingRow(
                rating.attribute,
                rating.label,
                rating.score,
                self.plain(rating.rationale) if rating.rationale else mark_safe(""),
                suggested_score=rating.suggested_score,
                suggested_reason=rating.suggested_reason,
                overridden=rating.overridden,
                override_reason=rating.override_reason,
            )
            for rating in self.record.ratings
        ]

    @cached_property
    def rated(self) -> list[RatingRow]:
        """Ratings with a score, as table rows."""
        return [row for row in self.ratings if row.score is not None]

    @cached_property
    def not_rated(self) -> list[RatingRow]:
        """Ratings without a score: the page names them in one line, not as empty rows."""
        return [row for row in self.ratings if row.score is None]

    def ratings_chart(self) -> str:
        """Bars for the ratings that have a score ("" when none has): unrated ones are listed
        in one line by the page instead of drawn as empty rows."""
        rows = [(rating.label, rating.score) for rating in self.record.ratings if rating.score is not None]
        if not rows:
            return ""
        return mark_safe(  # noqa: S308 - charts.py escapes every text it writes
            ratings_bar_svg(rows, title=f"Ratings for {self.record.title}, 0 (lowest) to 5 (highest)")
        )

    @property
    def keep_reading(self):
        """Further reading beyond this review (the review's own sections are in its tab bar)."""
        return [block.value for block in self.page.keep_reading]

    # Dosing protocols -------------------------------------------------------------------------
    @cached_property
    def protocols(self) -> list[ProtocolView]:
        """Each dosing protocol exactly as its source gives it, in readers' words."""
        return [
            ProtocolView(protocol, tuple(ref.id for ref in protocol.references), protocol_lines(protocol))
            for protocol in self.record.protocols
        ]

    # References ------------------------------------------------------------------------------
    @cached_property
    def _references(self) -> dict[str, RecordReference]:
        return {reference.key: reference for reference in self.record.references}

    def reference_entries(self, scope: str | None = None) -> list[ReferenceEntry]:
        """References cited on this sub-page (or the whole review), with review-wide numbers."""
        if scope == "all" or self.subpage == "references":
            keys = list(self.numbers)
        else:
            keys = list(self.record.citations.on(self.subpage))
        entries = []
        for key in sorted(keys, key=lambda k: self.numbers[k]):
            number = self.numbers[key]
            reference = self._references.get(key)
            html, links = "", ()
            if reference is not None:
                html, links = link_identifiers(reference.html, reference)
            entries.append(
                ReferenceEntry(
                    number=number,
                    reference=reference,
                    key=key,
                    html=mark_safe(html),  # noqa: S308 - formatter escapes data; links escaped above
                    back_anchor=f"cite-{number}-1",
                    links=links,
                )
            )
        return entries

    # People and dates ------------------------------------------------------------------------
    def _credits(self, role: str) -> list[Credit]:
        return [
            Credit(c.display_name, reverse("people:profile", kwargs={"slug": c.person}), c.demo)
            for c in self.record.contributors
            if c.role == role
        ]

    @cached_property
    def authors(self) -> list[Credit]:
        return self._credits("author")

    @cached_property
    def reviewers(self) -> list[Credit]:
        return self._credits("reviewer")

    @cached_property
    def sign_off(self):
        from carechoices.editorial.signoff import latest_sign_off

        return latest_sign_off(self.page)

    @cached_property
    def literature_review_due(self):
        """When the next full literature review is due, and whether it is overdue (``ReviewDue``)."""
        from carechoices.editorial.cycle import review_due

        reviews = self.record.literature_reviews
        return review_due(reviews[0] if reviews else None, self.page.literature_review_cycle_months,
                          timezone.localdate())

    @cached_property
    def changes(self) -> SimpleNamespace:
        """The change log for readers: substantive updates and minor edits, newest first."""
        changes = self.record.changes
        return SimpleNamespace(updates=[c for c in changes if not c.is_minor], minor=[c for c in changes if c.is_minor])
