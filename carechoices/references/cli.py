"""``carechoices references import FILE… [--dry-run]``: add records from PubMed, RIS, BibTeX, CSL-JSON.

Prints each record's outcome (new, duplicate, possible duplicate, invalid) with its reason and
the counts, then writes the new records in one transaction (``--dry-run`` writes nothing).
Invalid records refuse the import unless ``--skip-invalid``; possible duplicates are skipped
unless ``--import-possible``; ``--merge-duplicates`` fills the empty fields of the library
entries that duplicates match. Bad input prints ``carechoices: error: …`` and exits with 2.
The parser is built without Django; the command runs after ``django.setup()``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_BAD_INPUT = 2
FORMAT_CHOICES = ("medline", "ris", "bibtex", "csl-json")


def add_references_parser(sub) -> None:
    references = sub.add_parser("references", help="Work with the reference library.")
    commands = references.add_subparsers(dest="references_command", required=True)
    load = commands.add_parser(
        "import", help="Import references from PubMed (MEDLINE/.nbib), RIS, BibTeX or CSL-JSON files.",
    )
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument("--dry-run", action="store_true",
                      help="Show what would be imported, with each record's reason, and write nothing.")
    load.add_argument("--format", choices=FORMAT_CHOICES, default=None,
                      help="The files' format (default: recognised from their content).")
    load.add_argument("--skip-invalid", action="store_true",
                      help="Import the valid records even when some are invalid (default: refuse).")
    load.add_argument("--import-possible", action="store_true",
                      help="Import possible duplicates as new entries (default: skip them).")
    load.add_argument("--merge-duplicates", action="store_true",
                      help="Fill empty fields of the library entries that duplicates match (keeps their keys).")


def _fail(lines: list[str], limit: int = 50) -> int:
    for line in lines[:limit]:
        print(f"carechoices: error: {line}", file=sys.stderr)
    if len(lines) > limit:
        print(f"carechoices: error: … and {len(lines) - limit} more", file=sys.stderr)
    return EXIT_BAD_INPUT


def run_references_command(args: argparse.Namespace) -> int:
    from carechoices.opendata.progress import terminal_progress

    from .importer import IMPORT, MERGE, ImportRefused, apply, describe, preview, summary
    from .importing import ImportFileError, Status

    files = []
    for name in args.files:
        path = Path(name)
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            return _fail([f"{name}: cannot read the file ({exc.strerror or exc})."])
    started = time.perf_counter()
    try:
        with terminal_progress() as progress:
            plan = preview(files, format_name=args.format, progress=progress.task)
    except ImportFileError as exc:
        return _fail([str(exc), "nothing was imported"])
    print("Read " + "; ".join(f"{name} ({label})" for name, label in plan.files) + ".")
    for row in plan.rows:
        shown = describe(row)
        target = f" -> {shown['key']}" if shown["key"] and row.status != Status.INVALID else ""
        print(f"{row.status:<18} {shown['label']}{target}: {shown['reason']}")
        for warning in shown["warnings"]:
            print(f"{'':<18}   warning: {warning}")
    print(f"Records: {summary(plan)}.")
    actions = {}
    for row in plan.rows:
        if row.status == Status.POSSIBLE and args.import_possible:
            actions[row.position] = IMPORT
        elif row.status == Status.DUPLICATE and args.merge_duplicates and not row.other.startswith("record "):
            actions[row.position] = MERGE
    try:
        with terminal_progress() as progress:
            result = apply(plan, actions, skip_invalid=args.skip_invalid, progress=progress.task,
                           check_only=args.dry_run)
    except ImportRefused as exc:
        hint = [] if args.skip_invalid else ["use --skip-invalid to import the valid records only"]
        return _fail(exc.problems + ["nothing was imported"] + hint)
    elapsed = time.perf_counter() - started
    if args.dry_run:
        print(f"Dry run: {len(result.created)} would be added, {len(result.merged)} merged; "
              f"nothing was written ({elapsed:.1f} s).")
    else:
        print(f"Added {len(result.created)}, merged {len(result.merged)}, skipped {result.skipped} "
              f"({elapsed:.1f} s).")
    return 0
