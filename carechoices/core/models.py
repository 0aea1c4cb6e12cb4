"""Site-wide pages."""

from typing import ClassVar

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from carechoices.core.pagecache import PublicPageMixin
from carechoices.core.routing import SingleChildTypeRouting
from carechoices.therapies.models import RICH_TEXT_FEATURES, TherapyPage


class HomePage(PublicPageMixin, SingleChildTypeRouting, Page):
    """The site's front door: what CareChoices is and how to use it."""

    intro = RichTextField(features=RICH_TEXT_FEATURES)
    how_to_use = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("how_to_use")]
    subpage_types: ClassVar[list[str]] = ["therapies.TherapyIndexPage", "core.AboutPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from carechoices.cancertypes.models import CancerType
        from carechoices.therapies.summaries import summaries

        context = super().get_context(request, *args, **kwargs)
        context["therapies"] = TherapyPage.objects.live().public().order_by("title")
        cards = summaries()
        context["cards"] = cards
        with_evidence = {slug for card in cards for slug, _name in card.cancer_types}
        context["browse_types"] = [t for t in CancerType.objects.order_by("name") if t.slug in with_evidence]
        context["about"] = AboutPage.objects.live().public().first()
        return context


class AboutPage(PublicPageMixin, Page):
    """Who we are, how reviews are made and checked, funding, open source, corrections.

    Editors keep it current; anything the site's owners have not yet confirmed says so in plain
    words rather than being filled in.
    """

    body = RichTextField(features=[*RICH_TEXT_FEATURES, "h2"])

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types: ClassVar[list[str]] = ["core.HomePage"]
    subpage_types: ClassVar[list[str]] = []
    max_count = 1

    class Meta:
        verbose_name = "about page"
