"""Helpers shared by the medicine vocabulary tests (a uniquely named module, so it
cannot clash with other test folders)."""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]


def read_golden(name: str) -> list[dict[str, str]]:
    """Rows of a golden TSV next to this file."""
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def split_field(value: str) -> tuple[str, ...]:
    """'a+b' -> ('a', 'b'); '-' -> ()."""
    return () if value == "-" else tuple(value.split("+"))
