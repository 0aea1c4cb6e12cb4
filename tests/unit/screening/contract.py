"""A strict check that a screen result has exactly the shape of PRODUCT.md's contract."""

from __future__ import annotations

import json
import re
from typing import Any

VERDICTS = {"avoid", "caution", "info", "incomplete", "no-known-concerns"}
SEVERITIES = {"avoid", "caution", "info"}
STATUSES = {"recognised", "ambiguous", "suggested", "unrecognised"}
KINDS = {"medicine", "condition", "procedure"}


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def check_contract(result: Any) -> None:
    """Fail with a precise message when ``result`` strays from the contract."""
    assert isinstance(result, dict)
    assert set(result) == {"therapies", "inputs", "coverage", "disclaimer"}
    assert isinstance(result["disclaimer"], str) and result["disclaimer"]
    for therapy in result["therapies"]:
        assert set(therapy) == {"therapy", "name", "verdict", "findings"}
        assert isinstance(therapy["therapy"], str) and isinstance(therapy["name"], str)
        assert therapy["verdict"] in VERDICTS
        for finding in therapy["findings"]:
            assert set(finding) == {
                "severity",
                "rule",
                "summary",
                "detail",
                "action",
                "dates",
                "triggered_by",
                "references",
            }
            assert finding["severity"] in SEVERITIES
            for key in ("rule", "summary", "detail", "action"):
                assert isinstance(finding[key], str) and finding[key]
            assert isinstance(finding["dates"], dict)
            assert finding["triggered_by"], "a finding always says what triggered it"
            for trigger in finding["triggered_by"]:
                assert set(trigger) == {"input", "matched", "via"}
                assert all(isinstance(value, str) for value in trigger.values())
            for reference in finding["references"]:
                assert set(reference) == {"id", "citation", "url"}
                assert reference["url"] is None or isinstance(reference["url"], str)
    for entry in result["inputs"]:
        assert set(entry) == {"input", "kind", "status", "ingredients", "suggestions"}
        assert entry["kind"] in KINDS and entry["status"] in STATUSES
        assert _is_str_list(entry["ingredients"]) and _is_str_list(entry["suggestions"])
    assert set(result["coverage"]) == {"unrecognised", "data_sources"}
    assert _is_str_list(result["coverage"]["unrecognised"])
    for source in result["coverage"]["data_sources"]:
        assert set(source) == {"name", "version", "date"}
        assert all(isinstance(value, str) for value in source.values())
    # JSON-serialisable, and the word "safe" never appears.
    text = json.dumps(result, allow_nan=False)
    assert not re.search(r"\bsafe\b", text, re.IGNORECASE)
