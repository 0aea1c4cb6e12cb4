"""The command line lists sections, refuses unknown ones and writes the JSON results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carechoices.bench.__main__ import main


def test_main_lists_the_built_in_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0

    listed = capsys.readouterr().out
    for name in ("render", "http", "medicines", "screening"):
        assert name in listed


def test_main_refuses_an_unknown_section(tmp_path: Path) -> None:
    assert main(["--only", "no-such-section", "--output", str(tmp_path / "r.json")]) == 2
    assert not (tmp_path / "r.json").exists()


def test_main_writes_results_for_the_chosen_sections(tmp_path: Path) -> None:
    output = tmp_path / "bench" / "results.json"

    exit_code = main(["--only", "screening", "--only", "medicines", "--output", str(output)])

    document = json.loads(output.read_text())
    assert exit_code == 0
    assert set(document["sections"]) == {"screening", "medicines"}
    assert document["sections"]["screening"]["status"] == "measured"
    assert document["sections"]["medicines"]["status"] in {"measured", "not available"}
    assert document["environment"]["cpus"] >= 1
