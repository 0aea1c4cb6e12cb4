"""Feedback counts: how often clinicians accepted or overrode each kind of card, and why.

One row per (service, therapy, rule, outcome, override reason) with a count. Nothing identifies
a patient, a clinician, an EHR, a card or a moment: no uuid, no timestamp, no comment. Override
reasons are stored only as one of our own codes (``cards.OVERRIDE_REASONS``), "other" for a
client's own reason, or "" for none, so nothing a client types can land here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F


class CardFeedback(models.Model):
    service = models.CharField(max_length=40)
    therapy = models.CharField(max_length=80, blank=True, help_text="Empty for a card about no one therapy.")
    rule = models.CharField(max_length=80)
    outcome = models.CharField(max_length=20, choices=[("accepted", "accepted"), ("overridden", "overridden")])
    reason = models.CharField(max_length=40, blank=True, help_text="Our override reason code, 'other' or empty.")
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "CDS card feedback count"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "therapy", "rule", "outcome", "reason"], name="cds_feedback_unique"
            )
        ]
        ordering = ["service", "therapy", "rule", "outcome", "reason"]

    def __str__(self) -> str:
        reason = f" ({self.reason})" if self.reason else ""
        return f"{self.service} {self.therapy}/{self.rule}: {self.outcome}{reason} × {self.count}"

    @classmethod
    def bump(cls, *, service: str, therapy: str, rule: str, outcome: str, reason: str) -> None:
        """Add one to a count (atomic in the database, so concurrent feedback is not lost)."""
        row, _ = cls.objects.get_or_create(
            service=service, therapy=therapy, rule=rule, outcome=outcome, reason=reason
        )
        cls.objects.filter(pk=row.pk).update(count=F("count") + 1)
