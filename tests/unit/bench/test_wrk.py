"""wrk's report is read into figures, and a run that measured nothing is refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bench.wrk import (
    TIMEOUT_S,
    lua_string,
    parse_wrk_output,
    post_script,
    time_to_ms,
    wrk_command,
)

# The shape wrk 4.1 prints with --latency (numbers from a run against gunicorn).
GUNICORN_REPORT = """\
Running 5s test @ http://127.0.0.1:18555/therapies/low-dose-naltrexone/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.08s   548.68ms   1.96s    70.00%
    Req/Sec     8.23      4.88    20.00     65.38%
  Latency Distribution
     50%    1.18s
     75%    1.56s
     90%    1.84s
     99%    1.96s
  28 requests in 5.04s, 360.94KB read
  Socket errors: connect 0, read 0, write 0, timeout 8
Requests/sec:      5.55
Transfer/sec:     71.57KB
"""

NGINX_REPORT = """\
Running 5s test @ http://127.0.0.1:40001/therapies/low-dose-naltrexone/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.01ms    4.12ms  60.10ms   80.00%
    Req/Sec     4.40k   310.00     5.10k    70.00%
  Latency Distribution
     50%  535.00us
     75%    9.32ms
     90%   12.17ms
     99%   17.89ms
  44001 requests in 5.01s, 560.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   8788.40
Transfer/sec:    111.80MB
"""

EMPTY_REPORT = """\
Running 3s test @ http://127.0.0.1:18555/
  1 threads and 1 connections
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 3.02s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


@pytest.mark.parametrize(
    ("number", "unit", "expected"),
    [("535.00", "us", 0.535), ("9.32", "ms", 9.32), ("1.18", "s", 1180.0), ("2", "m", 120_000.0)],
)
def test_time_to_ms_converts_wrk_units(number: str, unit: str, expected: float) -> None:
    assert time_to_ms(number, unit) == pytest.approx(expected)


def test_parse_wrk_output_reads_percentiles_rate_and_timeouts() -> None:
    # wrk pads times in seconds with a trailing space.
    figures = parse_wrk_output(GUNICORN_REPORT.replace("s\n", "s \n"))

    assert figures.p50_ms == pytest.approx(1180.0)
    assert figures.p99_ms == pytest.approx(1960.0)
    assert figures.requests_per_s == pytest.approx(5.55)
    assert figures.requests == 28
    assert figures.duration_ms == pytest.approx(5040.0)
    assert figures.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 8}
    assert not figures.clean


def test_parse_wrk_output_mixes_units_and_counts_failed_responses() -> None:
    figures = parse_wrk_output(NGINX_REPORT)

    assert figures.p50_ms == pytest.approx(0.535)
    assert figures.p75_ms == pytest.approx(9.32)
    assert figures.requests_per_s == pytest.approx(8788.40)
    assert figures.non_2xx_3xx == 3
    assert figures.socket_errors == {}
    assert figures.as_json()["clean"] is False


def test_parse_wrk_output_refuses_a_run_without_requests() -> None:
    with pytest.raises(ValueError, match="no request"):
        parse_wrk_output(EMPTY_REPORT)


def test_parse_wrk_output_refuses_output_without_latency_distribution() -> None:
    without_distribution = "\n".join(
        line for line in NGINX_REPORT.splitlines() if "%" not in line or "Req/Sec" in line
    )

    with pytest.raises(ValueError, match="--latency"):
        parse_wrk_output(without_distribution)


def test_wrk_command_asks_for_latency_and_a_long_timeout() -> None:
    command = wrk_command("wrk", "http://127.0.0.1:1/", threads=2, connections=50, duration_s=5)

    assert command == [
        "wrk",
        "-t2",
        "-c50",
        "-d5s",
        f"--timeout={TIMEOUT_S}s",
        "--latency",
        "http://127.0.0.1:1/",
    ]


def test_wrk_command_passes_a_script_before_the_url(tmp_path: Path) -> None:
    script = tmp_path / "post.lua"

    command = wrk_command(
        "wrk", "http://127.0.0.1:1/", threads=2, connections=50, duration_s=5, script=script
    )

    assert command[-3:] == ["--script", str(script), "http://127.0.0.1:1/"]


def test_lua_string_escapes_quotes_backslashes_and_every_byte_outside_ascii() -> None:
    literal = lua_string('{"a": "é\\n"}\n'.encode())

    assert literal == '"{\\"a\\": \\"\\195\\169\\\\n\\"}\\010"'


def test_post_script_sets_method_content_type_and_body() -> None:
    script = post_script(b'{"medicines":["Ultram"]}')

    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script
    assert 'wrk.body = "{\\"medicines\\":[\\"Ultram\\"]}"' in script


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")
def test_lua_string_reads_back_as_the_same_bytes_in_wrk(tmp_path: Path) -> None:
    # wrk runs the script's top level before it connects, so it doubles as a Lua interpreter.
    data = '{"x": "ü\\"\\\\"}\r\n'.encode()
    script = tmp_path / "echo.lua"
    script.write_text(f"io.write({lua_string(data)})\nos.exit(0)\n")

    completed = subprocess.run(  # noqa: S603 - fixed arguments
        ["wrk", "-t1", "-c1", "-d1s", "--script", str(script), "http://127.0.0.1:1/"],
        capture_output=True,
        timeout=30,
        check=True,
    )

    assert completed.stdout == data
