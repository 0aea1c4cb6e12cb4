"""SQLite: WAL, a bounded busy timeout, and a lock that answers 503 rather than freezing a worker."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.test import Client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file lock; PostgreSQL locks rows"),
]


def test_sqlite_runs_in_wal_mode_with_a_bounded_busy_timeout():
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        timeout_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    assert timeout_ms == settings.SQLITE_BUSY_TIMEOUT_SECONDS * 1000
    assert 0 < settings.SQLITE_BUSY_TIMEOUT_SECONDS <= 10


@pytest.fixture
def second_process_connection(monkeypatch):
    """Requests go through a connection of their own, as another worker's would.

    The test's own transaction has begun with ``BEGIN IMMEDIATE`` (``transaction_mode``), so it
    holds SQLite's write lock the way a long write in another process would. A short busy timeout
    keeps the test quick; the lock is the same.
    """
    from carechoices.editorial import generation

    generation.bump()  # a write in the test's transaction: the lock is certainly held
    params = copy.deepcopy(connection.settings_dict)
    params["OPTIONS"]["timeout"] = 0.2
    original = connections["default"]
    other = type(original)(params, "default")
    connections["default"] = other
    try:
        yield other
    finally:
        connections["default"] = original
        other.close()


def test_a_held_write_lock_fails_a_write_in_bounded_time(second_process_connection):
    with pytest.raises(OperationalError, match="locked"):
        with second_process_connection.cursor() as cursor:
            cursor.execute("UPDATE editorial_publishedcontentstate SET generation = generation + 1")


def test_during_a_write_lock_pages_are_read_and_a_write_answers_503(second_process_connection):
    client = Client(raise_request_exception=False)
    assert client.get("/glossary/").status_code == 200  # WAL: readers never wait for a writer
    response = client.post("/admin/login/", {"username": "editor", "password": "carechoices-editor"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
