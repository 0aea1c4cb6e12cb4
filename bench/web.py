"""HTTP load: wrk (command, Lua, report), ``make serve``'s stack, nginx serving fixed bytes.

:func:`compare` loads a path from gunicorn alone or through the stack, then its baseline with
the same wrk command: nginx serving the exact bytes it sent, or ``/healthz`` from the same server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bench import common
from bench.common import HEALTHZ, Result, Skipped, ratio
from deploy.processes import fetch, free_port, local_url, request, running, wait_until_serving
from deploy.serve import AppConfig, Stack, find_binary, serving

# wrk leaves requests slower than its timeout (2 s by default) out of the latency figures and
# counts them as errors; a longer one keeps a slow server's p99 honest instead of censored.
TIMEOUT_S: Final = 10
WARM_UP_S: Final = 1
# More connections than the stack has worker threads (2 CPUs): in the warm-up every worker
# answers once (loads the vocabulary, compiles the records) before the measured run.
WARM_UP_CONNECTIONS: Final = 12
FEW_REQUESTS_PER_CONNECTION: Final = 10  # below this a run has not reached a steady state
_UNITS_MS: Final = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME: Final = r"([0-9.]+)(us|ms|s|m|h)"
_PERCENTILE: Final = re.compile(rf"^\s*(50|75|90|99)%\s+{_TIME}\s*$", re.MULTILINE)
_TOTAL: Final = re.compile(rf"^\s*(\d+) requests in {_TIME},", re.MULTILINE)
_RATE: Final = re.compile(r"^Requests/sec:\s+([0-9.]+)\s*$", re.MULTILINE)
_SOCKETS: Final = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX: Final = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run measured."""

    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests_per_s: float
    requests: int
    duration_ms: float
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """Every answer a success, no socket failed or timed out."""
        return self.non_2xx_3xx == 0 and not any(self.socket_errors.values())

    def as_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "clean": self.clean}


def parse_wrk_output(text: str) -> WrkRun:
    """Read a ``wrk --latency`` report; ValueError if a figure is missing or nothing was answered."""
    def ms(number: str, unit: str) -> float:
        return float(number) * _UNITS_MS[unit]

    percentiles = {m[1]: ms(m[2], m[3]) for m in _PERCENTILE.finditer(text)}
    total, rate = _TOTAL.search(text), _RATE.search(text)
    if len(percentiles) < 4 or total is None or rate is None:
        raise ValueError(f"wrk output lacks the latency distribution (--latency?):\n{text}")
    if int(total[1]) == 0:  # wrk then prints zeros for every percentile
        raise ValueError(f"wrk completed no request, so it measured nothing:\n{text}")
    sockets, non_2xx = _SOCKETS.search(text), _NON_2XX.search(text)
    errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()),
                      strict=True)) if sockets else {}
    return WrkRun(*(percentiles[name] for name in ("50", "75", "90", "99")), float(rate[1]),
                  int(total[1]), ms(total[2], total[3]), int(non_2xx[1]) if non_2xx else 0, errors)


def wrk_command(wrk: str, url: str, *, threads: int, connections: int, duration_s: int,
                script: Path | None = None, timeout_s: int = TIMEOUT_S,
                script_args: Sequence[str] = ()) -> list[str]:
    """wrk with the latency distribution (and a Lua script, and arguments for it)."""
    return [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", f"--timeout={timeout_s}s",
            "--latency", *(["--script", str(script)] if script else []), url,
            *(["--", *script_args] if script_args else [])]


def run_wrk(wrk: str, url: str, *, threads: int, connections: int, duration_s: int,
            script: Path | None = None) -> WrkRun:
    """Load ``url`` with wrk (through ``script`` when given); its figures."""
    completed = subprocess.run(  # noqa: S603 - our own fixed command line, no shell
        wrk_command(wrk, url, threads=threads, connections=connections, duration_s=duration_s,
                    script=script),
        capture_output=True, text=True, timeout=duration_s + TIMEOUT_S + 30, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()}")
    return parse_wrk_output(completed.stdout)


def lua_string(data: bytes) -> str:
    """A double-quoted Lua literal of exactly these bytes (``\\ddd`` outside printable ASCII)."""
    return '"' + "".join(
        "\\" + chr(byte) if byte in b'"\\' else chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03d}"
        for byte in data) + '"'


def post_script(folder: Path, body: bytes | None) -> Path | None:
    """A wrk Lua script under ``folder`` sending every request as a JSON POST of ``body``."""
    if body is None:
        return None
    script = folder / "post.lua"
    script.write_text(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f"wrk.body = {lua_string(body)}\n")
    return script


def binaries() -> dict[str, str]:
    """nginx and wrk (nginx lives in /usr/sbin); Skipped, naming what is missing."""
    found, missing = {}, []
    for name in ("nginx", "wrk"):
        try:
            found[name] = find_binary(name)
        except FileNotFoundError:
            missing.append(name)
    if missing:
        raise Skipped(f"{' and '.join(missing)} not found; install with `make system-deps` (Debian "
                      "packages nginx-light and wrk). No HTTP figures were measured.")
    return found


@contextlib.contextmanager
def stack(database_url: str, *, workers: int | None = None, sync: bool = False
          ) -> Iterator[tuple[Stack, Path]]:
    """``make serve``'s stack (``deploy.serve``) on the bench database, and a scratch folder.

    gthread workers as deployed; with ``sync``, for loading gunicorn alone (``Stack.app_url``),
    sync workers (one thread: with more gunicorn runs gthread) never recycled during a run.
    """
    environment = common.server_environment(database_url)
    if sync:
        environment["GUNICORN_MAX_REQUESTS"] = "0"
    app = AppConfig(settings=common.SETTINGS_MODULE, workers=workers, environment=environment,
                    worker_class="sync" if sync else None, threads=1 if sync else None)
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        folder = Path(scratch)
        folder.chmod(0o755)  # nginx's workers (nobody, when started as root) read what is here
        with serving(prefix=folder / "stack", app=app, static_root=folder / "static",
                     nginx_workers=str(workers or "auto")) as served:
            yield served, folder


def load(wrk: str, url: str, options: Any, *, connections: int, script: Path | None = None
         ) -> WrkRun:
    """A short warm-up, then the measured run; after each, one GET waits until what wrk left
    queued has been answered, so the next run starts on an idle server."""
    run_wrk(wrk, url, threads=1, connections=WARM_UP_CONNECTIONS, duration_s=WARM_UP_S,
            script=script)
    fetch(url, timeout=120)
    measured = run_wrk(wrk, url, threads=options.threads, connections=connections,
                       duration_s=options.duration, script=script)
    fetch(url, timeout=120)
    return measured


def nginx_config(*, prefix: Path, docroot: Path, port: int, workers: int,
                 json_post_paths: Sequence[str] = ()) -> str:
    """nginx in the foreground on 127.0.0.1:``port``, every file it writes under ``prefix``.

    Each of ``json_post_paths`` also answers POST with its file, as JSON: the static handler's
    405 becomes an internal GET of the file; ``charset_types`` adds ``; charset=utf-8``.
    """
    locations = "".join(f"        location = {path} {{ default_type application/json; "
                        "charset_types application/json; error_page 405 =200 $uri; }\n"
                        for path in json_post_paths)
    temp = " ".join(f"{kind}_temp_path {prefix / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off; worker_processes {workers}; pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn; events {{ worker_connections 1024; }}
http {{
    access_log off; charset utf-8; sendfile on;
    types {{ text/html html; }} default_type application/octet-stream;
    {temp}
    server {{
        listen 127.0.0.1:{port}; root {docroot}; index index.html;
{locations}    }}
}}
"""


def serve_static(folder: Path, path: str, page: bytes, body: bytes | None, options: Any,
                 connections: int) -> WrkRun:
    """nginx serving ``page`` at ``path`` (checked byte for byte), loaded as the server was.

    A page is stored as ``<path>/index.html``; a POST's answer as a file at the path itself.
    """
    found, prefix = binaries(), folder / "static-nginx"
    page_file = prefix / "root" / path.strip("/") / ("" if body else "index.html")
    page_file.parent.mkdir(parents=True, exist_ok=True)  # again in each round
    page_file.write_bytes(page)
    page_file.chmod(0o644)
    for parent in page_file.relative_to(folder).parents:
        (folder / parent).chmod(0o755)  # whatever the umask, nginx's workers must read them
    port, conf, log = free_port(), prefix / "nginx.conf", prefix / "error.log"
    conf.write_text(nginx_config(prefix=prefix, docroot=prefix / "root", port=port,
                                 workers=options.workers, json_post_paths=[path] if body else []))
    url = local_url(port, path)
    command = [found["nginx"], "-c", str(conf), "-p", str(prefix), "-e", str(log)]
    with running(command, log=prefix / "nginx.out", cwd=prefix) as server:
        wait_until_serving(server, url, log=log)
        status, served = fetch(url, body=body)  # asked exactly as wrk will ask
        if status != 200 or served != page:
            raise RuntimeError(f"nginx does not serve the bytes the server sent (status {status}, "
                               f"{len(served):,} bytes, not {len(page):,})")
        return load(found["wrk"], url, options, connections=connections,
                    script=post_script(prefix, body))


def compare(path: str, options: Any, database_url: str, *, body: bytes | None = None,
            connections: int | None = None, edge: bool = False, trivial: bool = False,
            rounds: int = 1) -> Result:
    """``path`` (GET, or POST of ``body``) from gunicorn alone or, with ``edge``, through the
    stack (once the edge caches it, for a GET); against nginx serving the bytes it sent or,
    with ``trivial``, ``GET /healthz`` from the same server, in ``rounds`` alternating pairs of
    runs (the table shows the pair with the median requests/s ratio). Figures, table, notes."""
    wrk, name, other = binaries()["wrk"], "edge" if edge else "gunicorn", (
        "trivial view" if trivial else "nginx")
    method, connections = "POST" if body else "GET", connections or options.connections
    common.close_connections()  # SQLite readers in gunicorn never wait on us
    with stack(database_url, workers=options.workers, sync=not edge) as (served, folder):
        base = served.url if edge else served.app_url
        for _ in range(2 if edge and not body else 1):  # the edge's second answer is its HIT
            answer = request(base + path, method=method, body=body,
                             headers={"Content-Type": "application/json"} if body else {})
        cache = answer.headers.get("x-cache-status")
        if answer.status != 200 or (edge and not body and cache != "HIT"):
            raise RuntimeError(f"{name} answered {answer.status} (X-Cache-Status {cache}) for "
                               f"{path}: {answer.body[:300]!r}")
        runs = []
        for _ in range(rounds):
            runs.append((load(wrk, base + path, options, connections=connections,
                              script=post_script(folder, body)),
                         load(wrk, base + HEALTHZ, options, connections=connections) if trivial
                         else serve_static(folder, path, answer.body, body, options, connections)))
    round_ratios = [ratio(a.requests_per_s, b.requests_per_s) for a, b in runs]
    measured, baseline = sorted(runs, key=lambda pair: ratio(pair[0].requests_per_s,
                                                             pair[1].requests_per_s) or 0
                                )[len(runs) // 2]
    pairs = {"p50": (measured.p50_ms, baseline.p50_ms), "p99": (measured.p99_ms, baseline.p99_ms),
             "requests_per_s": (measured.requests_per_s, baseline.requests_per_s)}
    ratios = {key: ratio(*pair) for key, pair in pairs.items()}
    rows = [("requests answered", f"{measured.requests:,}", f"{baseline.requests:,}", "")]
    rows += [(label, f"{pairs[key][0]:,.{digits}f}", f"{pairs[key][1]:,.{digits}f}",
              common.format_ratio(ratios[key])) for label, key, digits in (
                  ("p50 latency ms", "p50", 2), ("p99 latency ms", "p99", 2),
                  ("requests/s", "requests_per_s", 0))]
    against = f"GET {HEALTHZ} from the same server" if trivial else "nginx sending the same bytes"
    notes = [f"{len(answer.body):,} bytes; {options.workers} {'gthread' if edge else 'sync'} "
             f"gunicorn workers, {options.workers} nginx workers, {os.cpu_count()} CPUs shared "
             "with wrk."] + warnings({name: measured, other: baseline}, connections)
    if len(runs) > 1:
        notes.append(f"{len(runs)} rounds, each {name} then {other}; their requests/s ratios: "
                     + ", ".join(common.format_ratio(r) for r in round_ratios)
                     + "; the table shows the median round.")
    return Result(
        {"method": method, "path": path, "bytes": len(answer.body), "workers": options.workers,
         "request_bytes": len(body or b""), "edge_cache_ttl_s": served.cache_ttl_s,
         "load": {"threads": options.threads, "connections": connections,
                  "duration_s": options.duration, "timeout_s": TIMEOUT_S},
         "server": name, "against": other, "measured": measured.as_json(),
         "baseline": baseline.as_json(), "ratios": ratios, "round_ratios": round_ratios},
        [(f"{method} {path} vs {against}, wrk -t{options.threads} -c{connections} "
          f"-d{options.duration}s", ("figure", name, other, f"{name} / {other}"), rows)], notes)


def warnings(runs: Mapping[str, WrkRun], connections: int) -> list[str]:
    """A CAUTION for a run too short to be steady, a WARNING for a run with errors."""
    notes = []
    for name, run in runs.items():
        if run.requests < FEW_REQUESTS_PER_CONNECTION * connections:
            notes.append(f"CAUTION: {name} answered only {run.requests} requests over "
                         f"{connections} connections: its latencies understate the wait.")
        if not run.clean:
            notes.append(f"WARNING: {name} had {run.non_2xx_3xx} non-2xx/3xx responses and "
                         f"socket errors {run.socket_errors}.")
    return notes
