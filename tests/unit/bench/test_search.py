"""The search bench section's summary: per query, all queries together, against the baseline."""

from bench.search import summarise
from bench.search_run import QUERIES


def test_summarise_sets_each_query_against_the_health_check():
    samples = {q: [2_000_000, 4_000_000, 6_000_000] for q in QUERIES}
    samples[QUERIES[0]] = [10_000_000] * 3
    samples["/healthz"] = [1_000_000] * 3
    figures = summarise(samples)
    assert figures["/healthz"]["median_ms"] == 1.0
    assert figures[QUERIES[0]]["ratio_to_healthz"] == 10.0
    assert figures[QUERIES[1]]["median_ms"] == 4.0
    together = figures["all queries"]
    assert together["samples"] == 3 * len(QUERIES)
    assert together["p95_ms"] == 10.0
