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
    subpage_types: ClassVar[list[str]] = ["therapies.TherapyIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["therapies"] = TherapyPage.objects.live().public().order_by("title")
        return context
