"""wrk's report and Lua, the throwaway nginx, and the warnings on a wrk run."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench import web
from bench.common import Skipped
from deploy import serve
from deploy.processes import fetch_response, free_port, local_url, running, wait_until_serving

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin")

# The shape wrk 4.1 prints with --latency (numbers from a run against gunicorn).
GUNICORN_REPORT = """\
Running 5s test @ http://127.0.0.1:18555/therapies/low-dose-naltrexone/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.08s   548.68ms   1.96s    70.00%
  Latency Distribution
     50%    1.18s \n     75%    1.56s \n     90%    1.84s \n     99%    1.96s \n\
  28 requests in 5.04s, 360.94KB read
  Socket errors: connect 0, read 0, write 0, timeout 8
Requests/sec:      5.55
"""
NGINX_REPORT = """\
  Latency Distribution
     50%  535.00us
     75%    9.32ms
     90%   12.17ms
     99%    2.00m
  44001 requests in 5.01s, 560.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   8788.40
"""


def test_parse_wrk_output_reads_percentiles_in_any_unit_rate_and_errors() -> None:
    slow, fast = web.parse_wrk_output(GUNICORN_REPORT), web.parse_wrk_output(NGINX_REPORT)

    assert (slow.p50_ms, slow.p99_ms, slow.requests_per_s) == pytest.approx((1180, 1960, 5.55))
    assert (slow.requests, slow.duration_ms) == (28, pytest.approx(5040.0))
    assert slow.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 8}
    assert (fast.p50_ms, fast.p75_ms, fast.p99_ms) == pytest.approx((0.535, 9.32, 120_000))
    assert (fast.non_2xx_3xx, fast.socket_errors) == (3, {})
    assert not slow.clean and fast.as_json()["clean"] is False


def test_parse_wrk_output_refuses_a_run_that_measured_nothing() -> None:
    with pytest.raises(ValueError, match="no request"):
        web.parse_wrk_output(NGINX_REPORT.replace("44001 requests", "0 requests"))
    with pytest.raises(ValueError, match="--latency"):
        web.parse_wrk_output(NGINX_REPORT.replace("%", ""))


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


def test_the_post_script_sends_the_body_with_every_byte_outside_ascii_escaped(tmp_path) -> None:
    assert web.post_script(tmp_path, None) is None

    script = web.post_script(tmp_path, '{"a": "é\\n"}\n'.encode())

    assert script is not None and script.read_text().splitlines() == [
        'wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"',
        'wrk.body = "{\\"a\\": \\"\\195\\169\\\\n\\"}\\010"']


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
    monkeypatch.setattr(serve.shutil, "which", lambda name, path=None: None)

    with pytest.raises(Skipped, match="nginx and wrk not found"):
        web.binaries()


def test_warnings_flag_a_run_too_short_to_be_steady_and_a_run_with_errors() -> None:
    slow, fast = web.parse_wrk_output(GUNICORN_REPORT), web.parse_wrk_output(NGINX_REPORT)

    notes = web.warnings({"gunicorn": slow, "nginx": fast}, connections=50)

    # 28 answers over 50 connections is no steady state; 44,001 is, but 3 of them failed.
    assert [note.split(":")[0] for note in notes] == ["CAUTION", "WARNING", "WARNING"]
    assert notes[0].startswith("CAUTION: gunicorn answered only 28 requests")
    assert notes[2].startswith("WARNING: nginx had 3 non-2xx/3xx")


@pytest.mark.skipif(NGINX is None, reason="nginx not installed")
def test_nginx_answers_a_json_post_with_the_file_bytes_and_keeps_its_files_in_its_prefix() -> None:
    answer = '{"verdict": "incomplete", "note": "é"}'.encode()
    assert NGINX is not None
    # Not pytest's tmp_path: started as root, nginx's workers run as nobody and cannot enter
    # pytest's private folders. The bench opens its own folder the same way.
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-test-") as scratch:
        prefix = Path(scratch)
        answer_file = prefix / "root" / "api" / "v1" / "screen"
        answer_file.parent.mkdir(parents=True)
        answer_file.write_bytes(answer)
        for folder in (prefix, *answer_file.relative_to(prefix).parents):
            (prefix / folder).chmod(0o755)
        port, conf = free_port(), prefix / "nginx.conf"
        conf.write_text(web.nginx_config(prefix=prefix, docroot=prefix / "root", port=port,
                                         workers=1, json_post_paths=["/api/v1/screen"]))
        command = [NGINX, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")]
        url = local_url(port, "/api/v1/screen")

        with running(command, log=prefix / "nginx.out", cwd=prefix) as server:
            wait_until_serving(server, url, log=prefix / "error.log", timeout_s=20)
            status, content_type, body = fetch_response(url, body=b'{"medicines": ["Ultram"]}')
            assert {path.name for path in prefix.iterdir()} >= {"nginx.pid", "client_body", "root"}

    assert (status, content_type, body) == (200, "application/json; charset=utf-8", answer)


def test_nginx_serves_a_page_again_from_the_same_folder_in_the_next_round(monkeypatch) -> None:
    # compare() runs its baseline once per round, each time into the stack's scratch folder.
    assert NGINX is not None
    monkeypatch.setattr(web, "binaries", lambda: {"nginx": NGINX, "wrk": "wrk"})
    loaded: list[str] = []
    monkeypatch.setattr(web, "load", lambda wrk, url, options, **kwargs: loaded.append(url) or url)
    options = type("Options", (), {"workers": 1})()
    pages = [b"<p>first round</p>", "<p>second round, é</p>".encode()]
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-test-") as scratch:
        folder = Path(scratch)
        folder.chmod(0o755)
        for page in pages:  # serve_static checks the bytes nginx sends before loading it
            web.serve_static(folder, "/therapies/ldn/", page, None, options, connections=1)
    assert len(loaded) == 2 and all(url.endswith("/therapies/ldn/") for url in loaded)
