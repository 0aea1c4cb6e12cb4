"""Oversized numbers, deep nesting and huge bodies are a 4xx naming the field on every POST endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cds"
HUGE_INTEGER = "9" * 4301  # one digit over Python's limit for int(str)

SCREEN = '{"therapies": ["low-dose-naltrexone"], "medicines": ["tramadol"], "dose_mg": %s}'
SCREEN_NESTED = '{"medicines": ["tramadol"], "procedures": [{"type": "surgery", "date": %s}]}'
PLAN = '{"therapy": "low-dose-naltrexone", "start_date": "2030-01-01", "start_dose_mg": %s}'
ENDPOINTS = [
    ("/api/v1/screen", SCREEN, "dose_mg"),
    ("/api/v1/screen", SCREEN_NESTED, "procedures[0].date"),
    ("/api/v1/plan", PLAN, "start_dose_mg"),
    ("/api/v1/plan.ics", PLAN, "start_dose_mg"),
    ("/api/v1/plan.pdf", PLAN, "start_dose_mg"),
]
CDS_SERVICES = ["/cds-services/order-sign", "/cds-services/order-select", "/cds-services/patient-view"]


def _post(client, path, body: str | bytes):
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize(("path", "template", "field"), ENDPOINTS)
def test_an_integer_over_4300_digits_is_a_422_naming_the_field(client, path, template, field):
    response = _post(client, path, template % HUGE_INTEGER)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["field"] == field
    assert "digits" in response.json()["error"]["message"]


@pytest.mark.parametrize(("path", "template", "field"), ENDPOINTS)
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_carry_are_a_422_naming_the_field(client, path, template, field, literal):
    response = _post(client, path, template % literal)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("path", [path for path, _, _ in ENDPOINTS])
def test_deep_nesting_is_a_400_naming_the_body(client, path):
    response = _post(client, path, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


@pytest.mark.parametrize("path", [path for path, _, _ in ENDPOINTS])
def test_a_huge_body_is_a_413_naming_the_body(client, path):
    response = _post(client, path, '{"medicines": ["' + "x" * 2_000_000 + '"]}')
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "body"


def _cds_request(**replace) -> str:
    body = json.loads((FIXTURES / "ldn-order-sign-oxycodone.json").read_text())
    body.update(replace)
    return json.dumps(body)


@pytest.mark.parametrize("path", CDS_SERVICES)
def test_cds_hooks_name_an_oversized_integer(client, path):
    body = _cds_request().replace('"hookInstance"', f'"hugeNumber": {HUGE_INTEGER}, "hookInstance"', 1)
    response = _post(client, path, body)
    assert response.status_code == 400, response.content[:300]
    issue = response.json()["issue"][0]
    assert issue["expression"] == ["hugeNumber"]
    assert "digits" in issue["diagnostics"]


@pytest.mark.parametrize("path", CDS_SERVICES)
def test_cds_hooks_refuse_deep_nesting_and_huge_bodies(client, path):
    assert _post(client, path, "[" * 100_000 + "]" * 100_000).status_code == 400
    assert _post(client, path, '{"a": "' + "x" * 6_000_000 + '"}').status_code == 413


def test_cds_feedback_names_an_oversized_integer(client):
    body = '{"feedback": [{"card": "x", "outcome": "accepted", "outcomeTimestamp": ' + HUGE_INTEGER + "}]}"
    response = _post(client, "/cds-services/order-sign/feedback", body)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["issue"][0]["expression"] == ["feedback[0].outcomeTimestamp"]


@pytest.mark.parametrize("number", [HUGE_INTEGER, "NaN", "Infinity", "1e999999"])
@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/screen/", {"medicines": "tramadol"}, "dose_mg"),
        ("/therapies/low-dose-naltrexone/check/", {"medicines": "tramadol"}, "dose_mg"),
        ("/plan/", {"therapy": "low-dose-naltrexone", "start_date": "2030-01-01"}, "start_dose_mg"),
    ],
)
def test_forms_show_an_error_next_to_a_number_they_cannot_take(client, path, form, field, number):
    response = client.post(path, {**form, field: number})
    assert response.status_code in (200, 400)  # the form again with its error, never a 500
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
