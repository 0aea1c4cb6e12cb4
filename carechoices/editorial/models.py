"""Editorial state kept in the database: the published content generation, and the public change log."""

from __future__ import annotations

from django.db import models


class PublishedContentState(models.Model):
    """One row whose ``generation`` rises in the same transaction as any change pages show.

    Cached pages and records are keyed by it. It lives in the database, not in a cache: a
    counter kept in a cache entry can time out or be evicted, and the pages cached before an edit
    then come back (Django's ``incr`` re-saves an entry with the default timeout).
    """

    generation = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "published content state"

    def __str__(self) -> str:
        return f"generation {self.generation} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class ReviewChange(models.Model):
    """What changed in one published revision of a review, in the editors' words, for readers.

    ``kind`` is "substantive" (what the review says changed; the editor had to say what and
    why) or "minor" (wording, typos, links), which readers see listed separately.
    """

    SUBSTANTIVE, MINOR = "substantive", "minor"
    KIND_CHOICES = [(SUBSTANTIVE, "Substantive update"), (MINOR, "Minor edit")]

    page = models.ForeignKey("therapies.TherapyPage", on_delete=models.CASCADE, related_name="changes")
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["page", "-published_at"], name="editorial_change_page_time")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.published_at:%Y-%m-%d} {self.kind}: {self.note[:60]}"

    @property
    def date(self):
        from django.utils import timezone

        return timezone.localdate(self.published_at)

    @property
    def is_minor(self) -> bool:
        return self.kind == self.MINOR
