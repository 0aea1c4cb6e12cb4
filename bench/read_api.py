"""Section: the open-data read API, in process and over HTTP, against a trivial JSON view.

In process (Django's test client, round robin): ``GET /api/v1/therapies/<ldn>`` and the list,
each divided by ``/healthz`` (a trivial JSON view through the same middleware). The record is
compiled once per live revision, so a warm request is a cache check and sending the body kept
for the record.

Over HTTP (one gunicorn, wrk): the record endpoint's throughput divided by ``/healthz`` served
by the same gunicorn, in alternating rounds (record, healthz, record, healthz), so a burst of
other work on the machine slows both alike (the goal: at least half). Each sync worker compiles
the records at its first record request (a second or more): before any round, every worker is
made to do so (``warm_every_worker``), else that compile would be timed as if it were the
endpoint's steady cost.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.render import BASELINE_PATH, inspect_path, time_paths
from bench.serving import drain, gunicorn_command, required_binaries
from bench.stats import format_ratio, ratio, summarise_ms
from bench.wrk import WrkFigures, run_wrk
from deploy.processes import fetch, free_port, local_url, running, wait_until_serving

RECORD_PATH: Final = f"/api/v1/therapies/{database.LDN_SLUG}"
LIST_PATH: Final = "/api/v1/therapies"
#: Alternating wrk rounds over HTTP (each path once per round, ``--duration`` seconds each).
HTTP_ROUNDS: Final = 2
#: A warm record request takes milliseconds; a worker compiling the records takes a second or more.
FAST_S: Final = 0.5
#: Rounds in a row in which every concurrent request was fast: then no worker is still cold.
FAST_ROUNDS: Final = 3
WARM_TIMEOUT_S: Final = 180.0


def warm_every_worker(
    url: str,
    workers: int,
    *,
    get: Callable[[str], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    timeout_s: float = WARM_TIMEOUT_S,
) -> int:
    """Send ``workers`` requests at once, round after round, until every worker answers fast.

    A sync worker answers one request at a time, so each round reaches every idle worker; when
    ``FAST_ROUNDS`` rounds in a row answer every request within ``FAST_S``, none is still
    compiling. ``get`` times one request (seconds). Returns the rounds it took.
    """
    get = get or _timed_get
    deadline = clock() + timeout_s
    fast_in_a_row = rounds = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while fast_in_a_row < FAST_ROUNDS:
            if clock() > deadline:
                raise RuntimeError(f"{url} was still slow after {timeout_s:.0f} s of warm-up")
            times = list(pool.map(get, [url] * workers))
            rounds += 1
            fast_in_a_row = fast_in_a_row + 1 if max(times) <= FAST_S else 0
    return rounds


def _timed_get(url: str) -> float:
    start = time.perf_counter()
    status, body = fetch(url, timeout=120)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}: {body[:300]!r}")
    return time.perf_counter() - start


def http_share(rounds: list[dict[str, WrkFigures]]) -> dict[str, object]:
    """Record ÷ healthz requests per second: from the median of each, and per round."""
    record = [r[RECORD_PATH].requests_per_s for r in rounds]
    healthz = [r[BASELINE_PATH].requests_per_s for r in rounds]
    per_round = [ratio(a, b) for a, b in zip(record, healthz, strict=True)]
    return {
        "record_requests_per_s": statistics.median(record),
        "healthz_requests_per_s": statistics.median(healthz),
        "record_share_of_healthz": ratio(statistics.median(record), statistics.median(healthz)),
        "share_per_round": per_round,
    }


def measure_http(database_url: str, wrk: str, options: BenchOptions) -> tuple[list[dict[str, WrkFigures]], int]:
    """One gunicorn: warm every worker, then alternate wrk runs on the record and on /healthz."""
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        log = Path(scratch) / "gunicorn.log"
        port = free_port()
        env = {**os.environ, **database.server_environment(database_url)}
        healthz_url, record_url = local_url(port, BASELINE_PATH), local_url(port, RECORD_PATH)
        with running(gunicorn_command(port, options.workers), log=log, env=env, cwd=database.BASE_DIR) as app:
            wait_until_serving(app, healthz_url, log=log)
            warm_rounds = warm_every_worker(record_url, options.workers)
            rounds = []
            for _ in range(HTTP_ROUNDS):
                measured = {}
                for path, url in ((RECORD_PATH, record_url), (BASELINE_PATH, healthz_url)):
                    measured[path], _ = run_wrk(wrk, url, threads=options.threads,
                                                connections=options.connections, duration_s=options.duration_s)
                    drain(healthz_url)  # what wrk left queued is answered before the next run
                rounds.append(measured)
    return rounds, warm_rounds


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
    rounds, warm_rounds = measure_http(prepared.url, binaries["wrk"], options)
    http = http_share(rounds)
    record_rps, healthz_rps, share = (
        http["record_requests_per_s"], http["healthz_requests_per_s"], http["record_share_of_healthz"])
    notes = ["× healthz = median / health check median (same client, middleware and process).",
             f"Over HTTP: one gunicorn ({options.workers} sync workers), every worker warmed on the record "
             f"first ({warm_rounds} rounds), then {HTTP_ROUNDS} rounds of record then /healthz; medians. "
             "Share per round: " + ", ".join(format_ratio(value) for value in http["share_per_round"]) + "."]
    for round_figures in rounds:
        for path, wrk_figures in round_figures.items():
            if not wrk_figures.clean:
                notes.append(f"WARNING: {path} had {wrk_figures.non_2xx_3xx} non-2xx/3xx responses and socket "
                             f"errors {wrk_figures.socket_errors}.")
    return Measured(
        figures={
            "in_process": figures,
            "http": {
                **http,
                "rounds": [{path: run.as_json() for path, run in r.items()} for r in rounds],
                "warm_up_rounds": warm_rounds,
                "workers": options.workers,
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
                title=(f"Over HTTP (one gunicorn, wrk -c{options.connections} -d{options.duration_s}s, "
                       f"median of {HTTP_ROUNDS} alternating rounds)"),
                columns=("what", "requests/s"),
                rows=(
                    (RECORD_PATH, f"{record_rps:,.0f}"),
                    (f"{BASELINE_PATH} (trivial JSON view, same gunicorn)", f"{healthz_rps:,.0f}"),
                    ("record ÷ trivial view", format_ratio(share)),
                ),
            ),
        ],
        notes=notes,
    )


SECTION: Final = Section("read-api", "Open-data read API against a trivial JSON view", run)
