"""``NoStoreForPostsMiddleware`` writes what Django's ``add_never_cache_headers`` would."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers

from carechoices.core.middleware import NoStoreForPostsMiddleware


def answer(method: str, response: HttpResponse) -> HttpResponse:
    request = getattr(RequestFactory(), method.lower())("/api/v1/screen")
    return NoStoreForPostsMiddleware(lambda request: response)(request)


def test_a_post_gets_exactly_djangos_never_cache_headers() -> None:
    expected = HttpResponse()
    add_never_cache_headers(expected)
    got = answer("POST", HttpResponse())
    assert got["Cache-Control"] == expected["Cache-Control"]
    assert got["Expires"][-3:] == "GMT" and len(got["Expires"]) == len(expected["Expires"])


def test_a_post_whose_view_set_caching_is_merged_into_no_store() -> None:
    response = HttpResponse()
    response["Cache-Control"] = "public, max-age=600"
    got = answer("POST", response)
    assert "no-store" in got["Cache-Control"] and "private" in got["Cache-Control"]
    assert "public" not in got["Cache-Control"]


def test_a_get_is_left_alone() -> None:
    assert "Cache-Control" not in answer("GET", HttpResponse())
