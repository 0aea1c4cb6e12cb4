"""Checks every CDS Hooks answer in the tests goes through: schema, no empty JSON, never "safe"."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cds"
SAFE = re.compile(r"\bsafe\b", re.IGNORECASE)


def fixture(name: str) -> Any:
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text.strip()


@cache
def _schema() -> dict:
    return fixture("cds-hooks-2.0.1.schema.json")


def validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = {**_schema(), "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


def empty_values(value: Any, path: str = "$", *, allow_empty_cards: bool = True) -> list[str]:
    """Paths of every null, "", [] or {} (the specification forbids them, except ``cards: []``)."""
    found = []
    if value is None or value == "" or value == [] or value == {}:
        if not (allow_empty_cards and path == "$.cards" and value == []):
            found.append(path)
    if isinstance(value, dict):
        for key, item in value.items():
            found += empty_values(item, f"{path}.{key}", allow_empty_cards=allow_empty_cards)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += empty_values(item, f"{path}[{i}]", allow_empty_cards=allow_empty_cards)
    return found


def check_answer(body: Any, definition: str = "response") -> None:
    """Raise AssertionError when an answer breaks the specification or our wording rules."""
    errors = sorted(validator(definition).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert not empty_values(body), empty_values(body)
    text = json.dumps(body, ensure_ascii=False)
    assert not SAFE.search(text), "a CDS answer must never say 'safe'"


def check_outcome(body: Any) -> None:
    """An error body: a FHIR OperationOutcome with no empty values."""
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"] and all(issue["diagnostics"] for issue in body["issue"])
    assert not empty_values(body, allow_empty_cards=False)
