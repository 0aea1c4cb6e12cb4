"""The benchmark helper runs and reports every figure (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.vocabulary import _fresh_process, measure, peak_rss_kib


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


def test_peak_rss_kib_reads_vmhwm_from_proc_status() -> None:
    status = "Name:\tpython3\nVmPeak:\t  250000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   50000 kB\n"

    assert peak_rss_kib(status) == 51234


def test_peak_rss_kib_is_none_without_a_vmhwm_line() -> None:
    assert peak_rss_kib("Name:\tkthreadd\nState:\tS (sleeping)\n") is None


def test_peak_rss_kib_refuses_an_unexpected_unit() -> None:
    with pytest.raises(ValueError, match="VmHWM"):
        peak_rss_kib("VmHWM:\t 12 MB\n")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_fresh_process_reports_its_own_peak_not_its_parents() -> None:
    # Grow this process well past what a fresh interpreter importing the package needs; with
    # ru_maxrss the child would inherit this peak across exec, with VmHWM it does not.
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])
    own_peak = peak_rss_kib(Path("/proc/self/status").read_text())

    child = _fresh_process("import")

    assert own_peak is not None and child.peak_rss_kib is not None
    assert child.peak_rss_kib < own_peak - 150 * 1024
