"""Percentiles, summaries and ratios of timing samples."""

from __future__ import annotations

import pytest

from bench.stats import format_ratio, percentile, ratio, summarise_ms


def test_percentile_uses_nearest_rank() -> None:
    samples = list(range(1, 21))  # 1..20

    assert percentile(samples, 0.95) == 19
    assert percentile(samples, 0.5) == 10
    assert percentile(samples, 1.0) == 20
    assert percentile([7.0], 0.95) == 7.0


def test_percentile_refuses_no_samples() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_summarise_ms_converts_nanoseconds() -> None:
    summary = summarise_ms([3_000_000, 1_000_000, 2_000_000])

    assert summary == {"median_ms": 2.0, "p95_ms": 3.0, "min_ms": 1.0, "samples": 3}


@pytest.mark.parametrize(
    ("value", "baseline", "expected"),
    [
        (9, 8788, 0.00102),
        (2360, 5.35, 441.0),
        (5, 2, 2.5),
        (0, 3, 0.0),
        (1, 0, None),
        (None, 3, None),
    ],
)
def test_ratio_keeps_three_significant_figures(
    value: float | None, baseline: float | None, expected: float | None
) -> None:
    assert ratio(value, baseline) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(289.0, "289×"), (2.5, "2.5×"), (0.5, "0.5× (1/2)"), (None, "n/a")],
)
def test_format_ratio_shows_small_ratios_as_fractions_too(
    value: float | None, expected: str
) -> None:
    assert format_ratio(value) == expected
