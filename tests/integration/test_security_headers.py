"""Security headers on every public page: a CSP without 'unsafe-inline', and Django's own headers."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db
REVIEW = "/therapies/low-dose-naltrexone/"


def public_pages() -> list[str]:
    from carechoices.therapies.models import SUBPAGES

    review_pages = [REVIEW + suffix for _, suffix, _ in SUBPAGES] + [REVIEW + "references/", REVIEW + "check/"]
    return [
        "/",
        "/therapies/",
        *review_pages,
        "/screen/",
        "/how-we-rate/",
        "/glossary/",
        "/people/",
        "/people/casey-demo/",
        "/cancer-types/",
        "/cancer-types/brain-cancer/",
        "/about/",
        "/search/?q=naltrexone",
        "/api/v1/docs",
        "/no-such-page/",
    ]


def _post_pages(client):
    """The pages a person gets back after a form: screen results and a start plan."""
    import datetime

    start = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    yield "/screen/ results", client.post("/screen/", {"medicines": "tramadol\npercoset"})
    yield "/plan/", client.post(
        "/plan/", {"therapy": "low-dose-naltrexone", "start_date": start, "time_zone": "UTC", "medicines": "sertraline"}
    )


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("path", public_pages())
def test_every_public_page_has_a_csp_without_unsafe_inline(client, path):
    for attempt in ("rendered", "stored"):  # a stored copy carries the same policy
        response = client.get(path)
        assert response.status_code in (200, 404), (path, attempt)
        policy = _directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", public_pages())
def test_public_pages_have_no_inline_script_handler_or_style(client, path):
    """What the policy forbids must not be on the page, or the page would break under it."""
    html = client.get(path).content.decode()
    inline_scripts = [
        tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag and "application/json" not in tag
    ]
    assert inline_scripts == []
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"<[^>]+\sstyle\s*=", html), "inline style attribute"
    assert "<style" not in html


def test_the_pages_after_a_form_have_the_policy_and_nothing_inline(client):
    for name, response in _post_pages(client):
        assert response.status_code == 200, name
        assert _directives(response["Content-Security-Policy"])["script-src"] == ["'self'"], name
        html = response.content.decode()
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), name
        assert not re.search(r"<[^>]+\sstyle\s*=", html), name
        assert "data-print" in html, name


def test_the_back_office_has_its_own_policy(client, admin_user_demo):
    client.force_login(admin_user_demo)
    response = client.get("/admin/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" in policy["script-src"]
    assert all(source in ("'self'", "'unsafe-inline'") for source in policy["script-src"])


@pytest.mark.parametrize("path", ["/", REVIEW, "/screen/", "/api/v1/therapies"])
def test_django_security_headers_are_sent(client, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_form_sent_without_its_check_gets_our_page_under_the_policy():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/screen/", {"medicines": "tramadol"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html
    assert "tramadol" not in html  # what was typed is neither kept nor shown back
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "<style" not in html and not re.search(r"<[^>]+\sstyle\s*=", html)
