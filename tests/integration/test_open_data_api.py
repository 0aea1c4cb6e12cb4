"""The read-only open-data API: every endpoint, validators and 304s, pagination, drafts hidden."""

from __future__ import annotations

import pytest

from carechoices.api import review_schemas as schemas
from carechoices.therapies.models import TherapyIndexPage, TherapyPage

pytestmark = pytest.mark.django_db

LDN = "low-dose-naltrexone"
ENDPOINTS = [
    ("/api/v1/therapies", schemas.TherapyList),
    (f"/api/v1/therapies/{LDN}", schemas.ReviewOut),
    (f"/api/v1/therapies/{LDN}/rules", schemas.RulesOut),
    ("/api/v1/references", schemas.ReferenceList),
    ("/api/v1/references/bolton2019", schemas.ReferenceOut),
    ("/api/v1/glossary", schemas.GlossaryList),
    ("/api/v1/people", schemas.PeopleList),
]


@pytest.mark.parametrize(("path", "schema"), ENDPOINTS, ids=[p for p, _ in ENDPOINTS])
def test_endpoint_answers_public_cacheable_json_matching_its_schema(client, path, schema):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    schema.model_validate(response.json())  # extra keys are forbidden, so the two cannot drift


@pytest.mark.parametrize("path", [p for p, _ in ENDPOINTS])
def test_conditional_get_gives_304_with_the_same_validators(client, path):
    first = client.get(path)

    by_etag = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    stale = client.get(path, HTTP_IF_NONE_MATCH='"not-the-current-one"')

    assert by_etag.status_code == 304 and by_etag.content == b"" and by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert stale.status_code == 200


def test_review_record_holds_the_whole_review_lay_and_professional(client):
    record = client.get(f"/api/v1/therapies/{LDN}").json()

    assert record["title"] == "Low-dose naltrexone (LDN)" and record["active_ingredients"] == ["naltrexone"]
    assert record["sections"]["at_a_glance"]["audience"] == "lay"
    assert record["sections"]["mechanisms"]["audience"] == "professional"
    assert len(record["ratings"]) == 7 and len(record["side_effects"]) == 7
    rules = {r["rule_id"]: r for r in record["rules"]}
    assert rules["opioid-medicines"]["timing"]["kind"] == "wait-until-cleared"
    assert rules["opioid-medicines"]["plain_text"] and rules["opioid-medicines"]["professional_text"]
    assert "[@" not in rules["opioid-medicines"]["professional_text"]  # markers travel as keys
    assert [p["id"] for p in record["dosing_protocols"]][0] == "three-step-schedule"
    # Citations are walked once: every key any part cites is in the numbered reference list.
    listed = {r["id"] for r in record["references"]}
    cited = {k for part in ("rules", "evidence", "side_effects") for item in record[part] for k in item["references"]}
    cited |= {k for s in record["sections"].values() for k in s["references"]}
    assert cited <= listed
    assert [r["number"] for r in record["references"]] == list(range(1, len(record["references"]) + 1))
    assert record["history"] and record["contributors"]


def test_the_api_and_the_screen_read_the_same_rules(client):
    import json

    rules = {r["rule_id"] for r in client.get(f"/api/v1/therapies/{LDN}/rules").json()["rules"]}
    body = {"therapies": [LDN], "medicines": ["methadone", "Revia 50 mg"], "conditions": ["liver transplant", "cirrhosis"]}
    fired = client.post("/api/v1/screen", json.dumps(body), content_type="application/json").json()
    assert {f["rule"] for f in fired["therapies"][0]["findings"]} - {"already-taking-naltrexone"} <= rules


def test_list_pagination_and_filters(client):
    everything = client.get("/api/v1/therapies").json()
    second = client.get("/api/v1/therapies?page=2&page_size=3").json()
    supplements = client.get("/api/v1/therapies?category=supplement").json()
    brain = client.get("/api/v1/therapies?cancer_type=Brain%20Cancer").json()

    assert everything["count"] == 7 and len(everything["items"]) == 7
    assert [i["slug"] for i in second["items"]] == [i["slug"] for i in everything["items"][3:6]]
    assert supplements["items"] and all(i["category"] == "supplement" for i in supplements["items"])
    assert [i["slug"] for i in brain["items"]] == [LDN]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/therapies?colour=red", "colour"),
        ("/api/v1/therapies?page_size=101", "page_size"),
        ("/api/v1/therapies?page_size=0", "page_size"),
        ("/api/v1/therapies?page=abc", "page"),
        ("/api/v1/references?page_size=99999999999", "page_size"),
        (f"/api/v1/therapies/{LDN}?expand=all", "expand"),
    ],
)
def test_bad_query_is_a_400_naming_the_parameter(client, path, field):
    response = client.get(path)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    "path", ["/api/v1/therapies/no-such-review", "/api/v1/therapies/no-such-review/rules", "/api/v1/references/nope"]
)
def test_unknown_slug_or_id_is_a_404_json(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert set(response.json()["error"]) == {"field", "message"}


def test_draft_content_is_never_exposed(client):
    index = TherapyIndexPage.objects.get()
    draft = TherapyPage(title="Draft only", slug="draft-only", tagline="Not published.", live=False)
    index.add_child(instance=draft)
    draft.save_revision()
    ldn = TherapyPage.objects.get(slug=LDN)
    ldn.tagline = "An unpublished draft tagline."
    ldn.save_revision()  # saved, not published

    slugs = [i["slug"] for i in client.get("/api/v1/therapies").json()["items"]]
    record = client.get(f"/api/v1/therapies/{LDN}").json()

    assert "draft-only" not in slugs
    assert client.get("/api/v1/therapies/draft-only").status_code == 404
    assert record["tagline"] != "An unpublished draft tagline."


def test_a_publish_changes_the_etag(client):
    before = client.get(f"/api/v1/therapies/{LDN}")
    ldn = TherapyPage.objects.get(slug=LDN)
    ldn.tagline = "A newly published tagline."
    ldn.save_revision().publish()

    after = client.get(f"/api/v1/therapies/{LDN}", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["tagline"] == "A newly published tagline."


def test_a_review_behind_a_view_restriction_is_never_exposed(client):
    from wagtail.models import PageViewRestriction

    ldn = TherapyPage.objects.get(slug=LDN)
    PageViewRestriction.objects.create(page=ldn, restriction_type=PageViewRestriction.PASSWORD, password="x")

    slugs = [i["slug"] for i in client.get("/api/v1/therapies").json()["items"]]

    assert LDN not in slugs
    assert client.get(f"/api/v1/therapies/{LDN}").status_code == 404
    assert client.get(f"/api/v1/fhir/therapies/{LDN}").status_code == 404


def test_a_restriction_on_an_ancestor_hides_every_review_below_it(client):
    from wagtail.models import PageViewRestriction

    index = TherapyIndexPage.objects.get()
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)

    assert client.get("/api/v1/therapies").json()["count"] == 0
