"""With the database down: stored pages still served, every API 503 JSON, pages a friendly 503.

The outage is simulated below Django's ORM: every statement sent through a cursor (Django's, or
the content generation's direct one) fails the way a refused connection does
(``OperationalError``), on SQLite and PostgreSQL alike. Ending the
simulation is the database coming back; nothing is restarted.
"""

from __future__ import annotations

import datetime
import json
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db
REVIEW = "/therapies/low-dose-naltrexone/"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cds"


@contextmanager
def database_down():
    def refuse(*_args, **_kwargs):
        raise OperationalError("connection refused (simulated outage)")

    # Every statement: through Django's cursor, and the content generation's direct read.
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", refuse),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", refuse),
        mock.patch("carechoices.editorial.generation.execute_direct", refuse),
    ):
        yield


@contextmanager
def database_unreachable():
    """The real failure: requests get a connection to a database that cannot be reached.

    PostgreSQL on a closed port; SQLite a file in a folder that does not exist. The test's own
    connection (holding its transaction) is put back afterwards, as the database coming back.
    """
    import copy

    from django.db import connections

    original = connections["default"]
    params = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        params["NAME"] = "/nonexistent-folder-for-the-outage-test/db.sqlite3"
    else:
        params.update({"HOST": "127.0.0.1", "PORT": "1"})
        params.setdefault("OPTIONS", {})["connect_timeout"] = 2
    unreachable = type(original)(params, "default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        connections["default"] = original
        unreachable.close()


@pytest.fixture
def client():
    # The outage handler answers; the client must not re-raise what it logged.
    return Client(raise_request_exception=False)


def _screen_body() -> str:
    return json.dumps({"therapies": ["low-dose-naltrexone"], "medicines": ["tramadol"]})


def _plan_body() -> str:
    start = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    return json.dumps({"therapy": "low-dose-naltrexone", "start_date": start, "time_zone": "UTC"})


def _cds_body() -> str:
    return (FIXTURES / "ldn-order-sign-oxycodone.json").read_text()


def test_a_stored_review_page_is_served_while_the_database_is_down(client):
    before = client.get(REVIEW)
    with database_down():
        during = client.get(REVIEW)
    assert during.status_code == 200
    assert during["X-Page-Cache"] == "stale"
    assert during.content == before.content


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/therapies", None),
        ("get", "/api/v1/therapies/low-dose-naltrexone", None),
        ("get", "/api/v1/glossary", None),
        ("post", "/api/v1/screen", _screen_body()),
        ("post", "/api/v1/plan", _plan_body()),
        ("post", "/api/v1/plan.ics", _plan_body()),
        ("post", "/cds-services/order-sign", _cds_body()),
    ],
)
def test_every_api_answers_503_json_with_retry_after(client, method, path, body):
    with database_down():
        if method == "get":
            response = client.get(path)
        else:
            response = client.post(path, body, content_type="application/json")
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if path.startswith("/cds-services"):
        assert body["issue"][0]["code"] == "transient"
        assert body["issue"][0]["expression"] == ["database"]
    else:
        assert body["error"]["field"] == "database"
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/screen/", REVIEW + "safety/", "/glossary/", "/"])
def test_a_page_not_stored_is_a_friendly_503(client, path):
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Back in a moment" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_an_unreachable_database_gives_503s_and_stored_pages_then_recovers(client):
    before = client.get(REVIEW)
    with database_unreachable():
        stored = client.get(REVIEW)
        api = client.post("/api/v1/screen", _screen_body(), content_type="application/json")
        page = client.get("/glossary/")
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert (stored.status_code, stored["X-Page-Cache"], stored.content) == (200, "stale", before.content)
    assert (api.status_code, api.json()["error"]["field"]) == (503, "database")
    assert page.status_code == 503 and "Back in a moment" in page.content.decode()
    assert (ready.status_code, alive.status_code) == (503, 200)
    assert client.get("/glossary/").status_code == 200
    assert client.post("/api/v1/screen", _screen_body(), content_type="application/json").status_code == 200


def test_the_site_recovers_by_itself_when_the_database_is_back(client):
    with database_down():
        assert client.get("/glossary/").status_code == 503
        assert client.get("/api/v1/therapies").status_code == 503
    assert client.get("/glossary/").status_code == 200
    assert client.get("/api/v1/therapies").status_code == 200
    assert client.get(REVIEW).status_code == 200
    # The bodies the outage tests send are valid: with the database back they are answered.
    for path, body in (("/api/v1/screen", _screen_body()), ("/api/v1/plan", _plan_body())):
        assert client.post(path, body, content_type="application/json").status_code == 200, path


def test_a_stored_copy_made_before_an_edit_is_not_served_after_recovery(client):
    from carechoices.glossary.models import GlossaryTerm

    client.get("/glossary/")
    term = GlossaryTerm.objects.first()
    term.definition = "Edited just before the outage."
    term.save()
    with database_down():
        assert "Edited just before" not in client.get("/glossary/").content.decode()  # the old copy
    assert "Edited just before the outage." in client.get("/glossary/").content.decode()


def test_liveness_and_readiness_are_separate(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "migrations": "applied"}
    with database_down():
        assert client.get("/healthz").status_code == 200
        down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["database"].startswith("unreachable")
    assert int(down["Retry-After"]) > 0


def test_readiness_names_unapplied_migrations(client, monkeypatch):
    from carechoices.core import views

    monkeypatch.setattr(views, "_migrations_applied", False)
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[("m", False)]
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 not applied"


def test_an_outage_outside_a_view_also_answers_503(rf):
    """Errors raised by middleware reach the 500 handler, which answers 503 for an outage."""
    from carechoices.core.views import server_error

    request = rf.get("/api/v1/therapies")
    try:
        raise OperationalError("simulated")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"]
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500


def test_the_api_answers_503_in_development_too(client, settings):
    """Under DEBUG, ninja would answer a traceback; the outage handler comes first."""
    settings.DEBUG = True
    with database_down():
        response = client.get("/api/v1/therapies")
    assert response.status_code == 503
    assert response.json()["error"]["field"] == "database"
