"""`make soak`'s reading and reporting of wrk's answers (the soak itself is not run here)."""

from __future__ import annotations

import pytest

from bench.soak import Call, ClassResult, class_result, lua_script, report

WRK_OUTPUT = """\
Running 1m test @ http://127.0.0.1:8080
  1 threads and 10 connections
  Latency Distribution
     50%   11.00ms
     75%   13.00ms
     90%   15.00ms
     99%   40.00ms
  1200 requests in 1.00m, 2.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 30
Requests/sec:     20.00
SOAK-COUNTS {"before 200 HIT": 500, "during 503 -": 30, "during 200 STALE": 70, "after 200 MISS": 597}
"""


def test_answers_are_counted_by_phase_status_and_cache_status_and_errors_include_sockets():
    result = class_result("pages", WRK_OUTPUT)

    assert result.counts == {("before", 200, "HIT"): 500, ("during", 503, "-"): 30,
                             ("during", 200, "STALE"): 70, ("after", 200, "MISS"): 597}
    assert result.statuses() == {200: 1167, 503: 30}
    assert result.statuses("during") == {200: 70, 503: 30}
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert (result.errors, result.requests_per_s) == (33, 20.0)
    with pytest.raises(ValueError, match="no counts line"):
        class_result("pages", WRK_OUTPUT.replace("SOAK-COUNTS", "something else"))


def test_the_fault_report_shows_each_phase_and_what_the_edge_served():
    text = report([class_result("pages", WRK_OUTPUT)], fault=True)

    assert "pages      during  200: 70, 503: 30   [edge: STALE 70]" in text
    assert "pages      after   200: 597   [edge: MISS 597]" in text
    assert "errors 33 (sockets: read 2, timeout 1)" in text
    assert text.endswith("errors in all: 33")


def test_the_clean_report_states_the_goal():
    clean = ClassResult("plan", {("run", 200, "-"): 10}, {"connect": 0}, 1.0)

    assert report([clean], fault=False).splitlines() == [
        "plan       run     200: 10", "plan       total   1 req/s, errors 0",
        "errors in all: 0 (goal 0)"]


def test_the_lua_script_sends_each_call_with_its_bytes_escaped():
    script = lua_script([Call("GET", "/glossary/"), Call(
        "POST", "/api/v1/screen", b'{"medicines":["\xc3\xa9"]}', {"Content-Type": "application/json"})])

    assert 'path = "/glossary/"' in script
    assert 'body = "{\\"medicines\\":[\\"\\195\\169\\"]}"' in script
    assert '["Content-Type"] = "application/json"' in script
    assert "\ncounts = {}" in script  # global, so done() can read every thread's counts
