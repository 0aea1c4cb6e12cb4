"""The environment production settings need, and database URLs safe to print."""

from __future__ import annotations

import pytest

from bench.database import SETTINGS_MODULE, redact_url, server_environment


def test_redact_url_hides_the_password_only() -> None:
    assert (
        redact_url("postgres://bench:s3cret@127.0.0.1:5432/carechoices")
        == "postgres://bench:***@127.0.0.1:5432/carechoices"
    )
    assert redact_url("sqlite:////srv/carechoices/var/bench.sqlite3") == (
        "sqlite:////srv/carechoices/var/bench.sqlite3"
    )


def test_server_environment_sets_what_production_requires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)

    env = server_environment("sqlite:////tmp/bench.sqlite3")

    assert env["DJANGO_SETTINGS_MODULE"] == SETTINGS_MODULE
    assert env["DATABASE_URL"] == "sqlite:////tmp/bench.sqlite3"
    assert len(env["SECRET_KEY"]) > 50
    assert env["ALLOWED_HOSTS"].split(",") == ["127.0.0.1", "localhost", "testserver"]
    assert env["SECURE_SSL_REDIRECT"] == "false"


def test_server_environment_keeps_a_secret_key_already_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "the-one-in-the-environment")

    assert server_environment("sqlite://")["SECRET_KEY"] == "the-one-in-the-environment"
