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
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
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
