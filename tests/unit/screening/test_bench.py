"""The benchmark reports its figures in a fixed shape (no timing is asserted)."""

from __future__ import annotations

import datetime

from carechoices.screening.bench import DEFAULT_MEDICINES, measure

from .fakes import FakeVocabulary
from .sample_rules import ALL_THERAPIES


def test_measure_reports_engine_and_baseline_figures() -> None:
    report = measure(FakeVocabulary(), ALL_THERAPIES, runs=3, today=datetime.date(2026, 11, 1))

    assert report["medicines"] == len(DEFAULT_MEDICINES) == 20
    assert report["therapies"] == 7
    assert report["runs"] == 3
    assert report["findings"] > 0
    assert set(report["engine_us"]) == {"median", "p95", "min"}
    assert set(report["baseline_us"]) == {"lookups", "json_dumps"}
    assert report["engine_us"]["min"] <= report["engine_us"]["median"] <= report["engine_us"]["p95"]
    assert report["ratio_to_lookups"] is None or report["ratio_to_lookups"] > 0
