"""The vocabulary section's lookups and its fresh interpreters' own memory (no time is checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import vocabulary
from bench.common import run_child, status_kib


def test_time_lookups_reports_every_latency_figure() -> None:
    from carechoices.medicines import load_vocabulary

    figures = vocabulary.time_lookups(load_vocabulary(), 2, entries=("Percocet", "tramadol 50 mg"))

    assert figures["lookups"] == 4
    assert figures["index_names"] > 0
    assert {"lookup_median_us", "lookup_p95_us", "exact_lookup_median_us"} <= set(figures)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_baseline_interpreter_reports_its_own_peak_not_its_parents() -> None:
    # Grow this process well past what a fresh interpreter importing the package needs; with
    # ru_maxrss the child would inherit this peak across exec, with VmHWM it does not.
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])
    own_peak = status_kib(Path("/proc/self/status").read_text(), "VmHWM")

    child_peak = status_kib(run_child(["-c", vocabulary._CHILD, "import"])["status"], "VmHWM")

    assert own_peak is not None and child_peak is not None
    assert child_peak < own_peak - 150 * 1024
