"""Shared fixtures for the reference formatting tests: the sample library and its golden text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "references.json"
GOLDEN_AMA = HERE / "golden" / "ama.txt"


def load_sample_library() -> list[dict[str, Any]]:
    """The CSL-JSON entries transcribed from ../shared/sources/references.md."""
    with FIXTURES.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_golden_ama() -> list[tuple[str, str]]:
    """(id, expected AMA text) pairs, in file order."""
    pairs = []
    for line in GOLDEN_AMA.read_text(encoding="utf-8").splitlines():
        reference_id, text = line.split("\t", 1)
        pairs.append((reference_id, text))
    return pairs


@pytest.fixture
def sample_library() -> list[dict[str, Any]]:
    return load_sample_library()


@pytest.fixture
def sample_by_id(sample_library: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in sample_library}
