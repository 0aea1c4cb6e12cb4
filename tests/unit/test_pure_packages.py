"""The domain's plain libraries import no web framework (STYLE.md: Django only adapts them).

Each check runs in a fresh interpreter, so modules other tests imported do not count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("django", "wagtail", "ninja")

PURE_MODULES = {
    "screening engine": [
        "carechoices.core.records",
        "carechoices.core.strict_json",
        "carechoices.screening",
        "carechoices.screening.engine",
        "carechoices.screening.limits",
        "carechoices.screening.models",
        "carechoices.screening.results",
        "carechoices.screening.wording",
    ],
    "start plan calculator": [
        "carechoices.plans.calculator",
        "carechoices.plans.domain",
        "carechoices.plans.ics",
        "carechoices.plans.limits",
    ],
    "search query cleaning": [
        "carechoices.search",
        "carechoices.search.query",
        "carechoices.search.snippets",
        "carechoices.search.suggest",
    ],
    "medicine vocabulary": ["carechoices.medicines", "carechoices.medicines.report"],
    "review record": ["carechoices.therapies.record", "carechoices.therapies.fhir"],
    "evidence rules": [
        "carechoices.evidence.domain",
        "carechoices.evidence.pdq",
        "carechoices.evidence.grading",
        "carechoices.evidence.rubric",
        "carechoices.evidence.charts",
    ],
    "references": [
        "carechoices.references.citations",
        "carechoices.references.formatting",
        "carechoices.references.identifiers",
        "carechoices.references.exports",
        "carechoices.references.exports.csl",
        "carechoices.references.exports.ris",
        "carechoices.references.exports.bibtex",
        "carechoices.references.exports.ama",
        "carechoices.references.records",
        "carechoices.references.importing",
        "carechoices.references.importing.dedupe",
    ],
    "glossary marking": ["carechoices.glossary.marking"],
    "literature-review cycle": ["carechoices.editorial.cycle"],
    "benchmark harness": ["bench"],
    "production stack tooling": ["deploy.serve", "deploy.processes"],
}


@pytest.mark.parametrize("modules", list(PURE_MODULES.values()), ids=list(PURE_MODULES))
def test_pure_library_imports_no_web_framework(modules: list[str]) -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r})))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(PROJECT)

    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
