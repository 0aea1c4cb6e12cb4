"""``NoStoreForPostsMiddleware``: every POST answer is marked never to be stored; GETs are left alone."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from carechoices.core.middleware import NoStoreForPostsMiddleware


def answer(method: str, response: HttpResponse) -> HttpResponse:
    request = getattr(RequestFactory(), method.lower())("/api/v1/screen")
    return NoStoreForPostsMiddleware(lambda request: response)(request)


def test_a_post_is_never_stored() -> None:
    got = answer("POST", HttpResponse())
    assert {"no-store", "no-cache", "private"} <= {part.strip() for part in got["Cache-Control"].split(",")}
    assert got["Expires"].endswith("GMT")


def test_a_post_whose_view_set_caching_is_merged_into_no_store() -> None:
    response = HttpResponse()
    response["Cache-Control"] = "public, max-age=600"
    got = answer("POST", response)
    assert "no-store" in got["Cache-Control"] and "private" in got["Cache-Control"]
    assert "public" not in got["Cache-Control"]


def test_a_get_is_left_alone() -> None:
    assert "Cache-Control" not in answer("GET", HttpResponse())
