"""Bad input to the screen and the plan: a 4xx (CLI exit 2) naming the field, never a 500."""

from __future__ import annotations

import datetime
import json

import pytest

from carechoices.cli import main as cli_main

pytestmark = pytest.mark.django_db

# Dates relative to today, so the cases keep testing what they name as the calendar moves on.
SOON = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
LATER = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()


def post(client, body, path="/api/v1/screen", content_type="application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{bad json", 400, "body"),
        (b"\xff\xfe", 400, "body"),
        ("[]", 400, "body"),
        ({"medicines": "tramadol"}, 422, "medicines"),
        ({"medicines": [""]}, 422, "medicines[0]"),
        ({"medicines": ["   "]}, 422, "medicines[0]"),
        ({"medicines": ["ok", 3]}, 422, "medicines[1]"),
        ({"medicines": ["x"] * 20_000}, 422, "medicines"),
        ({"medicines": ["a" * 1_000_000]}, 422, "medicines[0]"),
        ({"medicines": ["a" * 1_200_000]}, 413, "body"),
        ({"medicines": ["tram\x00adol"]}, 422, "medicines[0]"),
        ({"medicines": ["line\nbreak"]}, 422, "medicines[0]"),
        ({"conditions": [{"name": "x"}]}, 422, "conditions[0]"),
        ({"therapies": ["no-such-therapy"]}, 422, "therapies[0]"),
        ({"therapies": "low-dose-naltrexone"}, 422, "therapies"),
        ({"procedures": [{"type": "surgery", "date": "2026-02-30"}]}, 422, "procedures[0].date"),
        ({"procedures": [{"type": "surgery", "date": "next week"}]}, 422, "procedures[0].date"),
        ({"procedures": [{"type": "tattoo", "date": SOON}]}, 422, "procedures[0].type"),
        ({"dose_mg": -1}, 422, "dose_mg"),
        ({"dose_mg": "lots"}, 422, "dose_mg"),
        ({"unknown": 1}, 422, "unknown"),
        ({}, 422, "medicines"),  # nothing to check would read as "no known concerns"
        ({"therapies": ["low-dose-naltrexone"], "medicines": []}, 422, "medicines"),
        ({"procedures": [{"type": "surgery", "date": "0001-01-01"}]}, 422, "procedures[0].date"),
        ({"procedures": [{"type": "surgery", "date": "9999-12-31"}]}, 422, "procedures[0].date"),
        ("[" * 100_000 + "]" * 100_000, 400, "body"),
    ],
)
def test_screen_api_rejects_bad_input_naming_the_field(client, body, status, field):
    response = post(client, body)
    assert response.status_code == status, response.content[:300]
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": SOON}, "therapy"),
        ({"therapy": "no-such", "start_date": SOON}, "therapy"),
        ({"therapy": "melatonin", "start_date": SOON}, "therapy"),  # no dosing protocol
        ({"therapy": "low-dose-naltrexone"}, "start_date"),
        ({"therapy": "low-dose-naltrexone", "start_date": "2026-13-01"}, "start_date"),
        ({"therapy": "low-dose-naltrexone", "start_date": "1999-01-01"}, "start_date"),
        ({"therapy": "low-dose-naltrexone", "start_date": SOON, "time_zone": "Mars/Olympus"}, "time_zone"),
        (
            {"therapy": "low-dose-naltrexone", "start_date": LATER, "procedures": [{"type": "surgery", "date": SOON}]},
            "procedures[0].date",
        ),
        ({"therapy": "low-dose-naltrexone", "start_date": SOON, "medicines": [7]}, "medicines[0]"),
        (
            {"therapy": "low-dose-naltrexone", "start_date": SOON, "procedures": [{"type": "surgery", "date": "9999-12-31"}]},
            "procedures[0].date",
        ),
        ({"therapy": "low-dose-naltrexone", "start_date": SOON, "time_zone": "posixrules"}, "time_zone"),
        ({"therapy": "low-dose-naltrexone", "start_date": SOON, "prescriber_decision": "ok\x00"}, "prescriber_decision"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/plan", "/api/v1/plan.ics", "/api/v1/plan.pdf"])
def test_plan_api_rejects_bad_input_naming_the_field(client, body, field, path):
    response = post(client, body, path=path)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["field"] == field


def test_cli_bad_input_exits_2_with_the_apis_message(client, capsys):
    response = post(client, {"procedures": [{"type": "surgery", "date": "2026-02-30"}]})
    capsys.readouterr()  # drop the request log line the API call wrote
    code = cli_main(["screen", "--surgery-date", "2026-02-30"])
    err = capsys.readouterr().err
    assert code == 2
    assert json.loads(err.splitlines()[0]) == response.json()


def test_cli_plan_bad_time_zone_exits_2(capsys):
    code = cli_main(["plan", "--therapy", "low-dose-naltrexone", "--start-date", SOON, "--time-zone", "Nowhere/Land"])
    assert code == 2
    assert "time_zone" in capsys.readouterr().err


def test_cli_argument_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["screen", "--format", "xml"])
    assert exit_info.value.code == 2


def test_form_errors_show_next_to_the_field_and_keep_the_input(client):
    response = client.post("/therapies/low-dose-naltrexone/check/", {"medicines": "ok\n" + "x" * 300, "surgery_date": "2026-02-30"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "surgery_date" in form.errors
    assert form.data["medicines"].startswith("ok\n")


def test_form_long_line_error_names_the_line(client):
    response = client.post("/therapies/low-dose-naltrexone/check/", {"medicines": "ok\n" + "x" * 300})
    assert response.status_code == 400
    assert "Line 2" in str(response.context["form"].errors["medicines"])


def test_empty_form_asks_for_something_to_check(client):
    response = client.post("/screen/", {"medicines": ""})
    assert response.status_code == 400
    assert "at least one" in str(response.context["form"].errors["medicines"])


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-30"])
def test_form_and_downloads_refuse_dates_at_the_calendar_edges(client, date):
    assert client.post("/screen/", {"medicines": "tramadol", "surgery_planned": "on", "surgery_date": date}).status_code == 400
    fields = {"therapy": "low-dose-naltrexone", "start_date": SOON, "time_zone": "UTC", "surgery_date": date}
    assert client.post("/plan/calendar/", fields).status_code == 400


def test_cli_date_at_the_calendar_edge_exits_2(capsys):
    assert cli_main(["screen", "--surgery-date", "0001-01-01"]) == 2


def test_plan_without_therapy_field_shows_an_error(client):
    response = client.post("/plan/", {"start_date": SOON, "time_zone": "UTC"})
    assert response.status_code == 400
    assert "Please start again" in response.content.decode()


def test_plan_keeps_an_undated_surgery(client):
    fields = {"therapy": "low-dose-naltrexone", "start_date": SOON, "time_zone": "UTC", "surgery_planned": "on"}
    html = client.post("/plan/", fields).content.decode()
    assert "surgery" in html.lower()
