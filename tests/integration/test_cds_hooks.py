"""CDS Hooks: discovery, the three services on realistic LDN charts, HL7's own examples.

Every answer goes through ``checks``: the JSON Schema written from the 2.0.1 tables, no null or
empty value anywhere, never the word "safe".
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from tests.unit.cds import builders as b
from tests.unit.cds.checks import check_answer, check_outcome, fixture

pytestmark = pytest.mark.django_db

LDN = "low-dose-naltrexone"


def post(client, service: str, body, *, status: int = 200, raw: bool = False, **headers):
    data = body if raw else json.dumps(body)
    response = client.post(f"/cds-services/{service}", data, content_type="application/json", **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in response["Cache-Control"]
    payload = response.json()
    if status == 200:
        check_answer(payload)
    else:
        check_outcome(payload)
    return payload


def cards(client, service: str, body) -> list[dict]:
    return post(client, service, body)["cards"]


def topics(found: list[dict]) -> list[tuple[str, str]]:
    return [(card["indicator"], card["source"]["topic"]["code"]) for card in found]


def today() -> datetime.date:
    return timezone.now().date()


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


def test_discovery_lists_the_three_services_with_prefetch(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    check_answer(document, "discovery")
    services = {service["id"]: service for service in document["services"]}
    assert {sid: s["hook"] for sid, s in services.items()} == {
        "order-select": "order-select", "order-sign": "order-sign", "patient-view": "patient-view"
    }
    prefetch = services["order-sign"]["prefetch"]
    assert prefetch == {
        "medications": "MedicationRequest?patient={{context.patientId}}&status=active",
        "statements": "MedicationStatement?patient={{context.patientId}}&status=active",
        "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
        "procedures": "ServiceRequest?patient={{context.patientId}}&status=active",
        "plannedProcedures": "Procedure?patient={{context.patientId}}&status=preparation",
    }
    assert "JWT checking is off" in services["patient-view"]["usageRequirements"]


def test_cors_preflight_and_methods(client):
    for path in ("/cds-services", "/cds-services/order-sign", "/cds-services/order-sign/feedback"):
        response = client.options(path, HTTP_ORIGIN="https://ehr.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                  HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type")
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert client.get("/cds-services/order-sign").status_code == 405
    assert client.post("/cds-services", "{}", content_type="application/json").status_code == 405
    missing = client.post("/cds-services/no-such-service", "{}", content_type="application/json")
    assert missing.status_code == 404 and missing.json()["resourceType"] == "OperationOutcome"


# --------------------------------------------------------------------------------------------
# A draft order for LDN
# --------------------------------------------------------------------------------------------


def test_ldn_ordered_for_a_patient_on_oxycodone_is_critical(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")]
    ))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines")]
    card = found[0]
    assert card["summary"] == "Avoid: Low-dose naltrexone (LDN) ordered — Opioid medicines: oxycodone hydrochloride"
    assert card["source"]["url"].endswith(f"/therapies/{LDN}/safety/#rule-opioid-medicines")
    assert card["source"]["url"].startswith("http://testserver/")
    assert [link["type"] for link in card["links"]] == ["absolute", "absolute"]
    assert card["links"][1]["url"].endswith(f"/therapies/{LDN}/check/")
    assert {reason["code"] for reason in card["overrideReasons"]} >= {"benefit-outweighs-risk", "plan-in-place"}
    assert "oxycodone hydrochloride 5 MG Oral Tablet (active order)" in card["detail"]
    assert "dose considered: 4.5 mg" in card["detail"]
    assert "suggestions" not in card


def test_cards_agree_with_the_public_screen(client):
    """The CDS service and POST /api/v1/screen run the same engine on the same rules."""
    screen = client.post("/api/v1/screen", json.dumps({
        "therapies": [LDN], "medicines": ["oxycodone hydrochloride 5 MG Oral Tablet", "Levothyroxine Sodium 0.075 MG Oral Tablet"],
        "conditions": ["Hashimoto thyroiditis"], "dose_mg": 4.5,
    }), content_type="application/json").json()
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()],
        medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet"), b.med_request("Levothyroxine Sodium 0.075 MG Oral Tablet")],
        conditions=[b.condition("Hashimoto thyroiditis")],
    ))
    assert [f"{LDN}/{f['rule']}" for f in screen["therapies"][0]["findings"]] == [card["source"]["topic"]["code"] for card in found]


def test_ldn_with_levothyroxine_and_hashimotos_is_a_warning(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()],
        medications=[b.med_request("Levothyroxine Sodium 0.075 MG Oral Tablet")],
        conditions=[b.condition("Hashimoto thyroiditis")],
    ))
    assert topics(found) == [("warning", f"{LDN}/hashimotos-thyroid-hormone")]
    assert "Hashimoto" in found[0]["summary"] and "lowest dose" in found[0]["detail"]


def test_ldn_with_surgery_next_week_is_a_warning_with_the_dates_in_words(client):
    day = today() + datetime.timedelta(days=7)
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], procedures=[b.surgery("Laparoscopic cholecystectomy", day)]
    ))
    assert topics(found) == [("warning", f"{LDN}/surgery")]
    card = found[0]
    from carechoices.screening.wording import human_date, human_date_range

    window = human_date_range(day - datetime.timedelta(days=2), day - datetime.timedelta(days=1))
    assert card["summary"].endswith(f"; stop {window}")
    assert f"Surgery on {human_date(day)} (in 7 days)" in card["detail"]
    assert f"Stop Low-dose naltrexone (LDN) {window} (1–2 days before)" in card["detail"]
    assert f"Laparoscopic cholecystectomy (planned for {human_date(day)})" in card["detail"]
    assert "Restart: when your physician clears it" in card["detail"]


def test_surgery_tomorrow_says_the_stop_days_have_passed(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], procedures=[b.surgery("Mastectomy", today() + datetime.timedelta(days=1))]
    ))
    assert found[0]["summary"].endswith("; stop today at the latest")


def test_a_medicine_coded_only_in_rxnorm_is_named_on_an_info_card(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], medications=[b.med_request(None, code="1049621")]
    ))
    assert topics(found) == [("info", "not-checked")]
    assert found[0]["summary"].startswith("Not checked: RxNorm code 1049621")
    assert "screen of Low-dose naltrexone (LDN) is incomplete" in found[0]["detail"]


def test_no_known_concerns_gives_one_quiet_info_card_for_an_ordered_therapy(client):
    """Our documented choice: an order of a reviewed therapy with nothing found says what was checked."""
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()],
        medications=[b.med_request("metformin hydrochloride 500 MG Oral Tablet")],
        conditions=[b.condition("Hypothyroidism")],
    ))
    assert topics(found) == [("info", f"{LDN}/no-known-concerns")]
    assert found[0]["summary"].startswith("No known concerns found for Low-dose naltrexone (LDN)")
    assert "1 medicines, 1 conditions and 0 planned surgeries" in found[0]["detail"]
    assert "overrideReasons" not in found[0]


def test_an_unrecognised_medicine_or_null_prefetch_is_never_no_known_concerns(client):
    unrecognised = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], medications=[b.med_request("zebrafentanyl-7731")]
    ))
    assert topics(unrecognised) == [("info", "not-checked")]
    null = cards(client, "order-sign", b.cds_request("order-sign", drafts=[b.ldn_draft()], prefetch={"statements": None}))
    assert topics(null) == [("info", "not-checked")]
    assert "the EHR sent no data" in null[0]["summary"]


def test_full_dose_naltrexone_with_liver_disease(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft(50)], conditions=[b.condition("Liver cirrhosis")]
    ))
    assert topics(found) == [("warning", f"{LDN}/liver-disease-full-dose")]
    assert "above the highest dose in this review's dosing protocols (4.5 mg)" in found[0]["detail"]
    low = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], conditions=[b.condition("Liver cirrhosis")]
    ))
    assert topics(low) == [("info", f"{LDN}/liver-disease-full-dose")]
    assert "the dose considered is 4.5 mg" in low[0]["detail"]


def test_a_compounded_ldn_statement_already_on_the_chart_is_a_duplicate(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], statements=[b.statement(text="LDN 4.5 mg")]
    ))
    assert topics(found) == [("warning", f"{LDN}/already-taking-naltrexone")]


def test_a_supplement_we_review_is_matched_by_its_active_ingredient(client):
    found = cards(client, "order-select", b.cds_request(
        "order-select", drafts=[b.draft("cholecalciferol 1000 UNT Oral Capsule", rid="vd"), b.draft("metformin", rid="m")],
        medications=[b.med_request("ibuprofen 400 MG Oral Tablet")], selections=["MedicationRequest/vd"],
    ))
    assert topics(found) == [("warning", "vitamin-d/nsaids-adenoma-recurrence")]
    assert found[0]["summary"].startswith("Caution: Vitamin D ordered")


def test_a_therapy_whose_interactions_are_not_reviewed_says_so(client):
    found = cards(client, "order-sign", b.cds_request("order-sign", drafts=[b.draft("melatonin 3 mg")]))
    assert topics(found) == [("info", "not-checked")]
    assert "Melatonin: interactions and contraindications not yet reviewed" in found[0]["detail"]


# --------------------------------------------------------------------------------------------
# Another medicine ordered for a patient on LDN
# --------------------------------------------------------------------------------------------


def test_tramadol_ordered_for_a_patient_on_ldn(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.draft("tramadol hydrochloride 50 MG Oral Tablet")],
        statements=[b.statement(text="Low dose naltrexone 4.5 mg", dose_mg=4.5)],
    ))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines")]
    assert found[0]["summary"] == (
        "Avoid: tramadol hydrochloride ordered; the patient takes Low-dose naltrexone (LDN) — Opioid medicines"
    )
    assert "**The patient takes:** Low dose naltrexone 4.5 mg; dose considered: 4.5 mg" in found[0]["detail"]


def test_an_order_only_shows_what_it_adds(client):
    """Oxycodone was on the chart before: only the new tramadol order is carded on order-select."""
    found = cards(client, "order-select", b.cds_request(
        "order-select", drafts=[b.draft("tramadol hydrochloride 50 MG Oral Tablet", rid="t"), b.draft("metformin", rid="m")],
        selections=["MedicationRequest/m"],
        medications=[b.med_request("naltrexone 4.5 MG Oral Capsule"), b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")],
    ))
    assert found == []
    found = cards(client, "order-select", b.cds_request(
        "order-select", drafts=[b.draft("tramadol hydrochloride 50 MG Oral Tablet", rid="t")], selections=["MedicationRequest/t"],
        medications=[b.med_request("naltrexone 4.5 MG Oral Capsule"), b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")],
    ))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines")]
    assert found[0]["summary"].startswith("Avoid: tramadol hydrochloride ordered;")
    assert "**In the new order:**\n- tramadol hydrochloride 50 MG Oral Tablet (draft order)" in found[0]["detail"]
    assert "**Also on the chart (before this order):**\n- oxycodone" in found[0]["detail"]


def test_surgery_ordered_for_a_patient_on_ldn(client):
    day = today() + datetime.timedelta(days=10)
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.surgery("Right hemicolectomy", day, status="draft")],
        statements=[b.statement(text="LDN 3 mg")],
    ))
    assert topics(found) == [("warning", f"{LDN}/surgery")]
    assert found[0]["summary"].startswith("Caution: surgery ordered; the patient takes Low-dose naltrexone (LDN)")
    assert "**In the new order:**\n- Right hemicolectomy (planned for" in found[0]["detail"]


def test_an_unrelated_order_for_an_unrelated_chart_has_no_cards(client):
    assert cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.draft("amoxicillin 500 MG Oral Capsule")], medications=[b.med_request("metformin")],
        conditions=[b.condition("Essential hypertension")],
    )) == []


# --------------------------------------------------------------------------------------------
# patient-view
# --------------------------------------------------------------------------------------------


def test_patient_view_one_card_per_concern(client):
    found = cards(client, "patient-view", b.cds_request(
        "patient-view",
        statements=[b.statement(text="Low dose naltrexone 4.5 mg")],
        medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")],
        procedures=[b.surgery("Mastectomy", today() + datetime.timedelta(days=14))],
    ))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines"), ("warning", f"{LDN}/surgery")]
    assert found[0]["summary"].startswith("Avoid: the patient takes Low-dose naltrexone (LDN)")


def test_patient_view_without_concerns_or_therapies_is_quiet(client):
    assert cards(client, "patient-view", b.cds_request(
        "patient-view", statements=[b.statement(text="LDN 4.5 mg")], medications=[b.med_request("metformin")]
    )) == []
    assert cards(client, "patient-view", b.cds_request("patient-view", medications=[b.med_request("metformin")])) == []


def test_patient_view_names_a_medicine_it_cannot_recognise(client):
    found = cards(client, "patient-view", b.cds_request("patient-view", medications=[b.med_request("zebrafentanyl-7731")]))
    assert topics(found) == [("info", "not-checked")]
    assert "a therapy CareChoices reviews" in found[0]["detail"]


# --------------------------------------------------------------------------------------------
# Prefetch, fallbacks and real clients
# --------------------------------------------------------------------------------------------


def test_missing_required_prefetch_is_412_naming_the_keys(client):
    body = b.cds_request("order-sign", drafts=[b.ldn_draft()], prefetch={"conditions": ..., "procedures": ...})
    body["fhirServer"] = "https://ehr.example/fhir"  # we never query it
    outcome = post(client, "order-sign", body, status=412)
    assert outcome["issue"][0]["expression"] == ["prefetch.conditions", "prefetch.procedures"]
    del body["prefetch"]
    post(client, "order-sign", body, status=412)


def test_a_prefetch_error_for_a_required_key_is_412(client):
    body = b.cds_request("patient-view", prefetch={
        "medications": {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}
    })
    assert post(client, "patient-view", body, status=412)["issue"][0]["expression"] == ["prefetch.medications"]


def test_hl7s_patient_view_example_asks_for_our_prefetch(client):
    post(client, "patient-view", fixture("hl7-patient-view-request.json"), status=412)


@pytest.mark.parametrize(
    ("name", "hook"),
    [
        ("hl7-order-sign-r4-context.json", "order-sign"),
        ("hl7-order-sign-stu3-context.json", "order-sign"),
        ("hl7-order-select-r4-context.json", "order-select"),
    ],
)
def test_hl7s_order_examples_answer_schema_valid_cards(client, name, hook):
    found = cards(client, hook, b.wrapped(fixture(name), hook))
    # Amoxicillin/clavulanate is recognised and no reviewed therapy is involved; the nutrition
    # order's supplement is a product we cannot recognise, and says so.
    assert topics(found) == [("info", "not-checked")]
    assert "Ensure Pudding 4 oz container (draft nutrition order): not recognised" in found[0]["detail"]


def test_hl7s_patient_view_example_with_our_prefetch(client):
    body = fixture("hl7-patient-view-request.json")
    body["prefetch"].update(b.cds_request("patient-view")["prefetch"])
    assert cards(client, "patient-view", body) == []


def test_sandbox_style_requests_are_tolerated(client):
    """No Bundle type, category as an object, no intent, an entry without a resource."""
    order = b.ldn_draft()
    del order["intent"]
    order["category"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "outpatient"}]}
    body = b.cds_request("order-select", drafts=[order], selections=["MedicationRequest/draft-ldn"],
                         medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")])
    del body["context"]["draftOrders"]["type"]
    body["context"]["draftOrders"]["entry"].append({"fullUrl": "urn:uuid:0"})
    found = cards(client, "order-select", body)
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines"), ("info", "not-checked")]
    assert "an entry with no resource in it" in found[1]["detail"]


def test_a_stopped_opioid_is_not_a_concern(client):
    found = cards(client, "order-sign", b.cds_request(
        "order-sign", drafts=[b.ldn_draft()], medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet", status="stopped")]
    ))
    assert topics(found) == [("info", f"{LDN}/no-known-concerns")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        (json.dumps([1, 2]), None),
        (json.dumps({"hook": "order-sign", "hookInstance": "x"}), "context"),
        (json.dumps({"hook": "patient-view", "hookInstance": "x", "context": {}, "prefetch": {}}), "hook"),
    ],
)
def test_unreadable_requests_are_400_naming_the_field(client, body, field):
    outcome = post(client, "order-sign", body, status=400, raw=True)
    if field:
        assert outcome["issue"][0]["diagnostics"].startswith(field)


def test_order_hooks_need_draft_orders(client):
    body = b.cds_request("order-sign")
    del body["context"]["draftOrders"]
    outcome = post(client, "order-sign", body, status=400)
    assert outcome["issue"][0]["expression"] == ["context.draftOrders"]


def test_an_oversized_body_is_413(client, monkeypatch):
    from carechoices.cds import views

    monkeypatch.setattr(views, "MAX_BODY_BYTES", 1000)
    post(client, "order-sign", b.cds_request("order-sign", medications=[b.med_request("metformin")] * 20), status=413)


def test_the_docs_curl_example(client):
    found = cards(client, "order-sign", fixture("ldn-order-sign-oxycodone.json"))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines")]


def test_a_chart_bigger_than_the_sites_form_limit_is_read(client):
    """Prefetch can be far bigger than a screen request (Django's 1 MB limit is for forms)."""
    order = b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")
    order["text"] = {"status": "generated", "div": "<div>" + "x" * 1_500_000 + "</div>"}
    found = cards(client, "order-sign", b.cds_request("order-sign", drafts=[b.ldn_draft()], medications=[order]))
    assert topics(found) == [("critical", f"{LDN}/opioid-medicines")]


def test_a_body_that_is_not_json_is_415(client):
    response = client.post("/cds-services/order-sign", "hook=order-sign", content_type="text/plain")
    assert response.status_code == 415
    check_outcome(response.json())
