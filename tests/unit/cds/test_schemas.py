"""Our JSON Schema and pydantic models agree with the HL7 examples, and forbid empty JSON."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from carechoices.cds import schemas
from carechoices.cds.services import discovery
from tests.unit.cds.checks import empty_values, fixture, validator


def test_the_schema_accepts_hl7s_card_response():
    example = fixture("hl7-card-response.json")
    assert not list(validator("response").iter_errors(example))
    schemas.CdsResponse.model_validate(example)


def test_hl7s_autolaunchable_example_lacks_the_required_indicator():
    """An erratum of the 2.0.1 example: ``indicator`` is REQUIRED by the Card table, and missing."""
    errors = [error.message for error in validator("response").iter_errors(fixture("hl7-card-response-autolaunchable.json"))]
    assert errors == ["'indicator' is a required property"]
    card = fixture("hl7-card-response-autolaunchable.json")
    card["cards"][0]["indicator"] = "info"
    assert not list(validator("response").iter_errors(card))
    schemas.CdsResponse.model_validate(card)


@pytest.mark.parametrize("name", ["hl7-discovery-response.json", "hl7-discovery-extension.json"])
def test_the_schema_accepts_hl7s_discovery_responses(name):
    assert not list(validator("discovery").iter_errors(fixture(name)))


@pytest.mark.parametrize(
    "name", ["hl7-feedback-accepted.json", "hl7-feedback-overridden.json", "hl7-feedback-override-reason.json"]
)
def test_hl7s_feedback_examples_parse(name):
    request = schemas.FeedbackRequest.model_validate(fixture(name))
    assert request.feedback[0].card


@pytest.mark.parametrize("name", ["hl7-patient-view-request.json", "hl7-request-extension.json"])
def test_hl7s_requests_parse(name):
    request = schemas.CdsRequest.model_validate(fixture(name))
    assert request.hook == "patient-view"


@pytest.mark.parametrize(
    "bad",
    [
        {"summary": ""},
        {"summary": "   "},
        {"summary": "x" * 140},
        {"detail": ""},
        {"links": []},
        {"overrideReasons": [{"system": "s", "code": "c"}]},
        {"suggestions": [{"label": "Do it"}]},
        {"indicator": "hard-stop"},
    ],
)
def test_cards_refuse_what_the_specification_forbids(bad):
    card = {"summary": "A card", "indicator": "info", "source": {"label": "CareChoices"}, **bad}
    with pytest.raises(ValidationError):
        schemas.Card.model_validate(card)
    assert list(validator("card").iter_errors(card))


def test_a_link_with_app_context_must_be_smart():
    with pytest.raises(ValidationError):
        schemas.Link(label="App", url="https://example.org", type="absolute", appContext="x")


def test_optional_fields_are_omitted_never_null():
    card = schemas.Card(summary="A card", indicator="info", source=schemas.Source(label="CareChoices"))
    assert card.as_json() == {"summary": "A card", "indicator": "info", "source": {"label": "CareChoices"}}


@pytest.mark.parametrize("jwt_required", [False, True])
def test_our_discovery_is_valid_and_says_whether_jwts_are_checked(jwt_required):
    document = discovery(jwt_required=jwt_required).as_json()
    assert not list(validator("discovery").iter_errors(document))
    assert not empty_values(document)
    assert [s["id"] for s in document["services"]] == ["order-select", "order-sign", "patient-view"]
    usage = document["services"][0]["usageRequirements"]
    assert ("JWT checking is off" in usage) is not jwt_required
    assert document["services"][0]["prefetch"]["medications"] == (
        "MedicationRequest?patient={{context.patientId}}&status=active"
    )


@pytest.mark.parametrize("stamp", ["2021-12-11T10:05:31Z", "1985-04-12T23:20:50.52Z", "2020-12-11T00:00:00+01:00"])
def test_feedback_timestamps_rfc3339(stamp):
    schemas.FeedbackItem(card="c", outcome="accepted", outcomeTimestamp=stamp)


@pytest.mark.parametrize("stamp", ["2021-12-11", "yesterday", "2021-13-11T10:05:31Z"])
def test_feedback_timestamps_refused(stamp):
    with pytest.raises(ValidationError):
        schemas.FeedbackItem(card="c", outcome="accepted", outcomeTimestamp=stamp)


def test_issuer_config_needs_keys_and_https():
    assert schemas.IssuerConfig.model_validate({"jwks_url": "https://ehr.example/jwks"}).jwks_urls == [
        "https://ehr.example/jwks"
    ]
    for bad in ({}, {"jwks_url": "http://ehr.example/jwks"}, {"jwks": {"nope": 1}}, {"jwks_urls": [], "other": 1}):
        with pytest.raises(ValidationError):
            schemas.IssuerConfig.model_validate(bad)
