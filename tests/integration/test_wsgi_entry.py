"""The WSGI entry point gunicorn loads: the vocabulary is loaded and then frozen out of the GC."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
import config.wsgi
frozen = gc.get_freeze_count()
tracked = len(gc.get_objects())
import sys
print(frozen, tracked, int("config.urls" in sys.modules and "wagtail.admin.urls" in sys.modules))
"""


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
