"""``carechoices references import``: the preview, the writes, and the all-or-nothing guarantee.

The sample library holds bolton2019 (PMID 30642329, PMC6332608) and elsegood2016 (The LDN
Book), which the sample export files repeat.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from carechoices.cli import main
from carechoices.references.importer import MERGE, ImportRefused, apply, preview
from carechoices.references.importing import Status
from carechoices.references.models import Reference

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parents[1] / "unit" / "references" / "fixtures" / "import"


def sample(name: str) -> str:
    return str(SAMPLES / name)


def test_dry_run_prints_every_record_with_its_reason_and_writes_nothing(capsys):
    before = Reference.objects.count()
    assert main(["references", "import", sample("pubmed.nbib"), sample("export.ris"), "--dry-run",
                 "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "Read pubmed.nbib (PubMed (MEDLINE / .nbib)); export.ris (RIS)." in out
    assert "duplicate          pubmed.nbib record 1 (line 1, PMID 30642329): same DOI 10.1186/s12916-018-1242-0 as bolton2019" in out
    assert "invalid            export.ris record 8 (line 38): title: the record has no title." in out
    assert "new                pubmed.nbib record 2 (line 33, PMID 11111111) -> nunez2013:" in out
    assert "Records: 6 new, 2 duplicate, 0 possible duplicate, 1 invalid." in out
    assert "Dry run: 6 would be added, 0 merged; nothing was written" in out
    assert Reference.objects.count() == before


def test_invalid_records_refuse_the_import_naming_record_and_field(capsys):
    before = Reference.objects.count()
    assert main(["references", "import", sample("library.bib")]) == 2
    err = capsys.readouterr().err
    assert "carechoices: error: library.bib record 4 (line 34, badyear): issued: no four-digit year in '20x9'." in err
    assert "carechoices: error: library.bib record 5 (line 40): record: not valid BibTeX" in err
    assert "nothing was imported" in err and "--skip-invalid" in err
    assert Reference.objects.count() == before


def test_import_adds_the_new_records_once(capsys):
    before = Reference.objects.count()
    assert main(["references", "import", sample("pubmed.nbib"), sample("export.ris"), "--skip-invalid"]) == 0
    assert "Added 6, merged 0, skipped 3" in capsys.readouterr().out
    assert Reference.objects.count() == before + 6
    nunez = Reference.objects.get(key="nunez2013")
    assert nunez.pmid == "11111111" and nunez.csl["page"] == "1234-1241" and "PMID" not in nunez.csl
    # Importing the same files again finds only duplicates.
    assert main(["references", "import", sample("pubmed.nbib"), sample("export.ris"), "--skip-invalid"]) == 0
    assert "Records: 0 new, 8 duplicate" in capsys.readouterr().out
    assert Reference.objects.count() == before + 6


def test_merge_keeps_our_key_and_fills_only_empty_fields():
    bolton = Reference.objects.get(key="bolton2019")
    bolton.pmcid = ""
    bolton.save()
    plan = preview([("pubmed.nbib", (SAMPLES / "pubmed.nbib").read_bytes())])
    row = plan.rows[0]
    assert (row.status, row.other) == (Status.DUPLICATE, "bolton2019")
    title_before = bolton.csl["title"]
    result = apply(plan, {1: MERGE})
    assert result.merged == ["bolton2019"]
    bolton.refresh_from_db()
    assert bolton.pmcid == "PMC6332608"  # was empty: filled
    assert bolton.csl["title"] == title_before  # was set: kept
    assert bolton.csl["ISSN"] == "1741-7015"


def test_a_failing_record_rolls_the_whole_import_back(monkeypatch):
    plan = preview([("pubmed.nbib", (SAMPLES / "pubmed.nbib").read_bytes())])
    new = plan.with_status(Status.NEW)
    assert len(new) == 3
    new[-1].key = "Not A Key!"  # the model refuses it, after the others were accepted
    before = Reference.objects.count()
    with pytest.raises(ImportRefused) as caught:
        apply(plan)
    assert caught.value.problems == [
        f"{new[-1].label}: key: Use lower-case letters, digits, hyphens or underscores, e.g. bolton2019."
    ]
    assert Reference.objects.count() == before


def test_a_database_error_rolls_back_and_is_reported():
    plan = preview([("pubmed.nbib", (SAMPLES / "pubmed.nbib").read_bytes())])
    new = plan.with_status(Status.NEW)
    new[1].key = new[0].key  # unique constraint fails at the database
    before = Reference.objects.count()
    with pytest.raises(ImportRefused, match="the database refused the import"):
        apply(plan)
    assert Reference.objects.count() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["references", "import", "/nonexistent/file.ris"], "file.ris: cannot read the file"),
        (["references", "import", sample("library.bib"), "--format", "ris"], "library.bib: no records found"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_unknown_format_option_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["references", "import", "x.ris", "--format", "endnote"])
    assert caught.value.code == 2
