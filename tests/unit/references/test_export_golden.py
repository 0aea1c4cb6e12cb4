"""Every exporter writes the golden file for the sample library, and the exporters stay pure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carechoices.references.exports import FORMATS, ExportItem, export_item

from .export_samples import golden_path, sample_export_items

PROJECT = Path(__file__).resolve().parents[3]
EXPORT_MODULES = [
    "carechoices.references.exports",
    "carechoices.references.exports.base",
    "carechoices.references.exports.csl",
    "carechoices.references.exports.ris",
    "carechoices.references.exports.bibtex",
    "carechoices.references.exports.ama",
]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_sample_library_matches_golden_file(fmt: str) -> None:
    # Arrange
    items = sample_export_items()
    expected = golden_path(fmt).read_text(encoding="utf-8")

    # Act
    written = FORMATS[fmt].export(items)

    # Assert (regenerate with: uv run python -m tests.unit.references.export_samples)
    assert written == expected


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_of_no_items_is_an_empty_file(fmt: str) -> None:
    # Act
    written = FORMATS[fmt].export([])

    # Assert
    assert written in ("", "[]\n")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_does_not_change_its_items(fmt: str) -> None:
    # Arrange
    items = sample_export_items()
    before = json.dumps([item.csl for item in items], sort_keys=True)

    # Act
    FORMATS[fmt].export(items)

    # Assert
    assert json.dumps([item.csl for item in items], sort_keys=True) == before


def test_formats_offer_the_four_downloads_with_their_media_types() -> None:
    # Act
    offered = {
        name: (f.label, f.extension, f.media_type) for name, f in FORMATS.items()
    }

    # Assert
    assert offered == {
        "ris": ("RIS", "ris", "application/x-research-info-systems; charset=utf-8"),
        "bib": ("BibTeX", "bib", "application/x-bibtex; charset=utf-8"),
        "csl.json": ("CSL-JSON", "json", "application/vnd.citationstyles.csl+json"),
        "txt": ("text", "txt", "text/plain; charset=utf-8"),
    }


def test_export_item_works_out_missing_fields_and_keeps_the_note() -> None:
    # Act
    item = export_item(
        {"id": "x1", "type": "article-journal", "author": [{"family": "A", "given": "B"}]},
        7,
        verification_note="Pages not verified",
    )

    # Assert
    assert item == ExportItem(
        csl={"id": "x1", "type": "article-journal", "author": [{"family": "A", "given": "B"}]},
        number=7,
        missing=("title", "container-title", "issued"),
        verification_note="Pages not verified",
    )
    assert item.flags == [
        "Incomplete entry: title, container-title, issued not recorded.",
        "Pages not verified",
    ]


def test_export_item_names_alternatives_in_words() -> None:
    # Act
    item = export_item({"id": "b", "type": "book", "title": "T", "publisher": "P", "issued": {"date-parts": [[2020]]}}, 1)

    # Assert
    assert item.flags == ["Incomplete entry: author or editor not recorded."]


@pytest.mark.parametrize("csl", [{}, {"id": ""}, {"type": "book"}, "not a mapping"])
def test_export_item_without_id_is_refused(csl) -> None:
    # Act / Assert
    with pytest.raises(ValueError, match="no 'id'"):
        export_item(csl, 1)


def test_exporters_import_no_web_framework() -> None:
    # Arrange: a fresh interpreter, so modules other tests imported do not count
    code = (
        "import importlib, json, sys\n"
        f"for name in {EXPORT_MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('django', 'wagtail', 'ninja'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(PROJECT)

    # Act
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )

    # Assert
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
