"""Section "edge": the LDN page through `make serve`'s nginx edge cache vs nginx static.

The stack is the one ``make serve`` runs (``deploy.serve.serving``: nginx from
``deploy/nginx.conf.template`` in front of gunicorn with ``deploy/gunicorn.conf.py``), on the
bench database. Once the page is in the edge cache (``X-Cache-Status: HIT``), wrk loads it
through the stack; then a plain nginx serves the exact bytes the edge sent as a static file
and wrk loads that with the same threads, connections and duration. The ratio
edge ÷ static says how close a cached review page comes to a static file (goal ≥ 90 %).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.serving import Target, load_test, measure_nginx, required_binaries
from bench.stats import format_ratio, ratio
from bench.wrk import WrkFigures, post_script, run_wrk
from deploy.processes import request
from deploy.serve import AppConfig, serving

GOAL: Final = 0.90
SCREEN_CONNECTIONS: Final = 10  # the figure for the screen: p99 at 10 connections
SCREEN_GOAL: Final = 0.50
WARM_UP_PARALLEL: Final = 12  # gunicorn's workers × threads on 2 CPUs (deploy/gunicorn.conf.py)


def warm_up(url: str, body: bytes | None) -> None:
    """Enough parallel requests that every worker thread has loaded the vocabulary and
    compiled the rules before the measured run."""

    def one(_: int) -> int:
        return request(
            url,
            method="GET" if body is None else "POST",
            body=body,
            headers={} if body is None else {"Content-Type": "application/json"},
            timeout=60,
        ).status

    with ThreadPoolExecutor(max_workers=WARM_UP_PARALLEL) as pool:
        statuses = set(pool.map(one, range(WARM_UP_PARALLEL * 3)))
    if statuses != {200}:
        raise RuntimeError(f"{url} answered {sorted(statuses)} during the warm-up")


def screen_against_trivial_view(
    wrk: str, base_url: str, prefix: Path, options: BenchOptions
) -> tuple[WrkFigures, WrkFigures]:
    """``POST /api/v1/screen`` and ``GET /healthz`` (a trivial JSON view) through the stack.

    Neither is cached at the edge, so both reach gunicorn through nginx, as in production.
    """
    from bench.screening import API_PATH, request_body

    script = prefix / "screen.lua"
    script.write_text(post_script(request_body()))
    runs = {}
    for name, path, lua in (("screen", API_PATH, script), ("trivial", "/healthz", None)):
        warm_up(base_url + path, request_body() if lua else None)
        runs[name], _ = run_wrk(
            wrk,
            base_url + path,
            threads=options.threads,
            connections=SCREEN_CONNECTIONS,
            duration_s=options.duration_s,
            script=lua,
        )
    return runs["screen"], runs["trivial"]


def run(options: BenchOptions) -> Measured:
    binaries = required_binaries()
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    from django.db import connections

    from bench.render import ldn_paths

    path = ldn_paths()[0]
    connections.close_all()  # SQLite readers in gunicorn never wait on us
    app = AppConfig(
        settings=database.SETTINGS_MODULE,
        workers=options.workers,
        environment=database.server_environment(prepared.url),
    )
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        prefix = Path(scratch)
        prefix.chmod(0o755)
        with serving(
            prefix=prefix / "edge",
            app=app,
            static_root=prefix / "static",
            nginx_workers=str(options.workers),
        ) as stack:
            url = stack.url + path
            first = request(url)
            cached = request(url)
            if first.status != 200 or cached.headers.get("x-cache-status") != "HIT":
                raise RuntimeError(
                    f"the edge did not cache {path}: status {first.status}, "
                    f"X-Cache-Status {cached.headers.get('x-cache-status')}"
                )
            edge = load_test(binaries["wrk"], url, options)
            ttl_s = stack.cache_ttl_s
            screen, trivial = screen_against_trivial_view(
                binaries["wrk"], stack.url, prefix, options
            )
        static, _ = measure_nginx(prefix, Target(path), cached.body, binaries, options)
    ratios = {
        "requests_per_s": ratio(edge.requests_per_s, static.requests_per_s),
        "p50": ratio(edge.p50_ms, static.p50_ms),
        "p99": ratio(edge.p99_ms, static.p99_ms),
    }
    rps = ratios["requests_per_s"]
    verdict = "meets" if rps is not None and rps >= GOAL else "misses"
    return Measured(
        figures={
            "path": path,
            "bytes": len(cached.body),
            "edge_cache_ttl_s": ttl_s,
            "load": {
                "threads": options.threads,
                "connections": options.connections,
                "duration_s": options.duration_s,
            },
            "workers": options.workers,
            "cpus": os.cpu_count(),
            "edge": edge.as_json(),
            "nginx_static": static.as_json(),
            "ratio_edge_to_static": ratios,
            "goal_requests_per_s_ratio": GOAL,
            "screen_through_the_stack": {
                "connections": SCREEN_CONNECTIONS,
                "screen": screen.as_json(),
                "trivial_json_view": trivial.as_json(),
                "ratio_requests_per_s": ratio(screen.requests_per_s, trivial.requests_per_s),
                "goal_ratio": SCREEN_GOAL,
                "goal_p99_ms": 50,
            },
        },
        tables=[
            FigureTable(
                title=(
                    f"Cached review page via make-serve's nginx vs nginx static, wrk "
                    f"-t{options.threads} -c{options.connections} -d{options.duration_s}s, "
                    f"GET {path}"
                ),
                columns=("figure", "edge (HIT)", "nginx static", "edge / static"),
                rows=(
                    ("requests answered", f"{edge.requests:,}", f"{static.requests:,}", ""),
                    (
                        "p50 latency ms",
                        f"{edge.p50_ms:.2f}",
                        f"{static.p50_ms:.2f}",
                        format_ratio(ratios["p50"]),
                    ),
                    (
                        "p99 latency ms",
                        f"{edge.p99_ms:.2f}",
                        f"{static.p99_ms:.2f}",
                        format_ratio(ratios["p99"]),
                    ),
                    (
                        "requests/s",
                        f"{edge.requests_per_s:,.0f}",
                        f"{static.requests_per_s:,.0f}",
                        format_ratio(rps),
                    ),
                ),
            ),
            FigureTable(
                title=(
                    f"POST /api/v1/screen (20 medicines) vs GET /healthz (trivial JSON view), "
                    f"both through the stack, wrk -t{options.threads} -c{SCREEN_CONNECTIONS} "
                    f"-d{options.duration_s}s"
                ),
                columns=("figure", "screen", "trivial view", "screen / trivial"),
                rows=(
                    (
                        "requests/s",
                        f"{screen.requests_per_s:,.0f}",
                        f"{trivial.requests_per_s:,.0f}",
                        format_ratio(ratio(screen.requests_per_s, trivial.requests_per_s)),
                    ),
                    ("p50 latency ms", f"{screen.p50_ms:.2f}", f"{trivial.p50_ms:.2f}", ""),
                    ("p99 latency ms", f"{screen.p99_ms:.2f}", f"{trivial.p99_ms:.2f}", ""),
                ),
            ),
        ],
        notes=[
            f"Throughput edge / static {format_ratio(rps)}: {verdict} the goal of "
            f"{GOAL:.0%}. Same {len(cached.body):,} bytes, {options.workers} nginx workers "
            f"each, {os.cpu_count()} CPUs shared with wrk; the edge entry stays fresh "
            f"{ttl_s} s and is refreshed in the background.",
        ]
        + [
            f"Screen throughput / trivial view: goal >= {SCREEN_GOAL:.0%}; screen p99 goal "
            f"<= 50 ms at {SCREEN_CONNECTIONS} connections."
        ]
        + (
            []
            if all(run.clean for run in (edge, static, screen, trivial))
            else ["WARNING: a run had errors."]
        ),
    )


SECTION: Final = Section(
    "edge", "make serve's stack: cached page vs nginx static; screen vs trivial view", run
)
