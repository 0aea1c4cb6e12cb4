"""GET /api/v1/fhir/therapies/{slug}: valid FHIR R5 bundles of the live reviews, cacheable, drafts hidden."""

from __future__ import annotations

import pytest

from carechoices.api import fhir as fhir_api
from carechoices.therapies import fhir
from carechoices.therapies.blocks import FREQUENCY_CHOICES
from carechoices.therapies.compile import live_records
from carechoices.therapies.models import TherapyIndexPage, TherapyPage
from tests.unit.therapies.test_fhir import assert_valid_bundle

pytestmark = pytest.mark.django_db

LDN = "low-dose-naltrexone"
PATH = f"/api/v1/fhir/therapies/{LDN}"


def _resources(bundle, resource_type):
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def _identified(bundle, resource_type, value):
    return next(
        r for r in _resources(bundle, resource_type) if r["identifier"][0]["value"] == value
    )


def test_bundle_is_public_cacheable_fhir_json(client):
    response = client.get(PATH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=5.0"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert_valid_bundle(response.json())


def test_the_bundle_says_what_the_record_says(client):
    record = live_records()[LDN].record
    bundle = client.get(PATH).json()

    rules = {
        r["identifier"][0]["value"]: r
        for r in _resources(bundle, "ClinicalUseDefinition")
        if r["type"] != "undesirable-effect"
    }
    assert list(rules) == [rule.rule_id for rule in record.rules]
    assert rules["opioid-medicines"]["type"] == "interaction"
    assert rules["opioid-medicines"]["category"][0]["coding"][0]["code"] == "avoid"
    assert rules["organ-transplant"]["type"] == "contraindication"
    assert rules["bowel-conditions"]["category"][0]["coding"][0]["code"] == "info"
    # Conditions in readers' words, from the vocabulary (text only: no invented codes).
    assert rules["opioid-dependence"]["contraindication"]["diseaseSymptomProcedure"]["concept"] == {
        "text": "Opioid use disorder or taking methadone or taking buprenorphine"
    }
    effects = [
        r for r in _resources(bundle, "ClinicalUseDefinition") if r["type"] == "undesirable-effect"
    ]
    assert len(effects) == len(record.side_effects) == 7

    three_steps = _identified(bundle, "PlanDefinition", "three-step-schedule")
    activities = {a["url"]: a for a in _resources(bundle, "ActivityDefinition")}
    dosages = [activities[a["definitionCanonical"]]["dosage"][0] for a in three_steps["action"]]
    assert [d["doseAndRate"][0]["doseQuantity"]["value"] for d in dosages] == [1.5, 3, 4.5]
    assert [
        (
            d["timing"]["repeat"]["boundsRange"]["low"]["value"],
            d["timing"]["repeat"]["boundsRange"]["high"]["value"],
        )
        for d in dosages[:2]
    ] == [(7, 14), (7, 14)]
    weekly = _identified(bundle, "PlanDefinition", "weekly-1-mg-steps")
    first = activities[weekly["action"][0]["definitionCanonical"]]["dosage"][0]
    assert "doseAndRate" not in first and "the prescriber gives it" in first["text"]

    bolton = _identified(bundle, "Citation", "bolton2019")["citedArtifact"]
    assert {"system": "https://doi.org", "value": "10.1186/s12916-018-1242-0"} in [
        {k: i[k] for k in ("system", "value")} for i in bolton["identifier"]
    ]
    assert len(_resources(bundle, "Citation")) == len(record.references)
    assert len(_resources(bundle, "Evidence")) == len(record.evidence)
    pdq = [e["certainty"][0].get("rating", {}).get("text") for e in _resources(bundle, "Evidence")]
    assert "1iC" in pdq


def test_every_sample_review_gives_a_valid_bundle(client):
    slugs = list(live_records())
    assert len(slugs) == 7
    for slug in slugs:
        response = client.get(f"/api/v1/fhir/therapies/{slug}")
        assert response.status_code == 200, slug
        assert_valid_bundle(response.json())


def test_conditional_get_gives_304_with_the_same_validators(client):
    first = client.get(PATH)

    by_etag = client.get(PATH, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(PATH, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    stale = client.get(PATH, HTTP_IF_NONE_MATCH='"not-the-current-one"')

    assert (
        by_etag.status_code == 304 and by_etag.content == b"" and by_etag["ETag"] == first["ETag"]
    )
    assert by_date.status_code == 304
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.parametrize("slug", ["no-such-review", "draft-only"])
def test_unknown_or_draft_slug_is_a_404_json(client, slug):
    index = TherapyIndexPage.objects.get()
    draft = TherapyPage(title="Draft only", slug="draft-only", tagline="Not published.", live=False)
    index.add_child(instance=draft)
    draft.save_revision()

    response = client.get(f"/api/v1/fhir/therapies/{slug}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == {"field", "message"}


def test_a_saved_draft_is_not_exposed_and_a_publish_changes_the_etag(client):
    before = client.get(PATH)
    ldn = TherapyPage.objects.get(slug=LDN)
    ldn.tagline = "An unpublished draft tagline."
    ldn.save_revision()

    unchanged = client.get(PATH, HTTP_IF_NONE_MATCH=before["ETag"])
    assert unchanged.status_code == 304

    ldn.tagline = "A newly published tagline."
    ldn.save_revision().publish()
    after = client.get(PATH, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    therapy = _resources(after.json(), "MedicinalProductDefinition")[0]
    assert therapy["description"] == "A newly published tagline."


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?_format=json", 200, None),
        ("?_format=application/fhir%2Bjson", 200, None),
        ("?_format=xml", 400, "_format"),
        ("?_summary=true", 400, "_summary"),
    ],
)
def test_query_parameters(client, query, status, field):
    response = client.get(PATH + query)

    assert response.status_code == status
    if field:
        assert response.json()["error"]["field"] == field


def test_canonical_urls_use_the_configured_site_not_the_host_header(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://carechoices.example"

    bundle = client.get(PATH, HTTP_HOST="localhost").json()

    assert bundle["link"][0]["url"] == f"https://carechoices.example{PATH}"
    assert all(
        e["resource"]["url"].startswith("https://carechoices.example/fhir/")
        for e in bundle["entry"]
        if "url" in e["resource"]
    )


def test_the_endpoint_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/fhir/therapies/{slug}"][
        "get"
    ]

    assert "application/fhir+json" in operation["responses"]["200"]["content"]
    assert "404" in operation["responses"]


def test_constants_match_the_content_they_mirror():
    assert fhir_api.MEDIA_TYPE == fhir.MEDIA_TYPE
    assert fhir.FREQUENCIES == dict(FREQUENCY_CHOICES)
