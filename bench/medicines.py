"""Section "medicines": the vocabulary's own figures (``bench.vocabulary.measure()``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from typing import Any, Final

from bench.registry import BenchOptions, FigureTable, Measured, Section


def flatten(figures: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested figures as ``("a.b", "value")`` rows, numbers formatted for reading."""
    rows: list[tuple[str, str]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(flatten(value, prefix=f"{name}."))
        elif isinstance(value, float):
            rows.append((name, _format_float(value)))
        elif isinstance(value, bool) or value is None:
            rows.append((name, str(value)))
        elif isinstance(value, int):
            rows.append((name, f"{value:,}"))
        else:
            rows.append((name, str(value)))
    return rows


def _format_float(value: float) -> str:
    """Whole numbers without decimals, large ones grouped, small ones to four figures."""
    if value.is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def as_measured(title: str, result: Any, notes: list[str] | None = None) -> Measured:
    """Wrap whatever another package's ``measure`` returned as a section result."""
    if isinstance(result, Mapping):
        # Round trip through JSON so the results file can always be written.
        figures = json.loads(json.dumps(dict(result), default=str))
    else:
        figures = {"result": repr(result)}
    return Measured(
        figures=figures,
        tables=[FigureTable(title, ("figure", "value"), tuple(flatten(figures)))],
        notes=notes or [],
    )


_MEDICINES_CHILD: Final = (
    "import json\nfrom bench.vocabulary import measure\nprint(json.dumps(measure()))\n"
)


def run_medicines(options: BenchOptions) -> Measured:
    """``bench.vocabulary.measure()``, in a fresh interpreter: the vocabulary's figures.

    Its load time and peak memory come from interpreters it starts itself (``VmHWM``, which
    starts afresh at exec). The lookups it times in its own process, so a fresh interpreter
    keeps Django's heap and garbage collector (this process holds over 100 MiB) out of them.
    """
    completed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", _MEDICINES_CHILD],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"bench.vocabulary.measure() failed:\n{completed.stderr.strip()}"
        )
    return as_measured(
        "Medicine vocabulary (bench.vocabulary)",
        json.loads(completed.stdout.strip().splitlines()[-1]),
        notes=["Run in a fresh interpreter; the figures are that module's own."],
    )


MEDICINES: Final = Section("medicines", "Medicine vocabulary", run_medicines)
