"""Feedback: counted per service, rule, outcome and our override reason; nothing else is kept."""

from __future__ import annotations

import json

import pytest

from carechoices.cds.models import CardFeedback
from tests.unit.cds import builders as b
from tests.unit.cds.checks import check_outcome, fixture

pytestmark = pytest.mark.django_db


def issued_card(client) -> dict:
    body = b.cds_request("order-sign", drafts=[b.ldn_draft()], medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")])
    return client.post("/cds-services/order-sign", json.dumps(body), content_type="application/json").json()["cards"][0]


def send(client, items: list[dict], service: str = "order-sign", status: int = 200):
    response = client.post(f"/cds-services/{service}/feedback", json.dumps({"feedback": items}), content_type="application/json")
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def counts() -> list[tuple]:
    return list(CardFeedback.objects.values_list("service", "therapy", "rule", "outcome", "reason", "count"))


def test_feedback_on_our_cards_is_counted_by_rule_outcome_and_reason(client):
    card = issued_card(client)
    reason = card["overrideReasons"][0]
    stamp = "2026-12-01T10:05:31Z"
    answer = send(client, [
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": stamp,
         "overrideReason": {"reason": reason, "userComment": "Patient Jane Doe stops oxycodone on Friday"}},
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": stamp,
         "overrideReason": {"reason": {"system": "https://ehr.example/reasons", "code": "free-text-here"}}},
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": stamp},
        {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": stamp, "acceptedSuggestions": [{"id": "x"}]},
    ])
    assert answer == {"counted": 4, "not_counted": 0}
    assert counts() == [
        ("order-sign", "low-dose-naltrexone", "opioid-medicines", "accepted", "", 1),
        ("order-sign", "low-dose-naltrexone", "opioid-medicines", "overridden", "", 1),
        ("order-sign", "low-dose-naltrexone", "opioid-medicines", "overridden", reason["code"], 1),
        ("order-sign", "low-dose-naltrexone", "opioid-medicines", "overridden", "other", 1),
    ]
    send(client, [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": stamp}])
    assert ("order-sign", "low-dose-naltrexone", "opioid-medicines", "overridden", "", 2) in counts()
    stored = json.dumps(list(CardFeedback.objects.values()))
    for secret in ("Jane Doe", "free-text-here", card["uuid"], stamp):
        assert secret not in stored


def test_cards_we_did_not_issue_or_of_another_service_are_not_counted(client):
    card = issued_card(client)
    examples = [item for name in ("hl7-feedback-accepted.json", "hl7-feedback-overridden.json", "hl7-feedback-override-reason.json")
                for item in fixture(name)["feedback"]]
    assert send(client, examples) == {"counted": 0, "not_counted": 3}
    item = {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-01T10:05:31Z"}
    assert send(client, [item], service="patient-view") == {"counted": 0, "not_counted": 1}
    assert counts() == []


@pytest.mark.parametrize(
    "body",
    [
        {"feedback": []},
        {"feedback": [{"card": "c", "outcome": "ignored", "outcomeTimestamp": "2026-12-01T10:05:31Z"}]},
        {"feedback": [{"card": "c", "outcome": "accepted"}]},
        {"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "yesterday"}]},
        {"nothing": 1},
    ],
)
def test_malformed_feedback_is_400(client, body):
    response = client.post("/cds-services/order-sign/feedback", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    check_outcome(response.json())


def test_feedback_for_an_unknown_service_is_404(client):
    response = client.post("/cds-services/nope/feedback", "{}", content_type="application/json")
    assert response.status_code == 404


def test_every_kind_of_card_can_be_counted(client):
    """Findings, "already taking", "no known concerns" and "not checked" cards all decode."""
    requests = [
        b.cds_request("order-sign", drafts=[b.ldn_draft()], statements=[b.statement(text="LDN 4.5 mg")]),
        b.cds_request("order-sign", drafts=[b.ldn_draft()]),
        b.cds_request("order-sign", drafts=[b.ldn_draft()], medications=[b.med_request(None, code="1049621")]),
        b.cds_request("order-sign", drafts=[b.draft("cholecalciferol 1000 UNT Oral Capsule")],
                      medications=[b.med_request("ibuprofen 400 MG Oral Tablet")]),
    ]
    issued = []
    for body in requests:
        response = client.post("/cds-services/order-sign", json.dumps(body), content_type="application/json")
        issued += response.json()["cards"]
    items = [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-01T10:05:31Z"} for card in issued]
    assert send(client, items) == {"counted": len(issued), "not_counted": 0}
    assert {(therapy, rule) for _, therapy, rule, *_ in counts()} == {
        ("low-dose-naltrexone", "already-taking-naltrexone"),
        ("low-dose-naltrexone", "no-known-concerns"),
        ("", "not-checked"),
        ("vitamin-d", "nsaids-adenoma-recurrence"),
    }
