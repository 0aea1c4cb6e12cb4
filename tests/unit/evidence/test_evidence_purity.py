"""The evidence core is a plain library: importing it must not import Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def test_evidence_modules_import_without_django() -> None:
    # Arrange: a fresh interpreter, so modules other tests imported do not count
    code = (
        "import sys\n"
        "import carechoices.evidence.domain, carechoices.evidence.pdq\n"
        "import carechoices.evidence.grading, carechoices.evidence.rubric\n"
        "import carechoices.evidence.charts\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))\n"
    )

    # Act
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )

    # Assert
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
