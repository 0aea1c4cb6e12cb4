"""The benchmark's modules import without Django: pure packages can register sections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def test_bench_modules_import_without_django() -> None:
    code = (
        "import json, sys\n"
        "import carechoices.bench, carechoices.bench.registry, carechoices.bench.stats, "
        "carechoices.bench.wrk, carechoices.bench.nginx, carechoices.bench.processes, "
        "carechoices.bench.database, carechoices.bench.render, carechoices.bench.serving, "
        "carechoices.bench.hooks, carechoices.bench.screening, carechoices.bench.sections, carechoices.bench.report, "
        "carechoices.bench.__main__\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'wagtail'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(completed.stdout) == []
