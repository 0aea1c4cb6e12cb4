"""The sample library as export items, and the golden exports made from it.

The items are built the way the site builds them from the library (see
``carechoices.demo.loader`` and ``carechoices.references.views``): a note saying something was
not verified becomes the entry's verification note, every other field stays in the CSL-JSON,
and the entries are numbered 1, 2, … in file order.

After an intended change to an exporter, rewrite the golden files and review the diff::

    uv run python -m tests.unit.references.export_samples
"""

from __future__ import annotations

from pathlib import Path

from carechoices.references.exports import FORMATS, ExportItem, export_item

from .conftest import load_sample_library

GOLDEN_EXPORTS = Path(__file__).parent / "golden" / "exports"


def sample_export_items() -> list[ExportItem]:
    items = []
    for number, csl in enumerate(load_sample_library(), start=1):
        csl = dict(csl)
        verification_note = ""
        if "verif" in str(csl.get("note", "")).lower():
            verification_note = csl.pop("note")
        items.append(export_item(csl, number, verification_note=verification_note))
    return items


def golden_path(fmt: str) -> Path:
    """tests/unit/references/golden/exports/sample.<fmt> (sample.csl.json, sample.ris, …)."""
    return GOLDEN_EXPORTS / f"sample.{fmt}"


def write_golden() -> None:
    items = sample_export_items()
    for name, export_format in FORMATS.items():
        golden_path(name).write_text(export_format.export(items), encoding="utf-8", newline="")
        print(f"wrote {golden_path(name)}")


if __name__ == "__main__":
    write_golden()
