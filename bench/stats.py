"""Small statistics for timing samples: median, 95th percentile and ratios.

Plain Python, no Django.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``samples`` (``fraction`` 0.95 for p95).

    Nearest rank returns a value that was actually observed, which keeps a p95 of few samples
    honest instead of interpolating between two of them.
    """
    if not samples:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    ordered = sorted(samples)
    # round() first so 0.95 * 20 counts as 19, not 19.000000000000004 -> 20.
    rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
    return ordered[min(rank, len(ordered)) - 1]


def summarise_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median, p95, minimum and count of nanosecond samples, in milliseconds."""
    samples_ms = [sample / 1_000_000 for sample in samples_ns]
    return {
        "median_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "min_ms": round(min(samples_ms), 3),
        "samples": len(samples_ms),
    }


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline`` to three significant figures; None if either is missing or zero.

    Significant figures rather than decimal places: 9 requests/s against 8,800 is 0.00102,
    which two decimal places would turn into a meaningless 0.0.
    """
    if value is None or baseline is None or baseline <= 0:
        return None
    quotient = value / baseline
    if quotient == 0:
        return 0.0
    return round(quotient, 2 - math.floor(math.log10(abs(quotient))))


def format_ratio(value: float | None) -> str:
    """A ratio for a table: ``289×``, ``2.5×``; below 1 also as a fraction, ``0.00102× (1/980)``."""
    if value is None:
        return "n/a"
    if 0 < value < 1:
        return f"{value:g}× (1/{1 / value:.3g})"
    return f"{value:g}×"
