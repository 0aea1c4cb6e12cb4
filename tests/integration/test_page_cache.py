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


REVIEW = "/therapies/low-dose-naltrexone/"


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_a_stored_review_page_costs_one_query(client):
    """One primary-key read of the content generation; no routing, no session, no render."""
    client.get(REVIEW)
    response, count = _queries(client, REVIEW)
    assert response["X-Page-Cache"] == "hit"
    assert count == 1


def test_a_full_render_of_a_review_page_takes_at_most_ten_queries(client):
    from django.core.cache import caches

    client.get(REVIEW)  # Wagtail's site paths and the library are loaded once, not per page
    caches["pages"].clear()
    response, count = _queries(client, REVIEW)
    assert response["X-Page-Cache"] == "miss"
    assert count <= 10


def test_every_sub_page_renders_in_at_most_ten_queries(client, ldn):
    from django.core.cache import caches

    from carechoices.therapies.models import SUBPAGES

    client.get(REVIEW)
    for _slug, suffix, _label in [*SUBPAGES, ("references", "references/", "References")]:
        caches["pages"].clear()
        _response, count = _queries(client, REVIEW + suffix)
        assert count <= 10, suffix


def test_a_query_string_is_never_answered_from_the_store(client):
    client.get(REVIEW)
    response = client.get(REVIEW + "?utm_source=x")
    assert "X-Page-Cache" not in response


def test_someone_signed_in_never_gets_a_stored_copy(client, admin_user_demo):
    client.get(REVIEW)
    client.force_login(admin_user_demo)
    response = client.get(REVIEW)
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_a_page_with_a_form_is_never_stored(client):
    for _ in range(2):
        response = client.get("/screen/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "public" not in response.get("Cache-Control", "")


def test_unpublishing_a_review_takes_it_off_the_stored_index_at_once(client, ldn):
    assert "low-dose-naltrexone" in client.get("/therapies/").content.decode()
    assert client.get("/therapies/")["X-Page-Cache"] == "hit"
    ldn.unpublish()
    assert "low-dose-naltrexone" not in client.get("/therapies/").content.decode()
    assert client.get(REVIEW).status_code == 404


def test_glossary_and_people_pages_are_stored_and_follow_edits(client):
    from carechoices.glossary.models import GlossaryTerm

    client.get("/glossary/")
    assert client.get("/glossary/")["X-Page-Cache"] == "hit"
    term = GlossaryTerm.objects.first()
    term.definition = "An edited definition for the store test."
    term.save()
    assert "An edited definition for the store test." in client.get("/glossary/").content.decode()
    client.get("/people/")
    assert client.get("/people/")["X-Page-Cache"] == "hit"


def test_renaming_a_cancer_type_is_seen_on_a_stored_research_page(client):
    from carechoices.cancertypes.models import CancerType

    research = REVIEW + "research/"
    assert "rain cancer" in client.get(research).content.decode()  # "Brain cancer" or "brain cancer"
    assert client.get(research)["X-Page-Cache"] == "hit"

    brain = CancerType.objects.get(slug="brain-cancer")
    brain.name = "Brain and spinal cord cancer"
    brain.save()

    again = client.get(research)
    assert again["X-Page-Cache"] == "miss"
    assert "rain and spinal cord cancer" in again.content.decode()


def test_cancer_type_pages_are_stored_and_a_rename_refreshes_them(client):
    from carechoices.cancertypes.models import CancerType

    for path in ("/cancer-types/", "/cancer-types/brain-cancer/"):
        assert client.get(path)["X-Page-Cache"] == "miss"
        assert client.get(path)["X-Page-Cache"] == "hit"

    brain = CancerType.objects.get(slug="brain-cancer")
    brain.name = "Brain and spinal cord cancer"
    brain.save()

    for path in ("/cancer-types/", "/cancer-types/brain-cancer/"):
        again = client.get(path)
        assert again["X-Page-Cache"] == "miss"
        assert "Brain and spinal cord cancer" in again.content.decode()
