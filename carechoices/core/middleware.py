"""Keep personal answers out of every cache between us and the reader."""

from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

# What ``add_never_cache_headers`` writes on a response that has no Cache-Control of its own.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


class NoStoreForPostsMiddleware:
    """Every POST answers with something a person entered (a screen, a plan): never cache it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST":
            if "Cache-Control" in response or "Expires" in response:
                add_never_cache_headers(response)  # merged with what the view said
            else:
                response["Cache-Control"] = NEVER_CACHE
                response["Expires"] = http_date()
        return response
