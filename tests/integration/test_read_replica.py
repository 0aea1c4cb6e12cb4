"""The database router: anonymous reads of public content from a replica, all else from the primary.

A second local database stands in for the replica: a copy of the test database made when
this module starts (PostgreSQL: ``CREATE DATABASE … TEMPLATE``; SQLite: the backup API), then
changed in one place (a glossary definition) so every answer shows which database it came from.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from config.db_router import REPLICA, ReplicaRouter

TERM = "placebo"
REPLICA_TEXT = "Read from the replica."


def _copy_database(default: dict) -> dict:
    replica = {**default, "TEST": {**default.get("TEST", {})}}
    if default["ENGINE"] == "django.db.backends.sqlite3":
        name = str(Path(default["NAME"]).with_suffix(".replica.sqlite3"))
        with sqlite3.connect(default["NAME"]) as source, sqlite3.connect(name) as target:
            source.backup(target)
    else:
        import psycopg

        name = f"{default['NAME']}_replica"
        connections.close_all()  # a template database must have no other sessions
        server = connections["default"].get_connection_params()
        server["dbname"] = "postgres"
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{default["NAME"]}"')
    replica["NAME"] = name
    return replica


def _drop_database(replica: dict) -> None:
    if replica["ENGINE"] == "django.db.backends.sqlite3":
        Path(replica["NAME"]).unlink(missing_ok=True)
        return
    import psycopg

    server = connections["default"].get_connection_params()
    server["dbname"] = "postgres"
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{replica["NAME"]}"')


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        settings_dict = _copy_database(connections["default"].settings_dict)
        # connections.settings is settings.DATABASES: the router now sees a replica too.
        connections.settings[REPLICA] = settings_dict
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "UPDATE glossary_glossaryterm SET definition = %s WHERE term = %s",
                [REPLICA_TEXT, TERM],
            )
        yield REPLICA
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        _drop_database(settings_dict)


pytestmark = pytest.mark.django_db(databases=["default", REPLICA])


def queries_on(alias: str, call):
    with CaptureQueriesContext(connections[alias]) as captured:
        response = call()
    return response, [query["sql"] for query in captured.captured_queries]


def test_an_anonymous_reader_is_answered_from_the_replica(replica, client):
    response, on_replica = queries_on(replica, lambda: client.get("/glossary/"))

    assert response.status_code == 200
    assert REPLICA_TEXT in response.content.decode()
    assert any("glossary_glossaryterm" in sql for sql in on_replica)


def test_review_pages_are_routed_and_read_from_the_replica(replica, client):
    response, on_replica = queries_on(
        replica, lambda: client.get("/therapies/low-dose-naltrexone/safety/")
    )

    assert response.status_code == 200
    assert any("wagtailcore_page" in sql for sql in on_replica)


def test_an_anonymous_read_takes_its_content_generation_from_the_replica(replica, client):
    """Pages stored and records compiled under a generation are built from the database that
    generation was read from: a replica that lags must not have its content kept under the
    primary's newer generation."""
    _, on_replica = queries_on(replica, lambda: client.get("/therapies/low-dose-naltrexone/research/"))
    _, on_primary = queries_on("default", lambda: client.get("/therapies/low-dose-naltrexone/costs/"))

    assert any("editorial_publishedcontentstate" in sql for sql in on_replica)
    assert not any("editorial_publishedcontentstate" in sql for sql in on_primary)


def test_a_signed_in_editor_reads_the_primary(replica, client, editor):
    client.force_login(editor)

    response, on_replica = queries_on(replica, lambda: client.get("/glossary/"))

    assert response.status_code == 200
    assert REPLICA_TEXT not in response.content.decode()
    assert on_replica == []


def test_the_screen_and_the_back_office_never_touch_the_replica(replica, client, editor):
    screened, on_replica = queries_on(
        replica, lambda: client.post("/screen/", {"medicines": "tramadol"})
    )
    assert screened.status_code == 200
    assert on_replica == []

    client.force_login(editor)
    admin, on_replica = queries_on(replica, lambda: client.get("/admin/"))
    assert admin.status_code == 200
    assert on_replica == []


def test_writes_and_migrations_go_to_the_primary_only(replica):
    from carechoices.glossary.models import GlossaryTerm

    router = ReplicaRouter()

    assert router.db_for_write(GlossaryTerm) == "default"
    assert router.allow_migrate(REPLICA, "glossary") is False
    assert router.allow_migrate("default", "glossary") is True
    assert router.db_for_read(GlossaryTerm) is None  # outside a public read: the primary
