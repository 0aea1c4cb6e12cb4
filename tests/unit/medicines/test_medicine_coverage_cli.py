"""`carechoices vocabulary coverage`: the rule-class coverage report on the command line."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import pytest
from medicine_test_support import REPO_ROOT

from carechoices.cli import main
from carechoices.medicines import MedicineVocabulary
from carechoices.medicines.report import coverage_text, run_vocabulary_command

PROBE = """
import json, sys
from carechoices.cli import main
status = main(["vocabulary", "coverage", "--format", "json", "--check"])
print(json.dumps({"status": status, "django": "django" in sys.modules}))
"""


def test_vocabulary_coverage_needs_neither_django_nor_a_database() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "no.such.settings"},
    )
    *report, last = completed.stdout.strip().splitlines()

    assert json.loads(last) == {"status": 0, "django": False}
    assert json.loads("\n".join(report))["undecided_total"] == 0


def test_vocabulary_coverage_json_lists_members_exclusions_and_undecided(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["vocabulary", "coverage", "--format", "json", "--class", "opioid"])
    report = json.loads(capsys.readouterr().out)

    assert status == 0
    assert list(report["classes"]) == ["opioid"]
    opioid = report["classes"]["opioid"]
    assert "difenoxin" in opioid["members"]
    assert "alprazolam" in opioid["exclusions"]
    assert opioid["undecided"] == []


def test_vocabulary_coverage_text_names_every_class(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["vocabulary", "coverage"])
    text = capsys.readouterr().out

    assert status == 0
    assert "transplant-immunosuppressant: " in text
    assert "tacrolimus (systemic only)" in text
    assert text.rstrip().endswith("undecided in total: 0")


def test_vocabulary_coverage_refuses_an_unknown_class(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["vocabulary", "coverage", "--class", "opiod"])

    assert status == 2
    assert "unknown rule class 'opiod'" in capsys.readouterr().err


def undecided_vocabulary() -> MedicineVocabulary:
    index = {
        "names": {"motofen": [["atropine", "difenoxin"]]},
        "name_origins": {"codes": "p"},
        "generic_words": [],
        "ingredient_classes": {"difenoxin": ["Antidiarrheal [EPC]"]},
        "ingredient_dea_schedules_from_combinations": {"difenoxin": ["CIV"]},
    }
    signals = [{"rule_class": "opioid", "pattern": "dea schedule", "source": "test"}]
    return MedicineVocabulary(index, [], [], [], signal_rows=signals)


@pytest.mark.parametrize(("check", "status"), [(False, 0), (True, 1)])
def test_vocabulary_coverage_check_fails_when_something_is_undecided(
    check: bool, status: int
) -> None:
    args = argparse.Namespace(
        vocabulary_command="coverage", format="text", rule_class=None, check=check
    )
    out = io.StringIO()

    assert run_vocabulary_command(args, undecided_vocabulary(), out) == status
    assert "difenoxin: DEA schedule CIV (combination products)" in out.getvalue()


def test_coverage_text_counts_the_undecided() -> None:
    text = coverage_text(undecided_vocabulary().coverage())

    assert "opioid: 0 members, 0 exclusions, 1 undecided" in text
    assert text.rstrip().endswith("undecided in total: 1")
