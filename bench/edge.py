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
from pathlib import Path
from typing import Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.serving import Target, load_test, measure_nginx, required_binaries
from bench.stats import format_ratio, ratio
from deploy.processes import request
from deploy.serve import AppConfig, serving

GOAL: Final = 0.90


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
            )
        ],
        notes=[
            f"Throughput edge / static {format_ratio(rps)}: {verdict} the goal of "
            f"{GOAL:.0%}. Same {len(cached.body):,} bytes, {options.workers} nginx workers "
            f"each, {os.cpu_count()} CPUs shared with wrk; the edge entry stays fresh "
            f"{ttl_s} s and is refreshed in the background.",
        ]
        + ([] if edge.clean and static.clean else ["WARNING: a run had errors."]),
    )


SECTION: Final = Section("edge", "Cached review page via make-serve's nginx vs nginx static", run)
