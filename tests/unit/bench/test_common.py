"""Percentiles, ratios, the timing loop, /proc figures and the environment the servers get."""

from __future__ import annotations

import pytest

from bench import common


def test_percentile_uses_nearest_rank() -> None:
    samples = list(range(1, 21))  # 1..20

    assert [common.percentile(samples, f) for f in (0.95, 0.5, 1.0)] == [19, 10, 20]
    assert common.percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError, match="no samples"):
        common.percentile([], 0.5)


def test_summarise_ms_converts_nanoseconds() -> None:
    assert common.summarise_ms([3_000_000, 1_000_000, 2_000_000]) == {
        "median_ms": 2.0, "p95_ms": 3.0, "min_ms": 1.0, "samples": 3}


@pytest.mark.parametrize(
    ("value", "baseline", "expected"),
    [(9, 8788, 0.00102), (2360, 5.35, 441.0), (5, 2, 2.5), (0, 3, 0.0), (1, 0, None),
     (None, 3, None)],
)
def test_ratio_keeps_three_significant_figures(value, baseline, expected) -> None:
    assert common.ratio(value, baseline) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(289.0, "289×"), (2.5, "2.5×"), (0.00102, "0.00102× (1/980)"), (None, "n/a")],
)
def test_format_ratio_shows_small_ratios_as_fractions_too(value, expected) -> None:
    assert common.format_ratio(value) == expected


def test_timing_row_formats_times_and_the_ratio_or_a_text() -> None:
    timing = {"median_ms": 1.23456, "p95_ms": 2.5}

    assert common.timing_row("a", timing, 0.5, "7") == ("a", "1.23", "2.50", "0.5× (1/2)", "7")
    assert common.timing_row("b", timing, "5% of lookups", digits=3)[1:] == (
        "1.235", "2.500", "5% of lookups")


def test_time_round_robin_warms_up_once_then_runs_each_action_in_turn_in_batches() -> None:
    calls: list[str] = []

    samples = common.time_round_robin(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, runs=3, batch=2)

    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert {name: len(values) for name, values in samples.items()} == {"a": 6, "b": 6}


def test_status_kib_reads_kilobyte_lines_and_none_when_missing() -> None:
    status = "Name:\tpython\nVmHWM:\t  143360 kB\nVmRSS:\t  102400 kB\n"

    assert (common.status_kib(status, "VmHWM"), common.status_kib(status, "VmRSS")) == (
        143360, 102400)
    assert common.status_kib("Name:\tkthreadd\n", "VmHWM") is None
    with pytest.raises(ValueError, match="unit"):
        common.status_kib("VmHWM:\t 12 MB\n", "VmHWM")


def test_redact_url_hides_the_password_only() -> None:
    assert (common.redact_url("postgres://bench:s3cret@127.0.0.1:5432/cc")
            == "postgres://bench:***@127.0.0.1:5432/cc")
    assert common.redact_url(common.BENCH_URL) == common.BENCH_URL


def test_server_environment_sets_what_production_requires(monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)

    env = common.server_environment("sqlite:////tmp/bench.sqlite3")

    assert (env["DJANGO_SETTINGS_MODULE"], env["DATABASE_URL"]) == (
        common.SETTINGS_MODULE, "sqlite:////tmp/bench.sqlite3")
    assert len(env["SECRET_KEY"]) > 50
    assert env["ALLOWED_HOSTS"].split(",") == ["127.0.0.1", "localhost", "testserver"]
    assert env["SECURE_SSL_REDIRECT"] == "false"
    monkeypatch.setenv("SECRET_KEY", "the-one-in-the-environment")
    assert common.server_environment("sqlite://")["SECRET_KEY"] == "the-one-in-the-environment"
