"""Section: the open-data read API, in process and over HTTP, against a trivial JSON view.

In process (Django's test client, round robin): ``GET /api/v1/therapies/<ldn>`` and the list,
each divided by ``/healthz`` (a trivial JSON view through the same middleware). The record is
compiled once per live revision, so a warm request is a cache check and serialising JSON.

Over HTTP (gunicorn, wrk): the record endpoint's throughput divided by ``/healthz`` served by
the same gunicorn in the same run (the goal: at least half).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Final

from carechoices.bench import database
from carechoices.bench.registry import BenchOptions, FigureTable, Measured, Section
from carechoices.bench.render import BASELINE_PATH, inspect_path, time_paths
from carechoices.bench.serving import Target, measure_gunicorn, required_binaries
from carechoices.bench.stats import format_ratio, ratio, summarise_ms

RECORD_PATH: Final = f"/api/v1/therapies/{database.LDN_SLUG}"
LIST_PATH: Final = "/api/v1/therapies"


def run(options: BenchOptions) -> Measured:
    """Time the record and the list against the health check, in process and over HTTP."""
    binaries = required_binaries()
    prepared = database.prepare(rebuild=options.rebuild_database, prepare_named=options.prepare_database)
    from django.db import connections
    from django.test import Client

    client = Client()
    paths = [RECORD_PATH, LIST_PATH, BASELINE_PATH]
    inspected = {path: inspect_path(client, path) for path in paths}
    samples = time_paths(client, paths, options.requests)
    rows = []
    figures: dict[str, dict] = {}
    baseline_ms = summarise_ms(samples[BASELINE_PATH])["median_ms"]
    for path in paths:
        summary = {**inspected[path], **summarise_ms(samples[path])}
        summary["ratio_to_healthz"] = ratio(summary["median_ms"], baseline_ms)
        figures[path] = summary
        rows.append(
            (path, f"{summary['median_ms']:.2f}", f"{summary['p95_ms']:.2f}", format_ratio(summary["ratio_to_healthz"]),
             str(summary["queries"]), f"{summary['bytes'] / 1024:.1f}")
        )
    connections.close_all()
    http = {}
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        for path in (RECORD_PATH, BASELINE_PATH):
            prefix = Path(scratch) / path.strip("/").replace("/", "_")
            prefix.mkdir(parents=True)
            _bytes, wrk_figures, _phases = measure_gunicorn(prefix, Target(path), prepared.url, binaries["wrk"], options)
            http[path] = wrk_figures
    record_rps = http[RECORD_PATH].requests_per_s
    healthz_rps = http[BASELINE_PATH].requests_per_s
    share = ratio(record_rps, healthz_rps)
    return Measured(
        figures={
            "in_process": figures,
            "http": {
                "record_requests_per_s": record_rps,
                "healthz_requests_per_s": healthz_rps,
                "record_share_of_healthz": share,
                "connections": options.connections,
                "duration_s": options.duration_s,
            },
        },
        tables=[
            FigureTable(
                title=f"Open-data API in process, {options.requests} requests each",
                columns=("path", "median ms", "p95 ms", "× healthz", "queries", "KiB"),
                rows=tuple(rows),
            ),
            FigureTable(
                title=f"Over HTTP (gunicorn, wrk -c{options.connections} -d{options.duration_s}s)",
                columns=("what", "requests/s"),
                rows=(
                    (RECORD_PATH, f"{record_rps:,.0f}"),
                    (f"{BASELINE_PATH} (trivial JSON view, same gunicorn)", f"{healthz_rps:,.0f}"),
                    ("record ÷ trivial view", format_ratio(share)),
                ),
            ),
        ],
        notes=["× healthz = median / health check median (same client, middleware and process)."],
    )


SECTION: Final = Section("read-api", "Open-data read API against a trivial JSON view", run)
