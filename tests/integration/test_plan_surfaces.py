"""The start plan through the page, the API (JSON, iCalendar, PDF) and the CLI."""

from __future__ import annotations

import datetime
import io
import json
import re

import icalendar
import pytest
from pypdf import PdfReader

from carechoices.cli import main as cli_main

pytestmark = pytest.mark.django_db

START = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
SURGERY = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
BASE = {"therapy": "low-dose-naltrexone", "start_date": START, "time_zone": "Europe/London"}


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_standard_plan_is_the_fully_stated_three_step_schedule(client):
    plan = post(client, "/api/v1/plan", BASE).json()
    assert plan["protocol"]["id"] == "three-step-schedule"
    assert [s["dose_mg"] for s in plan["steps"]] == [1.5, 3, 4.5]
    assert [(s["min_days"], s["max_days"]) for s in plan["steps"]] == [(7, 14), (7, 14), (None, None)]
    start = datetime.date.fromisoformat(START)
    assert [(s["start"], s["latest_start"]) for s in plan["steps"]] == [
        (START, START),
        ((start + datetime.timedelta(days=7)).isoformat(), (start + datetime.timedelta(days=14)).isoformat()),
        ((start + datetime.timedelta(days=14)).isoformat(), (start + datetime.timedelta(days=28)).isoformat()),
    ]
    assert all(s["timing"] == "at bedtime" for s in plan["steps"])
    assert {r["id"] for r in plan["references"]} >= {"lavendersky-naltrexone"}
    assert plan["first_dose_date"] == START
    assert plan["verdict"] == "no-known-concerns" and not plan["stopped"]


def test_weekly_protocol_needs_and_uses_the_prescribers_start_dose(client):
    missing = post(client, "/api/v1/plan", {**BASE, "protocol": "weekly-1-mg-steps"})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "start_dose_mg"
    plan = post(client, "/api/v1/plan", {**BASE, "protocol": "weekly-1-mg-steps", "start_dose_mg": 0.5}).json()
    assert [s["dose_mg"] for s in plan["steps"]] == [0.5, 1.5, 2.5, 3.5, 4.5]
    assert {r["id"] for r in plan["references"]} >= {"elsegood2016"}


@pytest.mark.parametrize("medicine", ["oxycodone", "tramadol", "loperamide", "Robitussin DM", "Duragesic"])
def test_opioid_plan_dates_no_first_dose_without_the_prescribers_date(client, medicine):
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": [medicine]}).json()
    assert plan["first_dose_date"] is None and "ask your prescriber" in plan["first_dose_note"]
    assert all(s["start"] is None for s in plan["steps"])
    (hold,) = plan["holds"]
    assert hold["kind"] == "opioid-clearance" and hold["start"] == START and hold["end"] is None


def test_daily_opioid_pain_medicine_gets_the_10_to_14_day_wean_dated_at_both_ends(client):
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": ["oxycodone"], "daily_opioid_pain_medicine": True}).json()
    wean, wait = plan["holds"]
    start = datetime.date.fromisoformat(START)
    assert wean["kind"] == "opioid-wean"
    assert (wean["end"], wean["latest_end"]) == (
        (start + datetime.timedelta(days=9)).isoformat(), (start + datetime.timedelta(days=13)).isoformat()
    )
    assert wait["kind"] == "opioid-clearance" and wait["end"] is None
    assert plan["first_dose_date"] is None


def test_opioid_free_date_from_the_prescriber_is_the_one_earliest_start(client):
    free = (datetime.date.fromisoformat(START) + datetime.timedelta(days=20)).isoformat()
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": ["tramadol"], "opioid_free_from": free}).json()
    assert plan["first_dose_date"] == free == plan["steps"][0]["start"]
    text = json.dumps(plan)
    # No other earliest-start date anywhere in the plan.
    assert "earliest_start" not in text


@pytest.mark.parametrize("medicine", ["methadone", "Suboxone", "Sublocade"])
def test_opioid_dependence_treatment_stops_the_plan_unless_prescriber_decides(client, medicine):
    stopped = post(client, "/api/v1/plan", {**BASE, "medicines": [medicine]}).json()
    assert stopped["stopped"] and stopped["steps"] == []
    assert "depend on opioids" in stopped["stop_reason"]
    decided = post(client, "/api/v1/plan", {**BASE, "medicines": [medicine], "prescriber_decision": "Dr B, 2 Dec"}).json()
    assert not decided["stopped"] and decided["first_dose_date"] is None  # still waits for the opioid


def test_hashimotos_on_thyroid_hormone_uses_lower_start(client):
    plan = post(client, "/api/v1/plan", {**BASE, "conditions": ["Hashimoto's"], "medicines": ["levothyroxine"]}).json()
    assert [s["dose_mg"] for s in plan["steps"]] == [0.25]  # the pace after it is the prescriber's
    assert plan["steps"][0]["max_days"] is None
    assert any("thyroid" in w["text"].lower() for w in plan["warnings"])


def test_surgery_during_titration_holds_with_restart_condition(client):
    surgery = (datetime.date.fromisoformat(START) + datetime.timedelta(days=10)).isoformat()
    plan = post(client, "/api/v1/plan", {**BASE, "procedures": [{"type": "surgery", "date": surgery}]}).json()
    hold = next(h for h in plan["holds"] if h["kind"] == "surgery")
    assert hold["end"] is None and "physician" in hold["restart_condition"]
    assert hold["start"] == (datetime.date.fromisoformat(surgery) - datetime.timedelta(days=2)).isoformat()
    assert all(s["start"] < hold["start"] and s["latest_start"] < hold["start"] for s in plan["steps"])


def test_organ_transplant_stops_the_plan_unless_prescriber_decides(client):
    stopped = post(client, "/api/v1/plan", {**BASE, "medicines": ["tacrolimus"], "conditions": ["kidney transplant"]}).json()
    assert stopped["stopped"] and stopped["steps"] == []
    decided = post(client, "/api/v1/plan", {**BASE, "medicines": ["tacrolimus"], "conditions": ["kidney transplant"],
                                            "prescriber_decision": "Dr Example agreed on 1 Dec"}).json()
    assert not decided["stopped"] and decided["steps"]
    assert "Dr Example agreed on 1 Dec" in decided["warnings"][0]["text"]


def test_immunosuppressant_without_a_stated_transplant_is_a_caution_not_a_stop(client):
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": ["tacrolimus"]}).json()
    assert not plan["stopped"] and plan["verdict"] == "caution"
    assert any(f["rule"] == "immunosuppressant-transplant-not-stated" for f in plan["findings"])


def test_start_date_in_the_past_is_refused(client):
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    response = post(client, "/api/v1/plan", {**BASE, "start_date": yesterday, "time_zone": "UTC"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "start_date"
    assert "in the past" in response.json()["error"]["message"]


def test_dose_flows_into_the_plans_screen(client):
    plan = post(client, "/api/v1/plan", {**BASE, "conditions": ["cirrhosis"], "dose_mg": 50}).json()
    liver = next(f for f in plan["findings"] if f["rule"] == "liver-disease-full-dose")
    assert liver["severity"] == "caution" and plan["dose_mg"] == 50


def test_cli_and_api_return_the_same_plan(client, capsys):
    body = {**BASE, "medicines": ["tramadol"], "procedures": [{"type": "surgery", "date": SURGERY}],
            "daily_opioid_pain_medicine": True, "dose_mg": 4.5}
    api_plan = post(client, "/api/v1/plan", body).json()
    code = cli_main(["plan", "--therapy", BASE["therapy"], "--start-date", START, "--time-zone", "Europe/London",
                     "--medicine", "tramadol", "--surgery-date", SURGERY, "--daily-opioid-pain-medicine", "yes",
                     "--dose-mg", "4.5"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == api_plan


def test_ics_is_valid_and_in_the_persons_time_zone(client):
    response = post(client, "/api/v1/plan.ics", {**BASE, "procedures": [{"type": "surgery", "date": SURGERY}]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events and all(e.get("UID") and e.get("DTSTAMP") for e in events)
    assert list(calendar.walk("VTIMEZONE"))[0]["TZID"] == "Europe/London"
    first = min(e.decoded("DTSTART") for e in events if isinstance(e.decoded("DTSTART"), datetime.datetime))
    assert first.date().isoformat() == START and first.hour == 21
    assert any("surgery" in str(e.get("SUMMARY")).lower() or "pause" in str(e.get("SUMMARY")).lower() for e in events)


def test_pdf_contains_findings_plan_and_citations(client):
    body = {**BASE, "medicines": ["tramadol"], "procedures": [{"type": "surgery", "date": SURGERY}]}
    response = post(client, "/api/v1/plan.pdf", body)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for phrase in ("Low-dose naltrexone", "opioid", "Bihari B. LDN and cancer", "Lavender Sky Health",
                   "Notes from my doctor", "1.5 mg", "last updated", "What you told us", "tramadol",
                   "For the prescriber: professional detail", "ask your prescriber when"):
        assert phrase.lower() in text.lower(), phrase
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), "people read human dates, not ISO"


def test_plan_page_from_screen_results_then_downloads(client):
    results = client.post("/therapies/low-dose-naltrexone/check/", {"medicines": "tramadol"})
    assert "Make a start plan for" in results.content.decode()
    form = client.post("/plan/", {"therapy": "low-dose-naltrexone", "medicines": "tramadol"})
    assert form.status_code == 200 and "When do you plan to start?" in form.content.decode()
    fields = {"therapy": "low-dose-naltrexone", "medicines": "tramadol", "start_date": START, "time_zone": "Europe/London"}
    page = client.post("/plan/", fields)
    html = page.content.decode()
    assert page.status_code == 200 and "Dose steps" in html and "Pauses" in html
    assert client.post("/plan/calendar/", fields)["Content-Type"].startswith("text/calendar")
    assert client.post("/plan/pdf/", fields)["Content-Type"] == "application/pdf"


def test_plan_page_bad_time_zone_shows_field_error(client):
    page = client.post("/plan/", {"therapy": "low-dose-naltrexone", "start_date": START, "time_zone": "Nowhere/Land"})
    assert page.status_code == 400
    assert "time_zone" in page.context["form"].errors


def test_reference_citation_and_url_do_not_repeat_the_address(client):
    plan = post(client, "/api/v1/plan", {**BASE, "conditions": ["Hashimoto's"]}).json()
    web = [r for r in plan["references"] if r["url"] and "cancerchoices.org" in r["url"]]
    assert web
    assert all(r["url"] not in r["citation"] for r in web)


def test_dose_carries_from_the_screen_to_the_plan_form_and_plan(client):
    results = client.post("/therapies/low-dose-naltrexone/check/", {"conditions": "cirrhosis", "dose_mg": "50"})
    fields = dict(results.context["result"].hidden_fields)
    assert fields["dose_mg"] == "50"

    form = client.post("/plan/", {"therapy": "low-dose-naltrexone", **fields})
    assert form.context["form"].initial["dose_mg"] == "50"

    page = client.post("/plan/", {"therapy": "low-dose-naltrexone", **fields, "start_date": START, "time_zone": "UTC"})
    outcome = page.context["outcome"]
    liver = next(f for f in outcome.therapy_result.findings if f.rule == "liver-disease-full-dose")
    assert liver.severity == "caution" and outcome.request.screen.dose_mg == 50
    assert ("dose_mg", "50") in page.context["hidden_fields"]  # and on to the downloads


@pytest.mark.parametrize("medicine", ["tramdol", "qqqzz"])
def test_plan_with_an_entry_we_could_not_check_dates_no_dose(client, medicine):
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": [medicine]}).json()
    assert plan["first_dose_date"] is None and all(s["start"] is None for s in plan["steps"])
    assert "pharmacist" in plan["first_dose_note"]
    assert plan["verdict"] == "incomplete"


def test_daily_opioid_answer_with_no_opioid_listed_is_a_field_error(client):
    response = post(client, "/api/v1/plan", {**BASE, "daily_opioid_pain_medicine": True})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "daily_opioid_pain_medicine"


def test_plan_pdf_is_tagged_pdf_ua_with_language_title_and_headings(client):
    response = post(client, "/api/v1/plan.pdf", {**BASE, "procedures": [{"type": "surgery", "date": SURGERY}]})
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    # Tagged: a structure tree and /MarkInfo, so a screen reader reads it in order.
    assert catalog["/MarkInfo"]["/Marked"].value is True
    structure = catalog["/StructTreeRoot"].get_object()
    tags = []

    def walk(node):
        node = node.get_object()
        if hasattr(node, "get"):
            if node.get("/S"):
                tags.append(str(node["/S"]))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object"):
                    walk(kid)

    walk(structure)
    assert tags.count("/H1") == 1 and tags.count("/H2") >= 4
    assert {"/Table", "/TH", "/TD", "/L", "/LI", "/P"} <= set(tags)
    # The document's language, and its title shown instead of the file name (PDF/UA).
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "Low-dose naltrexone (LDN): start plan to discuss with your doctor"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_plan_form_lists_real_time_zones_and_keeps_a_choice_it_refuses(client):
    page = client.post("/plan/", {"therapy": "low-dose-naltrexone", "medicines": "ibuprofen"})
    text = page.content.decode()
    zones = re.findall(r'<option value="([^"]+)" label="([^"]+)">', text.split('<datalist id="time-zones">')[1])
    values = [zone for zone, _ in zones]
    assert ("Europe/London", "London, Europe") in zones and "UTC" in values
    # Each place once: no aliases ("GB", "US/Eastern") and nothing that is not a place.
    assert not {"Factory", "localtime", "posixrules", "GB", "US/Eastern", "Etc/GMT+5"} & set(values)
    assert 'value="UTC"' not in text.split('id="id_time_zone"')[0].rsplit("<input", 1)[-1]  # no default
    # A city's name is refused with a suggestion, and what the person chose stays in the field.
    refused = client.post("/plan/", {"therapy": "low-dose-naltrexone", "start_date": START, "time_zone": "London"})
    assert refused.status_code == 400
    assert "did you mean Europe/London?" in refused.content.decode()
    assert re.search(r'<input[^>]*name="time_zone" value="London"', refused.content.decode())
