"""Turn a therapy review into what its templates show: numbered citations, glossary, dates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString, mark_safe

from carechoices.glossary.library import glossary_terms
from carechoices.glossary.marking import GlossaryMarker, TermInfo
from carechoices.plans.domain import DosingProtocol, InvalidProtocol
from carechoices.references.citations import Citation, PageCitations, cited_keys, number_citations
from carechoices.references.formatting import format_references
from carechoices.references.library import reference_library
from carechoices.references.models import Reference
from carechoices.screening.wording import days_phrase, mg

from .models import RATING_ATTRIBUTES, SUBPAGES, TherapyPage, is_blank_rich_text


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


def review_citation_order(page: TherapyPage, evidence=None) -> dict[str, list[str]]:
    """The keys each sub-page cites, in reading order; the basis of review-wide numbering."""
    ratings = sorted(page.ratings.all(), key=lambda r: [a for a, _ in RATING_ATTRIBUTES].index(r.attribute))
    overview = cited_keys(page.at_a_glance)
    for rating in ratings:
        overview += cited_keys(rating.rationale)
    from carechoices.evidence.presenters import EvidencePresenter

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


@dataclass(frozen=True)
class ProtocolView:
    protocol: DosingProtocol
    citations: list
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
    reference: Reference | None
    key: str
    html: SafeString
    back_anchor: str
    #: (label, url) links not already in the formatted text (PubMed, PMC; a DOI or web address
    #: the text does not print), so no identifier is printed twice.
    links: tuple[tuple[str, str], ...] = ()


def link_identifiers(html: str, reference: Reference) -> tuple[str, tuple[tuple[str, str], ...]]:
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


class ReviewPresenter:
    """Everything a review sub-page template needs, computed once per request."""

    def __init__(self, page: TherapyPage, subpage: str, url: str | None = None) -> None:
        self.page = page
        self.url = url or page.url
        self.subpage = subpage
        self.order = review_citation_order(page, self.evidence)
        self.numbers = number_citations(key for keys in self.order.values() for key in keys)
        # The evidence map names references by these numbers, never by citation key.
        self.evidence.citation_numbers = self.numbers
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

    def cite(self, references) -> SafeString:
        """A superscript citing the given Reference objects (a block's citation list)."""
        refs = [references] if isinstance(references, Reference) else list(references or [])
        return mark_safe(self.citations.superscript([Citation(r.key) for r in refs if r is not None]))  # noqa: S308

    # Ratings ---------------------------------------------------------------------------------
    @cached_property
    def evidence(self):
        from carechoices.evidence.presenters import EvidencePresenter

        return EvidencePresenter(self.page)

    @cached_property
    def rated(self) -> list[RatingRow]:
        """Ratings with a score, as table rows."""
        return [row for row in self.ratings if row.score is not None]

    @cached_property
    def not_rated(self) -> list[RatingRow]:
        """Ratings without a score: the page names them in one line, not as empty rows."""
        return [row for row in self.ratings if row.score is None]

    @property
    def keep_reading(self):
        """Further reading beyond this review (the review's own sections are in its tab bar)."""
        return [block.value for block in self.page.keep_reading]

    @cached_property
    def ratings(self) -> list[RatingRow]:
        """The seven ratings as published: the rubric's suggestion or an editor's override."""
        by_attribute = {r.attribute: r for r in self.page.ratings.all()}
        finals = {rating.attribute.value: rating for rating in self.evidence.ratings.values()}
        rows = []
        for attribute, label in RATING_ATTRIBUTES:
            note = by_attribute.get(attribute)
            final = finals[attribute]
            rows.append(
                RatingRow(
                    attribute,
                    label,
                    final.score,
                    self.plain(note.rationale) if note and note.rationale else mark_safe(""),
                    suggested_score=final.suggested_score,
                    suggested_reason=final.suggested_reason,
                    overridden=final.overridden,
                    override_reason=final.override_reason,
                )
            )
        return rows

    # Dosing protocols -------------------------------------------------------------------------
    @cached_property
    def protocols(self) -> list[ProtocolView]:
        """Each dosing protocol exactly as its source gives it, in readers' words."""
        views = []
        for block in self.page.dosing_protocols:
            try:
                protocol = block.value.as_protocol({})
            except InvalidProtocol:
                continue  # the back office refuses these; an old saved one is simply not shown
            views.append(ProtocolView(protocol, block.value["citations"], protocol_lines(protocol)))
        return views

    # References ------------------------------------------------------------------------------
    def reference_entries(self, scope: str | None = None) -> list[ReferenceEntry]:
        """References cited on this sub-page (or the whole review), with review-wide numbers."""
        if scope == "all" or self.subpage == "references":
            keys = list(self.numbers)
        else:
            keys = list(dict.fromkeys(self.order.get(self.subpage, [])))
        library = reference_library().by_key
        formatted = {f.id: f.html for f in format_references([library[k].csl_item() for k in keys if k in library])}
        entries = []
        for key in sorted(keys, key=lambda k: self.numbers[k]):
            number = self.numbers[key]
            reference = library.get(key)
            html, links = formatted.get(key, ""), ()
            if reference is not None:
                html, links = link_identifiers(html, reference)
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
    @cached_property
    def authors(self):
        return [c.person for c in self.page.contributors.all() if c.role == "author"]

    @cached_property
    def reviewers(self):
        return [c.person for c in self.page.contributors.all() if c.role == "reviewer"]

    @cached_property
    def sign_off(self):
        from carechoices.editorial.signoff import latest_sign_off

        return latest_sign_off(self.page)
