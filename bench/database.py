"""The bench database and Django's set-up: one place so every section measures the same site.

Unless the person sets ``DATABASE_URL``, the benchmark uses its own SQLite file
(``var/bench.sqlite3``) so it never touches the demo database; it creates it on first use
(migrate, then the sample content) and brings it up to date after new migrations.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

BASE_DIR: Final = Path(__file__).resolve().parents[1]
VAR_DIR: Final = BASE_DIR / "var"
BENCH_DATABASE: Final = VAR_DIR / "bench.sqlite3"
SETTINGS_MODULE: Final = "bench.settings"
LDN_SLUG: Final = "low-dose-naltrexone"


@dataclass(frozen=True)
class BenchDatabase:
    """Which database the benchmark measures and what it had to do to it."""

    url: str
    owned: bool  # True for var/bench.sqlite3, which the benchmark may create and update
    created: bool = False
    migrated: int = 0  # migrations applied this run
    loaded_sample_content: bool = False

    def as_json(self) -> dict[str, Any]:
        """Where the data came from, with any password in the URL hidden."""
        return {
            "url": redact_url(self.url),
            "owned_by_bench": self.owned,
            "created": self.created,
            "migrations_applied": self.migrated,
            "loaded_sample_content": self.loaded_sample_content,
        }


_prepared: BenchDatabase | None = None


def server_environment(database_url: str) -> dict[str, str]:
    """The environment variables production settings need, set for the benchmark only.

    ``ALLOWED_HOSTS`` names the hosts our own requests use (the test client says "testserver");
    there is no TLS on localhost, so the HTTPS redirect is off.
    """
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
    }


def prepare(*, rebuild: bool = False, prepare_named: bool = False) -> BenchDatabase:
    """Set Django up on the bench database, creating or updating it when it is ours.

    A database named by the person in ``DATABASE_URL`` is only migrated and loaded when
    ``prepare_named`` is true: it may be somebody's real data.
    """
    global _prepared
    if _prepared is not None:
        return _prepared
    named = os.environ.get("DATABASE_URL", "").strip()
    owned = not named
    url = named or f"sqlite:///{BENCH_DATABASE}"
    if owned and rebuild:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{BENCH_DATABASE}{suffix}").unlink(missing_ok=True)
    created = owned and not BENCH_DATABASE.exists()
    # settings.STATIC_ROOT: WhiteNoise warns at every start when the folder is missing.
    (VAR_DIR / "bench" / "static").mkdir(parents=True, exist_ok=True)
    # Set in our own environment, so gunicorn inherits the same SECRET_KEY and database.
    os.environ.update(server_environment(url))
    import django

    django.setup()

    may_write = owned or prepare_named
    migrated = 0
    loaded = False
    pending = _pending_migrations()
    if pending and not may_write:
        raise RuntimeError(
            f"DATABASE_URL has {pending} unapplied migrations; run `manage.py migrate` and "
            "`manage.py load_sample_content` on it, or pass --prepare-database"
        )
    if created:
        print(f"Building {BENCH_DATABASE} (first run only; about a minute)…", file=sys.stderr)
    with _fast_sqlite_writes(enabled=created), _quiet_logging():
        from django.core.management import call_command

        if pending:
            call_command("migrate", interactive=False, verbosity=0)
            migrated = pending
        if may_write:
            call_command("createcachetable", verbosity=0)  # production settings cache in the DB
        if not _ldn_review_exists():
            if not may_write:
                raise RuntimeError(
                    "the LDN review is not in the database named by DATABASE_URL; run "
                    "`manage.py load_sample_content` on it, or pass --prepare-database"
                )
            from carechoices.demo.loader import load_sample_content

            load_sample_content()
            loaded = True
    _prepared = BenchDatabase(url, owned, created, migrated, loaded)
    return _prepared


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _ldn_review_exists() -> bool:
    from carechoices.therapies.models import TherapyPage

    return TherapyPage.objects.live().filter(slug=LDN_SLUG).exists()


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """Hide production's INFO log lines (one per page and task) while the content loads."""
    import logging

    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@contextmanager
def _fast_sqlite_writes(*, enabled: bool) -> Iterator[None]:
    """Skip fsync while building a brand-new bench SQLite file (about 50 s down to a few).

    Safe only because the file is disposable: if the build is interrupted, it is deleted and
    the next run starts again. Connections opened afterwards use SQLite's normal settings.
    """
    if not enabled:
        yield
        return
    from django.db import connections
    from django.db.backends.signals import connection_created

    def no_sync(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")

    connections.close_all()
    connection_created.connect(no_sync)
    try:
        yield
    except BaseException:
        connections.close_all()
        BENCH_DATABASE.unlink(missing_ok=True)
        raise
    finally:
        connection_created.disconnect(no_sync)
        connections.close_all()


def redact_url(url: str) -> str:
    """``url`` with the password replaced by ``***``, for reports and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
