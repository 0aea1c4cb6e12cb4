"""A small benchmark of the screen: engine time for one realistic request, with baselines.

Following PRODUCT.md ("Quality bars"), the figures are reported next to baselines measured in
the same process, so they can be compared across machines:

* ``lookups``: the vocabulary lookups for the same inputs alone (work the engine cannot avoid);
* ``json_dumps``: serialising the result (work every API response does anyway).

Nothing here asserts on time; tests only check the shape of the report.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, Final

from carechoices.screening.engine import screen
from carechoices.screening.models import Procedure, ScreenRequest, TherapyRules, Vocabulary

# Twenty texts of the kinds people type: generics, brands, a misspelling and unknown names.
# They are only inputs; which of them the vocabulary recognises does not matter here.
DEFAULT_MEDICINES: Final[tuple[str, ...]] = (
    "tramadol",
    "Ultram",
    "morphine",
    "dextromethorphan",
    "oxycodone",
    "Percocet",
    "fentanyl",
    "Duragesic",
    "codeine",
    "rituximab",
    "aspirin",
    "naltrexone",
    "ibuprofen",
    "metformin",
    "levothyroxine",
    "tamoxifen",
    "omeprazole",
    "atorvastatin",
    "tramadoll",
    "not a medicine",
)
DEFAULT_CONDITIONS: Final[tuple[str, ...]] = ("Crohn's disease", "liver disease")


def measure(
    vocabulary: Vocabulary,
    therapies: Sequence[TherapyRules],
    *,
    medicines: Sequence[str] = DEFAULT_MEDICINES,
    conditions: Sequence[str] = DEFAULT_CONDITIONS,
    runs: int = 200,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Time ``screen`` for the given medicines against every therapy; return the figures.

    Times are in microseconds (median, 95th percentile, minimum over ``runs`` runs after one
    warm-up run); ``ratio_to_*`` divide the engine's median by each baseline's median.
    """
    today = today or datetime.date.today()
    request = ScreenRequest(
        medicines=tuple(medicines),
        conditions=tuple(conditions),
        procedures=(Procedure("surgery", today + datetime.timedelta(days=30)),),
        dose_mg=4.5,
    )
    result = screen(request, therapies, vocabulary, today=today)

    def run_engine() -> None:
        screen(request, therapies, vocabulary, today=today)

    def run_lookups() -> None:
        for text in request.medicines:
            vocabulary.lookup_medicine(text)
        for text in request.conditions:
            vocabulary.lookup_condition(text)

    def run_json() -> None:
        json.dumps(result)

    engine = _timings(run_engine, runs)
    lookups = _timings(run_lookups, runs)
    dumps = _timings(run_json, runs)
    return {
        "medicines": len(request.medicines),
        "conditions": len(request.conditions),
        "therapies": len(therapies),
        "findings": sum(len(therapy["findings"]) for therapy in result["therapies"]),
        "runs": runs,
        "engine_us": engine,
        "baseline_us": {"lookups": lookups, "json_dumps": dumps},
        "ratio_to_lookups": _ratio(engine["median"], lookups["median"]),
        "ratio_to_json_dumps": _ratio(engine["median"], dumps["median"]),
    }


def _timings(action: Callable[[], None], runs: int) -> dict[str, float]:
    action()  # warm-up: caches, lazy imports
    samples = []
    for _ in range(max(runs, 1)):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return {
        "median": round(statistics.median(samples), 2),
        "p95": round(p95, 2),
        "min": round(samples[0], 2),
    }


def _ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline > 0 else None
