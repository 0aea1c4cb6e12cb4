"""Keep personal answers out of every cache between us and the reader."""

import time

from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

#: What ``add_never_cache_headers`` writes into a response that has no caching headers yet.
NEVER_CACHE: str = "max-age=0, no-cache, no-store, must-revalidate, private"


class NoStoreForPostsMiddleware:
    """Every POST answers with something a person entered (a screen, a plan): never cache it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._expires: tuple[int, str] = (0, "")

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST":
            never_cache(response, self)
        return response

    def expires_now(self) -> str:
        """``Expires`` for now, as Django's ``http_date``; written once per second."""
        second = int(time.time())
        kept = self._expires  # one read: another thread may replace it meanwhile
        if kept[0] != second:
            kept = (second, http_date(second))
            self._expires = kept
        return kept[1]


def never_cache(response, clock: NoStoreForPostsMiddleware) -> None:
    """``add_never_cache_headers(response)``, written directly when the response has no caching
    headers of its own (every screen and plan answer): Django's parses and re-joins the header
    and formats the date each time, a tenth of a small POST's own work. A response with either
    header already set goes through Django's, which merges them."""
    headers = response.headers
    if "Cache-Control" in headers or "Expires" in headers:
        add_never_cache_headers(response)
        return
    headers["Expires"] = clock.expires_now()
    headers["Cache-Control"] = NEVER_CACHE
