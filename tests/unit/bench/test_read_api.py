"""The read-api section: every gunicorn worker warmed before timing, and the HTTP share."""

from __future__ import annotations

import pytest

from bench import read_api
from bench.wrk import WrkFigures


def wrk(rate: float) -> WrkFigures:
    return WrkFigures(p50_ms=1.0, p75_ms=1.0, p90_ms=1.0, p99_ms=1.0, requests_per_s=rate,
                      requests=int(rate * 5), duration_ms=5000.0)


def test_warm_up_waits_until_every_request_of_several_rounds_is_fast() -> None:
    # Two workers: the first rounds hit a worker still compiling the records (seconds).
    answers = iter([2.5, 0.01, 0.01, 1.8, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])

    rounds = read_api.warm_every_worker("http://127.0.0.1:1/x", 2, get=lambda url: next(answers))

    assert rounds == 2 + read_api.FAST_ROUNDS  # two slow rounds, then three fast ones in a row


def test_warm_up_gives_up_when_the_server_stays_slow() -> None:
    ticks = iter(range(0, 1000, 50))

    with pytest.raises(RuntimeError, match="still slow"):
        read_api.warm_every_worker("http://127.0.0.1:1/x", 2, get=lambda url: 3.0, clock=lambda: next(ticks),
                                   timeout_s=120)


def test_http_share_is_the_ratio_of_the_medians_and_is_given_per_round() -> None:
    rounds = [
        {read_api.RECORD_PATH: wrk(300), read_api.BASELINE_PATH: wrk(500)},
        {read_api.RECORD_PATH: wrk(200), read_api.BASELINE_PATH: wrk(500)},
    ]

    share = read_api.http_share(rounds)

    assert share["record_requests_per_s"] == 250
    assert share["healthz_requests_per_s"] == 500
    assert share["record_share_of_healthz"] == 0.5
    assert share["share_per_round"] == [0.6, 0.4]
