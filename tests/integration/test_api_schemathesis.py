"""Schemathesis against /api/v1/openapi.json: the API does what its document says.

Cases come from the document itself (its examples, the boundaries it declares, and
Hypothesis-generated bodies and path parameters, valid and invalid) and are sent in-process to
the Django WSGI application, so nothing leaves the machine. The POST operations (screen, plan)
and the read endpoints (GET: the open-data API, FHIR, the bulk zip) are tested alike. The run is derandomised and bounded: the same cases
on every run, a few seconds per operation. Every response must be a documented status with the
documented media type, headers and schema (so never a 500), every body the document forbids
must be refused, and a body it allows may only be refused for a reason no static schema can
state (the list below). What was sent is neither stored nor logged.
"""

from __future__ import annotations

import collections
import datetime
import functools
import json
import logging
import re
import zlib
from pathlib import Path

import pytest
import schemathesis
import werkzeug
from django.apps import apps
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from carechoices.api.schemas import (
    DATE_PATTERN,
    MAX_TIME_ZONE_LENGTH,
    SLUG_PATTERN,
    TIME_ZONE_PATTERN,
)
from carechoices.screening.limits import known_time_zones

OPERATIONS = ("/api/v1/screen", "/api/v1/plan", "/api/v1/plan.ics", "/api/v1/plan.pdf")
#: The read endpoints (GET): the open-data API, the FHIR export and the bulk zip.
READ_OPERATIONS = (
    "/api/v1/therapies",
    "/api/v1/therapies/{slug}",
    "/api/v1/therapies/{slug}/rules",
    "/api/v1/references",
    "/api/v1/references/{ref_id}",
    "/api/v1/glossary",
    "/api/v1/people",
    "/api/v1/fhir/therapies/{slug}",
    "/api/v1/export.zip",
)

#: Refusals of a body the document allows, each for a rule that depends on the content or the
#: day of the request and so cannot be a static schema: (field, message) regexes.
SEMANTIC_REFUSALS = [
    # Which therapies are published (the document only states the slug's shape).
    (r"therapies\[\d+\]", r"is not a known therapy"),
    (r"therapy", r"must be the slug of a published therapy review|has no reviewed dosing protocol|"
     r"dosing protocol cannot be used|no dosing protocol applies"),
    # Which IANA zones exist (the document states a zone name's shape).
    (r"time_zone", r"is not a known IANA time zone"),
    # Dates relative to the day of the request, and to each other.
    (r"procedures\[\d+\]\.date|start_date|opioid_free_from", r"must be within \d+ years of today"),
    (r"start_date", r"is in the past|must not be after"),
    (r"procedures\[\d+\]\.date", r"is before the (plan's )?start date|before the plan's start date"),
    # The plan's own rules, which depend on the review and on what the screen found.
    (r"protocol", r"is not a protocol of this therapy|is written for another condition|"
     r"protocol for your condition applies instead"),
    (r"start_dose_mg", r"at most 3 decimal places|which dose to start at|gives its own doses|"
     r"start dose must not be above the target"),
    (r"daily_opioid_pain_medicine|opioid_free_from", r"no medicine we could read in your list is an opioid|"
     r"only applies when an opioid is in your medicines"),
    (r"prescriber_decision", r"say who decided and when"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STATS: collections.Counter[tuple[str, str, str, int]] = collections.Counter()
REFUSALS: collections.Counter[tuple[str, str, str]] = collections.Counter()


# Loaded while collecting (serving the document needs no database). Not through
# ``schemathesis.pytest.from_fixture``: its lazy loader writes ``request.node._nodeid``, which
# pytest 9.2 no longer has.
APPLICATION = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APPLICATION)


def _pick(value: str, choices: list[str]) -> str | None:
    """A stand-in for ``value`` (the same on every run), or None to keep it (one time in eight)."""
    number = zlib.crc32(value.encode("utf-8", "surrogatepass"))
    return None if number % 8 == 0 else choices[number // 8 % len(choices)]


def _real_day(value: str) -> str | None:
    """A day the request may use, from -60 to +740 days from today, for a date as documented."""
    if not re.fullmatch(DATE_PATTERN, value):
        return None
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return None
    number = zlib.crc32(value.encode("ascii"))
    if number % 8 == 0:
        return None
    return (datetime.date.today() + datetime.timedelta(days=number // 8 % 800 - 60)).isoformat()


@schema.hook
def map_body(context, body):
    """Swap values the document allows for other values it allows, that the API also knows.

    A random slug, zone name or date of the documented shape is nearly always one no therapy,
    zone or plan has (a 422 for a reason the document cannot state), so the plan would never be
    computed. Each is swapped for a published slug, a real zone or a near date; as the swap keeps
    the value within the document's constraints, a valid body stays valid and an invalid one
    invalid. One value in eight is kept, so the unknown ones are still sent.
    """
    if not isinstance(body, dict):
        return body
    body = dict(body)
    slugs, zones = _known_slugs(), sorted(known_time_zones())
    if isinstance(body.get("therapy"), str) and re.fullmatch(SLUG_PATTERN, body["therapy"]):
        body["therapy"] = _pick(body["therapy"], _planned_slugs()) or body["therapy"]
    if isinstance(body.get("therapies"), list):
        body["therapies"] = [
            (_pick(item, slugs) or item) if isinstance(item, str) and re.fullmatch(SLUG_PATTERN, item) else item
            for item in body["therapies"]
        ]
    zone = body.get("time_zone")
    if isinstance(zone, str) and len(zone) <= MAX_TIME_ZONE_LENGTH and re.fullmatch(TIME_ZONE_PATTERN, zone):
        body["time_zone"] = _pick(zone, zones) or zone
    for key in ("start_date", "opioid_free_from"):
        if isinstance(body.get(key), str):
            body[key] = _real_day(body[key]) or body[key]
    if isinstance(body.get("procedures"), list):
        body["procedures"] = [
            {**item, "date": _real_day(item["date"]) or item["date"]}
            if isinstance(item, dict) and isinstance(item.get("date"), str)
            else item
            for item in body["procedures"]
        ]
    return body


@schema.hook
def map_path_parameters(context, path_parameters):
    """Swap a generated slug or reference id for a published one, seven times in eight.

    A random string is nearly always a 404, so the 200 answers (and their schemas) would never be
    checked; the one value in eight kept still checks the 404s, whatever the string holds.
    """
    if not isinstance(path_parameters, dict):
        return path_parameters
    values = dict(path_parameters)
    if isinstance(values.get("slug"), str):
        values["slug"] = _pick(values["slug"], _known_slugs()) or values["slug"]
    if isinstance(values.get("ref_id"), str):
        values["ref_id"] = _pick(values["ref_id"], _reference_keys()) or values["ref_id"]
    return values


@functools.cache
def _reference_keys() -> list[str]:
    from carechoices.references.models import Reference

    return sorted(Reference.objects.values_list("key", flat=True))


@functools.cache
def _known_slugs() -> list[str]:
    from carechoices.screening.content import live_therapies

    return sorted(live_therapies())


@functools.cache
def _planned_slugs() -> list[str]:
    """The therapies a plan can be made for (the API refuses the others naming ``therapy``)."""
    # Werkzeug's client, as schemathesis uses: Django's reconnects the signals set aside above.
    client, today = werkzeug.Client(APPLICATION), datetime.date.today().isoformat()
    return [
        slug
        for slug in _known_slugs()
        if client.post("/api/v1/plan", json={"therapy": slug, "start_date": today}).status_code == 200
    ]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django closes "old" connections at each request; the test's open transaction is not old.

    (Django's own test client does the same.)
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    """The run's figures in test-artifacts/schemathesis.txt (cases by operation, mode, status)."""
    yield
    if STATS:
        lines = ["cases (operation, phase, mode, status):"]
        lines += [f"  {' '.join(map(str, key))}: {count}" for key, count in sorted(STATS.items())]
        lines.append(f"total: {sum(STATS.values())}")
        lines.append("refusals of bodies the document allows (field, message):")
        lines += [f"  {' '.join(key)}: {count}" for key, count in sorted(REFUSALS.items())]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "schemathesis.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def _stores_nothing(db):
    """Every table has as many rows after an operation's cases as before them."""
    before = _row_counts()
    yield
    assert _row_counts() == before


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def check_positive_refusal(case, response) -> None:
    """A body the document allows is refused only for a rule listed in SEMANTIC_REFUSALS."""
    if not case.meta.generation.mode.is_positive or response.status_code < 400:
        return
    assert response.status_code == 422, f"a valid body got {response.status_code}: {response.text}"
    error = json.loads(response.text)["error"]
    allowed = any(
        re.fullmatch(field, error["field"]) and re.search(message, error["message"])
        for field, message in SEMANTIC_REFUSALS
    )
    REFUSALS[(case.meta.phase.name.value, error["field"], error["message"][:60])] += 1
    assert allowed, f"the document allows {case.body!r} but the API refused it: {error}"


@schema.include(path=list(OPERATIONS)).parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_does_what_its_document_says(case, caplog, _stores_nothing):
    caplog.set_level(logging.DEBUG)
    response = case.call()
    # Every built-in check but positive_data_acceptance, which check_positive_refusal refines.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    check_positive_refusal(case, response)
    STATS[(case.operation.path, case.meta.phase.name.value, case.meta.generation.mode.value, response.status_code)] += 1
    sent = [text for text in _texts(case.body) if len(text) >= 8]
    logged = [record.getMessage() for record in caplog.records]
    assert not [text for text in sent if any(text in message for message in logged)]
    caplog.clear()


@schema.include(path=list(READ_OPERATIONS), method="GET").parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_read_api_does_what_its_document_says(case, _stores_nothing):
    """Every GET answer is documented: status, media type, headers and schema (never a 500)."""
    response = case.call()
    case.validate_response(response)
    STATS[(case.operation.path, case.meta.phase.name.value, case.meta.generation.mode.value, response.status_code)] += 1
