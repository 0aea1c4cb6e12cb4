"""Formatting and identifiers are a plain library: importing and using them must not load Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def test_reference_formatting_modules_import_without_django() -> None:
    # Arrange: import the modules and format one entry, so lazy imports are exercised too.
    code = (
        "import json, sys\n"
        "from carechoices.references import formatting, identifiers\n"
        "formatting.format_references([{'id': 'x', 'type': 'book', 'title': 'T'}])\n"
        "identifiers.doi_url('10.1186/s12916-018-1242-0')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'wagtail', 'ninja'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    # Act
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    # Assert
    assert json.loads(completed.stdout) == []
