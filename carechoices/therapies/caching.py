"""Rendered review pages are cached for anonymous readers until anything they show changes.

The key holds the page's live revision and a site-wide content version that any save of a
reference, glossary term or person bumps, so an edit is visible at the next request and no
signal has to know which pages cite what.
"""

from __future__ import annotations

from django.core.cache import cache

VERSION_KEY = "carechoices:content-version"
TIMEOUT = 60 * 60  # an hour; correctness comes from the key, not the timeout


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version(**_kwargs) -> None:
    """Invalidate every cached review page (called on saves that pages display)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def page_key(page, subpage: str) -> str:
    # Today's date is part of the key: a page says when its literature review is overdue.
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    return f"carechoices:review:{page.pk}:{page.live_revision_id}:{subpage}:{content_version()}:{today}"


def cacheable(request) -> bool:
    """Only plain anonymous GETs of the live page: never previews, editors or form posts."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )
