"""``carechoices vocabulary coverage``: how completely each rule class is decided.

    carechoices vocabulary coverage                      # every class, as text
    carechoices vocabulary coverage --class opioid --format json
    carechoices vocabulary coverage --check              # exit 1 if anything is undecided

Per rule class it lists the members (ingredients decided *in*; ``systemic_only`` ones
marked), the exclusions (decided *out* by a curated row) and the undecided ingredients with
the signals that tie them to the class. An undecided ingredient is *not checked* by the
screen, so after rebuilding the drug index run this with ``--check`` and add a decision to
``data/rule_classes.tsv`` for everything it lists.

Pure Python, no Django and no database: ``carechoices.cli`` runs it before setting Django up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from carechoices.medicines.vocabulary import (
    RULE_CLASSES,
    ClassCoverage,
    MedicineVocabulary,
    load_vocabulary,
)

__all__ = ["add_vocabulary_parser", "coverage_json", "coverage_text", "run_vocabulary_command"]

#: Exit status of ``--check`` when some ingredient is undecided.
EXIT_UNDECIDED = 1
EXIT_BAD_INPUT = 2


def add_vocabulary_parser(subparsers: Any) -> None:
    """Add ``vocabulary coverage`` to the ``carechoices`` sub-command parsers."""
    vocabulary = subparsers.add_parser(
        "vocabulary", help="Inspect the medicine vocabulary (no database needed)."
    )
    actions = vocabulary.add_subparsers(dest="vocabulary_command", required=True)
    coverage = actions.add_parser(
        "coverage",
        help="Members, exclusions and undecided ingredients of each rule class.",
    )
    coverage.add_argument("--format", choices=["text", "json"], default="text")
    coverage.add_argument(
        "--class",
        dest="rule_class",
        metavar="SLUG",
        default=None,
        help="Only this rule class (e.g. opioid).",
    )
    coverage.add_argument(
        "--check",
        action="store_true",
        help=f"Exit with status {EXIT_UNDECIDED} when any ingredient is undecided.",
    )


def run_vocabulary_command(
    args: argparse.Namespace,
    vocabulary: MedicineVocabulary | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run ``carechoices vocabulary ...``; return the exit status."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    if args.vocabulary_command != "coverage":  # pragma: no cover (argparse requires one)
        print(f"carechoices: error: unknown command {args.vocabulary_command!r}", file=err)
        return EXIT_BAD_INPUT
    if args.rule_class is not None and args.rule_class not in RULE_CLASSES:
        known = ", ".join(sorted(RULE_CLASSES))
        print(
            f"carechoices: error: --class: unknown rule class {args.rule_class!r} (known: {known})",
            file=err,
        )
        return EXIT_BAD_INPUT
    vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
    coverage = vocabulary.coverage()
    if args.rule_class is not None:
        coverage = {args.rule_class: coverage[args.rule_class]}
    if args.format == "json":
        out.write(json.dumps(coverage_json(coverage), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(coverage_text(coverage))
    undecided = sum(len(report.undecided) for report in coverage.values())
    return EXIT_UNDECIDED if args.check and undecided else 0


def coverage_json(coverage: Mapping[str, ClassCoverage]) -> dict[str, Any]:
    """The coverage report as JSON-ready data."""
    return {
        "classes": {
            slug: {
                "members": list(report.members),
                "systemic_only": list(report.systemic_only),
                "exclusions": list(report.exclusions),
                "undecided": [
                    {"ingredient": u.ingredient, "signals": list(u.signals)}
                    for u in report.undecided
                ],
                "neighbourhood": len(report.neighbourhood),
                "implicitly_out": report.implicitly_out,
            }
            for slug, report in coverage.items()
        },
        "undecided_total": sum(len(report.undecided) for report in coverage.values()),
    }


def coverage_text(coverage: Mapping[str, ClassCoverage]) -> str:
    """The coverage report as text, one block per class."""
    lines: list[str] = []
    for slug, report in coverage.items():
        lines.append(
            f"{slug}: {len(report.members)} members, {len(report.exclusions)} exclusions, "
            f"{len(report.undecided)} undecided ({len(report.neighbourhood)} ingredients with "
            f"a matching signal; {report.implicitly_out} others with signals are out)"
        )
        systemic_only = set(report.systemic_only)
        members = [f"{m} (systemic only)" if m in systemic_only else m for m in report.members]
        lines.append("  members: " + (", ".join(members) or "-"))
        lines.append("  exclusions: " + (", ".join(report.exclusions) or "-"))
        if report.undecided:
            lines.append("  undecided (not checked until a row in rule_classes.tsv decides):")
            lines.extend(f"    {u.ingredient}: {'; '.join(u.signals)}" for u in report.undecided)
        else:
            lines.append("  undecided: none")
    total = sum(len(report.undecided) for report in coverage.values())
    lines.append(f"undecided in total: {total}")
    return "\n".join(lines) + "\n"
