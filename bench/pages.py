"""Sections render, http, edge and read-api: the LDN review's pages and the open-data record.

* ``render``: every LDN page through Django's test client in this process (Django's own work,
  no network), round robin with ``/healthz`` (the same client and middleware, no page, no
  database); the overview again with the page cache emptied before each request.
* ``http``: the LDN overview from gunicorn against nginx serving the same bytes.
* ``edge``: the overview through ``make serve``'s stack (``deploy.serve``) once the edge cache
  holds it, against nginx serving the same bytes; then ``POST /api/v1/screen`` through the
  stack against ``GET /healthz`` through the stack.
* ``read-api``: the record and the list in process against ``/healthz``; then the record over
  HTTP from one gunicorn against ``/healthz`` from the same gunicorn, in alternating rounds.

Importing this module does not import Django; the sections do when they run.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

from bench import common, web
from bench.common import HEALTHZ, LDN_SLUG, Result, format_ratio, prepare, ratio, summarise_ms
from bench.web import WrkRun, run_wrk
from deploy.processes import fetch, request

WARM_UP_REQUESTS: Final = 2  # first renders compile templates and fill Wagtail's caches
RECORD_PATH: Final = f"/api/v1/therapies/{LDN_SLUG}"
LIST_PATH: Final = "/api/v1/therapies"
EDGE_GOAL: Final = 0.90  # cached page ÷ nginx static, requests/s
SCREEN_CONNECTIONS: Final = 10  # the figure for the screen: p99 at 10 connections
SCREEN_GOAL: Final = 0.50
HTTP_ROUNDS: Final = 2  # read-api: alternating wrk rounds, record then /healthz
FAST_S: Final = 0.5  # a warm record request takes ms; a worker compiling the records, seconds
FAST_ROUNDS: Final = 3


def ldn_paths() -> list[str]:
    """The LDN review's overview and every sub-page, in reading order, then its references."""
    from carechoices.therapies.models import SUBPAGES, TherapyPage

    base = TherapyPage.objects.live().get(slug=LDN_SLUG).get_url()
    if not base:
        raise RuntimeError("the LDN review has no URL: is it under the site's root page?")
    return [base + suffix for _, suffix, _ in SUBPAGES] + [base + "references/"]


def inspect_path(client: Any, path: str) -> dict[str, Any]:
    """Warm ``path`` up, check it answers 200, and count the queries of one warm request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP_REQUESTS):
        if (status := client.get(path).status_code) != 200:  # an error page is not the page
            raise RuntimeError(f"{path} answered {status}, not 200")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = Counter(query["sql"] for query in captured.captured_queries)
    # The same SQL sent more than once in one request usually means a query in a loop.
    return {"path": path, "bytes": len(response.content), "queries": queries.total(),
            "repeated_queries": sum(count - 1 for count in queries.values())}


def getter(client: Any, path: str) -> Callable[[], object]:
    """An action GETting ``path`` that fails on anything but 200."""
    def get() -> object:
        if (status := client.get(path).status_code) != 200:
            raise RuntimeError(f"{path} answered {status} during the timed requests")
        return status
    return get


def in_process(client: Any, paths: list[str], requests: int) -> dict[str, dict[str, Any]]:
    """Each path (the last is the baseline): bytes, queries, median and p95, × the baseline."""
    figures = {path: inspect_path(client, path) for path in paths}
    samples = common.time_round_robin({p: getter(client, p) for p in paths}, requests, batch=1)
    baseline_ms = summarise_ms(samples[paths[-1]])["median_ms"]
    for path in paths:
        figures[path].update(summarise_ms(samples[path]))
        figures[path]["ratio_to_healthz"] = ratio(figures[path]["median_ms"], baseline_ms)
    return figures


def row(label: str, page: dict[str, Any], *extra: str) -> tuple[str, ...]:
    return (label, f"{page['median_ms']:.2f}", f"{page['p95_ms']:.2f}",
            format_ratio(page["ratio_to_healthz"]), *extra)


def run_render(options: Any) -> Result:
    """Every LDN page against the health check, and the overview uncached."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    database = prepare(options)
    client = Client()
    paths = ldn_paths()
    figures = in_process(client, [*paths, HEALTHZ], options.requests)
    labels = {path: path.removeprefix(paths[0]) or "overview" for path in paths}
    rows = [row(labels.get(path, f"{path} (baseline)"), page, str(page["queries"]),
                str(page["repeated_queries"]), f"{page['bytes'] / 1024:.1f}")
            for path, page in figures.items()]
    baseline = figures.pop(HEALTHZ)
    cache, get, samples = caches["pages"], getter(client, paths[0]), []  # core.pagecache's store
    for _ in range(options.requests):
        cache.clear()
        start = time.perf_counter_ns()
        get()
        samples.append(time.perf_counter_ns() - start)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(paths[0])
    uncached = {"path": paths[0], "queries": len(captured.captured_queries), **summarise_ms(samples)}
    uncached["ratio_to_healthz"] = ratio(uncached["median_ms"], baseline["median_ms"])
    rows.insert(-1, row("overview, uncached", uncached, str(uncached["queries"]), "–", "–"))
    return Result(
        {"database": database.as_json(), "settings": common.SETTINGS_MODULE,
         "requests_per_page": options.requests, "warm_up_requests": WARM_UP_REQUESTS,
         "baseline": baseline, "pages": list(figures.values()), "overview_uncached": uncached},
        [(f"{paths[0]} rendered in process, {options.requests} requests per page",
          ("page", "median ms", "p95 ms", "× healthz", "queries", "repeated", "KiB"), rows)],
        ["× healthz = page median / health check median (same client and middleware). Queries "
         "are counted on one warm request; 'repeated' = identical SQL sent again in it. Pages "
         "come from the anonymous page cache once rendered; 'overview, uncached' empties it "
         "before each request to show the full render."],
    )


def run_http(options: Any) -> Result:
    """The LDN overview: gunicorn against nginx serving the same bytes."""
    web.binaries()  # skip before touching the database when a tool is missing
    database = prepare(options)
    return web.compare_servers(web.Target(ldn_paths()[0]), options, database.url)


def run_edge(options: Any) -> Result:
    """make serve's stack: the cached page against nginx static; the screen against /healthz."""
    from bench.screening import API_PATH, request_body
    from deploy.serve import AppConfig, serving

    found = web.binaries()
    database = prepare(options)
    path = ldn_paths()[0]
    common.close_connections()
    app = AppConfig(settings=common.SETTINGS_MODULE, workers=options.workers,
                    environment=common.server_environment(database.url))
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        prefix = Path(scratch)
        prefix.chmod(0o755)
        with serving(prefix=prefix / "edge", app=app, static_root=prefix / "static",
                     nginx_workers=str(options.workers)) as stack:
            url = stack.url + path
            first, cached = request(url), request(url)
            if first.status != 200 or cached.headers.get("x-cache-status") != "HIT":
                raise RuntimeError(f"the edge did not cache {path}: status {first.status}, "
                                   f"X-Cache-Status {cached.headers.get('x-cache-status')}")
            edge = web.load_test(found["wrk"], url, options)
            script = prefix / "screen.lua"
            script.write_text(web.post_script(request_body()))
            runs: dict[str, WrkRun] = {}
            for name, sent, lua in (("screen", API_PATH, script), ("trivial", HEALTHZ, None)):
                # 12 connections reach every worker thread of the stack (2 CPUs): each loads the
                # vocabulary and compiles the rules in this warm-up, not in the measured run.
                run_wrk(found["wrk"], stack.url + sent, threads=1, connections=12,
                        duration_s=web.WARM_UP_S, script=lua)
                web.drain(stack.url + HEALTHZ)
                runs[name] = run_wrk(found["wrk"], stack.url + sent, threads=options.threads,
                                     connections=SCREEN_CONNECTIONS, duration_s=options.duration,
                                     script=lua)
        static = web.serve_static(prefix, web.Target(path), cached.body, found, options)
    load = f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s"
    page_table, ratios = web.wrk_table(
        f"Cached review page via make-serve's nginx vs nginx static, {load}, GET {path}",
        ("edge (HIT)", "nginx static", "edge / static"), edge, static)
    screen_table, screen_ratios = web.wrk_table(
        f"POST {API_PATH} (20 medicines) vs GET {HEALTHZ} (trivial JSON view), both through the "
        f"stack, wrk -t{options.threads} -c{SCREEN_CONNECTIONS} -d{options.duration}s",
        ("screen", "trivial view", "screen / trivial"), runs["screen"], runs["trivial"])
    rps = ratios["requests_per_s"]
    clean = all(run.clean for run in (edge, static, *runs.values()))
    return Result(
        {"path": path, "bytes": len(cached.body), "edge_cache_ttl_s": stack.cache_ttl_s,
         "load": {"threads": options.threads, "connections": options.connections,
                  "duration_s": options.duration},
         "workers": options.workers, "cpus": os.cpu_count(), "edge": edge.as_json(),
         "nginx_static": static.as_json(), "ratio_edge_to_static": ratios,
         "goal_requests_per_s_ratio": EDGE_GOAL,
         "screen_through_the_stack": {
             "connections": SCREEN_CONNECTIONS, "screen": runs["screen"].as_json(),
             "trivial_json_view": runs["trivial"].as_json(),
             "ratio_requests_per_s": screen_ratios["requests_per_s"],
             "goal_ratio": SCREEN_GOAL, "goal_p99_ms": 50}},
        [page_table, screen_table],
        [f"Throughput edge / static {format_ratio(rps)}: "
         f"{'meets' if rps is not None and rps >= EDGE_GOAL else 'misses'} the goal of "
         f"{EDGE_GOAL:.0%}. Same {len(cached.body):,} bytes, {options.workers} nginx workers "
         f"each, {os.cpu_count()} CPUs shared with wrk; the edge entry stays fresh "
         f"{stack.cache_ttl_s} s and is refreshed in the background.",
         f"Screen throughput / trivial view: goal >= {SCREEN_GOAL:.0%}; screen p99 goal <= 50 ms "
         f"at {SCREEN_CONNECTIONS} connections."]
        + ([] if clean else ["WARNING: a run had errors."]),
    )


def timed_get(url: str) -> float:
    """Seconds one GET of ``url`` took; it must answer 200."""
    start = time.perf_counter()
    status, body = fetch(url, timeout=120)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}: {body[:300]!r}")
    return time.perf_counter() - start


def warm_every_worker(url: str, workers: int, *, get: Callable[[str], float] = timed_get,
                      clock: Callable[[], float] = time.monotonic, timeout_s: float = 180) -> int:
    """``workers`` requests at once, round after round, until every worker answers fast.

    A sync worker answers one request at a time, so each round reaches every idle worker; when
    ``FAST_ROUNDS`` rounds in a row answer every request within ``FAST_S``, none is still
    compiling the records. Returns the rounds it took.
    """
    deadline = clock() + timeout_s
    fast_in_a_row = rounds = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while fast_in_a_row < FAST_ROUNDS:
            if clock() > deadline:
                raise RuntimeError(f"{url} was still slow after {timeout_s:.0f} s of warm-up")
            rounds += 1
            fast = max(pool.map(get, [url] * workers)) <= FAST_S
            fast_in_a_row = fast_in_a_row + 1 if fast else 0
    return rounds


def http_share(rounds: list[dict[str, WrkRun]]) -> dict[str, Any]:
    """Record ÷ healthz requests per second: from the median of each, and per round."""
    record = [r[RECORD_PATH].requests_per_s for r in rounds]
    healthz = [r[HEALTHZ].requests_per_s for r in rounds]
    return {
        "record_requests_per_s": statistics.median(record),
        "healthz_requests_per_s": statistics.median(healthz),
        "record_share_of_healthz": ratio(statistics.median(record), statistics.median(healthz)),
        "share_per_round": [ratio(a, b) for a, b in zip(record, healthz, strict=True)],
    }


def run_read_api(options: Any) -> Result:
    """The record and the list against the health check, in process and over HTTP."""
    from django.test import Client

    found = web.binaries()
    database = prepare(options)
    figures = in_process(Client(), [RECORD_PATH, LIST_PATH, HEALTHZ], options.requests)
    rows = [row(path, f, str(f["queries"]), f"{f['bytes'] / 1024:.1f}")
            for path, f in figures.items()]
    common.close_connections()
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch, \
            web.gunicorn(database.url, options.workers, Path(scratch)) as base:
        warm_rounds = warm_every_worker(base + RECORD_PATH, options.workers)
        rounds: list[dict[str, WrkRun]] = []
        for _ in range(HTTP_ROUNDS):
            rounds.append({})
            for path in (RECORD_PATH, HEALTHZ):
                rounds[-1][path] = run_wrk(found["wrk"], base + path, threads=options.threads,
                                           connections=options.connections,
                                           duration_s=options.duration)
                web.drain(base + HEALTHZ)  # what wrk left queued is answered before the next run
    http = http_share(rounds)
    notes = ["× healthz = median / health check median (same client, middleware and process).",
             f"Over HTTP: one gunicorn ({options.workers} sync workers), every worker warmed on "
             f"the record first ({warm_rounds} rounds), then {HTTP_ROUNDS} rounds of record then "
             f"{HEALTHZ}; medians. Share per round: "
             + ", ".join(format_ratio(value) for value in http["share_per_round"]) + "."]
    notes += [f"WARNING: {path} had {run.non_2xx_3xx} non-2xx/3xx responses and socket errors "
              f"{run.socket_errors}." for r in rounds for path, run in r.items() if not run.clean]
    return Result(
        {"in_process": figures,
         "http": {**http, "rounds": [{p: run.as_json() for p, run in r.items()} for r in rounds],
                  "warm_up_rounds": warm_rounds, "workers": options.workers,
                  "connections": options.connections, "duration_s": options.duration}},
        [(f"Open-data API in process, {options.requests} requests each",
          ("path", "median ms", "p95 ms", "× healthz", "queries", "KiB"), rows),
         (f"Over HTTP (one gunicorn, wrk -c{options.connections} -d{options.duration}s, median "
          f"of {HTTP_ROUNDS} alternating rounds)", ("what", "requests/s"),
          [(RECORD_PATH, f"{http['record_requests_per_s']:,.0f}"),
           (f"{HEALTHZ} (trivial JSON view, same gunicorn)",
            f"{http['healthz_requests_per_s']:,.0f}"),
           ("record ÷ trivial view", format_ratio(http["record_share_of_healthz"]))])],
        notes,
    )
