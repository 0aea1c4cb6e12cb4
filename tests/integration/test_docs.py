"""Docs are tested like code: every endpoint and CLI option is documented."""

from __future__ import annotations

import argparse
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


def _commands(parser, prefix=""):
    """Every (command path, parser) pair, nested sub-commands included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix} {name}".strip()
                yield path, sub
                yield from _commands(sub, path)


def test_every_cli_option_is_documented():
    commands = dict(_commands(build_parser()))
    assert "vocabulary coverage" in commands
    missing = [
        f"{name} {option}"
        for name, sub in commands.items()
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and option not in API_DOC
    ]
    assert not missing, f"document these options in docs/api.md: {missing}"
    undocumented = [name for name in commands if f"`{name}`" not in API_DOC]
    assert not undocumented, f"document these commands in docs/api.md: {undocumented}"


def test_readme_names_the_two_commands_and_configuration():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("make demo", "make test", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "make bench"):
        assert needle in readme


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    names = set()
    for module in (ROOT / "config" / "settings").glob("*.py"):
        names.update(re.findall(r'(?:os\.environ\.get|_required)\(\s*"([A-Z][A-Z0-9_]+)"', module.read_text()))
    assert {"SECRET_KEY", "CACHE_DIR", "SQLITE_BUSY_TIMEOUT_SECONDS"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"add these to the README's configuration table: {missing}"
