"""Therapy reviews: the structured record every other capability reads."""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from carechoices.core.pagecache import PublicPageMixin
from carechoices.core.routing import SingleChildTypeRouting
from carechoices.evidence import blocks as evidence_blocks
from carechoices.evidence.rubric import COST_BAND_DESCRIPTIONS

from . import blocks as review_blocks
from .forms import TherapyPageForm

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul"]

RATING_ATTRIBUTES = [
    ("treatment-outcomes", "Improving treatment outcomes"),
    ("body-terrain", "Optimizing body terrain"),
    ("side-effects-wellness", "Managing side effects and promoting wellness"),
    ("cancer-risk", "Reducing cancer risk"),
    ("expert-use", "Use by integrative oncology experts"),
    ("safety", "Safety"),
    ("affordability", "Affordability and access"),
]

CATEGORY_CHOICES = [
    ("off-label-drug", "Off-label drug"),
    ("supplement", "Supplement"),
    ("herbal", "Herbal or plant extract"),
    ("hormone", "Hormone"),
    ("mind-body", "Mind-body practice"),
    ("other", "Other"),
]

# The review's sub-pages in reading order. Citation numbers follow this order.
SUBPAGES = [
    ("overview", "", "Overview"),
    ("research", "research/", "What the research says"),
    ("safety", "safety/", "Safety and precautions"),
    ("expert-use", "expert-use/", "How experts use it"),
    ("professionals", "professionals/", "For health professionals"),
    ("costs", "costs/", "Costs and access"),
]

#: The fields each sub-page shows: a sub-page with none of them filled in is "not yet reviewed".
SUBPAGE_FIELDS = {
    "overview": ("at_a_glance",),
    "research": ("research_summary", "evidence"),
    "safety": ("safety_overview", "side_effects", "contraindications"),
    "expert-use": ("expert_uses", "dosing_protocols"),
    "professionals": ("mechanisms", "preclinical"),
    "costs": ("costs_access",),
}
#: Sub-pages as a partial review's badge names them ("covers: safety").
SUBPAGE_SHORT_NAMES = {
    "overview": "summary",
    "research": "research",
    "safety": "safety",
    "expert-use": "expert use",
    "professionals": "professional detail",
    "costs": "costs",
}


def split_active_ingredients(value: str | None) -> tuple[str, ...]:
    """``"naltrexone, Cholecalciferol"`` -> ``("naltrexone", "cholecalciferol")``."""
    return tuple(dict.fromkeys(p.strip().lower() for p in (value or "").split(",") if p.strip()))


def validate_active_ingredients(value: str) -> None:
    """Each name must be an ingredient the medicine vocabulary knows, or it could never match."""
    from carechoices.medicines import load_vocabulary

    vocabulary = load_vocabulary()
    unknown = [name for name in split_active_ingredients(value) if not vocabulary.known_ingredient(name)]
    if unknown:
        raise ValidationError(
            f"Not an ingredient in the medicine vocabulary: {', '.join(unknown)}. Use generic "
            "names as in the FDA data (e.g. naltrexone, cholecalciferol)."
        )


def used_by_reviews(values_of) -> dict[str, list[str]]:
    """value → titles of the reviews whose live version or latest draft has it.

    ``values_of(version)`` names what one version of a review uses (citation keys, cancer
    type slugs...). What an editor may delete or rename is checked against both versions.
    """
    used: dict[str, list[str]] = {}
    for page in TherapyPage.objects.all():
        versions = [page]
        latest = page.get_latest_revision_as_object()
        if latest is not None:
            versions.append(latest)
        for version in versions:
            for value in values_of(version):
                if page.title not in used.setdefault(value, []):
                    used[value].append(page.title)
    return used


def is_blank_rich_text(value: str | None) -> bool:
    """True when a rich text field has no visible words (Draftail leaves ``<p></p>``)."""
    return not strip_tags(value or "").strip()


class TherapyIndexPage(PublicPageMixin, SingleChildTypeRouting, Page):
    """All published reviews."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types: ClassVar[list[str]] = ["core.HomePage"]
    subpage_types: ClassVar[list[str]] = ["therapies.TherapyPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from carechoices.cancertypes.models import CancerType

        from .filtering import apply_filters
        from .summaries import summaries

        context = super().get_context(request, *args, **kwargs)
        pages = TherapyPage.objects.child_of(self).live().public().specific().order_by("title")
        by_slug = {page.slug: page for page in pages}
        listed = [s for s in summaries() if s.slug in by_slug]
        cancer_types = [(t.slug, t.title) for t in CancerType.objects.order_by("name")]
        filtered = apply_filters(listed, request.GET, cancer_types)
        context["filtered"] = filtered
        context["therapies"] = [by_slug[s.slug] for s in filtered.therapies]
        return context


class TherapyPage(RoutablePageMixin, Page):
    """One therapy review with its sub-pages (research, safety, expert use, professionals, costs).

    Every section is its own field so a missing one renders as "not yet reviewed" rather than
    vanishing, and so the safety screen and the start plan can read the structured records.
    """

    tagline = models.CharField(max_length=300, help_text="One sentence, shown on every sub-page.")
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES, default="other")
    synonyms = models.CharField(
        max_length=300, blank=True,
        help_text="Other names people search for, comma-separated (e.g. LDN, naltrexone).",
    )
    active_ingredients = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_active_ingredients],
        help_text="The therapy's own active ingredients as generic names in the medicine "
        "vocabulary, comma-separated (e.g. naltrexone). A medicine someone already takes that "
        "contains one is reported by the safety screen, and dose rules read its strength.",
    )
    at_a_glance = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    research_summary = RichTextField(
        "What the research says", features=RICH_TEXT_FEATURES, blank=True
    )
    safety_overview = RichTextField(
        "Safety and precautions", features=RICH_TEXT_FEATURES, blank=True
    )
    side_effects = StreamField(
        [("side_effect", review_blocks.SideEffectBlock())], blank=True, use_json_field=True
    )
    contraindications = StreamField(
        [("contraindication", review_blocks.ContraindicationBlock())],
        blank=True,
        verbose_name="Contraindications and cautions",
    )
    expert_uses = StreamField(
        [("expert_use", review_blocks.ExpertUseBlock())], blank=True, verbose_name="Expert use"
    )
    dosing_protocols = StreamField(
        [("protocol", review_blocks.DosingProtocolBlock())], blank=True
    )
    mechanisms = RichTextField(
        "How it may work (mechanisms)", features=RICH_TEXT_FEATURES, blank=True
    )
    preclinical = RichTextField(
        "Preclinical evidence", features=RICH_TEXT_FEATURES, blank=True
    )
    costs_access = RichTextField("Costs and access", features=RICH_TEXT_FEATURES, blank=True)
    evidence = StreamField(
        [("entry", evidence_blocks.EvidenceEntryBlock())], blank=True, verbose_name="Evidence entries"
    )
    grades = StreamField(
        [("grade", evidence_blocks.GradeBlock())], blank=True, verbose_name="Evidence grades",
        help_text="Your grade per outcome and cancer type; the page also shows the rubric's suggestion.",
    )
    needs_prescription = models.BooleanField(
        null=True, blank=True, help_text="Affordability and access input; empty = not yet reviewed."
    )
    cost_band = models.CharField(
        max_length=20, blank=True,
        choices=[(band.value, f"{band.value}: {text}") for band, text in COST_BAND_DESCRIPTIONS.items()],
        help_text="Typical monthly cost to the person; empty = not yet reviewed.",
    )
    serious_adverse_events_reported = models.BooleanField(
        null=True, blank=True,
        help_text="Safety input: do studies in people report serious adverse events attributed to "
        "the therapy? Empty = not yet reviewed.",
    )
    keep_reading = StreamField([("link", review_blocks.LinkBlock())], blank=True)
    literature_review_cycle_months = models.PositiveSmallIntegerField(
        "full literature review every (months)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How often the literature is searched again in full, counted from the last full "
        "literature review under Review dates (24 months unless the topic moves faster or slower).",
    )
    substantive_update = models.BooleanField(
        default=False,
        verbose_name="This change alters what the review says",
        help_text="When ticked, publishing makes today the last update and keeps the previous "
        "date under prior updates, and needs a change note. Leave unticked for typo fixes.",
    )
    change_note = models.CharField(
        "What changed and why",
        max_length=500,
        blank=True,
        help_text="One or two sentences for readers, shown under “What changed” with today's date "
        "when you publish, e.g. “Added the 2024 trial of LDN in pancreatic cancer; the rating for "
        "treatment outcomes is unchanged.” Required when the change alters what the review says.",
    )

    # Every sub-page's text (carechoices.search.subpages finds which one a hit came from).
    search_fields = Page.search_fields + [
        index.SearchField("synonyms", boost=3),
        index.AutocompleteField("synonyms"),
        index.SearchField("tagline", boost=1.5),
        index.SearchField("at_a_glance"),
        index.SearchField("research_summary"),
        index.SearchField("evidence"),
        index.SearchField("safety_overview"),
        index.SearchField("side_effects"),
        index.SearchField("contraindications"),
        index.SearchField("expert_uses"),
        index.SearchField("dosing_protocols"),
        index.SearchField("mechanisms"),
        index.SearchField("preclinical"),
        index.SearchField("costs_access"),
        index.FilterField("category"),
    ]

    change_panels = [
        MultiFieldPanel(
            [FieldPanel("substantive_update"), FieldPanel("change_note")],
            heading="This change (asked again each time you publish)",
        ),
    ]
    content_panels = change_panels + Page.content_panels + [
        FieldPanel("tagline"),
        FieldPanel("category"),
        FieldPanel("synonyms"),
        FieldPanel("active_ingredients"),
        FieldPanel("at_a_glance"),
        InlinePanel("ratings", heading="Ratings (0–5)", label="Rating", max_num=7),
        FieldPanel("keep_reading"),
    ]
    research_panels = [FieldPanel("research_summary"), FieldPanel("evidence"), FieldPanel("grades")]
    safety_panels = [
        FieldPanel("safety_overview"),
        FieldPanel("side_effects"),
        FieldPanel("contraindications"),
    ]
    expert_panels = [FieldPanel("expert_uses"), FieldPanel("dosing_protocols")]
    professional_panels = [
        FieldPanel("mechanisms"),
        FieldPanel("preclinical"),
        FieldPanel("costs_access"),
        MultiFieldPanel(
            [FieldPanel("serious_adverse_events_reported"), FieldPanel("needs_prescription"), FieldPanel("cost_band")],
            heading="Rating inputs (safety, affordability and access)",
        ),
    ]
    people_panels = [
        InlinePanel("contributors", heading="Authors and reviewers", label="Contributor"),
        InlinePanel("review_dates", heading="Review dates", label="Date"),
        FieldPanel("literature_review_cycle_months"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Overview"),
            ObjectList(research_panels, heading="Research"),
            ObjectList(safety_panels, heading="Safety"),
            ObjectList(expert_panels, heading="Expert use and dosing"),
            ObjectList(professional_panels, heading="Professionals and costs"),
            ObjectList(people_panels, heading="People and dates"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    base_form_class = TherapyPageForm
    parent_page_types: ClassVar[list[str]] = ["therapies.TherapyIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "therapy review"

    # Sub-pages ------------------------------------------------------------------------------
    # Routes answering something a person entered: never cached, never purged.
    PERSONAL_ROUTES: ClassVar[frozenset[str]] = frozenset({"check/"})

    @classmethod
    def public_routes(cls) -> list[str]:
        """Every routed sub-page that is the same for every reader ("" is the overview)."""
        routes = dict.fromkeys(str(pattern.pattern) for pattern in cls.get_subpage_urls())
        return [route for route in routes if route not in cls.PERSONAL_ROUTES]

    def get_cached_paths(self) -> list[str]:
        """Every public sub-page, for Wagtail's frontend cache purge on publish (a CDN)."""
        return ["/" + route for route in self.public_routes()]

    def _render_subpage(self, request, subpage: str):
        from carechoices.core.pagecache import mark_public

        from .compile import page_record
        from .presenters import ReviewPresenter

        # The live revision renders from the record every consumer reads (cached per content
        # generation); a preview or a revision is compiled as it stands.
        preview = getattr(request, "is_preview", False) or getattr(request, "is_dummy", False)
        record = page_record(self, preview=preview)
        presenter = ReviewPresenter(record, self, subpage, url=self.get_url(request))
        response = self.render(
            request,
            template=f"therapies/{subpage.replace('-', '_')}.html",
            context_overrides={"review": presenter, "record": record, "subpage": subpage},
        )
        return mark_public(request, response) if self.live else response

    @path("")
    def overview(self, request):
        return self._render_subpage(request, "overview")

    @path("research/")
    def research(self, request):
        return self._render_subpage(request, "research")

    @path("safety/")
    def safety(self, request):
        return self._render_subpage(request, "safety")

    @path("expert-use/")
    def expert_use(self, request):
        return self._render_subpage(request, "expert-use")

    @path("professionals/")
    def professionals(self, request):
        return self._render_subpage(request, "professionals")

    @path("costs/")
    def costs(self, request):
        return self._render_subpage(request, "costs")

    @path("references/")
    def references(self, request):
        return self._render_subpage(request, "references")

    @path("changes/feed/")
    def changes_feed(self, request):
        """The review's change log as an Atom feed."""
        from carechoices.core.pagecache import mark_public
        from carechoices.editorial.feeds import ReviewChangesFeed

        response = ReviewChangesFeed()(request, page=self)
        return mark_public(request, response) if self.live else response

    @path("check/")
    def check_for_me(self, request):
        """The personal safety screen for this therapy ("Check it for me")."""
        from carechoices.screening.views import site_screen

        return site_screen(request, therapy_page=self)

    # Completeness ------------------------------------------------------------------------------
    def _has(self, name: str) -> bool:
        value = getattr(self, name)
        if isinstance(value, str):
            return not is_blank_rich_text(value)
        return bool(len(value or ()))

    @cached_property
    def reviewed_subpages(self) -> list[str]:
        """The sub-pages (slugs, reading order) with any content written."""
        return [slug for slug, fields in SUBPAGE_FIELDS.items() if any(self._has(name) for name in fields)]

    @property
    def is_partial_review(self) -> bool:
        """True when any sub-page is still "not yet reviewed"."""
        return len(self.reviewed_subpages) < len(SUBPAGE_FIELDS)

    @property
    def covers(self) -> str:
        """What a partial review covers, in words: "safety", "summary and safety"."""
        names = [SUBPAGE_SHORT_NAMES[slug] for slug in self.reviewed_subpages]
        if not names:
            return "nothing yet"
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    # Dates -----------------------------------------------------------------------------------
    @property
    def active_ingredient_names(self) -> tuple[str, ...]:
        """The active ingredients as a tuple of lower-case generic names."""
        return split_active_ingredients(self.active_ingredients)

    @cached_property
    def update_dates(self) -> list[datetime.date]:
        return sorted((d.date for d in self.review_dates.all() if d.kind == "update"), reverse=True)

    @property
    def last_update(self) -> datetime.date | None:
        dates = self.update_dates
        return dates[0] if dates else None

    @property
    def prior_updates(self) -> list[datetime.date]:
        return self.update_dates[1:]

    @cached_property
    def literature_reviews(self) -> list[datetime.date]:
        return sorted(
            (d.date for d in self.review_dates.all() if d.kind == "literature-review"), reverse=True
        )


class TherapyRating(Orderable):
    """An editor's note on one of the seven ratings, and optionally an override of the rubric.

    The score readers see is the rubric's suggestion (``carechoices.evidence.rubric``) unless the
    editor sets ``score`` here, which then needs ``override_reason`` (shown on the review).
    """

    page = ParentalKey(TherapyPage, on_delete=models.CASCADE, related_name="ratings")
    attribute = models.CharField(max_length=40, choices=RATING_ATTRIBUTES)
    score = models.PositiveSmallIntegerField(
        "override score",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="0 (lowest) to 5 (highest). Leave empty to publish the rubric's suggestion.",
    )
    override_reason = models.TextField(
        blank=True, help_text="Required when your score differs from the rubric's suggestion; shown on the review."
    )
    rationale = models.TextField(blank=True, help_text="Context for readers; cite with [@key].")

    panels = [FieldPanel("attribute"), FieldPanel("score"), FieldPanel("override_reason"), FieldPanel("rationale")]


class ReviewContributor(Orderable):
    """An author or reviewer credited on the review."""

    ROLE_CHOICES = [("author", "Author"), ("reviewer", "Reviewer")]
    page = ParentalKey(TherapyPage, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)

    panels = [FieldPanel("person"), FieldPanel("role")]


class ReviewDate(Orderable):
    """A dated event in the review's life: an update or a full literature review."""

    KIND_CHOICES = [("update", "Update"), ("literature-review", "Full literature review")]
    page = ParentalKey(TherapyPage, on_delete=models.CASCADE, related_name="review_dates")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    date = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("date"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        ordering = ["-date"]

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "This date is in the future; record it once it happens."})
