"""What the public site shows changed: kept in the database, beside the change itself."""

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
