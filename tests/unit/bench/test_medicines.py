"""The medicines section reports the vocabulary's own figures as rows (no time is checked)."""

from __future__ import annotations

from bench.medicines import as_measured, flatten


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
