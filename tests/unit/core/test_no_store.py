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


def test_a_post_without_caching_headers_gets_exactly_what_django_writes() -> None:
    # The direct path writes the headers itself; Django's own function is the reference.
    from django.utils.cache import add_never_cache_headers

    got = answer("POST", HttpResponse())
    reference = HttpResponse()
    add_never_cache_headers(reference)
    assert got["Cache-Control"] == reference["Cache-Control"]
    assert got["Expires"] == reference["Expires"] or abs(
        _epoch(got["Expires"]) - _epoch(reference["Expires"])
    ) <= 1  # the two may straddle a second


def test_a_post_with_only_expires_set_keeps_it_and_gets_no_store() -> None:
    response = HttpResponse()
    response["Expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    got = answer("POST", response)
    assert got["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert "no-store" in got["Cache-Control"]


def test_the_expires_date_follows_the_clock(monkeypatch) -> None:
    middleware = NoStoreForPostsMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/api/v1/screen")
    monkeypatch.setattr("carechoices.core.middleware.time.time", lambda: 86_400.5)
    assert middleware(request)["Expires"] == "Fri, 02 Jan 1970 00:00:00 GMT"
    monkeypatch.setattr("carechoices.core.middleware.time.time", lambda: 86_401.2)
    assert middleware(request)["Expires"] == "Fri, 02 Jan 1970 00:00:01 GMT"


def _epoch(date: str) -> int:
    from django.utils.http import parse_http_date

    return parse_http_date(date)
