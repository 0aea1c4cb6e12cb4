"""Production settings refuse to start without their secrets, and say which one is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "not-a-real-secret-" * 4}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_required_setting(env, missing):
    result = run_check(env)
    assert result.returncode != 0
    assert f"The environment variable {missing} is missing" in result.stderr


def test_production_deploy_check_is_clean_with_settings():
    result = run_check({"SECRET_KEY": "k" * 40 + "-not-a-real-secret-but-long-XYZ", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["short-" * 8, "a" * 80])
def test_production_refuses_a_short_or_uniform_secret_key(key):
    result = run_check({"SECRET_KEY": key, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY has" in result.stderr
    assert "at least 50" in result.stderr


def test_a_trusted_proxy_that_is_no_address_stops_start_up():
    result = run_check({"SECRET_KEY": "k" * 40 + "-not-a-real-secret-but-long-XYZ",
                        "ALLOWED_HOSTS": "example.org", "TRUSTED_PROXY_ADDRESSES": "10.0.0.5,balancer"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_ADDRESSES: 'balancer' is not an IP address" in result.stderr


def test_production_settings_refuse_to_create_demo_accounts(tmp_path):
    """Under production settings the sample content loads, the published demo logins do not."""
    database = tmp_path / "production.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "test-" + "s3cr3t-" * 10,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": f"sqlite:///{database}",
            "CACHE_DIR": str(tmp_path / "cache"),
        }
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=600
        )

    assert manage("migrate", "--no-input", "-v0").returncode == 0
    loaded = manage("load_sample_content")
    assert loaded.returncode == 0, loaded.stderr
    assert "Refused to create the demo accounts (admin, editor, reviewer)" in loaded.stderr
    assert "carechoices-admin" not in loaded.stdout
    users = manage("shell", "-c", "from django.contrib.auth.models import User; print(User.objects.count())")
    assert users.stdout.strip().splitlines()[-1] == "0"
    reviews = manage("shell", "-c", "from carechoices.therapies.models import TherapyPage; print(TherapyPage.objects.count())")
    assert int(reviews.stdout.strip().splitlines()[-1]) > 0
