"""Measure the medicine vocabulary: load time, memory, lookup latency, file size.

For ``make bench``; nothing here asserts a time. Load time and peak memory are taken
in a fresh interpreter (a warm process would hide the cost of the first screen), next to
a baseline interpreter that only imports the package, so the figures can be read as
"what loading the vocabulary adds".

    uv run python -m bench.vocabulary
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

__all__ = ["SAMPLE_ENTRIES", "measure", "peak_rss_kib"]

#: Entries timed by default: the design note's 43-name test list (drugvocab.md §4) and
#: a few harder shapes and misses.
SAMPLE_ENTRIES: tuple[str, ...] = (
    "Ultram",
    "tramadol",
    "morphine",
    "MS Contin",
    "dextromethorphan",
    "Robitussin DM",
    "Percocet",
    "oxycodone",
    "OxyContin",
    "Duragesic",
    "fentanyl patch",
    "codeine",
    "Tylenol #3",
    "Tylenol with Codeine",
    "hydrocodone",
    "Vicodin",
    "Norco",
    "buprenorphine",
    "Suboxone",
    "methadone",
    "tapentadol",
    "loperamide",
    "naloxone",
    "tacrolimus",
    "Prograf",
    "cyclosporine",
    "Neoral",
    "mycophenolate",
    "CellCept",
    "sirolimus",
    "azathioprine",
    "prednisone",
    "levothyroxine",
    "Synthroid",
    "liothyronine",
    "Cytomel",
    "Armour Thyroid",
    "metformin",
    "ibuprofen",
    "acetaminophen",
    "tramadoll",
    "oxycodon",
    "levothyroxin",
    "Percocet 5/325",
    "oxycodone/acetaminophen",
    "Tylenol w/ codeine",
    "T3",
    "blood pressure pill",
)


def peak_rss_kib(status: str) -> int | None:
    """The peak resident memory (``VmHWM``, in KiB) from the text of ``/proc/<pid>/status``.

    ``VmHWM`` belongs to the process's address space, which exec replaces, so a fresh child
    reports its own peak. ``ru_maxrss`` would not do: Linux carries it over from the parent
    across exec, so a child of a large process (the bench runner, with Django loaded) reports
    the parent's size. None when the line is missing (not Linux, or a kernel thread).
    """
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == "VmHWM":
            number, _, unit = value.strip().partition(" ")
            if unit.strip() != "kB":
                raise ValueError(f"unexpected VmHWM unit: {value.strip()!r}")
            return int(number)
    return None


# The child sends its /proc/self/status back after the work and this process reads VmHWM
# from it, so the child imports nothing but the package being measured.
_CHILD_SCRIPT = """
import json, sys, time
start = time.perf_counter()
from carechoices.medicines import load_vocabulary
imported = time.perf_counter()
if sys.argv[1] == "load":
    load_vocabulary()
loaded = time.perf_counter()
try:
    with open("/proc/self/status") as status:
        status_text = status.read()
except OSError:
    status_text = ""
print(json.dumps({
    "import_seconds": imported - start,
    "load_seconds": loaded - imported,
    "status": status_text,
}))
"""


@dataclass(frozen=True)
class _ChildFigures:
    """What one fresh interpreter measured."""

    import_seconds: float
    load_seconds: float
    peak_rss_kib: int | None


def _fresh_process(mode: str) -> _ChildFigures:
    """Import (and with ``mode`` "load", load) the vocabulary in a new interpreter; its figures."""
    completed = subprocess.run(  # noqa: S603  (our own interpreter and a fixed script)
        [sys.executable, "-c", _CHILD_SCRIPT, mode],
        capture_output=True,
        text=True,
        check=True,
    )
    reported = json.loads(completed.stdout)
    return _ChildFigures(
        import_seconds=reported["import_seconds"],
        load_seconds=reported["load_seconds"],
        peak_rss_kib=peak_rss_kib(reported["status"]),
    )


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[position]


def measure(
    entries: Sequence[str] = SAMPLE_ENTRIES, rounds: int = 20, fresh_processes: bool = True
) -> dict[str, float]:
    """Return load, memory, latency and size figures for the vocabulary.

    ``load_seconds`` and ``peak_rss_mib`` (``VmHWM``, see :func:`peak_rss_kib`) come from a
    fresh interpreter; the ``baseline_`` figures from one that only imports the package (with
    ``fresh_processes=False`` those figures are left out, for a quick smoke run; without
    ``/proc`` the memory figures are). Lookup latencies are measured in this
    process after a warm-up pass, ``rounds`` times over ``entries``, in microseconds.
    """
    from carechoices.medicines import load_vocabulary  # noqa: PLC0415

    figures: dict[str, float] = {}
    if fresh_processes:
        baseline = _fresh_process("import")
        loaded = _fresh_process("load")
        figures = {
            "baseline_import_seconds": baseline.import_seconds,
            "import_seconds": loaded.import_seconds,
            "load_seconds": loaded.load_seconds,
        }
        base_kib, loaded_kib = baseline.peak_rss_kib, loaded.peak_rss_kib
        # Without /proc (not Linux) there is no trustworthy figure: leave memory out.
        if base_kib is not None and loaded_kib is not None:
            figures["baseline_peak_rss_mib"] = base_kib / 1024
            figures["peak_rss_mib"] = loaded_kib / 1024
            figures["rss_added_by_load_mib"] = (loaded_kib - base_kib) / 1024

    vocabulary = load_vocabulary()
    for entry in entries:  # warm-up: builds the lazy suggestion tables
        vocabulary.lookup_medicine(entry)
    timings: list[float] = []
    for _ in range(rounds):
        for entry in entries:
            start = time.perf_counter()
            vocabulary.lookup_medicine(entry)
            timings.append((time.perf_counter() - start) * 1e6)
    exact = [
        t
        for t, entry in zip(timings, list(entries) * rounds, strict=True)
        if vocabulary.lookup_medicine(entry).status in ("recognised", "ambiguous")
    ]

    data = resources.files("carechoices.medicines").joinpath("data", "drug_index.json.gz")
    return {
        "index_file_bytes": float(len(data.read_bytes())),
        "index_names": float(len(vocabulary._names)),  # noqa: SLF001  (a figure, not an API)
        **figures,
        "lookups": float(len(timings)),
        "lookup_median_us": statistics.median(timings),
        "lookup_p95_us": _percentile(timings, 0.95),
        "exact_lookup_median_us": statistics.median(exact) if exact else 0.0,
        "exact_lookup_p95_us": _percentile(exact, 0.95) if exact else 0.0,
        "lookup_max_us": max(timings),
    }


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:28} {value:,.3f}")
