"""The screening engine is a plain library: importing it must not pull in Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def test_screening_modules_import_without_django() -> None:
    code = (
        "import json, sys\n"
        "import carechoices.screening, carechoices.screening.engine, "
        "carechoices.screening.limits, carechoices.screening.models\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'wagtail', 'ninja'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(completed.stdout) == []
