"""People who write and review CareChoices content."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index


class Person(RevisionMixin, index.Indexed, models.Model):
    """An author, reviewer or advisor, shown with a profile page.

    Sample content uses demo profiles (``is_demo``) so no real person is presented as the author of
    our text; the public page labels them as such.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(max_length=200, help_text="e.g. Research assistant, Medical oncologist")
    credentials = models.CharField(max_length=200, blank=True, help_text="e.g. MS, RN, MD")
    bio = models.TextField(blank=True, help_text="A short biography in plain text.")
    is_demo = models.BooleanField(
        default=False,
        verbose_name="demo profile",
        help_text="Shown as a demo profile: not a real person.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The back-office account of this person, so approvals are credited to them.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("credentials"),
        FieldPanel("bio"),
        FieldPanel("is_demo"),
        FieldPanel("user"),
    ]
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("role"),
        index.SearchField("credentials"),
        index.SearchField("bio"),
        index.AutocompleteField("name"),
        index.AutocompleteField("role"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self) -> str:
        return reverse("people:profile", kwargs={"slug": self.slug})
