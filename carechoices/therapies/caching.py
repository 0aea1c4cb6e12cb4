"""Rendered review pages are cached for anonymous readers until anything they show changes.

The key holds the page's live revision and the published content generation, a number kept in
the database (``editorial.PublishedContentState``) that any publish, unpublish, move or delete of
a page and any save or delete of a reference, glossary term or person raises in the same
transaction. An edit is visible at the next request, no signal has to know which pages cite what,
and nothing reverts when a cache entry times out or is evicted.
"""

from __future__ import annotations

from django.db.models import F

TIMEOUT = 60 * 60  # an hour; correctness comes from the key, not the timeout
STATE_ID = 1


def content_version() -> int:
    """The published content generation (one primary-key query)."""
    from carechoices.editorial.models import PublishedContentState

    generation = (
        PublishedContentState.objects.filter(pk=STATE_ID).values_list("generation", flat=True).first()
    )
    return generation or 0


def bump_content_version(**_kwargs) -> None:
    """Invalidate every cached review page (called on saves that pages display)."""
    from carechoices.editorial.models import PublishedContentState

    updated = PublishedContentState.objects.filter(pk=STATE_ID).update(generation=F("generation") + 1)
    if not updated:
        # First change ever (or a test database just flushed): start above the 0 read before.
        PublishedContentState.objects.get_or_create(pk=STATE_ID, defaults={"generation": 1})


def page_key(page, subpage: str) -> str:
    return f"carechoices:review:{page.pk}:{page.live_revision_id}:{subpage}:{content_version()}"


def cacheable(request) -> bool:
    """Only plain anonymous GETs of the live page: never previews, editors or form posts."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )
