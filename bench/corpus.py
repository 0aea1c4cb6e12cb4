"""Bench databases with generated reviews, for the export section: built once, then reused.

``var/bench-100.sqlite3`` and ``var/bench-1000.sqlite3`` hold the sample content and 100 or
1,000 generated reviews. Each generated review is a copy of one sample review's content (as the
open-data export writes it, which ``carechoices.demo.loader.build_review`` reads) under a new
slug and title, published under the therapy index like the sample ones (Wagtail's reference
index, which the export does not read, is not updated for them); copies go round the sample
reviews in tree order, so every kind of review is there in the same proportions.

A database is built in a child process (Django is set up once per process, on one database):
``python -m bench.corpus build TARGET COPIES [--source SAMPLE_DB]``. It starts from a
copy of the sample bench database when there is one (else it migrates and loads the sample
content), writes to ``TARGET.partial`` with fsync off, and renames it into place only when
complete, so an interrupted build is never mistaken for a finished one. The parent decides
whether to build from the file alone (``corpus_status``, plain ``sqlite3``): a file with the
wanted number of copies and no pending migration is reused; ``--rebuild-database`` rebuilds.

The module imports nothing from Django at import time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.database import BASE_DIR, VAR_DIR

#: How many generated reviews each corpus holds (on top of the sample content's).
COPIES: Final = (100, 1000)
COPY_MARKER: Final = "-copy-"
#: Pages published per transaction while building (fsync is off; this saves the commits).
BATCH: Final = 50

REUSE: Final = "reuse"
MIGRATE: Final = "migrate"
BUILD: Final = "build"


def corpus_path(copies: int) -> Path:
    """The database file of the corpus with ``copies`` generated reviews."""
    return VAR_DIR / f"bench-{copies}.sqlite3"


def copy_slug(slug: str, number: int) -> str:
    """The slug of generated copy ``number`` (from 1) of the review ``slug``."""
    return f"{slug}{COPY_MARKER}{number:04d}"


def copy_of(content: Mapping[str, Any], number: int) -> dict[str, Any]:
    """Review content (as ``build_review`` reads it) for copy ``number``: new slug and title only."""
    return {
        **content,
        "slug": copy_slug(content["slug"], number),
        "title": f"{content['title']} (copy {number})",
    }


def source_for(number: int, samples: Sequence[Any]) -> Any:
    """Which sample review copy ``number`` (from 1) copies: round the samples in their order."""
    if not samples:
        raise ValueError("there is no sample review to copy")
    return samples[(number - 1) % len(samples)]


@dataclass(frozen=True)
class CorpusStatus:
    """What a corpus file holds, read without Django."""

    exists: bool
    copies: int = 0
    pending_migrations: int = 0


def decide(status: CorpusStatus, copies: int, *, rebuild: bool) -> str:
    """``reuse``, ``migrate`` (in place) or ``build`` (from scratch) the corpus file."""
    if rebuild or not status.exists or status.copies != copies:
        return BUILD
    return MIGRATE if status.pending_migrations else REUSE


def corpus_status(path: Path, migrations: Iterable[tuple[str, str]]) -> CorpusStatus:
    """How many live generated reviews ``path`` holds, and how many of ``migrations`` it lacks."""
    if not path.is_file():
        return CorpusStatus(exists=False)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            applied = set(connection.execute("SELECT app, name FROM django_migrations"))
            (copies,) = connection.execute(
                "SELECT COUNT(*) FROM wagtailcore_page WHERE live = 1 AND slug LIKE ?",
                (f"%{COPY_MARKER}%",),
            ).fetchone()
    except sqlite3.DatabaseError:  # not a database, or not ours: build it again
        return CorpusStatus(exists=False)
    return CorpusStatus(True, int(copies), len(set(migrations) - applied))


def disk_migrations() -> set[tuple[str, str]]:
    """Every migration in the code (Django must be set up): what a current database has applied."""
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


@dataclass(frozen=True)
class Prepared:
    """A corpus ready to export, and what it took."""

    copies: int
    path: Path
    action: str
    seconds: float

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path.relative_to(BASE_DIR)), "action": self.action,
                "seconds": round(self.seconds, 1)}


def ensure(copies: int, *, rebuild: bool, source: Path | None) -> Prepared:
    """The corpus with ``copies`` generated reviews, built or brought up to date if need be."""
    path = corpus_path(copies)
    action = decide(corpus_status(path, disk_migrations()), copies, rebuild=rebuild)
    started = time.perf_counter()
    if action != REUSE:
        if action == BUILD:
            print(f"Building {path} with {copies:,} generated reviews (first run only; a few minutes)…",
                  file=sys.stderr)
        command = [sys.executable, "-m", "bench.corpus", action, str(path), str(copies)]
        if source is not None and source.is_file():
            command += ["--source", str(source)]
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, cwd=BASE_DIR, capture_output=True, text=True, check=False,
            env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        )
        if completed.returncode != 0:
            raise RuntimeError(f"building {path} failed:\n{completed.stderr[-3000:]}")
    return Prepared(copies, path, action, time.perf_counter() - started)


# The child process ------------------------------------------------------------------------------
def _set_up(path: Path) -> None:
    from bench.database import server_environment

    os.environ.update(server_environment(f"sqlite:///{path}"))
    import django

    django.setup()


@contextlib.contextmanager
def _no_sync():
    from django.db import connections
    from django.db.backends.signals import connection_created

    def no_sync(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")

    connections.close_all()
    connection_created.connect(no_sync)
    try:
        yield
    finally:
        connection_created.disconnect(no_sync)
        connections.close_all()


def _migrate() -> None:
    import logging

    from django.core.management import call_command

    logging.disable(logging.INFO)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def generate(copies: int) -> int:
    """Publish ``copies`` generated reviews under the therapy index; return the live review count."""
    from django.db import transaction
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from carechoices.demo.loader import build_review
    from carechoices.opendata.content import PageLinks, ensure_snippets_registered
    from carechoices.opendata.export import review_content
    from carechoices.therapies.models import TherapyIndexPage, TherapyPage

    ensure_snippets_registered()
    index = TherapyIndexPage.objects.live().first()
    samples = list(TherapyPage.objects.live().exclude(slug__contains=COPY_MARKER).order_by("path"))
    # A link to another page becomes a plain link: a copy links to no page of its own.
    links = PageLinks({}, lambda pk: None)
    contents = [review_content(page, links) for page in samples]
    # Wagtail's reference index ("where is this used" in the admin) is left out for the copies: the
    # export does not read it, and it is half the build time.
    for start in range(1, copies + 1, BATCH):
        with transaction.atomic(), disable_reference_index_auto_update():
            for number in range(start, min(start + BATCH, copies + 1)):
                page = build_review(copy_of(source_for(number, contents), number))
                index.add_child(instance=page)
                page.save_revision().publish()
        print(f"  {min(start + BATCH - 1, copies):,} of {copies:,} reviews", file=sys.stderr, flush=True)
    return TherapyPage.objects.live().count()


def _copy_database(source: Path, target: Path) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        # The sample run's cached pages are not ours (the cache table exists only where a
        # setting still keeps the cache in the database).
        if dst.execute("SELECT 1 FROM sqlite_master WHERE name = 'carechoices_cache'").fetchone():
            dst.execute("DELETE FROM carechoices_cache")
        dst.commit()


def build(target: Path, copies: int, source: Path | None) -> dict[str, Any]:
    """Build ``target`` from scratch (via ``TARGET.partial``) with ``copies`` generated reviews."""
    started = time.perf_counter()
    partial = target.with_name(target.name + ".partial")
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    if source is not None:
        _copy_database(source, partial)
    _set_up(partial)
    with _no_sync():
        _migrate()
        from carechoices.demo.loader import load_sample_content

        load_sample_content()  # a no-op on a copy of the sample bench database
        reviews = generate(copies)
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)
    return {"reviews": reviews, "seconds": round(time.perf_counter() - started, 1)}


def migrate(target: Path) -> dict[str, Any]:
    """Apply new migrations to an existing corpus in place."""
    started = time.perf_counter()
    _set_up(target)
    with _no_sync():
        _migrate()
    return {"seconds": round(time.perf_counter() - started, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus")
    parser.add_argument("action", choices=[BUILD, MIGRATE])
    parser.add_argument("target", type=Path)
    parser.add_argument("copies", type=int)
    parser.add_argument("--source", type=Path, help="a SQLite database with the sample content to start from")
    arguments = parser.parse_args(argv)
    if arguments.action == BUILD:
        result = build(arguments.target, arguments.copies, arguments.source)
    else:
        result = migrate(arguments.target)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
