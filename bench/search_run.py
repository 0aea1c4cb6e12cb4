"""Time the site search in this process: ``python -m bench.search_run ROUNDS``.

Run with ``DATABASE_URL`` (and the bench's settings) in the environment; prints one JSON object:
nanosecond samples of ``carechoices.search.service.search`` per query, and of ``GET /healthz``
through Django's test client (the baseline, same process and database). The search section runs
it against the 100-review corpus; the sample database it times in its own process.

Importing this module imports nothing from Django; ``main`` does.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence

#: What people type: a name, synonyms, a typo (so "did you mean" runs), a symptom, a cancer
#: type, a DOI, a PMID, and a query that finds nothing.
QUERIES = ("ldn", "naltrexon", "naltrexome", "vivid dreams", "brain cancer",
           "10.1186/s12916-018-1242-0", "8236504", "xyzzyqq")


def time_search(rounds: int) -> dict[str, list[int]]:
    """Round robin over the queries and the baseline, ``rounds`` times each (after one warm-up)."""
    from django.test import Client

    from carechoices.search.service import search

    client = Client()
    samples: dict[str, list[int]] = {q: [] for q in QUERIES}
    samples["/healthz"] = []
    for query in QUERIES:  # warm-up: compiled records, vocabulary, SQLite pages
        search(query)
    client.get("/healthz")
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter_ns()
            search(query)
            samples[query].append(time.perf_counter_ns() - start)
        start = time.perf_counter_ns()
        client.get("/healthz")
        samples["/healthz"].append(time.perf_counter_ns() - start)
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    rounds = int(args[0]) if args else 20
    import django

    django.setup()
    from carechoices.therapies.models import TherapyPage

    reviews = TherapyPage.objects.live().count()
    print(json.dumps({"reviews": reviews, "samples": time_search(rounds)}))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
