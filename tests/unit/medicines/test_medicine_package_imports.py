"""Importing the package stays cheap and Django-free."""

from __future__ import annotations

import json
import subprocess
import sys

from medicine_test_support import REPO_ROOT

PROBE = """
import json, sys
import carechoices.medicines as medicines
imported = {name: name in sys.modules for name in ("django", "rapidfuzz")}
loaded_at_import = medicines.load_vocabulary.cache_info().currsize
medicines.load_vocabulary().lookup_medicine("Percocet")
after_lookup = {name: name in sys.modules for name in ("django", "rapidfuzz")}
print(json.dumps([imported, loaded_at_import, after_lookup]))
"""


def run_probe() -> list[object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    return json.loads(completed.stdout)


def test_import_carechoices_medicines_does_not_import_django_or_load_data() -> None:
    imported, loaded_at_import, after_lookup = run_probe()

    assert imported == {"django": False, "rapidfuzz": False}
    assert loaded_at_import == 0
    assert after_lookup == {"django": False, "rapidfuzz": False}
