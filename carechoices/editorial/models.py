"""The public change log: one entry per publication of a review, written when it is published."""

from __future__ import annotations

from django.db import models


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
