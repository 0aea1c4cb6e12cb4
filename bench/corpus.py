"""Bench databases with generated reviews (export and search sections): built once, reused.

``var/bench-<N>.sqlite3`` holds the sample content and N generated reviews. Each generated
review is a copy of one sample review's content (as the open-data export writes it, which
``carechoices.demo.loader.build_review`` reads) under a new slug and title, published under the
therapy index; copies go round the sample reviews in tree order. Wagtail's reference index,
which the export does not read, is not updated for them (half the build time).

A corpus is built in a child process, ``python -m bench.corpus build|migrate TARGET COPIES
[--source SAMPLE_DB]``, from a copy of the sample bench database when there is one, into
``TARGET.partial`` with fsync off, renamed into place only when complete. The parent decides
from the file alone (plain ``sqlite3``): the wanted number of copies and no pending migration
means reuse; ``--rebuild-database`` rebuilds. Importing this module does not import Django.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.common import BASE_DIR, VAR_DIR, quiet_writes, run_child, server_environment

COPIES: Final = (100, 1000)  # the export's corpora; search uses the 100
QUICK_COPIES: Final = (10, 100)  # --quick: the same code on corpora built in seconds
COPY_MARKER: Final = "-copy-"
BATCH: Final = 50  # pages published per transaction while building
REUSE, MIGRATE, BUILD = "reuse", "migrate", "build"
_BUILT: set[Path] = set()  # built or migrated by this run


def corpus_path(copies: int) -> Path:
    return VAR_DIR / f"bench-{copies}.sqlite3"


def copy_of(content: Mapping[str, Any], number: int) -> dict[str, Any]:
    """Review content (as ``build_review`` reads it) for copy ``number``: new slug and title only."""
    return {**content, "slug": f"{content['slug']}{COPY_MARKER}{number:04d}",
            "title": f"{content['title']} (copy {number})"}


def source_for(number: int, samples: Sequence[Any]) -> Any:
    """Which sample copy ``number`` (from 1) copies: round the samples in their order."""
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
                (f"%{COPY_MARKER}%",)).fetchone()
    except sqlite3.DatabaseError:  # not a database, or not ours: build it again
        return CorpusStatus(exists=False)
    return CorpusStatus(True, int(copies), len(set(migrations) - applied))


@dataclass(frozen=True)
class Corpus:
    """A corpus ready to measure, and what it took."""

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


def ensure(copies: int, *, rebuild: bool, source: Path | None) -> Corpus:
    """The corpus with ``copies`` generated reviews, built or migrated if need be (Django set up)."""
    from django.db.migrations.loader import MigrationLoader

    path = corpus_path(copies)
    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    rebuild = rebuild and path not in _BUILT  # export and search share the 100-review corpus
    action = decide(corpus_status(path, set(migrations)), copies, rebuild=rebuild)
    started = time.perf_counter()
    if action != REUSE:
        if action == BUILD:
            print(f"Building {path} with {copies:,} generated reviews (once; up to a few "
                  "minutes)…", file=sys.stderr)
        command = ["-m", "bench.corpus", action, str(path), str(copies)]
        if source is not None and source.is_file():
            command += ["--source", str(source)]
        run_child(command)  # the child sets its own DATABASE_URL
        _BUILT.add(path)
    return Corpus(copies, path, action, time.perf_counter() - started)


# The child process ------------------------------------------------------------------------------
def _set_up(path: Path) -> None:
    os.environ.update(server_environment(f"sqlite:///{path}"))
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def generate(copies: int) -> int:
    """Publish ``copies`` generated reviews under the therapy index; the live review count."""
    from django.db import transaction
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from carechoices.demo.loader import build_review
    from carechoices.opendata.content import PageLinks, ensure_snippets_registered
    from carechoices.opendata.export import review_content
    from carechoices.therapies.models import TherapyIndexPage, TherapyPage

    ensure_snippets_registered()
    index = TherapyIndexPage.objects.live().first()
    samples = TherapyPage.objects.live().exclude(slug__contains=COPY_MARKER).order_by("path")
    links = PageLinks({}, lambda pk: None)  # a link to another page becomes a plain link
    contents = [review_content(page, links) for page in samples]
    for start in range(1, copies + 1, BATCH):
        with transaction.atomic(), disable_reference_index_auto_update():
            for number in range(start, min(start + BATCH, copies + 1)):
                page = build_review(copy_of(source_for(number, contents), number))
                index.add_child(instance=page)
                page.save_revision().publish()
        print(f"  {min(start + BATCH - 1, copies):,} of {copies:,} reviews", file=sys.stderr)
    return TherapyPage.objects.live().count()


def build(target: Path, copies: int, source: Path | None) -> dict[str, Any]:
    """Build ``target`` from scratch (via ``TARGET.partial``) with ``copies`` generated reviews."""
    started = time.perf_counter()
    partial = target.with_name(target.name + ".partial")
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    if source is not None:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # The sample run's cached pages are not ours (where the cache is in the database).
            if dst.execute("SELECT 1 FROM sqlite_master WHERE name = 'carechoices_cache'").fetchone():
                dst.execute("DELETE FROM carechoices_cache")
            dst.commit()
    _set_up(partial)
    with quiet_writes(fsync=False):
        _migrate()
        from carechoices.demo.loader import load_sample_content

        load_sample_content()  # a no-op on a copy of the sample bench database
        reviews = generate(copies)
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)
    return {"reviews": reviews, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus")
    parser.add_argument("action", choices=[BUILD, MIGRATE])
    parser.add_argument("target", type=Path)
    parser.add_argument("copies", type=int)
    parser.add_argument("--source", type=Path, help="a SQLite database with the sample content")
    arguments = parser.parse_args(argv)
    if arguments.action == BUILD:
        result = build(arguments.target, arguments.copies, arguments.source)
    else:
        started = time.perf_counter()
        _set_up(arguments.target)
        with quiet_writes(fsync=False):
            _migrate()
        result = {"seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
