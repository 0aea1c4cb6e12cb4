"""Nothing a CDS Hooks request carries is stored, cached, logged or put in an error report."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from carechoices.cds import views
from carechoices.cds.models import CardFeedback
from tests.unit.cds import builders as b

pytestmark = pytest.mark.django_db

SECRET_MEDICINE = "zebrafentanyl-7731"
SECRET_CONDITION = "quokka-syndrome-5512"
SECRET_PATIENT = "patient-secret-4242"


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def secret_request(hook: str) -> dict:
    body = b.cds_request(
        hook,
        drafts=[b.ldn_draft()],
        medications=[b.med_request(SECRET_MEDICINE), b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")],
        conditions=[b.condition(SECRET_CONDITION)],
    )
    return json.loads(json.dumps(body).replace(b.PATIENT, SECRET_PATIENT))


def logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args} {r.exc_text or ''}" for r in caplog.records)


def test_services_and_feedback_store_and_log_nothing(client, caplog):
    caplog.set_level(logging.DEBUG)
    before = row_counts()
    answers = []
    for hook in ("order-select", "order-sign", "patient-view"):
        response = client.post(f"/cds-services/{hook}", json.dumps(secret_request(hook)), content_type="application/json")
        assert response.status_code == 200
        answers.append(response.json())
    # The answer names what it could not recognise (that is its job) ...
    assert SECRET_MEDICINE in json.dumps(answers)
    # ... and broken requests are refused without echoing them.
    bad = client.post("/cds-services/order-sign", json.dumps({"hook": SECRET_MEDICINE}), content_type="application/json")
    assert bad.status_code == 400 and SECRET_MEDICINE not in bad.content.decode()
    card = answers[1]["cards"][0]
    feedback = {"feedback": [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-01T10:00:00Z",
                              "overrideReason": {"userComment": f"{SECRET_PATIENT} {SECRET_MEDICINE}"}}]}
    assert client.post("/cds-services/order-sign/feedback", json.dumps(feedback), content_type="application/json").status_code == 200

    after = row_counts()
    assert {label: count for label, count in after.items() if label != "cds.CardFeedback"} == {
        label: count for label, count in before.items() if label != "cds.CardFeedback"
    }
    stored = json.dumps(list(CardFeedback.objects.values()))
    cached = b"".join(cache._cache.values()).decode("latin-1")
    text = logged(caplog)
    for secret in (SECRET_MEDICINE, SECRET_CONDITION, SECRET_PATIENT):
        assert secret not in stored and secret not in cached and secret not in text


def test_answers_are_never_cached(client):
    response = client.post("/cds-services/order-sign", json.dumps(secret_request("order-sign")), content_type="application/json")
    assert "no-store" in response["Cache-Control"]


def test_an_unexpected_failure_logs_no_request_content(client, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)

    def broken(request, *args, **kwargs):
        # The worst case: an exception whose message carries what the request said.
        raise RuntimeError(" ".join(request.medicines + request.conditions))

    monkeypatch.setattr("carechoices.cds.screen.screen", broken)
    response = client.post("/cds-services/order-sign", json.dumps(secret_request("order-sign")), content_type="application/json")
    assert response.status_code == 500
    assert response.json()["resourceType"] == "OperationOutcome"
    text = logged(caplog)
    assert "RuntimeError" in text
    for secret in (SECRET_MEDICINE, SECRET_CONDITION, SECRET_PATIENT):
        assert secret not in text and secret not in response.content.decode()


def test_error_reports_of_cds_requests_show_no_variables():
    body = json.dumps(secret_request("order-sign"))
    request = RequestFactory().post("/cds-services/order-sign", body, content_type="application/json")
    request.exception_reporter_filter = views._NothingFromTheRequest()

    def handle(payload: str) -> None:
        medicines = json.loads(payload)["prefetch"]["medications"]  # noqa: F841 - a local in the report
        raise ValueError("boom")

    try:
        handle(body)
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text() + report.get_traceback_html()
    for secret in (SECRET_MEDICINE, SECRET_CONDITION, SECRET_PATIENT):
        assert secret not in text
