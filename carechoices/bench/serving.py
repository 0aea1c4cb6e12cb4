"""Section 2: the LDN page over HTTP from gunicorn, against nginx serving the same bytes.

gunicorn runs ``config.wsgi`` with production settings (see ``settings.py``) on the bench
database; nginx serves a file holding the exact bytes gunicorn returned for the page, at the
same path. wrk loads each in turn with the same threads, connections and duration, so the
ratios (gunicorn / nginx) say how much dearer a Django response is than the cheapest possible
answer on this machine. Both servers, wrk and this process share the machine's CPUs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Final

from carechoices.bench import database
from carechoices.bench.nginx import nginx_config
from carechoices.bench.processes import (
    fetch,
    free_port,
    local_url,
    running,
    wait_until_serving,
)
from carechoices.bench.registry import BenchOptions, FigureTable, Measured, Section, SectionSkipped
from carechoices.bench.stats import format_ratio, ratio
from carechoices.bench.wrk import TIMEOUT_S, WrkFigures, run_wrk

WARM_UP_S: Final = 1  # a short wrk run first, so every worker has rendered the page


def _binaries() -> dict[str, str]:
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
    """Wait until requests wrk left behind are answered: ours queues behind them.

    gunicorn's sync workers keep answering requests whose connections wrk has already closed;
    without this, the next run would start behind that queue.
    """
    status, _ = fetch(url, timeout=120)
    if status != 200:
        raise RuntimeError(f"{url} answered {status} after a load run")


def run(options: BenchOptions) -> Measured:
    """Start both servers, check they serve the same bytes, and load each with wrk."""
    binaries = _binaries()
    prepared = database.prepare(
        rebuild=options.rebuild_database, prepare_named=options.prepare_database
    )
    from carechoices.bench.render import ldn_paths

    path = ldn_paths()[0]
    # Our database connection is closed so SQLite readers in gunicorn never wait on it.
    from django.db import connections

    connections.close_all()

    with tempfile.TemporaryDirectory(prefix="carechoices-bench-") as scratch:
        prefix = Path(scratch)
        # nginx workers drop to an unprivileged user when started as root: they must be able
        # to read the document root inside our otherwise private temporary directory.
        prefix.chmod(0o755)
        gunicorn_port = free_port()
        gunicorn_log = prefix / "gunicorn.log"
        gunicorn_command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{gunicorn_port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ]
        env = {**os.environ, **database.server_environment(prepared.url)}
        with running(gunicorn_command, log=gunicorn_log, env=env, cwd=database.BASE_DIR) as app:
            gunicorn_url = local_url(gunicorn_port, path)
            wait_until_serving(app, gunicorn_url, log=gunicorn_log)
            status, page_bytes = fetch(gunicorn_url)
            if status != 200:
                raise RuntimeError(f"gunicorn answered {status} for {path}")

            docroot = prefix / "root"
            page_file = docroot / path.strip("/") / "index.html"
            page_file.parent.mkdir(parents=True)
            page_file.write_bytes(page_bytes)
            for folder in page_file.parents:
                if folder == prefix:
                    break
                folder.chmod(0o755)  # whatever the umask, nginx's workers must read them
            page_file.chmod(0o644)
            nginx_port = free_port()
            conf = prefix / "nginx.conf"
            conf.write_text(
                nginx_config(
                    prefix=prefix, docroot=docroot, port=nginx_port, workers=options.workers
                )
            )
            nginx_log = prefix / "error.log"
            nginx_command = [
                binaries["nginx"],
                "-c",
                str(conf),
                "-p",
                str(prefix),
                "-e",
                str(nginx_log),
            ]
            with running(nginx_command, log=prefix / "nginx.out", cwd=prefix) as static:
                nginx_url = local_url(nginx_port, path)
                wait_until_serving(static, nginx_url, log=nginx_log)
                _, served = fetch(nginx_url)
                if served != page_bytes:
                    raise RuntimeError("nginx does not serve the bytes gunicorn returned")

                load = {
                    "threads": options.threads,
                    "connections": options.connections,
                    "duration_s": options.duration_s,
                }
                results: dict[str, tuple[WrkFigures, str]] = {}
                for name, url in (("gunicorn", gunicorn_url), ("nginx", nginx_url)):
                    # Warm up with one connection per worker, so the run starts with no queue.
                    run_wrk(
                        binaries["wrk"],
                        url,
                        threads=1,
                        connections=options.workers,
                        duration_s=WARM_UP_S,
                    )
                    drain(url)
                    results[name] = run_wrk(binaries["wrk"], url, **load)
                    drain(url)
    return _measured(path, page_bytes, results, load, options)


def _measured(
    path: str,
    page_bytes: bytes,
    results: dict[str, tuple[WrkFigures, str]],
    load: dict[str, int],
    options: BenchOptions,
) -> Measured:
    app, _ = results["gunicorn"]
    static, _ = results["nginx"]
    ratios = {
        "p50": ratio(app.p50_ms, static.p50_ms),
        "p99": ratio(app.p99_ms, static.p99_ms),
        "requests_per_s": ratio(app.requests_per_s, static.requests_per_s),
    }
    notes = [
        f"Both servers sent the same {len(page_bytes):,} bytes for {path}; "
        f"{options.workers} gunicorn sync workers, {options.workers} nginx worker processes, "
        f"{os.cpu_count()} CPUs shared with wrk.",
        "Latency ratio above 1 = gunicorn slower; requests/s ratio below 1 = gunicorn serves "
        "fewer.",
    ]
    for name, (figures, _) in results.items():
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
                    f"-d{load['duration_s']}s against {path}"
                ),
                columns=("figure", "gunicorn", "nginx (same bytes)", "gunicorn / nginx"),
                rows=(
                    row("p50 latency ms", "p50_ms", 2),
                    row("p99 latency ms", "p99_ms", 2),
                    row("requests/s", "requests_per_s", 0),
                ),
            )
        ],
        notes=notes,
    )


SECTION: Final = Section("http", "LDN page over HTTP: gunicorn vs nginx", run)
