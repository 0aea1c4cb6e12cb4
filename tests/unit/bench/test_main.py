"""The command line chooses sections, reports each one's outcome and writes the JSON results."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench.common import Result, Skipped


def test_list_names_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_main.main(["--list"]) == 0

    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(bench_main.SECTIONS) == [
        "render", "http", "edge", "medicines", "screening", "screen-api", "read-api", "export",
        "cds-hooks", "references-import", "search"]


def test_sections_are_chosen_in_their_own_order_and_unknown_ones_refused(tmp_path: Path) -> None:
    names = list(bench_main.SECTIONS)

    assert bench_main.chosen_sections(None, []) == names
    assert bench_main.chosen_sections(["search", "render"], []) == ["render", "search"]
    assert bench_main.chosen_sections(None, ["render", "export"]) == [
        name for name in names if name not in ("render", "export")]
    with pytest.raises(ValueError, match="no-such, other"):
        bench_main.chosen_sections(["no-such"], ["other"])
    assert bench_main.main(["--only", "no-such", "--output", str(tmp_path / "r.json")]) == 2
    assert not (tmp_path / "r.json").exists()


def test_quick_shortens_the_runs() -> None:
    options = bench_main.parse_arguments(["--quick", "--requests", "50"])

    assert (options.requests, options.duration, options.screening_runs) == (5, 1, 3)


@pytest.fixture
def fake_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    def counted(options):
        return Result({"requests": options.requests}, [("T", ("a", "b"), [("x", "1")])], ["n"])

    def skipped(options):
        raise Skipped("wrk not found")

    def broken(options):
        raise RuntimeError("page answered 500")

    monkeypatch.setattr(bench_main, "SECTIONS", {
        "counted": ("Counted", counted), "skipped": ("Skipped", skipped),
        "broken": ("Broken", broken)})


def test_the_chosen_sections_are_printed_and_written(
        fake_sections: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "bench" / "results.json"

    assert bench_main.main(["--only", "counted", "--requests", "7", "--output", str(output)]) == 0

    document = json.loads(output.read_text())
    assert list(document["sections"]) == ["counted"]
    assert document["sections"]["counted"]["figures"] == {"requests": 7}
    assert document["sections"]["counted"]["notes"] == ["n"]
    assert document["options"]["requests"] == 7
    assert document["environment"]["cpus"] >= 1
    assert "T\na  b\n-  -\nx  1\n" in capsys.readouterr().out


def test_a_failed_section_exits_1_and_the_others_still_run(
        fake_sections: None, tmp_path: Path) -> None:
    output = tmp_path / "results.json"

    assert bench_main.main(["--output", str(output)]) == 1

    sections = json.loads(output.read_text())["sections"]
    assert [sections[name]["status"] for name in ("counted", "skipped", "broken")] == [
        "measured", "skipped", "failed"]
    assert (sections["skipped"]["reason"], sections["skipped"]["figures"]) == ("wrk not found", {})
    assert sections["broken"]["reason"] == "RuntimeError: page answered 500"
    assert "Traceback" in sections["broken"]["detail"]


def test_format_table_aligns_the_first_column_left_and_the_others_right() -> None:
    text = bench_main.format_table("Title", ("page", "ms"), [("overview", "1.5"), ("x", "12.25")])

    assert text.splitlines() == ["Title", "page         ms", "--------  -----",
                                 "overview    1.5", "x         12.25"]


def test_the_bench_is_tooling_outside_the_shipped_package() -> None:
    assert importlib.util.find_spec("carechoices.bench") is None
