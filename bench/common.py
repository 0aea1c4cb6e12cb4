"""What the sections share: results, statistics, the timing loop, children, the bench database.

Importing this module does not import Django; :func:`prepare` sets Django up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

BASE_DIR: Final = Path(__file__).resolve().parents[1]
VAR_DIR: Final = BASE_DIR / "var"
BENCH_DATABASE: Final = VAR_DIR / "bench.sqlite3"
SETTINGS_MODULE: Final = "bench.settings"
LDN_SLUG: Final = "low-dose-naltrexone"
HEALTHZ: Final = "/healthz"  # the trivial view: the same middleware, no page, no database
Table = tuple[str, Sequence[str], Sequence[Sequence[str]]]  # title, columns, rows of cells


class Skipped(Exception):
    """A section that cannot run here (a tool is missing): the reason is shown, no figure."""


@dataclass
class Result:
    """What a section measured: raw figures for the JSON, tables and notes for the reader."""

    figures: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95): a value actually observed."""
    if not samples:
        raise ValueError("no samples")
    rank = max(1, math.ceil(round(fraction * len(samples), 9)))  # 0.95 × 20 is 19, not 20
    return sorted(samples)[min(rank, len(samples)) - 1]


def summarise_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median, p95, minimum and count of nanosecond samples, in milliseconds."""
    ms = [sample / 1_000_000 for sample in samples_ns]
    return {"median_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 0.95), 3),
            "min_ms": round(min(ms), 3), "samples": len(ms)}


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline`` to three significant figures (9 against 8,800 is 0.00102, not 0.0)."""
    if value is None or baseline is None or baseline <= 0:
        return None
    return round(value / baseline, 2 - math.floor(math.log10(value / baseline))) if value else 0.0


def format_ratio(value: float | None) -> str:
    """``289×``, ``2.5×``; below 1 also as a fraction, ``0.00102× (1/980)``."""
    if value is None:
        return "n/a"
    return f"{value:g}× (1/{1 / value:.3g})" if 0 < value < 1 else f"{value:g}×"


def timing_row(label: str, timing: Mapping[str, float], compared: float | str | None,
               *extra: str, digits: int = 2) -> tuple[str, ...]:
    """A table row: label, median and p95 ms, a ratio (or a text), then any further cells."""
    shown = compared if isinstance(compared, str) else format_ratio(compared)
    return (label, f"{timing['median_ms']:.{digits}f}", f"{timing['p95_ms']:.{digits}f}", shown,
            *extra)


def time_round_robin(actions: Mapping[str, Callable[[], object]], runs: int, *, batch: int = 10
                     ) -> dict[str, list[int]]:
    """Warm every action up once, then ``runs`` rounds of each; nanoseconds per call.

    Round robin, so a burst of other work slows the subject and its baselines alike; in a round
    each action runs ``batch`` times back to back (each call timed), as a warm process serves.
    """
    for action in actions.values():
        action()
    samples: dict[str, list[int]] = {name: [] for name in actions}
    for _ in range(max(runs, 1)):
        for name, action in actions.items():
            for _ in range(max(batch, 1)):
                start = time.perf_counter_ns()
                action()
                samples[name].append(time.perf_counter_ns() - start)
    return samples


def run_child(arguments: Sequence[str], *, env: Mapping[str, str] | None = None,
              timeout: float = 900) -> dict[str, Any]:
    """``python ARGUMENTS`` in a fresh interpreter; the JSON object on its last line of output."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *arguments], cwd=BASE_DIR, capture_output=True, text=True,
        timeout=timeout, check=False, env={**os.environ, **(env or {})})
    if completed.returncode != 0:
        raise RuntimeError(f"python {' '.join(arguments)[:80]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def proc_status() -> str:
    """This process's ``/proc/self/status`` ('' without /proc)."""
    with contextlib.suppress(OSError):
        return Path("/proc/self/status").read_text()
    return ""


def status_kib(status: str, name: str) -> int | None:
    """A ``kB`` line (``VmHWM``, ``VmRSS``) of ``/proc/<pid>/status``; None if absent.

    ``VmHWM`` belongs to the address space, which exec replaces, so a fresh child reports its
    own peak; ``ru_maxrss`` would carry the parent's (Django loaded) over across exec.
    """
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key == name:
            number, _, unit = value.strip().partition(" ")
            if unit.strip() != "kB":
                raise ValueError(f"unexpected {name} unit: {value.strip()!r}")
            return int(number)
    return None


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    password = urlsplit(url).password
    return url if password is None else url.replace(f":{password}@", ":***@", 1)


def server_environment(database_url: str) -> dict[str, str]:
    """What production settings need, for the bench only (no TLS on localhost)."""
    return {"DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "false"}


def remove_sqlite(path: Path, suffixes: Sequence[str] = ("", "-journal", "-wal", "-shm")) -> None:
    """Delete a SQLite file and its journals."""
    for suffix in suffixes:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def quiet_writes(*, fsync: bool = True) -> Iterator[None]:
    """Hide production's INFO lines while content is written; with ``fsync=False`` every SQLite
    connection opened in the block skips fsync (for disposable files)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    def off(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")

    if not fsync:
        connections.close_all()
        connection_created.connect(off)
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
        if not fsync:
            connection_created.disconnect(off)
            connections.close_all()


BENCH_URL: Final = f"sqlite:///{BENCH_DATABASE}"
_prepared: list[str] = []


def prepare(options: Any) -> str:
    """Set Django up on the bench database, creating or migrating it when it is ours; its URL.

    Unless ``DATABASE_URL`` is set the bench uses var/bench.sqlite3; a database named there is
    migrated and loaded only with ``--prepare-database`` (it may be somebody's real data).
    """
    if _prepared:
        return _prepared[0]
    named = os.environ.get("DATABASE_URL", "").strip()
    if not named and getattr(options, "rebuild_database", False):
        remove_sqlite(BENCH_DATABASE)
    created = not named and not BENCH_DATABASE.exists()
    (VAR_DIR / "bench" / "static").mkdir(parents=True, exist_ok=True)  # settings.STATIC_ROOT
    os.environ.update(server_environment(named or BENCH_URL))  # gunicorn and children too
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from carechoices.therapies.models import TherapyPage

    may_write = not named or getattr(options, "prepare_database", False)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    fix = "run `manage.py migrate` and `load_sample_content` on it, or pass --prepare-database"
    if pending and not may_write:
        raise RuntimeError(f"DATABASE_URL has {len(pending)} unapplied migrations; {fix}")
    if created:
        print(f"Building {BENCH_DATABASE} (first run only; about a minute)…", file=sys.stderr)
    try:
        with quiet_writes(fsync=not created):
            if pending:
                call_command("migrate", interactive=False, verbosity=0)
            if not TherapyPage.objects.live().filter(slug=LDN_SLUG).exists():
                if not may_write:
                    raise RuntimeError(f"the LDN review is not in DATABASE_URL's database; {fix}")
                from carechoices.demo.loader import load_sample_content

                load_sample_content()
    except BaseException:
        if created:  # a half-built file must not be mistaken for a finished one
            BENCH_DATABASE.unlink(missing_ok=True)
        raise
    _prepared.append(os.environ["DATABASE_URL"])
    return _prepared[0]


def close_connections() -> None:
    """Close our database connections: gunicorn and the children read the same SQLite file."""
    from django.db import connections

    connections.close_all()
