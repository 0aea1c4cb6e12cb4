"""The WSGI entry point gunicorn loads: the vocabulary is loaded and then frozen out of the GC."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
import config.wsgi
frozen = gc.get_freeze_count()
tracked = len(gc.get_objects())
import sys
print(frozen, tracked, int("config.urls" in sys.modules and "wagtail.admin.urls" in sys.modules))
"""

# What a worker inherits when gunicorn forks: the suggestion index built, rapidfuzz imported, the
# live records compiled when the database is reachable, and no database connection left open.
INHERITED = """
import config.wsgi
import sys
from django.db import connections
from carechoices.medicines import load_vocabulary
from carechoices.therapies import compile
index = load_vocabulary()._medicine_suggestion_index
print(index.bitset_count() if index is not None else 0, int("rapidfuzz.fuzz" in sys.modules),
      len(compile._live._values), sum(c.connection is not None for c in connections.all()))
"""


def probe(script: str, **env: str) -> list[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True,
        check=True, timeout=120,
    ).stdout.split()


def test_importing_the_entry_point_freezes_what_it_loaded():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    frozen, tracked, urls_loaded = int(out[0]), int(out[1]), int(out[2])
    # Django, Wagtail and the vocabulary are frozen (hundreds of thousands of objects); what a
    # full collection still walks is what came after.
    assert frozen > 100_000
    assert tracked < frozen / 10
    # The URLconf (every view module) is imported before the freeze, not at a worker's first
    # request, where its ~50,000 objects were left for every full collection to walk.
    assert urls_loaded == 1


def database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db  # not transactional: its flush would empty what the migrations created
def test_workers_inherit_the_suggestion_index_and_the_compiled_records():
    # The subprocess reads what the test database has committed: the migrations and the sample
    # content (tests/conftest.py). Nothing is written.
    bitsets, rapidfuzz, generations, open_connections = map(int, probe(INHERITED, DATABASE_URL=database_url()))
    assert bitsets > 1_000
    assert rapidfuzz == 1
    assert generations == 1  # compiled once, for the current content generation
    assert open_connections == 0


def test_the_entry_point_loads_with_the_database_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    bitsets, _rapidfuzz, generations, open_connections = map(int, probe(INHERITED, DATABASE_URL=unreachable))
    assert bitsets > 1_000
    assert generations == 0  # the workers compile at their first screen instead
    assert open_connections == 0
