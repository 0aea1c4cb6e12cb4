"""Keep personal answers out of every cache between us and the reader."""

from django.utils.cache import add_never_cache_headers


class NoStoreForPostsMiddleware:
    """Every POST answers with something a person entered (a screen, a plan): never cache it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST":
            add_never_cache_headers(response)
        return response
