"""The safety screen: the engine on the live rules, and ``POST /api/v1/screen`` over HTTP.

Both sections use one request: twenty medicines of the kinds people type (brands, combination
products, generic names, misspellings and descriptions no vocabulary knows) screened against
every live review. The rules are the real ones, compiled from the reviews in the bench
database by ``carechoices.screening.content.live_therapies()``; the vocabulary is the real one.

* ``screening`` times ``carechoices.screening.engine.screen`` in this process, next to two
  baselines measured in the same rounds: the vocabulary lookups alone (work the engine cannot
  avoid) and ``json.dumps`` of the result (work every API response does anyway). It also times
  ``run_screen``, the service the API calls (validation, the rules cache check, the engine).
* ``screen-api`` loads ``POST /api/v1/screen`` from gunicorn with wrk, then nginx answering the
  same POST with a file holding the exact bytes gunicorn sent (see ``serving.compare_servers``).

Importing this module does not import Django; the sections import it when they run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.serving import Target, compare_servers, required_binaries
from bench.stats import format_ratio, ratio, summarise_ms

API_PATH: Final = "/api/v1/screen"
READY_PATH: Final = "/healthz"  # the screen only takes POST; this answers GET once Django is up

# Twenty entries, as a person might type their list. They are only inputs: which of them the
# vocabulary recognises is reported (figures["inputs"]), not assumed.
SCREEN_MEDICINES: Final[tuple[str, ...]] = (
    # brand names
    "Ultram",
    "Synthroid",
    "Prograf",
    "Advil",
    "Lipitor",
    "Zoloft",
    # combination products, by brand and by ingredients
    "Percocet",
    "Tylenol with Codeine",
    "Robitussin DM",
    "oxycodone/acetaminophen",
    "Suboxone",
    # generic names, one with its strength and release form
    "metformin",
    "rituximab",
    "omeprazole",
    "metoprolol succinate ER 25 mg",
    # misspellings: the fuzzy suggestions make these the dearest lookups
    "tramadoll",
    "levothyroxin",
    "ibuprofin",
    # descriptions no vocabulary can recognise
    "water pill",
    "blood pressure pill",
)


def screen_payload(medicines: Sequence[str] = SCREEN_MEDICINES) -> dict[str, list[str]]:
    """The screen's request JSON (PRODUCT.md's contract): the medicines, every therapy."""
    return {"medicines": list(medicines)}


def request_body(medicines: Sequence[str] = SCREEN_MEDICINES) -> bytes:
    """The bytes wrk POSTs to the API: the payload as compact UTF-8 JSON."""
    return json.dumps(screen_payload(medicines), separators=(",", ":")).encode("utf-8")


def time_round_robin(
    actions: Mapping[str, Callable[[], object]], runs: int, *, batch: int = 10
) -> dict[str, list[int]]:
    """Warm every action up once, then ``runs`` rounds of each; nanoseconds per call.

    Round robin, as in the render section: a burst of other work on the machine then slows
    the engine and its baselines alike, so the ratios hold even when the times do not. In a
    round each action runs ``batch`` times back to back (each call timed), as pyperf's loops
    do: a request is served by a warm process, so the figure is not one of CPU caches just
    emptied by the other actions.
    """
    for action in actions.values():
        action()  # warm-up: lazy suggestion tables, imports, the rules cache
    samples: dict[str, list[int]] = {name: [] for name in actions}
    for _ in range(max(runs, 1)):
        for name, action in actions.items():
            for _ in range(max(batch, 1)):
                start = time.perf_counter_ns()
                action()
                samples[name].append(time.perf_counter_ns() - start)
    return samples


def screening_actions(
    request: Any, therapies: Sequence[Any], vocabulary: Any, *, today: Any
) -> tuple[dict[str, Callable[[], object]], dict[str, Any]]:
    """The engine and its two baselines as timed actions, and the engine's result.

    ``request`` is a ``ScreenRequest``, ``therapies`` the ``TherapyRules`` to screen against
    (typed loosely so this module imports without the screening package).
    """
    from carechoices.screening.engine import screen

    contract = screen(request, therapies, vocabulary, today=today).to_json()

    def engine() -> object:
        return screen(request, therapies, vocabulary, today=today)

    def lookups() -> object:
        return [vocabulary.lookup_medicine(text) for text in request.medicines] + [
            vocabulary.lookup_condition(text) for text in request.conditions
        ]

    def json_dumps() -> object:
        return json.dumps(contract)

    actions: dict[str, Callable[[], object]] = {
        "engine": engine,
        "lookups": lookups,
        "json_dumps": json_dumps,
    }
    # The lookups again, split by what the vocabulary made of each name: shows where the
    # lookup time goes (a misspelt name goes through fuzzy matching, an exact one does not).
    for status, texts in medicines_by_status(contract).items():
        actions[f"lookups:{status}"] = _lookup_all(vocabulary, texts)
    return actions, contract


def _lookup_all(vocabulary: Any, texts: Sequence[str]) -> Callable[[], object]:
    """An action looking every one of ``texts`` up as a medicine."""
    return lambda: [vocabulary.lookup_medicine(text) for text in texts]


def medicines_by_status(result: Mapping[str, Any]) -> dict[str, list[str]]:
    """The medicine inputs grouped by the vocabulary's verdict on them, in input order."""
    groups: dict[str, list[str]] = {}
    for entry in result.get("inputs", []):
        if entry.get("kind", "medicine") == "medicine":
            groups.setdefault(entry["status"], []).append(entry["input"])
    return groups


def input_statuses(result: Mapping[str, Any]) -> dict[str, int]:
    """How many inputs the vocabulary recognised, only suggested for, or did not recognise."""
    counts: dict[str, int] = {}
    for entry in result.get("inputs", []):
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return dict(sorted(counts.items()))


def _label(name: str, statuses: Mapping[str, int]) -> str:
    """The table's words for an action; ``lookups:<status>`` rows are parts of the lookups."""
    if name.startswith("lookups:"):
        status = name.removeprefix("lookups:")
        return f"  of which the {statuses.get(status, '?')} {status} names"
    return _LABELS.get(name, name)


_LABELS: Final = {
    "engine": "engine: screen() for the whole request",
    "lookups": "baseline: vocabulary lookups alone",
    "json_dumps": "baseline: json.dumps(result)",
    "service": "run_screen(payload): validation + rules cache + engine",
}


def _table_order(timings: Mapping[str, Any]) -> dict[str, Any]:
    """The lookups' parts right under the lookups; everything else as timed."""
    ordered: dict[str, Any] = {}
    for name, timing in timings.items():
        if name.startswith("lookups:"):
            continue
        ordered[name] = timing
        if name == "lookups":
            ordered.update({n: t for n, t in timings.items() if n.startswith("lookups:")})
    return ordered


def summarise_screening(
    samples: Mapping[str, Sequence[int]],
    result: Mapping[str, Any],
    *,
    medicines: int,
    therapies: int,
    rules: int,
) -> Measured:
    """The timings as figures, a table with engine ÷ each baseline, and notes."""
    timings = {name: summarise_ms(values) for name, values in samples.items()}
    statuses = input_statuses(result)
    engine_ms = timings["engine"]["median_ms"]
    ratios = {
        "ratio_to_lookups": ratio(engine_ms, timings["lookups"]["median_ms"]),
        "ratio_to_json_dumps": ratio(engine_ms, timings["json_dumps"]["median_ms"]),
    }
    findings = sum(len(therapy["findings"]) for therapy in result.get("therapies", []))
    verdicts = {therapy["therapy"]: therapy["verdict"] for therapy in result.get("therapies", [])}
    lookups_ms = timings["lookups"]["median_ms"]

    def compared(name: str, median_ms: float) -> str:
        if name == "engine":
            return "1×"
        if name.startswith("lookups:"):  # a part of the lookups: its share, not a ratio
            share = ratio(median_ms, lookups_ms)
            return f"{share:.0%} of lookups" if share is not None else "n/a"
        return format_ratio(ratio(engine_ms, median_ms))

    rows = tuple(
        (
            _label(name, statuses),
            f"{timing['median_ms']:.3f}",
            f"{timing['p95_ms']:.3f}",
            compared(name, timing["median_ms"]),
        )
        for name, timing in _table_order(timings).items()
    )
    runs = len(next(iter(samples.values()))) if samples else 0
    return Measured(
        figures={
            "medicines": medicines,
            "conditions": sum(
                entry.get("kind") == "condition" for entry in result.get("inputs", [])
            ),
            "therapies": therapies,
            "rules": rules,
            "findings": findings,
            "inputs": statuses,
            "verdicts": verdicts,
            "runs": runs,
            "order": "round robin over the engine and its baselines, after one warm-up run",
            # "lookups:<status>": the lookups of only the names the vocabulary gave that status.
            "times_ms": timings,
            **ratios,
        },
        tables=[
            FigureTable(
                title=(
                    f"Screen: {medicines} medicines × {therapies} therapies ({rules} rules), "
                    f"{runs} runs"
                ),
                columns=("what", "median ms", "p95 ms", "engine ÷ this"),
                rows=rows,
            )
        ],
        notes=[
            "Inputs: "
            + ", ".join(f"{count} {status}" for status, count in statuses.items())
            + f"; {findings} findings.",
            "engine ÷ lookups near 1 means the vocabulary (the fuzzy suggestions for misspelt "
            "names above all) is the cost, not the rules.",
        ],
    )


def run_engine(options: BenchOptions) -> Measured:
    """The screening engine on the live rules and the real vocabulary, with its baselines."""
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    from django.utils import timezone

    from carechoices.medicines import load_vocabulary
    from carechoices.screening.content import live_therapies
    from carechoices.screening.limits import parse_request
    from carechoices.screening.service import run_screen

    payload = screen_payload()
    today = timezone.localdate()
    compiled = live_therapies()
    request = parse_request(payload, therapy_slugs=list(compiled))
    therapies = [content.rules for content in compiled.values()]
    actions, result = screening_actions(request, therapies, load_vocabulary(), today=today)
    actions["service"] = lambda: run_screen(payload, today=today)
    samples = time_round_robin(actions, options.screening_runs)
    measured = summarise_screening(
        samples,
        result,
        medicines=len(request.medicines),
        therapies=len(therapies),
        rules=sum(len(therapy.rules) for therapy in therapies),
    )
    measured.figures["rules_source"] = (
        f"carechoices.screening.content.live_therapies() on {prepared.as_json()['url']}"
    )
    measured.figures["vocabulary"] = "carechoices.medicines.load_vocabulary()"
    measured.figures["rules_per_therapy"] = {
        therapy.slug: len(therapy.rules) for therapy in therapies
    }
    return measured


def run_api(options: BenchOptions) -> Measured:
    """``POST /api/v1/screen`` from gunicorn against nginx answering the same POST."""
    required_binaries()  # skip before touching the database when a tool is missing
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    body = request_body()
    measured = compare_servers(
        Target(API_PATH, body=body, ready_path=READY_PATH), options, prepared.url
    )
    measured.figures["medicines"] = len(SCREEN_MEDICINES)
    measured.notes.append(
        f"Each request POSTs the same {len(body):,}-byte JSON body ({len(SCREEN_MEDICINES)} "
        "medicines, every therapy) with a wrk Lua script; nginx reads and discards the body "
        "and sends a file holding gunicorn's answer."
    )
    return measured


ENGINE_SECTION: Final = Section(
    "screening", "Screening engine on the live rules (20 medicines × every therapy)", run_engine
)
API_SECTION: Final = Section(
    "screen-api", "POST /api/v1/screen over HTTP: gunicorn vs nginx", run_api
)
