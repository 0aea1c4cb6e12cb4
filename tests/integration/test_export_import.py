"""Bulk open data: export → import into an empty database → export is byte-identical; a damaged
export is refused naming the file, record and field, with nothing written; the zip endpoint.

The sample content (loaded once per session) is exported once for the module. Tests that import
first empty the database inside their own transaction, which is rolled back afterwards, so the
sample content is back for every other test.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from carechoices.cli import main
from carechoices.opendata import ZIP_FOLDER
from carechoices.opendata.export import build_export, write_export
from carechoices.opendata.importer import ImportRefused, Problem, import_export
from carechoices.opendata.manifest import dumps

pytestmark = pytest.mark.django_db

LDN = "reviews/low-dose-naltrexone.json"


def _forget_compiled_records() -> None:
    # Compiled records are kept per process by live revision and content version; ids and the
    # version repeat across rolled-back tests, so each export here compiles afresh.
    from carechoices.editorial.generation import forget_all

    forget_all()


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """The sample content's export (written once; tests copy it before changing anything)."""
    directory = tmp_path_factory.mktemp("open-data")
    with django_db_blocker.unblock():
        _forget_compiled_records()
        write_export(directory, build_export())
    return directory


@pytest.fixture
def export_copy(exported, tmp_path) -> Path:
    copy = tmp_path / "export"
    shutil.copytree(exported, copy)
    return copy


def _empty_database() -> None:
    """Delete every page below the root and every library record (the test's rollback restores them)."""
    from wagtail.models import Page

    from carechoices.glossary.models import GlossaryTerm
    from carechoices.people.models import Person
    from carechoices.references.models import Reference

    for page in Page.objects.filter(depth=2):
        page.delete()
    for model in (Reference, GlossaryTerm, Person):
        model.objects.all().delete()
    from carechoices.cancertypes.models import CancerType

    CancerType.objects.filter(parent__isnull=False).delete()
    CancerType.objects.all().delete()
    _forget_compiled_records()


def _counts() -> dict[str, int]:
    from carechoices.glossary.models import GlossaryTerm
    from carechoices.people.models import Person
    from carechoices.references.models import Reference
    from carechoices.therapies.models import TherapyPage

    return {"reviews": TherapyPage.objects.count(), "references": Reference.objects.count(),
            "glossary": GlossaryTerm.objects.count(), "people": Person.objects.count()}


def _rewrite(directory: Path, path: str, change: Callable[[dict], None]) -> None:
    """Change one JSON file and update its checksum, so only the change itself is wrong."""
    target = directory / path
    data = json.loads(target.read_text(encoding="utf-8"))
    change(data)
    target.write_bytes(dumps(data))
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][path].update(bytes=target.stat().st_size, sha256=hashlib.sha256(target.read_bytes()).hexdigest())
    (directory / "manifest.json").write_bytes(dumps(manifest))


def _refused(directory: Path) -> list[Problem]:
    with pytest.raises(ImportRefused) as caught:
        import_export(directory)
    return caught.value.problems


# The export ---------------------------------------------------------------------------------------
def test_export_layout_manifest_and_licence(exported):
    files = _files(exported)
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["format"] == 1
    assert manifest["counts"] == {"glossary": 19, "people": 4, "references": 40, "reviews": 7}
    assert sorted(manifest["files"]) == sorted(files)
    for path, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest(), path
        assert entry["bytes"] == len(files[path])
    assert {p for p in files if p.startswith("reviews/")} == {
        f"reviews/{slug}.json" for slug in ("low-dose-naltrexone", "vitamin-d", "european-mistletoe",
                                            "turmeric-curcumin", "melatonin", "probiotics", "cannabis")}
    assert "CC BY 4.0" in files["LICENCE.md"].decode()
    assert all(b"\r" not in data for data in files.values())
    review = json.loads(files[LDN])
    content, record = review["content"], review["record"]
    assert content["contributors"][0] == {"person": "robin-example", "role": "author"}
    assert content["contraindications"][0]["citations"] == ["bihari2021"]  # by key, not database id
    assert content["dosing_protocols"][0]["steps"][0] == {"dose_mg": "1.5", "min_days": 7, "max_days": 14}
    assert record["rules"][0]["rule_id"] == "opioid-medicines"
    assert not {"revision", "published", "history"} & set(record)  # database-only, not content


# The round trip ---------------------------------------------------------------------------------
def test_export_import_export_is_byte_identical(exported, tmp_path, client):
    _empty_database()
    assert _counts() == {"reviews": 0, "references": 0, "glossary": 0, "people": 0}

    assert import_export(exported, check_only=True)["reviews"] == 7
    assert _counts()["reviews"] == 0  # --check validates everything, then rolls back

    counts = import_export(exported)

    assert counts == _counts() == {"reviews": 7, "references": 40, "glossary": 19, "people": 4}
    _forget_compiled_records()
    again = tmp_path / "again"
    write_export(again, build_export())
    first, second = _files(exported), _files(again)
    assert sorted(first) == sorted(second)
    changed = [path for path in first if first[path] != second[path]]
    assert not changed, f"not byte-identical after the round trip: {changed}"
    assert client.get("/therapies/low-dose-naltrexone/safety/").status_code == 200


def test_page_links_travel_by_tree_path_and_come_back_as_new_ids(tmp_path):
    from carechoices.therapies.models import TherapyPage

    ldn, melatonin = TherapyPage.objects.get(slug="low-dose-naltrexone"), TherapyPage.objects.get(slug="melatonin")
    ldn.at_a_glance += f'<p>Compare <a linktype="page" id="{melatonin.pk}">melatonin</a>.</p>'
    ldn.save_revision().publish()
    _forget_compiled_records()
    first = build_export()
    assert b'<a linktype=\\"page\\" data-page-path=\\"/home/therapies/melatonin/\\">' in first.files[LDN]
    write_export(tmp_path / "first", first)
    _empty_database()

    import_export(tmp_path / "first")

    ldn, melatonin = TherapyPage.objects.get(slug="low-dose-naltrexone"), TherapyPage.objects.get(slug="melatonin")
    assert f'<a linktype="page" id="{melatonin.pk}">melatonin</a>' in ldn.at_a_glance
    _forget_compiled_records()
    assert build_export().files == first.files


def test_the_literature_review_cycle_travels_and_defaults_when_absent(tmp_path):
    from carechoices.therapies.models import TherapyPage

    ldn = TherapyPage.objects.get(slug="low-dose-naltrexone")
    ldn.literature_review_cycle_months = 12
    ldn.save_revision().publish()
    _forget_compiled_records()
    export = build_export()
    assert json.loads(export.files[LDN])["content"]["literature_review_cycle_months"] == 12
    write_export(tmp_path / "cycle", export)
    # An export made before the field existed is still read, with the default cycle.
    _rewrite(tmp_path / "cycle", "reviews/melatonin.json",
             lambda data: data["content"].pop("literature_review_cycle_months"))
    _empty_database()
    import_export(tmp_path / "cycle")
    assert TherapyPage.objects.get(slug="low-dose-naltrexone").literature_review_cycle_months == 12
    assert TherapyPage.objects.get(slug="melatonin").literature_review_cycle_months == 24


def test_import_refuses_a_database_that_holds_reviews(exported, capsys):
    assert main(["import", str(exported)]) == 2
    err = capsys.readouterr().err
    assert "carechoices: error: database: already holds 7 reviews, 40 references" in err
    assert "nothing was imported" in err


def test_export_refuses_a_folder_that_holds_something_else(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["export", str(tmp_path)]) == 2
    assert "is not empty and holds no earlier export" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# A damaged export -------------------------------------------------------------------------------
def _bad_severity(data):
    data["content"]["contraindications"][0]["severity"] = "dangerous"


def _unknown_citation(data):
    data["content"]["side_effects"][0]["citations"][1] = "nosuchkey2099"


def _unknown_marker(data):
    data["content"]["at_a_glance"] += "<p>Unsupported [@nosuchkey2099].</p>"


def _unknown_person(data):
    data["content"]["contributors"][2]["person"] = "nobody-known"


def _script(data):
    data["content"]["safety_overview"] += "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (_bad_severity, "content.contraindications[0].severity", "'dangerous' is not one of"),
        (_unknown_citation, "content.side_effects[0].citations[1]", "cites 'nosuchkey2099', which is not in references.json"),
        (_unknown_marker, "content.at_a_glance", "no reference with the key “nosuchkey2099”"),
        (_unknown_person, "content.contributors[2].person", "names 'nobody-known', who is not in people.json"),
        (_script, "content.safety_overview", "<script> is not allowed in rich text"),
    ],
    ids=["schema-violation", "dangling-reference-key", "dangling-citation-marker", "unknown-person", "script"],
)
def test_import_refuses_a_damaged_review_naming_file_record_and_field(export_copy, change, field, message):
    before = _counts()
    _rewrite(export_copy, LDN, change)

    problems = _refused(export_copy)

    assert [(p.file, p.record, p.field) for p in problems] == [(LDN, "low-dose-naltrexone", field)]
    assert message in problems[0].message
    assert _counts() == before


def test_import_refuses_a_file_that_fails_its_checksum(export_copy, capsys):
    path = export_copy / "references.json"
    path.write_bytes(path.read_bytes().replace(b"Bolton", b"Bolten", 1))

    assert main(["import", str(export_copy)]) == 2

    err = capsys.readouterr().err
    assert "carechoices: error: references.json: does not match its checksum in manifest.json" in err


def test_import_refuses_a_reference_with_a_bad_identifier_naming_its_key(export_copy):
    def bad_doi(data):
        data["references"][0]["doi"] = 12  # not a string: the schema says so

    _rewrite(export_copy, "references.json", bad_doi)
    key = json.loads((export_copy / "references.json").read_text(encoding="utf-8"))["references"][0]["key"]

    problems = _refused(export_copy)

    assert [(p.file, p.record, p.field) for p in problems] == [("references.json", key, "doi")]


@pytest.mark.parametrize(
    ("path", "change", "record", "field", "message"),
    [
        # The sixth review in the index's order: five reviews and the library are written first.
        ("reviews/probiotics.json",
         lambda data: data["content"]["contraindications"][0]["timing"].update(kind="stop-before-procedure"),
         "probiotics", "content.contraindications[0].timing.min_days", "Say how many days at least."),
        # The last review: only the model's own validator (the medicine vocabulary) knows this one.
        ("reviews/cannabis.json",
         lambda data: data["content"].update(active_ingredients=["moonbeam extract"]),
         "cannabis", "content.active_ingredients", "Not an ingredient in the medicine vocabulary: moonbeam extract"),
    ],
    ids=["block-validation", "model-validation"],
)
def test_import_rolls_back_everything_when_a_record_fails_validation(export_copy, path, change, record, field, message):
    _rewrite(export_copy, path, change)
    _empty_database()

    problems = _refused(export_copy)

    assert (problems[0].file, problems[0].record, problems[0].field) == (path, record, field)
    assert message in problems[0].message
    assert _counts() == {"reviews": 0, "references": 0, "glossary": 0, "people": 0}


# The zip ------------------------------------------------------------------------------------------
def test_export_zip_serves_the_export_with_validators(client, exported):
    response = client.get("/api/v1/export.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="carechoices-open-data.zip"'
    assert response["Cache-Control"].startswith("public")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == sorted(names) and all(name.startswith(f"{ZIP_FOLDER}/") for name in names)
    manifest = json.loads(archive.read(f"{ZIP_FOLDER}/manifest.json"))
    assert sorted(names) == sorted(f"{ZIP_FOLDER}/{path}" for path in [*manifest["files"], "manifest.json"])
    for path, entry in manifest["files"].items():
        assert hashlib.sha256(archive.read(f"{ZIP_FOLDER}/{path}")).hexdigest() == entry["sha256"], path
    assert archive.read(f"{ZIP_FOLDER}/manifest.json") == (exported / "manifest.json").read_bytes()

    again = client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert client.get("/api/v1/export.zip").content == response.content  # cached, same bytes
    bad = client.get("/api/v1/export.zip?format=csv")
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "format"


# The streamed export (carechoices export) -------------------------------------------------------
def test_streamed_export_is_byte_identical_and_holds_one_review_at_a_time(exported, tmp_path, monkeypatch, capsys):
    import gc
    import weakref

    from carechoices.opendata import export as export_module

    def no_cache():
        raise AssertionError("the command line export must not compile every review at once")

    alive: list[weakref.ref] = []
    real_build_record = export_module.build_record

    def build_record(page, **kwargs):
        gc.collect()
        assert [ref for ref in alive if ref() is not None] == [], "an earlier review's record is still held"
        record = real_build_record(page, **kwargs)
        alive.append(weakref.ref(record))
        return record

    monkeypatch.setattr(export_module, "live_records", no_cache)
    monkeypatch.setattr(export_module, "build_record", build_record)
    _forget_compiled_records()

    assert main(["export", str(tmp_path / "streamed")]) == 0

    assert len(alive) == 7
    assert "Exported 7 reviews, 40 references, 19 glossary terms, 4 people" in capsys.readouterr().out
    first, streamed = _files(exported), _files(tmp_path / "streamed")
    assert sorted(first) == sorted(streamed)
    assert [path for path in first if first[path] != streamed[path]] == []


def test_streamed_export_replaces_an_earlier_export_and_leaves_no_staging_folder(export_copy):
    from carechoices.opendata.export import STAGING_PREFIX, export_to_directory
    from carechoices.therapies.models import TherapyPage

    (export_copy / f"{STAGING_PREFIX}left-by-a-killed-run").mkdir()  # removed, not refused
    TherapyPage.objects.get(slug="cannabis").unpublish()
    _forget_compiled_records()

    summary = export_to_directory(export_copy)

    assert summary.counts["reviews"] == 6
    files = _files(export_copy)
    assert "reviews/cannabis.json" not in files  # unpublished since the earlier export
    assert summary.files == len(files)
    assert summary.bytes == sum(len(data) for data in files.values())
    assert not [p for p in export_copy.iterdir() if p.name.startswith(STAGING_PREFIX)]
    manifest = json.loads(files.pop("manifest.json"))
    assert sorted(manifest["files"]) == sorted(files)
    for path, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest(), path


def test_streamed_export_of_an_uncompilable_review_leaves_the_folder_as_it_was(export_copy, tmp_path, monkeypatch,
                                                                             capsys):
    from carechoices.opendata import export as export_module
    from carechoices.therapies.compile import RecordError

    real_build_record = export_module.build_record

    def build_record(page, **kwargs):
        if page.slug in ("melatonin", "probiotics"):
            raise RecordError(f"{page.slug}: a rule cites a deleted reference")
        return real_build_record(page, **kwargs)

    monkeypatch.setattr(export_module, "build_record", build_record)
    before = _files(export_copy)

    assert main(["export", str(export_copy)]) == 2
    assert main(["export", str(tmp_path / "new")]) == 2

    err = capsys.readouterr().err
    assert ("carechoices: error: these published reviews cannot be compiled, so they cannot be exported: "
            "melatonin: melatonin: a rule cites a deleted reference; probiotics: probiotics:") in err
    assert _files(export_copy) == before
    assert sorted(p.name for p in export_copy.iterdir()) == sorted({path.split("/")[0] for path in before})
    assert not (tmp_path / "new").exists()
