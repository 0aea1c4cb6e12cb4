"""Glossary terms: defined once, explained wherever a review uses them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index


class GlossaryTerm(RevisionMixin, index.Indexed, models.Model):
    """A term with synonyms and a plain-language definition."""

    term = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    synonyms = models.CharField(
        max_length=400,
        blank=True,
        help_text="Other words for the same thing, separated by commas (e.g. RCT, randomised trial).",
    )
    definition = models.TextField(help_text="One or two plain sentences.")
    house_definition = models.BooleanField(
        default=False,
        help_text="Our own definition (other researchers may define it differently).",
    )

    panels = [
        FieldPanel("term"),
        FieldPanel("slug"),
        FieldPanel("synonyms"),
        FieldPanel("definition"),
        FieldPanel("house_definition"),
    ]
    search_fields = [
        index.SearchField("term", boost=3),
        index.SearchField("synonyms", boost=2),
        index.SearchField("definition"),
        index.AutocompleteField("term"),
        index.AutocompleteField("synonyms"),
    ]

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        if not self.definition.strip():
            raise ValidationError({"definition": "A glossary term needs a definition."})

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]

    def get_absolute_url(self) -> str:
        return reverse("glossary:index") + f"#term-{self.slug}"
