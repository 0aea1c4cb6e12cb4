"""Percentiles, ratios, the timing loop, /proc figures and the environment the servers get."""

from __future__ import annotations

import pytest

from bench.common import (
    SETTINGS_MODULE,
    format_ratio,
    percentile,
    ratio,
    redact_url,
    server_environment,
    status_kib,
    summarise_ms,
    time_round_robin,
)


def test_percentile_uses_nearest_rank() -> None:
    samples = list(range(1, 21))  # 1..20

    assert percentile(samples, 0.95) == 19
    assert percentile(samples, 0.5) == 10
    assert percentile(samples, 1.0) == 20
    assert percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_summarise_ms_converts_nanoseconds() -> None:
    assert summarise_ms([3_000_000, 1_000_000, 2_000_000]) == {
        "median_ms": 2.0, "p95_ms": 3.0, "min_ms": 1.0, "samples": 3}


@pytest.mark.parametrize(
    ("value", "baseline", "expected"),
    [(9, 8788, 0.00102), (2360, 5.35, 441.0), (5, 2, 2.5), (0, 3, 0.0), (1, 0, None),
     (None, 3, None)],
)
def test_ratio_keeps_three_significant_figures(value, baseline, expected) -> None:
    assert ratio(value, baseline) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(289.0, "289×"), (2.5, "2.5×"), (0.5, "0.5× (1/2)"), (0.00102, "0.00102× (1/980)"),
     (None, "n/a")],
)
def test_format_ratio_shows_small_ratios_as_fractions_too(value, expected) -> None:
    assert format_ratio(value) == expected


def test_time_round_robin_warms_up_once_then_runs_each_action_in_turn_in_batches() -> None:
    calls: list[str] = []
    actions = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}

    samples = time_round_robin(actions, runs=3, batch=2)

    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert {name: len(values) for name, values in samples.items()} == {"a": 6, "b": 6}
    assert all(value >= 0 for values in samples.values() for value in values)


def test_status_kib_reads_kilobyte_lines_and_none_when_missing() -> None:
    status = "Name:\tpython\nVmPeak:\t  300000 kB\nVmHWM:\t  143360 kB\nVmRSS:\t  102400 kB\n"

    assert status_kib(status, "VmHWM") == 143360
    assert status_kib(status, "VmRSS") == 102400
    assert status_kib("Name:\tkthreadd\n", "VmHWM") is None
    with pytest.raises(ValueError, match="unit"):
        status_kib("VmHWM:\t 12 MB\n", "VmHWM")


def test_redact_url_hides_the_password_only() -> None:
    assert (redact_url("postgres://bench:s3cret@127.0.0.1:5432/carechoices")
            == "postgres://bench:***@127.0.0.1:5432/carechoices")
    assert redact_url("sqlite:////srv/var/bench.sqlite3") == "sqlite:////srv/var/bench.sqlite3"


def test_server_environment_sets_what_production_requires(monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)

    env = server_environment("sqlite:////tmp/bench.sqlite3")

    assert env["DJANGO_SETTINGS_MODULE"] == SETTINGS_MODULE
    assert env["DATABASE_URL"] == "sqlite:////tmp/bench.sqlite3"
    assert len(env["SECRET_KEY"]) > 50
    assert env["ALLOWED_HOSTS"].split(",") == ["127.0.0.1", "localhost", "testserver"]
    assert env["SECURE_SSL_REDIRECT"] == "false"
    monkeypatch.setenv("SECRET_KEY", "the-one-in-the-environment")
    assert server_environment("sqlite://")["SECRET_KEY"] == "the-one-in-the-environment"
