"""Docs are tested like code: every endpoint and CLI option is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from carechoices.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_every_api_endpoint_is_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    missing = [path for path in paths if path not in API_DOC]
    assert not missing, f"document these in docs/api.md: {missing}"


def test_every_cli_option_is_documented():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    missing = [
        f"{name} {option}"
        for name, sub in subparsers.items()
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and option not in API_DOC
    ]
    assert not missing, f"document these options in docs/api.md: {missing}"


def test_readme_names_the_two_commands_and_configuration():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("make demo", "make test", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "make bench"):
        assert needle in readme
