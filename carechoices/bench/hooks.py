"""Sections that call other packages' own benchmarks, when those exist.

``carechoices.medicines.bench.measure()`` is being written alongside this package and
``carechoices.screening.bench.measure(vocabulary, therapies, ...)`` needs inputs the project
cannot build yet; both sections say "not available" (and why) rather than fail when a piece is
missing. A package with a benchmark of its own can also call
:func:`carechoices.bench.registry.register` directly.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from carechoices.bench.registry import (
    NOT_AVAILABLE,
    BenchOptions,
    FigureTable,
    Measured,
    Section,
    SectionSkipped,
)


def import_optional(module_name: str, attribute: str) -> Callable[..., Any]:
    """``module_name.attribute``, or SectionSkipped("not available") if it does not exist yet.

    Only the module itself being absent counts as "not available"; an ImportError raised
    inside an existing module is a bug in it and propagates, so the section shows as failed.
    """
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and (
            module_name == error.name or module_name.startswith(error.name + ".")
        ):
            raise SectionSkipped(
                f"{module_name} not available (not written yet)", status=NOT_AVAILABLE
            ) from error
        raise
    found = getattr(module, attribute, None)
    if not callable(found):
        raise SectionSkipped(
            f"{module_name}.{attribute} not available (the module has no such function)",
            status=NOT_AVAILABLE,
        )
    return found


def flatten(figures: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested figures as ``("a.b", "value")`` rows, numbers formatted for reading."""
    rows: list[tuple[str, str]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(flatten(value, prefix=f"{name}."))
        elif isinstance(value, float):
            rows.append((name, f"{value:,.2f}"))
        elif isinstance(value, bool) or value is None:
            rows.append((name, str(value)))
        elif isinstance(value, int):
            rows.append((name, f"{value:,}"))
        else:
            rows.append((name, str(value)))
    return rows


def as_measured(title: str, result: Any, notes: list[str] | None = None) -> Measured:
    """Wrap whatever another package's ``measure`` returned as a section result."""
    if isinstance(result, Mapping):
        # Round trip through JSON so the results file can always be written.
        figures = json.loads(json.dumps(dict(result), default=str))
    else:
        figures = {"result": repr(result)}
    return Measured(
        figures=figures,
        tables=[FigureTable(title, ("figure", "value"), tuple(flatten(figures)))],
        notes=notes or [],
    )


def run_medicines(options: BenchOptions) -> Measured:
    """``carechoices.medicines.bench.measure()``: the medicine vocabulary's own figures."""
    measure = import_optional("carechoices.medicines.bench", "measure")
    return as_measured("Medicine vocabulary (carechoices.medicines.bench)", measure())


# Where the screening inputs come from until the real ones exist. The real vocabulary will be
# carechoices.medicines' and the real rules a Django adapter from reviewed content; neither
# exists yet, so the engine is timed on the unit tests' fake vocabulary and sample rules (a few
# dictionary lookups and the LDN and vitamin D rules written from /work/shared/sources).
SCREENING_FAKES: Final = ("tests.unit.screening.fakes", "tests.unit.screening.sample_rules")


def run_screening(options: BenchOptions) -> Measured:
    """``carechoices.screening.bench.measure``: the screening engine against its baselines."""
    measure = import_optional("carechoices.screening.bench", "measure")
    fake_vocabulary = import_optional(SCREENING_FAKES[0], "FakeVocabulary")
    try:
        therapies = importlib.import_module(SCREENING_FAKES[1]).ALL_THERAPIES
    except (ModuleNotFoundError, AttributeError) as error:
        raise SectionSkipped(
            f"screening inputs not available: {error}", status=NOT_AVAILABLE
        ) from error
    result = dict(measure(fake_vocabulary(), therapies))
    result["inputs"] = "unit-test fakes (tests/unit/screening): FakeVocabulary, ALL_THERAPIES"
    return as_measured(
        "Screening engine (carechoices.screening.bench), times in µs",
        result,
        notes=[
            "Inputs are the unit tests' fake vocabulary and sample rules: the real vocabulary "
            "(carechoices.medicines) and the content-to-rules adapter do not exist yet.",
            "ratio_to_lookups = engine median / vocabulary lookups alone; ratio_to_json_dumps = "
            "engine median / serialising the result.",
        ],
    )


MEDICINES: Final = Section("medicines", "Medicine vocabulary", run_medicines)
SCREENING: Final = Section("screening", "Screening engine", run_screening)
