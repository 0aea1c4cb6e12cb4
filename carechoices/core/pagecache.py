"""The public page cache: anonymous readers get a stored copy without routing or rendering.

A view opts a response in with :func:`mark_public`. The copy is stored, by host and path, in the
``pages`` cache (files or memory, never the main database: see ADR 11) together with the
published content generation read *before* the view ran. A later request is answered from the
copy after one primary-key query confirms the generation is still current; when the database
cannot answer, the copy is served anyway, so reviews stay readable through an outage.

Only plain anonymous GETs are looked up or stored: no query string, no session cookie (nobody
signed in, no preview) and a response that set no cookie, so a form's CSRF token or anything a
person entered never enters the cache.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from carechoices.editorial import generation as content_generation

logger = logging.getLogger(__name__)

CACHE_ALIAS: Final = "pages"
BROWSER_MAX_AGE: Final = 300  # what readers' browsers and shared caches may keep
STATUS_HEADER: Final = "X-Page-Cache"
_MARK: Final = "carechoices_public_page"
_UNSTORED_HEADERS: Final = frozenset({"set-cookie", STATUS_HEADER.lower()})


def anonymous_read(request: HttpRequest) -> bool:
    """A plain anonymous read of a live page: never a preview, an editor or a form post."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )


def mark_public(request: HttpRequest, response: HttpResponse, *, max_age: int = BROWSER_MAX_AGE) -> HttpResponse:
    """Say a response is the same for every anonymous reader, so it may be cached anywhere.

    Does nothing for anyone signed in or previewing: what they see is theirs.
    """
    if anonymous_read(request) and response.status_code == 200:
        patch_cache_control(response, public=True, max_age=max_age)
        setattr(response, _MARK, True)
    return response


def public_page(view):
    """Decorate a view whose anonymous answer is a public page (see :func:`mark_public`)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_public(request, view(request, *args, **kwargs))

    return wrapper


class PublicPageMixin:
    """For Wagtail page types whose anonymous rendering is the same for everyone."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(self, "live", False):
            mark_public(request, response)
        return response


@dataclass(frozen=True)
class StoredPage:
    generation: int
    #: The local date it was rendered on: a review says how long until (or since) its next
    #: literature review is due, so a copy from another day is out of date.
    day: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self, request: HttpRequest, status: str) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else self.body)
        for name, value in self.headers:
            response[name] = value
        response[STATUS_HEADER] = status
        return response


# Never pages: the back office, the APIs, health checks and files. Skipped without a query.
SKIPPED_PREFIXES: Final = ("/admin/", "/api/", "/cds-services", "/healthz", "/readyz", "/static/", "/media/", "/documents/")


def _eligible(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PREFIXES)
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the normal path answers 400
    return f"page:{host}:{request.path}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        getattr(response, _MARK, False)
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of public pages from the ``pages`` cache (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request) if _eligible(request) else None
        if key is None:
            with content_generation.request_scope():
                return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        stored: StoredPage | None = cache.get(key)
        try:
            generation = content_generation.read()
        except DatabaseError:
            if stored is not None:
                # The database is down: what readers saw last is better than an error page.
                logger.warning("Database unavailable; serving a stored copy of a public page")
                return stored.response(request, "stale")
            return self.get_response(request)  # the outage handler answers 503
        today = timezone.localdate().isoformat()
        if stored is not None and stored.generation == generation and stored.day == today:
            return stored.response(request, "hit")
        # Read before the view runs: a change committed meanwhile makes this copy out of date.
        with content_generation.request_scope(generation):
            response = self.get_response(request)
        if _storable(request, response):
            headers = tuple(
                (name, value) for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS
            )
            cache.set(key, StoredPage(generation, today, headers, response.content))
            response[STATUS_HEADER] = "miss"
        return response
