"""What a person enters is never written to the database, the cache or the logs."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.apps import apps
from django.core.cache import caches

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
    cached = b"".join(b"".join(store._cache.values()) for store in caches.all())  # locmem: pickled values
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


NON_LATIN_MEDICINES = ["阿司匹林", "парацетамол", "\ue000\ue001 capsule"]  # CJK, Cyrillic, private use
NON_LATIN_CONDITIONS = ["مرض الكبد"]


def test_pdf_with_non_latin_input_lists_it_and_logs_nothing_of_it(client, caplog):
    import subprocess

    caplog.set_level(logging.DEBUG)
    plan = {
        "therapy": "low-dose-naltrexone",
        "start_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
        "time_zone": "UTC",
        "medicines": NON_LATIN_MEDICINES,
        "conditions": NON_LATIN_CONDITIONS,
    }

    response = client.post("/api/v1/plan.pdf", json.dumps(plan), content_type="application/json")

    assert response.status_code == 200
    # poppler's pdftotext (Debian poppler-utils, installed by make) reads every embedded font's
    # Unicode map; pypdf garbles subset fonts with a custom encoding.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # The fonts (Debian Noto) cover what people type, so the document lists the inputs as entered.
    for entered in ("阿司匹林", "парацетамол", "مرض"):
        assert entered in text
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in caplog.records)
    for entered in (*NON_LATIN_MEDICINES, *NON_LATIN_CONDITIONS, "\ue000", "U+E000"):
        assert entered not in logged
    assert not [r for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))]


def test_the_development_servers_request_lines_leave_out_query_strings():
    """`make demo` runs Django's development server, which logs each request line."""
    import io

    from django.core.servers.basehttp import WSGIRequestHandler

    stream = io.StringIO()
    logger = logging.getLogger("django.server")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        handler_self = WSGIRequestHandler.__new__(WSGIRequestHandler)  # only log_message is used
        handler_self.request = None
        handler_self.log_date_time_string = lambda: "now"
        handler_self.log_message('"%s" %s %s', f"GET /search/?q={SECRET_MEDICINE}&x=1 HTTP/1.1", "200", "2461")
        handler_self.log_message('"%s" %s %s', f"GET /screen/?medicine={SECRET_CONDITION} HTTP/1.1", "404", "10")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert '"GET /search/ HTTP/1.1" 200 2461' in written
    assert '"GET /screen/ HTTP/1.1" 404 10' in written
    assert SECRET_MEDICINE not in written and SECRET_CONDITION not in written and "?" not in written
