"""HTTP load: wrk (its command, its Lua, its report), gunicorn, and nginx serving fixed bytes.

:func:`compare_servers` loads gunicorn, then nginx serving the exact bytes gunicorn sent at the
same path, with the same wrk command, and divides one by the other. Plain Python, no Django.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bench import common
from bench.common import HEALTHZ, Result, Skipped, Table, format_ratio, ratio
from deploy.processes import fetch, free_port, local_url, running, wait_until_serving

# wrk leaves requests slower than its timeout (2 s by default) out of the latency figures and
# counts them as errors; a longer one keeps a slow server's p99 honest instead of censored.
TIMEOUT_S: Final = 10
WARM_UP_S: Final = 1  # a short wrk run first, so every worker has answered the request
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


def time_to_ms(number: str, unit: str) -> float:
    """A wrk time such as ``("1.25", "ms")`` in milliseconds."""
    return float(number) * _UNITS_MS[unit]


def parse_wrk_output(text: str) -> WrkRun:
    """Read a ``wrk --latency`` report; ValueError if a figure is missing or nothing was answered."""
    percentiles = {m[1]: time_to_ms(m[2], m[3]) for m in _PERCENTILE.finditer(text)}
    total, rate = _TOTAL.search(text), _RATE.search(text)
    if len(percentiles) < 4 or total is None or rate is None:
        raise ValueError(f"wrk output lacks the latency distribution or totals "
                         f"(was --latency given?):\n{text}")
    if int(total[1]) == 0:  # wrk then prints zeros for every percentile
        raise ValueError(f"wrk completed no request, so it measured nothing:\n{text}")
    sockets, non_2xx = _SOCKETS.search(text), _NON_2XX.search(text)
    return WrkRun(
        *(percentiles[name] for name in ("50", "75", "90", "99")),
        requests_per_s=float(rate[1]),
        requests=int(total[1]),
        duration_ms=time_to_ms(total[2], total[3]),
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()),
                               strict=True)) if sockets else {},
    )


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
    command = wrk_command(wrk, url, threads=threads, connections=connections,
                          duration_s=duration_s, script=script)
    completed = subprocess.run(  # noqa: S603 - our own fixed command line, no shell
        command, capture_output=True, text=True, timeout=duration_s + TIMEOUT_S + 30, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()}")
    return parse_wrk_output(completed.stdout)


def lua_string(data: bytes) -> str:
    """A double-quoted Lua literal of exactly these bytes (``\\ddd`` outside printable ASCII)."""
    return '"' + "".join(
        "\\" + chr(byte) if byte in b'"\\' else chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03d}"
        for byte in data
    ) + '"'


def post_script(body: bytes, content_type: str = "application/json") -> str:
    """A wrk Lua script sending every request as a POST of ``body``."""
    return (f'wrk.method = "POST"\n'
            f'wrk.headers["Content-Type"] = {lua_string(content_type.encode())}\n'
            f"wrk.body = {lua_string(body)}\n")


def binaries() -> dict[str, str]:
    """nginx and wrk (nginx lives in /usr/sbin); Skipped, naming what is missing."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    found = {name: shutil.which(name, path=search) for name in ("nginx", "wrk")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise Skipped(f"{' and '.join(missing)} not found; install with `make system-deps` (Debian "
                      "packages nginx-light and wrk). No HTTP figures were measured.")
    try:
        import gunicorn  # noqa: F401
    except ImportError as error:
        raise Skipped("gunicorn is not installed in this environment") from error
    return {name: path for name, path in found.items() if path}


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int, folder: Path,
             ready_path: str = HEALTHZ) -> Iterator[str]:
    """gunicorn on ``config.wsgi`` and the bench database until the block ends; its base URL.

    Sync workers; ``--preload`` imports Django once in the master, then forks.
    """
    port, log = free_port(), folder / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--preload", "--log-level", "warning"]
    env = {**os.environ, **common.server_environment(database_url)}
    with running(command, log=log, env=env, cwd=common.BASE_DIR) as app:
        wait_until_serving(app, local_url(port, ready_path), log=log)
        yield local_url(port, "")


def nginx_config(*, prefix: Path, docroot: Path, port: int, workers: int,
                 json_post_paths: Sequence[str] = ()) -> str:
    """nginx in the foreground on 127.0.0.1:``port``, every file it writes under ``prefix``.

    Each of ``json_post_paths`` also answers POST with its file, as JSON: the static handler's
    405 becomes an internal GET of the same file (``error_page 405 =200 $uri``), the body is
    read and dropped, and ``charset_types`` adds ``; charset=utf-8`` as Django does.
    """
    locations = ""
    for path in json_post_paths:
        if not path.startswith("/") or any(character in path for character in " ;{}\"'\\$"):
            raise ValueError(f"not a plain URL path: {path!r}")
        locations += (f"        location = {path} {{ default_type application/json; "
                      "charset_types application/json; error_page 405 =200 $uri; }\n")
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
master_process on;
worker_processes {workers};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}    types {{ text/html html; }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        index index.html;
{locations}    }}
}}
"""


@dataclass(frozen=True)
class Target:
    """What both servers are asked for: GET ``path``, or POST ``body`` (JSON) to it."""

    path: str
    body: bytes | None = None
    ready_path: str | None = None  # answers GET once gunicorn is up, for a POST-only path

    @property
    def method(self) -> str:
        return "GET" if self.body is None else "POST"

    def script(self, prefix: Path) -> Path | None:
        """The wrk Lua script that POSTs the body, written under ``prefix`` (None for a GET)."""
        if self.body is None:
            return None
        script = prefix / "request.lua"
        script.write_text(post_script(self.body))
        return script


def drain(url: str) -> None:
    """Wait for what a load run left queued to be answered: our next request queues behind it."""
    status, _ = fetch(url, timeout=120)
    if status != 200:
        raise RuntimeError(f"{url} answered {status} after a load run")


def load_test(wrk: str, url: str, options: Any, *, connections: int | None = None,
              script: Path | None = None, drain_url: str | None = None) -> WrkRun:
    """A warm-up (one connection per worker), then the measured wrk run."""
    run_wrk(wrk, url, threads=1, connections=options.workers, duration_s=WARM_UP_S, script=script)
    drain(drain_url or url)
    return run_wrk(wrk, url, threads=options.threads,
                   connections=connections or options.connections,
                   duration_s=options.duration, script=script)


def serve_static(prefix: Path, target: Target, page: bytes, found: Mapping[str, str],
                 options: Any, connections: int | None = None) -> WrkRun:
    """nginx serving ``page`` at ``target.path`` (checked byte for byte), loaded as gunicorn was.

    A page is stored as ``<path>/index.html``; a POST's answer as a file at the path itself.
    """
    docroot = prefix / "root"
    page_file = docroot / target.path.strip("/")
    if target.body is None:
        page_file = page_file / "index.html"
    page_file.parent.mkdir(parents=True)
    page_file.write_bytes(page)
    page_file.chmod(0o644)
    for folder in page_file.relative_to(prefix).parents:
        (prefix / folder).chmod(0o755)  # whatever the umask, nginx's workers must read them
    port, conf, log = free_port(), prefix / "nginx.conf", prefix / "error.log"
    conf.write_text(nginx_config(prefix=prefix, docroot=docroot, port=port, workers=options.workers,
                                 json_post_paths=() if target.body is None else (target.path,)))
    url = local_url(port, target.path)
    command = [found["nginx"], "-c", str(conf), "-p", str(prefix), "-e", str(log)]
    with running(command, log=prefix / "nginx.out", cwd=prefix) as server:
        wait_until_serving(server, url, log=log)
        status, served = fetch(url, body=target.body)  # asked exactly as wrk will ask
        if status != 200 or served != page:
            raise RuntimeError(f"nginx does not serve the bytes gunicorn returned (status {status}, "
                               f"{len(served):,} bytes, not {len(page):,})")
        return load_test(found["wrk"], url, options, connections=connections,
                         script=target.script(prefix))


def compare_servers(target: Target, options: Any, database_url: str, *,
                    connections: int | None = None) -> Result:
    """Load gunicorn, then nginx with the bytes gunicorn sent; the ratios, table and notes."""
    found = binaries()
    connections = connections or options.connections
    common.close_connections()  # SQLite readers in gunicorn never wait on us
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        prefix = Path(scratch)
        prefix.chmod(0o755)  # nginx's workers (nobody, when started as root) read the docroot
        ready = target.ready_path or target.path
        with gunicorn(database_url, options.workers, prefix, ready) as base:
            status, page = fetch(base + target.path, body=target.body)
            if status != 200:
                raise RuntimeError(f"gunicorn answered {status} for {target.method} "
                                   f"{target.path}: {page[:300]!r}")
            app = load_test(found["wrk"], base + target.path, options, connections=connections,
                            script=target.script(prefix), drain_url=base + ready)
        # Stopping gunicorn dropped what wrk left queued, so it cannot slow nginx's run.
        static = serve_static(prefix, target, page, found, options, connections)
    load = f"wrk -t{options.threads} -c{connections} -d{options.duration}s"
    table, ratios = wrk_table(f"HTTP, {load}, {target.method} {target.path}",
                              ("gunicorn", "nginx (same bytes)", "gunicorn / nginx"), app, static)
    figures = {"method": target.method, "path": target.path, "bytes": len(page),
               "sha256": hashlib.sha256(page).hexdigest(), "workers": options.workers,
               "load": {"threads": options.threads, "connections": connections,
                        "duration_s": options.duration, "timeout_s": TIMEOUT_S},
               "gunicorn": app.as_json(), "nginx": static.as_json(),
               "ratio_gunicorn_to_nginx": ratios}
    if target.body is not None:
        figures["request_bytes"] = len(target.body)
    notes = [f"Both servers sent the same {len(page):,} bytes for {target.method} {target.path}; "
             f"{options.workers} gunicorn sync workers, {options.workers} nginx worker processes, "
             f"{os.cpu_count()} CPUs shared with wrk."]
    return Result(figures, [table], notes + warnings({"gunicorn": app, "nginx": static},
                                                     connections, options.duration))


def wrk_table(title: str, columns: tuple[str, str, str], a: WrkRun, b: WrkRun
              ) -> tuple[Table, dict[str, float | None]]:
    """Two wrk runs side by side, with a ÷ b for p50, p99 and requests/s (above 1 = a slower,
    for latency; below 1 = a serves fewer, for requests/s)."""
    figures = {"p50": (a.p50_ms, b.p50_ms), "p99": (a.p99_ms, b.p99_ms),
               "requests_per_s": (a.requests_per_s, b.requests_per_s)}
    ratios = {name: ratio(*pair) for name, pair in figures.items()}
    rows = [("requests answered", f"{a.requests:,}", f"{b.requests:,}", "")]
    rows += [(label, f"{figures[name][0]:,.{digits}f}", f"{figures[name][1]:,.{digits}f}",
              format_ratio(ratios[name])) for label, name, digits in (
                  ("p50 latency ms", "p50", 2), ("p99 latency ms", "p99", 2),
                  ("requests/s", "requests_per_s", 0))]
    return (title, ("figure", *columns), rows), ratios


def warnings(runs: Mapping[str, WrkRun], connections: int, duration_s: int) -> list[str]:
    """A CAUTION for a run too short to be steady, a WARNING for a run with errors."""
    notes = []
    for name, run in runs.items():
        if run.requests < FEW_REQUESTS_PER_CONNECTION * connections:
            notes.append(f"CAUTION: {name} completed only {run.requests} requests over "
                         f"{connections} connections in {duration_s} s. wrk counts only answered "
                         "requests, so these latency percentiles understate the wait; the "
                         "requests/s figure stands. A longer --duration or fewer --connections "
                         "gives steadier latencies.")
        if not run.clean:
            notes.append(f"WARNING: {name} had {run.non_2xx_3xx} non-2xx/3xx responses and "
                         f"socket errors {run.socket_errors}; its figures include failed requests.")
    return notes
