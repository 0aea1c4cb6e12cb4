"""The HTTP section refuses to run without its tools and reports gunicorn / nginx ratios."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import serving
from bench.registry import SKIPPED, BenchOptions, SectionSkipped
from bench.wrk import WrkFigures


def figures(p50: float, p99: float, rate: float, *, timeouts: int = 0) -> WrkFigures:
    return WrkFigures(
        p50_ms=p50,
        p75_ms=p50,
        p90_ms=p99,
        p99_ms=p99,
        requests_per_s=rate,
        requests=int(rate * 5),
        duration_ms=5000.0,
        socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": timeouts},
    )


def test_binaries_skip_the_section_naming_every_missing_tool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serving.shutil, "which", lambda name, path=None: None)

    with pytest.raises(SectionSkipped) as skipped:
        serving.required_binaries()

    assert skipped.value.status == SKIPPED
    assert "nginx and wrk not found" in skipped.value.reason
    assert "No HTTP figures" in skipped.value.reason


def test_measured_divides_gunicorn_by_nginx() -> None:
    results = {
        "gunicorn": figures(2360.0, 4930.0, 9.0),
        "nginx": figures(5.35, 17.89, 8788.0),
    }

    measured = serving.measured_ratios(
        "/therapies/low-dose-naltrexone/",
        b"<html></html>",
        results,
        {"threads": 2, "connections": 50, "duration_s": 5},
        BenchOptions(),
    )

    assert measured.figures["ratio_gunicorn_to_nginx"] == {
        "p50": 441.0,
        "p99": 276.0,
        "requests_per_s": 0.00102,
    }
    assert measured.figures["bytes"] == 13
    assert not any(note.startswith("WARNING") for note in measured.notes)
    # 45 answers over 50 connections is no steady state; 43,940 is.
    assert any(note.startswith("CAUTION: gunicorn completed only 45") for note in measured.notes)
    assert not any(note.startswith("CAUTION: nginx") for note in measured.notes)


def test_measured_warns_when_a_server_had_errors() -> None:
    results = {
        "gunicorn": figures(2360.0, 4930.0, 9.0, timeouts=8),
        "nginx": figures(5.35, 17.89, 8788.0),
    }

    measured = serving.measured_ratios(
        "/", b"x", results, {"threads": 2, "connections": 50, "duration_s": 5}, BenchOptions()
    )

    assert any(note.startswith("WARNING: gunicorn") for note in measured.notes)


def test_measured_ratios_names_the_method_in_the_title_and_notes() -> None:
    results = {"gunicorn": figures(900.0, 1800.0, 30.0), "nginx": figures(2.0, 9.0, 20000.0)}

    measured = serving.measured_ratios(
        "/api/v1/screen",
        b"{}",
        results,
        {"threads": 2, "connections": 50, "duration_s": 5},
        BenchOptions(),
        method="POST",
    )

    assert measured.figures["method"] == "POST"
    assert "POST /api/v1/screen" in measured.tables[0].title
    assert measured.notes[0].startswith(
        "Both servers sent the same 2 bytes for POST /api/v1/screen"
    )


def test_target_posts_only_when_it_has_a_body() -> None:
    assert serving.Target("/therapies/x/").method == "GET"
    assert serving.Target("/api/v1/screen", body=b"{}", ready_path="/healthz").method == "POST"


def test_wrk_script_is_written_only_for_a_post(tmp_path: Path) -> None:
    assert serving._wrk_script(tmp_path, serving.Target("/")) is None

    script = serving._wrk_script(tmp_path, serving.Target("/api/v1/screen", body=b'{"a":1}'))

    assert script is not None
    assert 'wrk.method = "POST"' in script.read_text()
    assert 'wrk.body = "{\\"a\\":1}"' in script.read_text()
