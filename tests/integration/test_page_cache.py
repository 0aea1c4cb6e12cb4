"""Anonymous review pages are cached, and any change they show invalidates them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carechoices.references.models import Reference

pytestmark = pytest.mark.django_db
URL = "/therapies/low-dose-naltrexone/references/"


def test_second_anonymous_view_is_served_from_cache(client):
    first = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL)
    assert second.content == first.content
    assert not any("references_reference" in q["sql"] for q in queries.captured_queries)
    assert "public" in second["Cache-Control"]


def test_editing_a_reference_shows_at_the_next_request(client):
    client.get(URL)
    reference = Reference.objects.get(key="bolton2019")
    reference.csl = {**reference.csl, "title": "A corrected title for the cache test"}
    reference.save()
    assert "A corrected title for the cache test" in client.get(URL).content.decode()


def test_logged_in_editors_never_get_cached_pages(client, admin_user_demo):
    client.get(URL)
    client.force_login(admin_user_demo)
    response = client.get(URL)
    assert "public" not in response.get("Cache-Control", "")
