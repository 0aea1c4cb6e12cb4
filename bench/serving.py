"""Section 2: the LDN page over HTTP from gunicorn, against nginx serving the same bytes.

gunicorn runs ``config.wsgi`` with production settings (see ``settings.py``) on the bench
database; nginx serves a file holding the exact bytes gunicorn returned for the page, at the
same path. wrk loads each in turn (gunicorn is stopped before nginx starts) with the same
threads, connections and duration, so the ratios (gunicorn / nginx) say how much dearer a
Django response is than the cheapest possible answer on this machine. The server under load
and wrk share the machine's CPUs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bench import database
from bench.nginx import nginx_config
from bench.registry import BenchOptions, FigureTable, Measured, Section, SectionSkipped
from bench.stats import format_ratio, ratio
from bench.wrk import TIMEOUT_S, WrkFigures, post_script, run_wrk
from deploy.processes import (
    fetch,
    free_port,
    local_url,
    running,
    wait_until_serving,
)

# Below this many answered requests per connection a wrk run has not reached a steady state.
FEW_REQUESTS_PER_CONNECTION: Final = 10
WARM_UP_S: Final = 1  # a short wrk run first, so every worker has rendered the page


def required_binaries() -> dict[str, str]:
    """Find nginx and wrk (nginx lives in /usr/sbin, often not on a user's PATH)."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    found = {name: shutil.which(name, path=search) for name in ("nginx", "wrk")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise SectionSkipped(
            f"{' and '.join(missing)} not found; install with `make system-deps` "
            "(Debian packages nginx-light and wrk). No HTTP figures were measured."
        )
    try:
        import gunicorn  # noqa: F401
    except ImportError as error:
        raise SectionSkipped("gunicorn is not installed in this environment") from error
    return {name: path for name, path in found.items() if path is not None}


def drain(url: str) -> None:
    """Wait until requests left queued by a warm-up are answered: ours queues behind them."""
    status, _ = fetch(url, timeout=120)
    if status != 200:
        raise RuntimeError(f"{url} answered {status} after a load run")


def load_test(
    wrk: str,
    url: str,
    options: BenchOptions,
    *,
    script: Path | None = None,
    drain_url: str | None = None,
) -> WrkFigures:
    """Warm the server up, then load it with wrk as the options say.

    ``script`` is a wrk Lua script (a POST, say) used for the warm-up and the measured run;
    ``drain_url`` is a URL to GET after the warm-up when ``url`` itself does not answer GET.
    """
    # One connection per worker, so every worker has rendered the page and no queue is left.
    run_wrk(wrk, url, threads=1, connections=options.workers, duration_s=WARM_UP_S, script=script)
    drain(drain_url or url)
    figures, _ = run_wrk(
        wrk,
        url,
        threads=options.threads,
        connections=options.connections,
        duration_s=options.duration_s,
        script=script,
    )
    return figures


def gunicorn_command(port: int, workers: int) -> list[str]:
    """gunicorn serving ``config.wsgi`` (sync workers, the default) on 127.0.0.1:``port``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # Import Django once in the master and fork: half the start-up CPU on a small machine.
        "--preload",
        "--log-level",
        "warning",
    ]


@dataclass(frozen=True)
class Target:
    """What both servers are asked for: GET ``path``, or POST ``body`` (JSON) to it."""

    path: str
    body: bytes | None = None
    # A path answering GET with 200 once gunicorn is up, for a path that only takes POST.
    ready_path: str | None = None

    @property
    def method(self) -> str:
        """The HTTP method: POST when there is a body to send, else GET."""
        return "GET" if self.body is None else "POST"


def _wrk_script(prefix: Path, target: Target) -> Path | None:
    """The wrk Lua script that POSTs ``target.body``, written under ``prefix`` (None for GET)."""
    if target.body is None:
        return None
    script = prefix / "request.lua"
    script.write_text(post_script(target.body))
    return script


def measure_gunicorn(
    prefix: Path, target: Target, database_url: str, wrk: str, options: BenchOptions
) -> tuple[bytes, WrkFigures, dict[str, float]]:
    """Start gunicorn, keep the response's bytes, load it, and stop it (with its queue)."""
    started = time.perf_counter()
    port = free_port()
    log = prefix / "gunicorn.log"
    env = {**os.environ, **database.server_environment(database_url)}
    url = local_url(port, target.path)
    ready_url = local_url(port, target.ready_path) if target.ready_path else None
    with running(
        gunicorn_command(port, options.workers), log=log, env=env, cwd=database.BASE_DIR
    ) as app:
        wait_until_serving(app, ready_url or url, log=log)
        ready = time.perf_counter()
        status, page_bytes = fetch(url, body=target.body)
        if status != 200:
            raise RuntimeError(
                f"gunicorn answered {status} for {target.method} {target.path}: {page_bytes[:300]!r}"
            )
        figures = load_test(
            wrk, url, options, script=_wrk_script(prefix, target), drain_url=ready_url
        )
    # Stopping gunicorn drops the requests wrk left queued, so they cannot slow nginx's run.
    return (
        page_bytes,
        figures,
        {"gunicorn_start_s": ready - started, "gunicorn_load_s": time.perf_counter() - ready},
    )


def measure_nginx(
    prefix: Path,
    target: Target,
    page_bytes: bytes,
    binaries: dict[str, str],
    options: BenchOptions,
) -> tuple[WrkFigures, dict[str, float]]:
    """Serve ``page_bytes`` at ``target.path`` from nginx, check them, and load them.

    A page is stored as ``<path>/index.html``; a POST target's answer as a file at the path
    itself, which nginx answers GET and POST with, as JSON (see ``nginx.json_post_location``).
    """
    started = time.perf_counter()
    docroot = prefix / "root"
    if target.body is None:
        page_file = docroot / target.path.strip("/") / "index.html"
        json_post_paths: tuple[str, ...] = ()
    else:
        page_file = docroot / target.path.strip("/")
        json_post_paths = (target.path,)
    page_file.parent.mkdir(parents=True)
    page_file.write_bytes(page_bytes)
    for folder in page_file.parents:
        if folder == prefix:
            break
        folder.chmod(0o755)  # whatever the umask, nginx's workers must read them
    page_file.chmod(0o644)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_config(
            prefix=prefix,
            docroot=docroot,
            port=port,
            workers=options.workers,
            json_post_paths=json_post_paths,
        )
    )
    log = prefix / "error.log"
    command = [binaries["nginx"], "-c", str(conf), "-p", str(prefix), "-e", str(log)]
    url = local_url(port, target.path)
    with running(command, log=prefix / "nginx.out", cwd=prefix) as static:
        wait_until_serving(static, url, log=log)
        # Asked exactly as wrk will ask (POST with the body), so the check covers that path.
        status, served = fetch(url, body=target.body)
        if status != 200 or served != page_bytes:
            raise RuntimeError(
                f"nginx does not serve the bytes gunicorn returned "
                f"(status {status}, {len(served):,} bytes, not {len(page_bytes):,})"
            )
        figures = load_test(binaries["wrk"], url, options, script=_wrk_script(prefix, target))
    return figures, {"nginx_load_s": time.perf_counter() - started}


def compare_servers(target: Target, options: BenchOptions, database_url: str) -> Measured:
    """Load gunicorn, then nginx with the bytes gunicorn sent, and divide one by the other."""
    binaries = required_binaries()
    # Our database connection is closed so SQLite readers in gunicorn never wait on it.
    from django.db import connections

    connections.close_all()

    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        prefix = Path(scratch)
        # nginx workers drop to an unprivileged user when started as root: they must be able
        # to read the document root inside our otherwise private temporary directory.
        prefix.chmod(0o755)
        page_bytes, app, app_phases = measure_gunicorn(
            prefix, target, database_url, binaries["wrk"], options
        )
        static, static_phases = measure_nginx(prefix, target, page_bytes, binaries, options)
    load = {
        "threads": options.threads,
        "connections": options.connections,
        "duration_s": options.duration_s,
    }
    measured = measured_ratios(
        target.path,
        page_bytes,
        {"gunicorn": app, "nginx": static},
        load,
        options,
        method=target.method,
    )
    if target.body is not None:
        measured.figures["request_bytes"] = len(target.body)
    # Where the section's time went (start-up, warm-up and stopping included).
    measured.figures["phases_s"] = {
        name: round(value, 1) for name, value in {**app_phases, **static_phases}.items()
    }
    return measured


def run(options: BenchOptions) -> Measured:
    """The LDN overview: gunicorn against nginx serving the same bytes."""
    required_binaries()  # skip before touching the database when a tool is missing
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    from bench.render import ldn_paths

    return compare_servers(Target(ldn_paths()[0]), options, prepared.url)


def measured_ratios(
    path: str,
    page_bytes: bytes,
    results: dict[str, WrkFigures],
    load: dict[str, int],
    options: BenchOptions,
    *,
    method: str = "GET",
) -> Measured:
    """The gunicorn ÷ nginx ratios, the table and the notes, for ``method`` ``path``."""
    app = results["gunicorn"]
    static = results["nginx"]
    ratios = {
        "p50": ratio(app.p50_ms, static.p50_ms),
        "p99": ratio(app.p99_ms, static.p99_ms),
        "requests_per_s": ratio(app.requests_per_s, static.requests_per_s),
    }
    notes = [
        f"Both servers sent the same {len(page_bytes):,} bytes for {method} {path}; "
        f"{options.workers} gunicorn sync workers, {options.workers} nginx worker processes, "
        f"{os.cpu_count()} CPUs shared with wrk.",
        "Latency ratio above 1 = gunicorn slower; requests/s ratio below 1 = gunicorn serves "
        "fewer.",
    ]
    for name, figures in results.items():
        if figures.requests < FEW_REQUESTS_PER_CONNECTION * load["connections"]:
            notes.append(
                f"CAUTION: {name} completed only {figures.requests} requests over "
                f"{load['connections']} connections in {load['duration_s']} s. wrk counts only "
                "answered requests, not those still queued when it stopped, so these latency "
                "percentiles understate the wait; the requests/s figure stands. A longer "
                "--duration or fewer --connections gives steadier latencies."
            )
        if not figures.clean:
            notes.append(
                f"WARNING: {name} had {figures.non_2xx_3xx} non-2xx/3xx responses and socket "
                f"errors {figures.socket_errors}; its figures include failed requests."
            )

    def row(label: str, attribute: str, digits: int) -> tuple[str, ...]:
        value = ratios[attribute.removesuffix("_ms")]
        return (
            label,
            f"{getattr(app, attribute):,.{digits}f}",
            f"{getattr(static, attribute):,.{digits}f}",
            format_ratio(value),
        )

    return Measured(
        figures={
            "method": method,
            "path": path,
            "bytes": len(page_bytes),
            "sha256": hashlib.sha256(page_bytes).hexdigest(),
            "load": {**load, "tool": "wrk", "timeout_s": TIMEOUT_S, "warm_up_s": WARM_UP_S},
            "workers": options.workers,
            "cpus": os.cpu_count(),
            "gunicorn": app.as_json(),
            "nginx": static.as_json(),
            "ratio_gunicorn_to_nginx": ratios,
        },
        tables=[
            FigureTable(
                title=(
                    f"HTTP, wrk -t{load['threads']} -c{load['connections']} "
                    f"-d{load['duration_s']}s, {method} {path}"
                ),
                columns=("figure", "gunicorn", "nginx (same bytes)", "gunicorn / nginx"),
                rows=(
                    ("requests answered", f"{app.requests:,}", f"{static.requests:,}", ""),
                    row("p50 latency ms", "p50_ms", 2),
                    row("p99 latency ms", "p99_ms", 2),
                    row("requests/s", "requests_per_s", 0),
                ),
            )
        ],
        notes=notes,
    )


SECTION: Final = Section("http", "LDN page over HTTP: gunicorn vs nginx", run)
