"""``python -m bench``: run the sections in order, print their tables, write the JSON results.

A section is a function from the options to a :class:`bench.common.Result`, listed in
``SECTIONS``; one that cannot run here raises :class:`bench.common.Skipped`, and one that raises
anything else is reported as failed while the others still run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import content, pages, references_import, screening, vocabulary
from bench.common import VAR_DIR, Result, Skipped

SECTIONS: dict[str, tuple[str, Callable[[argparse.Namespace], Result]]] = {
    "render": ("LDN review pages rendered in process", pages.run_render),
    "http": ("LDN page over HTTP: gunicorn vs nginx", pages.run_http),
    "edge": ("make serve's stack: cached page vs nginx static; screen vs trivial view",
             pages.run_edge),
    "medicines": ("Medicine vocabulary", vocabulary.run),
    "screening": ("Screening engine on the live rules (20 medicines × every therapy)",
                  screening.run_engine),
    "screen-api": ("POST /api/v1/screen over HTTP: gunicorn vs nginx", screening.run_api),
    "read-api": ("Open-data read API against a trivial JSON view", pages.run_read_api),
    "export": ("Open-data export: sample, 100 and 1,000 generated reviews (--quick: 10, 100)",
               content.run_export),
    "cds-hooks": ("CDS Hooks order-sign, 20 active medicines: in process and over HTTP",
                  screening.run_cds),
    "references-import": ("Reference import: 5,000 records against 5,000", references_import.run),
    "search": ("Site search against a trivial view, sample content and 100 reviews",
               content.run_search),
}


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; the options are what every section reads."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure CareChoices against same-run baselines (see docs/benchmarks.md).")
    add = parser.add_argument
    add("--requests", type=int, default=20, help="in-process requests per page (%(default)s)")
    add("--duration", type=int, default=5, help="seconds of wrk load per server (%(default)s)")
    add("--connections", type=int, default=50, help="wrk connections (%(default)s)")
    add("--threads", type=int, default=2, help="wrk threads (%(default)s)")
    add("--workers", type=int, default=2,
        help="gunicorn workers and nginx worker processes (%(default)s)")
    add("--screening-runs", type=int, default=30, help="rounds of the screen sections (%(default)s)")
    add("--only", action="append", metavar="SECTION", help="run only this section (repeatable)")
    add("--skip", action="append", metavar="SECTION", default=[],
        help="leave this section out (repeatable)")
    add("--quick", action="store_true", help="a smoke run: 5 requests per page, 1 s of wrk, 3 "
        "screening runs, export corpora of 10 and 100 generated reviews")
    add("--rebuild-database", action="store_true",
        help="delete and rebuild var/bench.sqlite3 (and the generated corpora) first")
    add("--prepare-database", action="store_true",
        help="migrate and load the sample content into the DATABASE_URL you set")
    add("--output", type=Path, default=VAR_DIR / "bench" / "results.json",
        help="JSON results file (default var/bench/results.json)")
    add("--list", action="store_true", help="list the sections and exit")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.requests, arguments.duration, arguments.screening_runs = 5, 1, 3
    return arguments


def chosen_sections(only: Sequence[str] | None, skip: Sequence[str]) -> list[str]:
    """The sections to run, in ``SECTIONS`` order; ValueError naming any unknown one."""
    if unknown := sorted((set(only or []) | set(skip)) - set(SECTIONS)):
        raise ValueError(f"Unknown section(s): {', '.join(unknown)}")
    return [name for name in SECTIONS if (only is None or name in only) and name not in skip]


def run_section(name: str, options: argparse.Namespace) -> tuple[dict[str, Any], Result]:
    """One section's outcome for the JSON (measured, skipped or failed), and its result."""
    title, run = SECTIONS[name]
    start, result = time.perf_counter(), Result({})
    outcome: dict[str, Any] = {"title": title, "status": "measured", "reason": ""}
    try:
        result = run(options)
    except Skipped as skipped:
        outcome.update(status="skipped", reason=str(skipped))
    except Exception as error:  # noqa: BLE001 - reported, and the next section still runs
        outcome.update(status="failed", reason=f"{type(error).__name__}: {error}",
                       detail="".join(traceback.format_exception(error)))
    outcome.update(notes=result.notes, figures=result.figures,
                   seconds=round(time.perf_counter() - start, 2))
    return outcome, result


def format_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [list(columns), *(list(row) for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                         for i, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip()

    return "\n".join([title, line(columns), "  ".join("-" * w for w in widths), *map(line, rows)])


def environment() -> dict[str, Any]:
    """The machine and versions the figures were measured with."""
    return {"python": sys.version.split()[0], "platform": platform.platform(),
            "machine": platform.machine(), "cpus": os.cpu_count(),
            **{package: metadata.version(package) for package in ("django", "wagtail", "gunicorn")}}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 if a section failed (a skipped one is not a failure)."""
    options = parse_arguments(argv)
    if options.list:
        for name, (title, _) in SECTIONS.items():
            print(f"{name:<18} {title}")
        return 0
    try:
        names = chosen_sections(options.only, options.skip)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    # SIGTERM (a CI timeout, `kill`) becomes SystemExit, so the finally blocks that stop
    # gunicorn and nginx run: both live in sessions of their own and would outlive us.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    load_at_start, start = os.getloadavg()[0], time.perf_counter()
    outcomes: dict[str, dict[str, Any]] = {}
    try:
        for name in names:
            outcome, result = run_section(name, options)
            outcomes[name] = outcome
            print(f"\n== {outcome['title']}: {outcome['status']} ({outcome['seconds']:.1f} s)")
            for table in result.tables:
                print(format_table(*table), end="\n\n")
            for text in filter(None, [outcome["reason"], *outcome["notes"]]):
                print(text)
    finally:
        signal.signal(signal.SIGTERM, previous)
    seconds = time.perf_counter() - start
    print("\n" + format_table("Summary", ("section", "status", "seconds"), [
        (name, outcome["status"], f"{outcome['seconds']:.1f}") for name, outcome in outcomes.items()]))
    document = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "environment": {"load_average_1m_at_start": round(load_at_start, 2),
                        "load_average_1m_at_end": round(os.getloadavg()[0], 2), **environment()},
        "options": {k: v for k, v in vars(options).items()
                    if k not in ("only", "skip", "output", "list")},
        "sections": outcomes,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = options.output.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n")
    temporary.replace(options.output)
    print(f"Results written to {options.output} ({seconds:.0f} s in all).")
    failed = [name for name, outcome in outcomes.items() if outcome["status"] == "failed"]
    for name in failed:
        print(f"\n{name} failed:\n{outcomes[name]['detail']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
