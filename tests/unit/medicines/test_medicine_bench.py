"""The benchmark helper runs and reports every figure (no timing is asserted)."""

from __future__ import annotations

from carechoices.medicines.bench import measure


def test_measure_reports_latency_and_size() -> None:
    # The fresh-process figures (load time, peak memory) are left to `make bench`: two
    # extra interpreters would double this package's test time.
    figures = measure(entries=("Percocet", "tramadol 50 mg"), rounds=2, fresh_processes=False)

    assert {
        "lookup_median_us",
        "lookup_p95_us",
        "index_file_bytes",
    } <= set(figures)
    assert figures["lookups"] == 4
    assert figures["index_file_bytes"] > 0
