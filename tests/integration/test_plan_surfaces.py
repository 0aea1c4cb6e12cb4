"""The start plan through the page, the API (JSON, iCalendar, PDF) and the CLI."""

from __future__ import annotations

import datetime
import io
import json

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


def test_standard_plan_titrates_to_target_at_bedtime(client):
    plan = post(client, "/api/v1/plan", BASE).json()
    assert [s["dose_mg"] for s in plan["steps"]] == [1.5, 2.5, 3.5, 4.5]
    assert plan["steps"][0]["start"] == START and plan["steps"][-1]["end"] is None
    assert all(s["timing"] == "at bedtime" for s in plan["steps"])
    assert {r["id"] for r in plan["references"]} >= {"elsegood2016"}
    assert plan["verdict"] == "no-known-concerns" and not plan["stopped"]


def test_opioid_use_inserts_washout_before_first_dose(client):
    plan = post(client, "/api/v1/plan", {**BASE, "medicines": ["oxycodone"]}).json()
    (hold,) = plan["holds"]
    assert hold["kind"] == "washout" and hold["start"] == START
    first = datetime.date.fromisoformat(plan["steps"][0]["start"])
    assert (first - datetime.date.fromisoformat(START)).days == 14


def test_hashimotos_on_thyroid_hormone_uses_lower_start(client):
    plan = post(client, "/api/v1/plan", {**BASE, "conditions": ["Hashimoto's"], "medicines": ["levothyroxine"]}).json()
    assert [s["dose_mg"] for s in plan["steps"]] == [0.25]  # the pace after it is the prescriber's
    assert plan["steps"][0]["end"] is None
    assert any("thyroid" in w["text"].lower() for w in plan["warnings"])


def test_surgery_during_titration_holds_with_restart_condition(client):
    surgery = (datetime.date.fromisoformat(START) + datetime.timedelta(days=10)).isoformat()
    plan = post(client, "/api/v1/plan", {**BASE, "procedures": [{"type": "surgery", "date": surgery}]}).json()
    hold = next(h for h in plan["holds"] if h["kind"] == "surgery")
    assert hold["end"] is None and "physician" in hold["restart_condition"]
    assert hold["start"] == (datetime.date.fromisoformat(surgery) - datetime.timedelta(days=2)).isoformat()
    assert all(s["start"] < hold["start"] for s in plan["steps"])


def test_transplant_medicine_stops_the_plan_unless_prescriber_decides(client):
    stopped = post(client, "/api/v1/plan", {**BASE, "medicines": ["tacrolimus"]}).json()
    assert stopped["stopped"] and stopped["steps"] == []
    decided = post(client, "/api/v1/plan", {**BASE, "medicines": ["tacrolimus"],
                                            "prescriber_decision": "Dr Example agreed on 1 Dec"}).json()
    assert not decided["stopped"] and decided["steps"]
    assert "Dr Example agreed on 1 Dec" in decided["warnings"][0]["text"]


def test_cli_and_api_return_the_same_plan(client, capsys):
    body = {**BASE, "medicines": ["tramadol"], "procedures": [{"type": "surgery", "date": SURGERY}]}
    api_plan = post(client, "/api/v1/plan", body).json()
    code = cli_main(["plan", "--therapy", BASE["therapy"], "--start-date", START, "--time-zone", "Europe/London",
                     "--medicine", "tramadol", "--surgery-date", SURGERY])
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
    for phrase in ("Low-dose naltrexone", "opioid", "Bihari B. LDN and cancer", "Elsegood L, ed. The LDN Book",
                   "Notes from my doctor", "1.5 mg", "Last update" if False else "last updated"):
        assert phrase.lower() in text.lower(), phrase


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
