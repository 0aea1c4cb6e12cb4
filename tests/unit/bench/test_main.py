"""The command line lists sections, refuses unknown ones and writes the JSON results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench.__main__ import main
from bench.registry import BenchOptions, Measured, Section


def test_main_lists_the_built_in_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0

    listed = capsys.readouterr().out
    for name in ("render", "http", "medicines", "screening"):
        assert name in listed


def test_main_refuses_an_unknown_section(tmp_path: Path) -> None:
    assert main(["--only", "no-such-section", "--output", str(tmp_path / "r.json")]) == 2
    assert not (tmp_path / "r.json").exists()


def fake_sections() -> list[Section]:
    def counted(options: BenchOptions) -> Measured:
        return Measured(figures={"requests": options.requests})

    def broken(options: BenchOptions) -> Measured:
        raise RuntimeError("boom")

    return [Section("counted", "Counted", counted), Section("broken", "Broken", broken)]


def test_main_writes_results_for_the_chosen_sections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_main, "BUILT_IN", fake_sections())
    output = tmp_path / "bench" / "results.json"

    exit_code = main(["--only", "counted", "--requests", "7", "--output", str(output)])

    document = json.loads(output.read_text())
    assert exit_code == 0
    assert set(document["sections"]) == {"counted"}
    assert document["sections"]["counted"]["figures"] == {"requests": 7}
    assert document["options"]["requests"] == 7
    assert document["environment"]["cpus"] >= 1


def test_main_exits_1_when_a_section_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_main, "BUILT_IN", fake_sections())
    output = tmp_path / "results.json"

    exit_code = main(["--output", str(output)])

    document = json.loads(output.read_text())
    assert exit_code == 1
    assert document["sections"]["broken"]["status"] == "failed"
    assert document["sections"]["counted"]["status"] == "measured"
    assert document["environment"]["cpus"] >= 1


def test_the_bench_is_tooling_outside_the_shipped_package() -> None:
    import importlib.util

    assert importlib.util.find_spec("carechoices.bench") is None
    assert importlib.util.find_spec("carechoices.medicines.bench") is None
