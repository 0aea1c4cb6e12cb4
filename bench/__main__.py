"""``python -m bench``: run every section, print the tables, write the JSON."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from bench.database import VAR_DIR
from bench.registry import FAILED, BenchOptions, run_sections
from bench.report import (
    load_average,
    print_outcomes,
    results_document,
    write_results,
)
from bench.sections import BUILT_IN

DEFAULT_OUTPUT = VAR_DIR / "bench" / "results.json"


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; the defaults keep a full run well under a minute and a half."""
    defaults = BenchOptions()
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure CareChoices against same-run baselines (see docs/benchmarks.md).",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=defaults.requests,
        help="in-process renders per page (default %(default)s)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=defaults.duration_s,
        help="seconds of wrk load per server (default %(default)s)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=defaults.connections,
        help="wrk connections (default %(default)s)",
    )
    parser.add_argument(
        "--threads", type=int, default=defaults.threads, help="wrk threads (default %(default)s)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        help="gunicorn workers and nginx worker processes (default %(default)s)",
    )
    parser.add_argument(
        "--screening-runs",
        type=int,
        default=defaults.screening_runs,
        help="runs of the screening engine (default %(default)s)",
    )
    parser.add_argument(
        "--only", action="append", metavar="SECTION", help="run only this section (repeatable)"
    )
    parser.add_argument(
        "--skip",
        action="append",
        metavar="SECTION",
        default=[],
        help="leave this section out (repeatable)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 5 renders per page, 1 s of wrk, 3 screening runs",
    )
    parser.add_argument(
        "--rebuild-database", action="store_true", help="delete and rebuild var/bench.sqlite3 first"
    )
    parser.add_argument(
        "--prepare-database",
        action="store_true",
        help="migrate and load the sample content into the DATABASE_URL you set (never done without this flag)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON results file (default var/bench/results.json)",
    )
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    return parser.parse_args(argv)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 if a section failed (a skipped section is not a failure)."""
    arguments = parse_arguments(argv)
    # SIGTERM (a CI timeout, `kill`) becomes SystemExit, so the finally blocks that stop
    # gunicorn and nginx run; both live in sessions of their own and would outlive us otherwise.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return _run(arguments, Console())
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(arguments: argparse.Namespace, console: Console) -> int:
    sections = list(BUILT_IN)
    if arguments.list:
        for section in sections:
            console.print(f"{section.name:<12} {section.title}")
        return 0
    known = {section.name for section in sections}
    unknown = set(arguments.only or []) | set(arguments.skip)
    if unknown - known:
        console.print(f"[red]Unknown section(s): {', '.join(sorted(unknown - known))}[/]")
        return 2
    chosen = [
        section
        for section in sections
        if (arguments.only is None or section.name in arguments.only)
        and section.name not in arguments.skip
    ]
    options = BenchOptions(
        requests=5 if arguments.quick else arguments.requests,
        duration_s=1 if arguments.quick else arguments.duration,
        threads=arguments.threads,
        connections=arguments.connections,
        workers=arguments.workers,
        screening_runs=3 if arguments.quick else arguments.screening_runs,
        rebuild_database=arguments.rebuild_database,
        prepare_database=arguments.prepare_database,
    )
    load_at_start = load_average()
    start = time.perf_counter()
    outcomes = run_sections(chosen, options)
    seconds = time.perf_counter() - start
    print_outcomes(console, outcomes)
    document = results_document(outcomes, options, seconds=seconds, load_at_start=load_at_start)
    write_results(document, arguments.output)
    console.print(f"Results written to {arguments.output} ({seconds:.0f} s in all).")
    for outcome in outcomes:
        if outcome.status == FAILED and outcome.detail:
            console.print(f"\n[red]{outcome.name} failed:[/]")
            console.print(outcome.detail, markup=False, highlight=False)
    return 1 if any(outcome.status == FAILED for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
