"""``carechoices export DIR`` and ``carechoices import DIR [--check]``.

The parsers are built without Django (the command line builds every parser before Django is set
up); the commands run after it. Bad input, a refused import or an export folder that cannot be
used print ``carechoices: error: …`` lines naming the file, record and field, and exit with 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_BAD_INPUT = 2
#: A refused import prints at most this many problems (and how many more there were).
MAX_SHOWN = 50


def add_open_data_parsers(sub) -> None:
    export = sub.add_parser(
        "export", help="Write the published corpus as open data (JSON, JSON Schemas, manifest, licence) to DIR.",
    )
    export.add_argument("directory", metavar="DIR", help="A new or empty folder, or an earlier export's folder.")
    load = sub.add_parser("import", help="Load an open-data export into an empty database (all or nothing).")
    load.add_argument("directory", metavar="DIR", help="The export's folder (the one holding manifest.json).")
    load.add_argument("--check", action="store_true",
                      help="Validate everything, including the database writes, then roll back: nothing is kept.")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _summary(counts: dict[str, int]) -> str:
    return ", ".join([
        _plural(counts["reviews"], "review", "reviews"),
        _plural(counts["references"], "reference", "references"),
        _plural(counts["glossary"], "glossary term", "glossary terms"),
        _plural(counts["people"], "person", "people"),
    ])


def _fail(lines: list[str]) -> int:
    for line in lines[:MAX_SHOWN]:
        print(f"carechoices: error: {line}", file=sys.stderr)
    if len(lines) > MAX_SHOWN:
        print(f"carechoices: error: … and {len(lines) - MAX_SHOWN} more", file=sys.stderr)
    return EXIT_BAD_INPUT


def run_export(args: argparse.Namespace) -> int:
    from .export import ExportError, export_to_directory
    from .progress import terminal_progress

    started = time.perf_counter()
    try:
        with terminal_progress() as progress:
            summary = export_to_directory(Path(args.directory), progress)
    except ExportError as exc:
        return _fail([str(exc)])
    print(f"Exported {_summary(summary.counts)} to {args.directory} "
          f"({summary.files} files, {time.perf_counter() - started:.1f} s).")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .importer import ImportRefused, import_export
    from .progress import terminal_progress

    started = time.perf_counter()
    try:
        with terminal_progress() as progress:
            counts = import_export(Path(args.directory), progress=progress, check_only=args.check)
    except ImportRefused as exc:
        return _fail([str(p) for p in exc.problems] + ["nothing was imported"])
    verb = "Checked (nothing written)" if args.check else "Imported"
    print(f"{verb} {_summary(counts)} from {args.directory} ({time.perf_counter() - started:.1f} s).")
    return 0


def run_open_data_command(args: argparse.Namespace) -> int:
    return run_export(args) if args.command == "export" else run_import(args)
