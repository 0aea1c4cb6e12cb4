"""Section 1: how long Django takes to render the LDN review's pages, and how many queries.

Measured in this process with Django's test client, so the figures are Django's own work
(URL routing, middleware, Wagtail's page lookup, templates, database) without any network.
The baseline is the health check view (``/healthz``) requested the same way: the same
middleware and test client, no page, no database. ``ratio_to_healthz`` says how many times
that unavoidable cost a page takes.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.stats import format_ratio, ratio, summarise_ms

BASELINE_PATH: Final = "/healthz"
WARM_UP_REQUESTS: Final = 2  # first renders compile templates and fill Wagtail's caches


def ldn_paths() -> list[str]:
    """The LDN review's overview and every sub-page, in reading order, then its references."""
    from carechoices.therapies.models import SUBPAGES, TherapyPage

    page = TherapyPage.objects.live().get(slug=database.LDN_SLUG)
    base = page.get_url()
    if not base:
        raise RuntimeError("the LDN review has no URL: is it under the site's root page?")
    return [base + suffix for _, suffix, _ in SUBPAGES] + [base + "references/"]


def inspect_path(client: Any, path: str) -> dict[str, Any]:
    """Warm ``path`` up, check it answers 200, and count the queries of one warm request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP_REQUESTS):
        response = client.get(path)
        if response.status_code != 200:
            # A redirect or an error page would be timed as if it were the page: refuse.
            raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Copied now: the next request's request_started signal empties the log this reads from.
    queries = [query["sql"] for query in captured.captured_queries]
    statements = Counter(queries)
    return {
        "path": path,
        "bytes": len(response.content),
        "queries": len(queries),
        # The same SQL sent more than once in one request usually means a query in a loop.
        "repeated_queries": sum(count - 1 for count in statements.values()),
    }


def time_paths(client: Any, paths: list[str], requests: int) -> dict[str, list[int]]:
    """Request every path in turn, ``requests`` rounds; return nanoseconds per path.

    Round robin rather than one path after another: a burst of other work on the machine then
    slows every page and the baseline alike, instead of whichever page was being timed.
    """
    samples: dict[str, list[int]] = {path: [] for path in paths}
    for _ in range(requests):
        for path in paths:
            start = time.perf_counter_ns()
            status = client.get(path).status_code
            samples[path].append(time.perf_counter_ns() - start)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} during the timed requests")
    return samples


def time_uncached(client: Any, path: str, requests: int) -> dict[str, Any]:
    """Render ``path`` with the page cache emptied before every request: the full render cost."""
    from django.core.cache import caches

    cache = caches["pages"]  # stored public pages (carechoices.core.pagecache)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    for _ in range(requests):
        cache.clear()
        start = time.perf_counter_ns()
        status = client.get(path).status_code
        samples.append(time.perf_counter_ns() - start)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} during the uncached requests")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return {"path": path, "queries": len(captured.captured_queries), **summarise_ms(samples)}


def run(options: BenchOptions) -> Measured:
    """Measure every LDN page against the health check baseline."""
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    from django.test import Client

    client = Client()
    paths = ldn_paths()
    inspected = [inspect_path(client, path) for path in [*paths, BASELINE_PATH]]
    samples = time_paths(client, [*paths, BASELINE_PATH], options.requests)
    for page in inspected:
        page.update(summarise_ms(samples[page["path"]]))
    *pages, baseline = inspected
    for page in pages:
        page["ratio_to_healthz"] = ratio(page["median_ms"], baseline["median_ms"])
    baseline["ratio_to_healthz"] = 1.0
    rows = [
        (
            page["path"].removeprefix(paths[0]) or "overview",
            f"{page['median_ms']:.2f}",
            f"{page['p95_ms']:.2f}",
            format_ratio(page["ratio_to_healthz"]),
            str(page["queries"]),
            str(page["repeated_queries"]),
            f"{page['bytes'] / 1024:.1f}",
        )
        for page in [*pages, baseline]
    ]
    rows[-1] = (f"{BASELINE_PATH} (baseline)", *rows[-1][1:])  # not under the LDN path
    uncached = time_uncached(client, paths[0], options.requests)
    uncached["ratio_to_healthz"] = ratio(uncached["median_ms"], baseline["median_ms"])
    rows.insert(
        len(rows) - 1,
        (
            "overview, uncached",
            f"{uncached['median_ms']:.2f}",
            f"{uncached['p95_ms']:.2f}",
            format_ratio(uncached["ratio_to_healthz"]),
            str(uncached["queries"]),
            "–",
            "–",
        ),
    )
    return Measured(
        figures={
            "database": prepared.as_json(),
            "settings": database.SETTINGS_MODULE,
            "requests_per_page": options.requests,
            "order": "round robin over the pages and the baseline",
            "warm_up_requests": WARM_UP_REQUESTS,
            "baseline": baseline,
            "pages": pages,
            "overview_uncached": uncached,
        },
        tables=[
            FigureTable(
                title=f"{paths[0]} rendered in process, {options.requests} requests per page",
                columns=(
                    "page",
                    "median ms",
                    "p95 ms",
                    "× healthz",
                    "queries",
                    "repeated",
                    "KiB",
                ),
                rows=tuple(rows),
            )
        ],
        notes=[
            "× healthz = page median / health check median (same client and middleware). Queries "
            "are counted on one warm request; 'repeated' = identical SQL sent again in it. "
            "Pages are served from the anonymous page cache once rendered; 'overview, uncached' "
            "empties the cache before each request to show the full render.",
        ],
    )


SECTION: Final = Section("render", "LDN review pages rendered in process", run)
