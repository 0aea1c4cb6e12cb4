"""Section medicines: the medicine vocabulary's load time, memory, lookup latency and file size.

Two fresh interpreters: one only imports the package (the baseline), the other loads the
vocabulary, reads its peak memory (``VmHWM``), then times lookups, free of this process's
Django heap. ``uv run python -m bench.vocabulary`` prints the figures.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Sequence
from importlib import resources
from typing import Any

from bench.common import Result, percentile, run_child, status_kib

#: The design note's 43-name test list (drugvocab.md §4) and a few harder shapes and misses.
SAMPLE_ENTRIES: tuple[str, ...] = (
    "Ultram", "tramadol", "morphine", "MS Contin", "dextromethorphan", "Robitussin DM",
    "Percocet", "oxycodone", "OxyContin", "Duragesic", "fentanyl patch", "codeine", "Tylenol #3",
    "Tylenol with Codeine", "hydrocodone", "Vicodin", "Norco", "buprenorphine", "Suboxone",
    "methadone", "tapentadol", "loperamide", "naloxone", "tacrolimus", "Prograf", "cyclosporine",
    "Neoral", "mycophenolate", "CellCept", "sirolimus", "azathioprine", "prednisone",
    "levothyroxine", "Synthroid", "liothyronine", "Cytomel", "Armour Thyroid", "metformin",
    "ibuprofen", "acetaminophen", "tramadoll", "oxycodon", "levothyroxin", "Percocet 5/325",
    "oxycodone/acetaminophen", "Tylenol w/ codeine", "T3", "blood pressure pill",
)

# Imports nothing but the package until its memory is read; then times the lookups.
_CHILD = """
import json, sys, time
start = time.perf_counter()
from carechoices.medicines import load_vocabulary
imported = time.perf_counter()
vocabulary = load_vocabulary() if sys.argv[1] == "load" else None
figures = {"import_seconds": imported - start, "load_seconds": time.perf_counter() - imported}
try:
    figures["status"] = open("/proc/self/status").read()
except OSError:  # no /proc: no memory figure
    figures["status"] = ""
if vocabulary is not None:
    from bench.vocabulary import time_lookups
    figures.update(time_lookups(vocabulary, int(sys.argv[2])))
print(json.dumps(figures))
"""


def time_lookups(vocabulary: Any, rounds: int, entries: Sequence[str] = SAMPLE_ENTRIES
                 ) -> dict[str, float]:
    """Lookup latencies in µs over ``rounds`` passes of ``entries`` (after a warm-up pass)."""
    for entry in entries:  # builds the lazy suggestion tables
        vocabulary.lookup_medicine(entry)
    timings, exact = [], []
    for _ in range(rounds):
        for entry in entries:
            start = time.perf_counter()
            match = vocabulary.lookup_medicine(entry)
            timings.append((time.perf_counter() - start) * 1e6)
            if match.status in ("recognised", "ambiguous"):
                exact.append(timings[-1])
    return {
        "index_names": float(len(vocabulary._names)),  # noqa: SLF001 (a figure, not an API)
        "lookups": float(len(timings)),
        "lookup_median_us": statistics.median(timings),
        "lookup_p95_us": percentile(timings, 0.95),
        "exact_lookup_median_us": statistics.median(exact) if exact else 0.0,
        "exact_lookup_p95_us": percentile(exact, 0.95) if exact else 0.0,
        "lookup_max_us": max(timings),
    }


def measure(rounds: int = 20) -> dict[str, float]:
    """Load, memory, latency and size figures of the vocabulary."""
    baseline = run_child(["-c", _CHILD, "import"], timeout=300)
    loaded = run_child(["-c", _CHILD, "load", str(rounds)], timeout=300)
    base_kib, loaded_kib = (status_kib(child.pop("status"), "VmHWM") for child in (baseline, loaded))
    data = resources.files("carechoices.medicines").joinpath("data", "drug_index.json.gz")
    figures = {"index_file_bytes": float(len(data.read_bytes())),
               "baseline_import_seconds": baseline["import_seconds"], **loaded}
    if base_kib is not None and loaded_kib is not None:
        figures.update(baseline_peak_rss_mib=base_kib / 1024, peak_rss_mib=loaded_kib / 1024,
                       rss_added_by_load_mib=(loaded_kib - base_kib) / 1024)
    return figures


def run(options: Any) -> Result:
    """:func:`measure`, as a table of its figures."""
    figures = measure()
    rows = [(name, f"{value:,.0f}" if value.is_integer() or abs(value) >= 1000 else f"{value:.4g}")
            for name, value in figures.items()]
    return Result(figures, [("Medicine vocabulary (bench.vocabulary)", ("figure", "value"), rows)],
                  ["Peak memory and lookups in fresh interpreters, against one that only "
                   "imports the package."])


if __name__ == "__main__":
    json.dump(measure(), sys.stdout, indent=2)
