"""wrk's report and Lua, the throwaway nginx, and the ratios and warnings of two wrk runs."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench import web
from bench.common import Skipped
from deploy.processes import fetch_response, free_port, local_url, running, wait_until_serving

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin")

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


def run(p50: float, p99: float, rate: float, *, timeouts: int = 0) -> web.WrkRun:
    return web.WrkRun(p50, p50, p99, p99, requests_per_s=rate, requests=int(rate * 5),
                      duration_ms=5000.0, socket_errors={"connect": 0, "timeout": timeouts})


@pytest.mark.parametrize(
    ("number", "unit", "expected"),
    [("535.00", "us", 0.535), ("9.32", "ms", 9.32), ("1.18", "s", 1180.0), ("2", "m", 120_000.0)],
)
def test_time_to_ms_converts_wrk_units(number: str, unit: str, expected: float) -> None:
    assert web.time_to_ms(number, unit) == pytest.approx(expected)


def test_parse_wrk_output_reads_percentiles_rate_and_timeouts() -> None:
    figures = web.parse_wrk_output(GUNICORN_REPORT.replace("s\n", "s \n"))  # wrk pads seconds

    assert (figures.p50_ms, figures.p99_ms) == pytest.approx((1180.0, 1960.0))
    assert figures.requests_per_s == pytest.approx(5.55)
    assert (figures.requests, figures.duration_ms) == (28, pytest.approx(5040.0))
    assert figures.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 8}
    assert not figures.clean


def test_parse_wrk_output_mixes_units_and_counts_failed_responses() -> None:
    figures = web.parse_wrk_output(NGINX_REPORT)

    assert (figures.p50_ms, figures.p75_ms) == pytest.approx((0.535, 9.32))
    assert figures.requests_per_s == pytest.approx(8788.40)
    assert figures.non_2xx_3xx == 3
    assert figures.socket_errors == {}
    assert figures.as_json()["clean"] is False


def test_parse_wrk_output_refuses_a_run_that_measured_nothing() -> None:
    empty = NGINX_REPORT.replace("44001 requests", "0 requests")
    without_distribution = "\n".join(line for line in NGINX_REPORT.splitlines() if "%" not in line)

    with pytest.raises(ValueError, match="no request"):
        web.parse_wrk_output(empty)
    with pytest.raises(ValueError, match="--latency"):
        web.parse_wrk_output(without_distribution)


def test_wrk_command_asks_for_latency_a_long_timeout_and_passes_script_arguments() -> None:
    assert web.wrk_command("wrk", "http://127.0.0.1:1/", threads=2, connections=50,
                           duration_s=5) == ["wrk", "-t2", "-c50", "-d5s",
                                             f"--timeout={web.TIMEOUT_S}s", "--latency",
                                             "http://127.0.0.1:1/"]
    command = web.wrk_command("wrk", "http://127.0.0.1:1/", threads=1, connections=5,
                              duration_s=60, script=Path("s.lua"), timeout_s=30,
                              script_args=["10", "20"])
    assert command[4] == "--timeout=30s"
    assert command[-6:] == ["--script", "s.lua", "http://127.0.0.1:1/", "--", "10", "20"]


def test_lua_string_escapes_quotes_backslashes_and_every_byte_outside_ascii() -> None:
    assert web.lua_string('{"a": "é\\n"}\n'.encode()) == '"{\\"a\\": \\"\\195\\169\\\\n\\"}\\010"'


def test_target_posts_its_body_with_a_script_and_gets_without_one(tmp_path: Path) -> None:
    assert web.Target("/therapies/x/").method == "GET"
    assert web.Target("/").script(tmp_path) is None

    script = web.Target("/api/v1/screen", b'{"a":1}').script(tmp_path)

    assert script is not None
    assert 'wrk.method = "POST"' in script.read_text()
    assert 'wrk.headers["Content-Type"] = "application/json"' in script.read_text()
    assert 'wrk.body = "{\\"a\\":1}"' in script.read_text()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")
def test_lua_string_reads_back_as_the_same_bytes_in_wrk(tmp_path: Path) -> None:
    # wrk runs the script's top level before it connects, so it doubles as a Lua interpreter.
    data = '{"x": "ü\\"\\\\"}\r\n'.encode()
    script = tmp_path / "echo.lua"
    script.write_text(f"io.write({web.lua_string(data)})\nos.exit(0)\n")

    completed = subprocess.run(  # noqa: S603 - fixed arguments
        ["wrk", "-t1", "-c1", "-d1s", "--script", str(script), "http://127.0.0.1:1/"],
        capture_output=True, timeout=30, check=True)

    assert completed.stdout == data


def test_binaries_skip_naming_every_missing_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web.shutil, "which", lambda name, path=None: None)

    with pytest.raises(Skipped, match="nginx and wrk not found"):
        web.binaries()


def test_wrk_table_divides_the_first_run_by_the_second() -> None:
    table, ratios = web.wrk_table("t", ("gunicorn", "nginx", "g / n"), run(2360.0, 4930.0, 9.0),
                                  run(5.35, 17.89, 8788.0))

    assert ratios == {"p50": 441.0, "p99": 276.0, "requests_per_s": 0.00102}
    title, columns, rows = table
    assert columns == ("figure", "gunicorn", "nginx", "g / n")
    assert rows[-1] == ("requests/s", "9", "8,788", "0.00102× (1/980)")


def test_warnings_flag_a_run_too_short_to_be_steady_and_a_run_with_errors() -> None:
    notes = web.warnings({"gunicorn": run(2360.0, 4930.0, 9.0, timeouts=8),
                          "nginx": run(5.35, 17.89, 8788.0)}, connections=50, duration_s=5)

    # 45 answers over 50 connections is no steady state; 43,940 is.
    assert [note.split(":")[0] for note in notes] == ["CAUTION", "WARNING"]
    assert notes[0].startswith("CAUTION: gunicorn completed only 45 requests")
    assert notes[1].startswith("WARNING: gunicorn had 0 non-2xx/3xx")


def test_nginx_config_keeps_every_file_under_its_prefix(tmp_path: Path) -> None:
    config = web.nginx_config(prefix=tmp_path, docroot=tmp_path / "root", port=40001, workers=2)

    for line in ("daemon off;", "worker_processes 2;", "listen 127.0.0.1:40001;",
                 f"pid {tmp_path / 'nginx.pid'};", f"root {tmp_path / 'root'};", "access_log off;",
                 f"error_log {tmp_path / 'error.log'} warn;"):
        assert line in config
    assert "location" not in config


@pytest.mark.parametrize("path", ["api/v1/screen", "/a b", "/x;y", "/x{", "/$uri"])
def test_a_json_post_path_must_be_a_plain_path(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="plain URL path"):
        web.nginx_config(prefix=tmp_path, docroot=tmp_path, port=1, workers=1,
                         json_post_paths=[path])


@pytest.mark.skipif(NGINX is None, reason="nginx not installed")
def test_nginx_answers_a_json_post_with_the_file_bytes() -> None:
    answer = '{"verdict": "incomplete", "note": "é"}'.encode()
    assert NGINX is not None
    # Not pytest's tmp_path: started as root, nginx's workers run as nobody and cannot enter
    # pytest's private folders. The bench opens its own folder the same way.
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-test-") as scratch:
        prefix = Path(scratch)
        prefix.chmod(0o755)
        answer_file = prefix / "root" / "api" / "v1" / "screen"
        answer_file.parent.mkdir(parents=True)
        answer_file.write_bytes(answer)
        for folder in (prefix / "root", prefix / "root" / "api", answer_file.parent):
            folder.chmod(0o755)
        answer_file.chmod(0o644)
        port, conf = free_port(), prefix / "nginx.conf"
        conf.write_text(web.nginx_config(prefix=prefix, docroot=prefix / "root", port=port,
                                         workers=1, json_post_paths=["/api/v1/screen"]))
        command = [NGINX, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")]
        url = local_url(port, "/api/v1/screen")

        with running(command, log=prefix / "nginx.out", cwd=prefix) as server:
            wait_until_serving(server, url, log=prefix / "error.log", timeout_s=20)
            status, content_type, body = fetch_response(url, body=b'{"medicines": ["Ultram"]}')

    assert (status, content_type, body) == (200, "application/json; charset=utf-8", answer)
