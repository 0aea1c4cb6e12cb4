"""Print the outcomes as rich tables and write them to a JSON file."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.registry import MEASURED, BenchOptions, SectionOutcome

_STATUS_STYLE = {MEASURED: "green", "skipped": "yellow", "not available": "yellow"}


def load_average() -> float | None:
    """The machine's one-minute load average, where the platform has one."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def environment() -> dict[str, Any]:
    """The machine and versions the figures were measured with."""
    versions = {}
    for package in ("django", "wagtail", "gunicorn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        # Other work on the machine slows everything; the ratios suffer least, but say so.
        "load_average_1m_at_end": load_average(),
        **versions,
    }


def results_document(
    outcomes: Sequence[SectionOutcome],
    options: BenchOptions,
    *,
    seconds: float,
    load_at_start: float | None = None,
) -> dict[str, Any]:
    """Everything the run measured, as the JSON results file holds it."""
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "environment": {"load_average_1m_at_start": load_at_start, **environment()},
        "options": options.__dict__,
        "sections": {outcome.name: outcome.as_json() for outcome in outcomes},
    }


def write_results(document: dict[str, Any], path: Path) -> None:
    """Write the JSON results (creating the folder), replacing any earlier run's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n")
    temporary.replace(path)


def print_outcomes(console: Console, outcomes: Sequence[SectionOutcome]) -> None:
    """One heading per section, its tables and notes, or why it has no figures."""
    for outcome in outcomes:
        style = _STATUS_STYLE.get(outcome.status, "red")
        console.rule(
            f"[bold]{outcome.title}[/] [{style}]{outcome.status}[/] ({outcome.seconds:.1f} s)"
        )
        if outcome.reason:
            console.print(f"[{style}]{outcome.reason}[/]")
        for figure_table in outcome.tables:
            table = Table(title=figure_table.title, title_justify="left")
            for index, column in enumerate(figure_table.columns):
                table.add_column(column, justify="left" if index == 0 else "right")
            for row in figure_table.rows:
                table.add_row(*row)
            console.print(table)
        for note in outcome.notes:
            console.print(f"[dim]{note}[/]")
    console.print()
    summary = Table(title="Summary", title_justify="left")
    summary.add_column("section")
    summary.add_column("status")
    summary.add_column("seconds", justify="right")
    for outcome in outcomes:
        style = _STATUS_STYLE.get(outcome.status, "red")
        summary.add_row(outcome.name, f"[{style}]{outcome.status}[/]", f"{outcome.seconds:.1f}")
    console.print(summary)
