"""Other packages' benchmarks are called when they exist and reported "not available" if not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from carechoices.bench.hooks import (
    as_measured,
    flatten,
    import_optional,
)
from carechoices.bench.registry import NOT_AVAILABLE, SectionSkipped


def test_import_optional_reports_a_missing_module_as_not_available() -> None:
    with pytest.raises(SectionSkipped) as skipped:
        import_optional("carechoices.no_such_package.bench", "measure")

    assert skipped.value.status == NOT_AVAILABLE
    assert "carechoices.no_such_package.bench" in skipped.value.reason


def test_import_optional_reports_a_missing_function_as_not_available() -> None:
    with pytest.raises(SectionSkipped, match="no such function") as skipped:
        import_optional("carechoices.bench.stats", "measure")

    assert skipped.value.status == NOT_AVAILABLE


def test_import_optional_lets_a_broken_import_inside_the_module_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module that exists but imports something missing is a bug, not "not written yet".
    (tmp_path / "brokenbench.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "brokenbench", raising=False)

    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        import_optional("brokenbench", "measure")


def test_flatten_names_nested_figures_with_dots() -> None:
    rows = flatten(
        {
            "engine_us": {"median": 481.333, "p95": 9136.17, "runs": 2000},
            "names": 77609.0,
            "load_seconds": 0.23456,
            "clean": True,
            "note": "x",
        }
    )

    assert rows == [
        ("engine_us.median", "481.3"),
        ("engine_us.p95", "9,136"),
        ("engine_us.runs", "2,000"),
        ("names", "77,609"),
        ("load_seconds", "0.2346"),
        ("clean", "True"),
        ("note", "x"),
    ]


def test_as_measured_keeps_a_result_that_is_not_a_mapping_as_text() -> None:
    measured = as_measured("Title", [1, 2])

    assert measured.figures == {"result": "[1, 2]"}
    assert measured.tables[0].rows == (("result", "[1, 2]"),)
