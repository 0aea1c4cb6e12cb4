"""The importers read real-format files (with the quirks real exports have) into our CSL-JSON."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from carechoices.references.importing import (
    FORMATS,
    ImportFileError,
    Status,
    detect_format,
    plan_import,
    read_records,
)
from carechoices.references.importing.base import decode
from carechoices.references.records import (
    CSL_TYPES,
    RecordError,
    normalise_page,
    normalise_record,
    suggest_key,
)

SAMPLES = Path(__file__).parent / "fixtures" / "import"
TODAY = datetime.date(2026, 12, 1)


def plan_of(name: str, library=(), taken=()):
    return plan_import([(name, (SAMPLES / name).read_bytes())], list(library), set(taken), today=TODAY)


def by_hint(plan):
    return {row.hint: row for row in plan.rows}


def test_model_and_records_accept_the_same_types() -> None:
    from carechoices.references import models

    assert models.CSL_TYPES == CSL_TYPES


# --- MEDLINE -------------------------------------------------------------------------------
def test_medline_reads_pubmed_export_with_bom_crlf_and_continuation_lines() -> None:
    raw = (SAMPLES / "pubmed.nbib").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    plan = plan_of("pubmed.nbib")
    assert [row.status for row in plan.rows] == [Status.NEW] * 4
    rows = by_hint(plan)
    bolton = rows["PMID 30642329"].record
    assert bolton.title == (
        "Serious adverse events reported in placebo randomised controlled trials of oral "
        "naltrexone: a systematic review and meta-analysis"
    )
    assert bolton.doi == "10.1186/s12916-018-1242-0"
    assert (bolton.pmid, bolton.pmcid) == ("30642329", "PMC6332608")
    assert bolton.csl["author"][0] == {"family": "Bolton", "given": "Maggie"}
    assert bolton.csl["issued"] == {"date-parts": [[2019, 1, 15]]}
    assert bolton.csl["container-title"] == "BMC medicine"
    assert (bolton.csl["volume"], bolton.csl["issue"], bolton.csl["page"]) == ("17", "1", "10")
    assert "DOI" not in bolton.csl and "PMID" not in bolton.csl  # identifiers live in their fields


def test_medline_short_names_group_author_abbreviated_pages_and_online_first() -> None:
    rows = by_hint(plan_of("pubmed.nbib"))
    sample = rows["PMID 11111111"].record.csl
    assert sample["author"] == [
        {"family": "Nuñez", "given": "JT"},
        {"family": "Okafor", "given": "C"},
        {"literal": "CareChoices Sample Study Group"},
    ]
    assert sample["page"] == "1234-1241"
    assert sample["title"].endswith("title wrapped over two lines")
    online = rows["PMID 22222222"].record
    assert online.doi == "10.5555/sample.2021.7"  # resolver prefix and upper case gone
    assert online.csl["status"] == "epub ahead of print"
    book = rows["PMID 33333333"].record.csl
    assert book["type"] == "book" and book["editor"] == [{"family": "Elsegood", "given": "Linda"}]


# --- RIS -----------------------------------------------------------------------------------
def test_ris_reads_windows_1252_crlf_and_a_last_record_without_er() -> None:
    plan = plan_of("export.ris")
    assert len(plan.rows) == 5
    chapter = plan.rows[4]
    assert chapter.status == Status.NEW
    assert chapter.record.csl["title"] == "A sample chapter without its closing ER line"
    assert chapter.record.csl["editor"] == [{"family": "Editor", "given": "Book"}]
    assert chapter.record.csl["page"] == "20-35"
    first = plan.rows[0].record
    assert first.doi == "10.1186/s12916-018-1242-0"
    assert first.pmid == "30642329"  # AN with DB PubMed
    assert first.csl["container-title"] == "BMC Medicine"
    second = plan.rows[1].record
    assert (second.pmid, second.pmcid) == ("44444444", "PMC7654321")  # from N1
    assert second.csl["page"] == "200-208"


def test_ris_record_without_title_is_invalid_and_named() -> None:
    plan = plan_of("export.ris")
    bad = plan.rows[3]
    assert bad.status == Status.INVALID and bad.field == "title"
    assert bad.label == "export.ris record 4 (line 38)"


# --- BibTeX --------------------------------------------------------------------------------
def test_bibtex_braces_accents_macros_and_names() -> None:
    rows = by_hint(plan_of("library.bib"))
    smith = rows["Smith2020"].record
    assert smith.title == "A Sample Trial of a Sample Supplement in a Sample Population"
    assert smith.csl["container-title"] == "Sample Journal of Supportive Care"  # @string macro
    assert smith.csl["issued"] == {"date-parts": [[2020, 3]]}
    assert smith.csl["page"] == "200-208"
    assert smith.doi == "10.9999/sample.2020.200"
    mueller = rows["mueller2017"].record
    assert mueller.title == "Naïve and pre-treated patients: a sample cohort of café workers"
    assert mueller.csl["author"] == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"literal": "World Health Organization"},
    ]
    assert mueller.pmid == "55555555"  # eprinttype = pubmed
    assert mueller.csl["issued"] == {"date-parts": [[2017, 6]]}
    assert rows["mueller2017"].key == "mueller2017"  # the file's own key is kept when free


def test_bibtex_bad_blocks_are_reported_with_their_line_and_the_rest_read() -> None:
    plan = plan_of("library.bib")
    invalid = plan.with_status(Status.INVALID)
    assert [(row.hint, row.field, row.line) for row in invalid] == [("badyear", "issued", 34), ("", "record", 40)]
    assert len(plan.with_status(Status.NEW)) == 3


# --- CSL-JSON ------------------------------------------------------------------------------
def test_csl_json_items_normalised_and_bad_items_named() -> None:
    rows = by_hint(plan_of("items.json"))
    assert rows["bihari2021"].record.csl["accessed"] == {"date-parts": [[2021, 9, 19]]}
    assert rows["bihari2021"].record.url == "https://example.org/ldn"
    assert rows["X"].record.pmid == "30642329"
    assert (rows["bad-type"].status, rows["bad-type"].field) == (Status.INVALID, "type")
    assert (rows["bad-doi"].status, rows["bad-doi"].field) == (Status.INVALID, "DOI")


# --- files ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [("pubmed.nbib", "medline"), ("export.ris", "ris"), ("library.bib", "bibtex"), ("items.json", "csl-json")],
)
def test_format_detected_from_content(name: str, expected: str) -> None:
    text = decode((SAMPLES / name).read_bytes())
    assert detect_format("upload.txt", text).NAME == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"just some words\n", "not a file this import reads"),
        (b"[1, 2", "not valid JSON"),
        (b"\x81\x8d\x8f\x90\x9d" * 3, "not text"),
    ],
)
def test_unreadable_files_are_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message) as caught:
        plan_import([("upload.ris", data)], [], set())
    assert str(caught.value).startswith("upload.ris: ")


def test_every_format_module_has_the_interface() -> None:
    for module in FORMATS.values():
        assert module.NAME and module.LABEL and module.EXTENSIONS
        assert callable(module.sniff) and callable(module.parse)


def test_read_records_with_explicit_format() -> None:
    module, records = read_records("x.txt", (SAMPLES / "export.ris").read_bytes(), "ris")
    assert module.NAME == "ris" and len(records) == 5
    with pytest.raises(ImportFileError, match="unknown format"):
        read_records("x.txt", "TY  - JOUR\nER  - \n", "endnote-xml")


# --- normalisation -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "expected"),
    [("200-8", "200-208"), ("1234-41", "1234-1241"), ("e12--e19", "e12-e19"), ("10", "10"),
     ("S1-S9", "S1-S9"), ("99-102", "99-102"), ("10, 12", "10, 12"), ("200 – 208", "200-208")],
)
def test_page_ranges(page: str, expected: str) -> None:
    assert normalise_page(page) == expected


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"type": "article-journal"}, "title"),
        ({"title": "x", "issued": {"date-parts": [[3019]]}}, "issued"),
        ({"title": "x", "PMID": "12a"}, "PMID"),
        ({"title": "x", "PMCID": "12345"}, "PMCID"),
        ({"title": "x", "author": "Smith J"}, "author"),
        ({"title": "x", "type": "song"}, "type"),
        ("not a mapping", "record"),
    ],
)
def test_bad_records_name_the_field(raw, field: str) -> None:
    with pytest.raises(RecordError) as caught:
        normalise_record(raw, today=TODAY)
    assert caught.value.field == field


def test_url_that_is_not_a_web_address_is_left_out_with_a_warning() -> None:
    record = normalise_record({"title": "x", "URL": "javascript:alert(1)"}, today=TODAY)
    assert record.url == "" and "not a web address" in record.warnings[0]


def test_suggested_keys_are_unique_and_valid() -> None:
    from carechoices.references.models import KEY_PATTERN

    taken = {"bolton2019"}
    csl = {"author": [{"family": "Bolton-Ã"}], "issued": {"date-parts": [[2019]]}, "title": "t"}
    keys = [suggest_key(csl, taken) for _ in range(28)]
    assert keys[:3] == ["boltona2019", "boltona2019a", "boltona2019b"]
    assert keys[-1] == "boltona2019aa"
    assert len(set(keys)) == 28 and all(KEY_PATTERN.match(k) for k in keys)
    assert suggest_key({"title": "The LDN Book"}, set()) == "book" + "nd"


def test_round_trip_of_our_own_csl_export() -> None:
    from carechoices.references.exports import csl as csl_export
    from carechoices.references.exports import export_item

    source = normalise_record(
        {"type": "article-journal", "title": "A sample", "author": [{"family": "Roe", "given": "R"}],
         "issued": {"date-parts": [[2020, 5]]}, "DOI": "10.1234/ABC", "container-title": "J"}, today=TODAY)
    text = csl_export.export([export_item(source.csl_item("roe2020"), 1)])
    (row,) = plan_import([("ours.json", text)], [], set(), today=TODAY).rows
    assert row.key == "roe2020" and row.record.doi == "10.1234/abc"
    assert row.record.csl == source.csl
    assert json.loads(text)[0]["DOI"] == "10.1234/abc"


def test_a_file_of_5000_records_reports_progress_for_each() -> None:
    from bench.references_import import export_file, library

    text, planted = export_file(library(2_000), 5_000)
    ticks: list[str] = []

    def progress(description: str, total: int):
        ticks.append(f"{description}: {total}")
        return lambda: ticks.append("step")

    plan = plan_import([("big.nbib", text.replace("\n", "\r\n").encode("utf-8"))], [], set(), progress=progress)
    assert ticks[0] == "Checking for duplicates: 5000" and ticks.count("step") == 5000
    assert len(plan.rows) == 5000 and plan.counts[Status.INVALID] == 0
    # Against an empty library, only the records the file repeats are duplicates.
    assert plan.counts[Status.DUPLICATE] == 0
    assert len({row.key for row in plan.rows}) == 5000
