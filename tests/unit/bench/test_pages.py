"""The read-api section: every gunicorn worker warmed before timing, and the HTTP share."""

from __future__ import annotations

import pytest

from bench import pages
from bench.web import WrkRun


def wrk(rate: float) -> WrkRun:
    return WrkRun(1.0, 1.0, 1.0, 1.0, requests_per_s=rate, requests=int(rate * 5),
                  duration_ms=5000.0)


def test_warm_up_waits_until_every_request_of_several_rounds_is_fast() -> None:
    # Two workers: the first rounds hit a worker still compiling the records (seconds).
    answers = iter([2.5, 0.01, 0.01, 1.8, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])

    rounds = pages.warm_every_worker("http://127.0.0.1:1/x", 2, get=lambda url: next(answers))

    assert rounds == 2 + pages.FAST_ROUNDS  # two slow rounds, then three fast ones in a row


def test_warm_up_gives_up_when_the_server_stays_slow() -> None:
    ticks = iter(range(0, 1000, 50))

    with pytest.raises(RuntimeError, match="still slow"):
        pages.warm_every_worker("http://127.0.0.1:1/x", 2, get=lambda url: 3.0,
                                clock=lambda: next(ticks), timeout_s=120)


def test_http_share_is_the_ratio_of_the_medians_and_is_given_per_round() -> None:
    rounds = [{pages.RECORD_PATH: wrk(300), pages.HEALTHZ: wrk(500)},
              {pages.RECORD_PATH: wrk(200), pages.HEALTHZ: wrk(500)}]

    share = pages.http_share(rounds)

    assert (share["record_requests_per_s"], share["healthz_requests_per_s"]) == (250, 500)
    assert share["record_share_of_healthz"] == 0.5
    assert share["share_per_round"] == [0.6, 0.4]
