"""Section: the site search, in process, on the sample content and on 100 generated reviews.

Each query of ``search_run.QUERIES`` is timed round robin with ``GET /healthz`` (a trivial view
through the same middleware, in the same process) as the baseline. The sample database is
timed here; the corpus of 100 generated reviews (``corpus.py``) in a fresh interpreter pointed
at it. The goal (the "Find and browse" issue): p95 within 30 ms on SQLite with 100 reviews,
all queries taken together.

Importing this module does not import Django; the section does when it runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Final

from bench import corpus, database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.search_run import QUERIES
from bench.stats import format_ratio, ratio, summarise_ms

COPIES: Final = 100
GOAL_P95_MS: Final = 30.0
CHILD_TIMEOUT_S: Final = 900


def summarise(samples: dict[str, list[int]]) -> dict[str, dict]:
    """Per query and for all queries together, with each median against the health check's."""
    baseline = summarise_ms(samples["/healthz"])
    out = {"/healthz": baseline}
    every: list[int] = []
    for query in QUERIES:
        out[query] = {**summarise_ms(samples[query]),
                      "ratio_to_healthz": ratio(summarise_ms(samples[query])["median_ms"], baseline["median_ms"])}
        every += samples[query]
    out["all queries"] = {**summarise_ms(every), "ratio_to_healthz": ratio(summarise_ms(every)["median_ms"],
                                                                           baseline["median_ms"])}
    return out


def _child(url: str, rounds: int) -> dict:
    env = {**os.environ, **database.server_environment(url)}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.search_run", str(rounds)],
        cwd=database.BASE_DIR, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"search timing failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _rows(label: str, figures: dict[str, dict]) -> list[tuple[str, ...]]:
    return [(label, what, f"{f['median_ms']:.2f}", f"{f['p95_ms']:.2f}",
             format_ratio(f.get("ratio_to_healthz")) if what != "/healthz" else "1×")
            for what, f in figures.items()]


def run(options: BenchOptions) -> Measured:
    prepared = database.prepare(rebuild=options.rebuild_database, prepare_named=options.prepare_database)
    from django.core.management import call_command
    from django.db import connections

    from bench.search_run import time_search

    call_command("update_index", verbosity=0)  # the bench database may predate new search fields
    sample = summarise(time_search(options.requests))
    connections.close_all()
    built = corpus.ensure(COPIES, rebuild=options.rebuild_database,
                          source=database.BENCH_DATABASE if prepared.owned else None)
    child = _child(built.url, options.requests)
    generated = summarise(child["samples"])
    p95 = generated["all queries"]["p95_ms"]
    notes = [
        "× healthz = median ÷ the health check's median (same process, client and database).",
        f"Goal: p95 of all queries ≤ {GOAL_P95_MS:.0f} ms with {child['reviews']} reviews on SQLite: "
        f"{p95:.1f} ms ({'met' if p95 <= GOAL_P95_MS else 'NOT met'}).",
    ]
    return Measured(
        figures={"sample": sample, "generated": {"reviews": child["reviews"], "corpus": built.as_json(),
                                                  "figures": generated}, "goal_p95_ms": GOAL_P95_MS},
        tables=[FigureTable(
            title=f"Site search in process, {options.requests} rounds of each query",
            columns=("content", "query", "median ms", "p95 ms", "× healthz"),
            rows=tuple(_rows("sample", sample) + _rows(f"{child['reviews']} reviews", generated)),
        )],
        notes=notes,
    )


SECTION: Final = Section("search", "Site search against a trivial view, sample content and 100 reviews", run)
