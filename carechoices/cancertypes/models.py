"""A cancer type: one name readers browse by, with the other names people use for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from .forms import CancerTypeForm


class CancerType(index.Indexed, models.Model):
    """A cancer type in the vocabulary (e.g. "brain cancer" > "high-grade glioma").

    A cancer type is public as soon as it is saved (its page is ``/cancer-types/<slug>/`` and
    reviews' records name it by slug), so the slug never changes after that.
    """

    name = models.CharField(
        max_length=120, unique=True,
        help_text="As readers will see it in running text, lower case unless a proper name "
        "(e.g. brain cancer, B-cell lymphoma).",
    )
    slug = models.SlugField(
        max_length=120, unique=True,
        help_text="The address of its page, e.g. brain-cancer. Fixed once saved: links and open "
        "data use it.",
    )
    synonyms = models.CharField(
        max_length=400, blank=True,
        help_text="Other names people search for, separated by commas (e.g. bowel cancer).",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="A broader type this one belongs to (e.g. brain cancer for high-grade glioma).",
    )
    description = models.TextField(
        max_length=400, blank=True,
        help_text="One or two plain sentences saying what it is, from our sources; leave empty if unsure.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("synonyms"),
        FieldPanel("parent"),
        FieldPanel("description"),
    ]
    base_form_class = CancerTypeForm
    search_fields = [
        index.SearchField("name", boost=4),
        index.SearchField("synonyms", boost=3),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.AutocompleteField("synonyms"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "cancer type"

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The name as a heading: "Brain cancer"."""
        return self.name[:1].upper() + self.name[1:]

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]

    def get_absolute_url(self) -> str:
        return reverse("cancer-types:detail", kwargs={"slug": self.slug})

    def ancestors(self) -> list[CancerType]:
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain[::-1]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.pk:
            saved = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if saved is not None and saved != self.slug:
                errors["slug"] = f"The slug is fixed once saved (it is “{saved}”): links and open data use it."
        if self.parent_id is not None:
            node, seen = self.parent, set()
            while node is not None and node.pk not in seen:
                if self.pk is not None and node.pk == self.pk:
                    errors["parent"] = "A cancer type cannot sit under itself or one of its own subtypes."
                    break
                seen.add(node.pk)
                node = node.parent
        if errors:
            raise ValidationError(errors)


def choices() -> list[tuple[str, str]]:
    """(slug, label) for the editors' cancer type menus; a subtype is labelled with its parent."""
    rows = list(CancerType.objects.values_list("slug", "name", "parent__name"))
    return sorted(((slug, f"{name} ({parent})" if parent else name) for slug, name, parent in rows),
                  key=lambda row: row[1].lower())
