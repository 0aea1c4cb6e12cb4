"""What a person enters is never written to the database, the cache or the logs."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.apps import apps
from django.core.cache import cache

from carechoices.cli import main as cli_main

pytestmark = pytest.mark.django_db

SECRET_MEDICINE = "zebrafentanyl-7731"
SECRET_CONDITION = "quokka-syndrome-5512"


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_screen_and_plan_store_and_log_nothing(client, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    before = row_counts()
    payload = {"medicines": [SECRET_MEDICINE, "tramadol"], "conditions": [SECRET_CONDITION]}

    client.post("/api/v1/screen", json.dumps(payload), content_type="application/json")
    client.post("/api/v1/screen", json.dumps({"medicines": [SECRET_MEDICINE, 5]}), content_type="application/json")
    client.post("/therapies/low-dose-naltrexone/check/", {"medicines": SECRET_MEDICINE, "conditions": SECRET_CONDITION})
    client.post("/screen/", {"medicines": SECRET_MEDICINE + "\n" + "y" * 300})
    plan = {"therapy": "low-dose-naltrexone", "start_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(), "time_zone": "UTC", **payload}
    for path in ("/api/v1/plan", "/api/v1/plan.ics", "/api/v1/plan.pdf"):
        client.post(path, json.dumps(plan), content_type="application/json")
    client.post("/plan/", {"therapy": "low-dose-naltrexone", "start_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(), "time_zone": "UTC",
                           "medicines": SECRET_MEDICINE})
    cli_main(["screen", "--medicine", SECRET_MEDICINE, "--condition", SECRET_CONDITION])
    cli_main(["screen", "--medicine", SECRET_MEDICINE, "--surgery-date", "2026-02-30"])
    capsys.readouterr()

    assert row_counts() == before
    cached = b"".join(cache._cache.values())  # locmem in tests: pickled values
    assert SECRET_MEDICINE.encode() not in cached and SECRET_CONDITION.encode() not in cached
    logged = "\n".join(r.getMessage() + " " + str(r.args) for r in caplog.records)
    assert SECRET_MEDICINE not in logged and SECRET_CONDITION not in logged


def test_results_are_never_cached_by_browsers_or_proxies(client):
    response = client.post("/screen/", {"medicines": "tramadol"})
    assert "no-store" in response["Cache-Control"]
    response = client.post("/api/v1/screen", json.dumps({"medicines": ["tramadol"]}), content_type="application/json")
    assert "no-store" in response.get("Cache-Control", "")


def test_form_posts_keep_inputs_out_of_urls(client):
    html = client.get("/therapies/low-dose-naltrexone/check/").content.decode()
    assert 'method="post"' in html
