"""RIS export: parsed back with rispy, keys, titles, authors and identifiers come out as stored."""

from __future__ import annotations

from typing import Any

import pytest
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.references.exports import export_item, ris
from carechoices.references.exports.base import listed_names
from carechoices.references.models import CSL_TYPES

from .export_samples import sample_export_items


def parsed(items) -> list[dict[str, Any]]:
    return rispy.loads(ris.export(items))


def test_sample_library_round_trips_keys_titles_and_identifiers() -> None:
    # Arrange
    items = sample_export_items()

    # Act
    records = parsed(items)

    # Assert
    assert [r["id"] for r in records] == [item.key for item in items]
    for item, record in zip(items, records, strict=True):
        csl = item.csl
        assert record.get("title") == csl.get("title"), item.key
        assert record.get("doi") == csl.get("DOI"), item.key
        assert record.get("accession_number") == csl.get("PMID"), item.key
        assert record.get("secondary_title") == csl.get("container-title"), item.key
        year = csl["issued"]["date-parts"][0][0] if "issued" in csl else None
        assert record.get("year") == (str(year) if year else None), item.key


def test_sample_library_round_trips_author_family_names() -> None:
    # Arrange
    items = sample_export_items()

    # Act
    records = parsed(items)

    # Assert
    for item, record in zip(items, records, strict=True):
        expected = [name.family or name.literal for name in listed_names(item.csl, "author")[0]]
        written = [author.split(",")[0] for author in record.get("authors", [])]
        assert written == expected, item.key


def test_authors_are_family_comma_spaced_initials_without_et_al() -> None:
    # Arrange
    by_key = {item.key: item for item in sample_export_items()}

    # Act
    zagon, peters, elsegood = (
        parsed([by_key[key]])[0] for key in ("R7", "R18", "R1")
    )

    # Assert
    assert zagon["authors"] == ["Zagon, I. S.", "McLaughlin, P. J."]
    assert peters["authors"] == ["Peters, K. B.", "Affronti, M. L.", "Woodring, S."]
    assert ris.ET_AL_NOTE in peters["notes"]
    assert ris.ET_AL_NOTE not in zagon.get("notes", [])
    assert "authors" not in elsegood
    assert elsegood["secondary_authors"] == ["Elsegood, L."]


def test_journal_article_has_every_tag() -> None:
    # Arrange
    item = next(item for item in sample_export_items() if item.key == "R3")

    # Act
    text = ris.export([item])

    # Assert
    assert text.splitlines() == [
        "TY  - JOUR",
        "ID  - R3",
        "TI  - Serious adverse events reported in placebo randomised controlled trials of oral "
        "naltrexone: a systematic review and meta-analysis",
        "AU  - Bolton, M.",
        "AU  - Hodkinson, A.",
        "PY  - 2019",
        "DA  - 2019/01/15/",
        "T2  - BMC Medicine",
        "JO  - BMC Medicine",
        "VL  - 17",
        "IS  - 1",
        "SP  - 10",
        "DO  - 10.1186/s12916-018-1242-0",
        "AN  - 30642329",
        "N1  - PMID: 30642329",
        "N1  - PMCID: PMC6332608",
        f"N1  - {ris.ET_AL_NOTE}",
        "ER  - ",
    ]


def test_page_range_is_split_into_start_and_end() -> None:
    # Arrange
    item = export_item({"id": "p", "type": "article-journal", "page": "200–208"}, 1)

    # Act
    (record,) = parsed([item])

    # Assert
    assert (record["start_page"], record["end_page"]) == ("200", "208")


def test_incomplete_and_unverified_entries_get_a_note() -> None:
    # Arrange
    by_key = {item.key: item for item in sample_export_items()}

    # Act
    epelbaum = parsed([by_key["C4"]])[0]
    lissoni = parsed([by_key["R14"]])[0]

    # Assert
    assert "Incomplete entry: title, container-title, issued not recorded." in epelbaum["notes"]
    assert "Volume and pages not verified" in lissoni["notes"]


def test_web_page_has_url_and_access_date() -> None:
    # Arrange
    item = export_item(
        {
            "id": "site",
            "type": "webpage",
            "title": "Low-dose naltrexone",
            "container-title": "CancerChoices",
            "URL": "https://cancerchoices.org/therapy/low-dose-naltrexone/",
            "accessed": {"date-parts": [[2025, 7, 27]]},
        },
        1,
    )

    # Act
    (record,) = parsed([item])

    # Assert
    assert record["type_of_reference"] == "ELEC"
    assert record["urls"] == ["https://cancerchoices.org/therapy/low-dose-naltrexone/"]
    assert record["access_date"] == "2025/07/27/"
    assert "journal_name" not in record


@pytest.mark.parametrize(
    ("csl_type", "ris_type"),
    [
        ("article-journal", "JOUR"),
        ("book", "BOOK"),
        ("webpage", "ELEC"),
        ("chapter", "CHAP"),
        ("report", "RPRT"),
        ("paper-conference", "CPAPER"),
        ("thesis", "THES"),
        ("article", "GEN"),
        ("dataset", "DATA"),
        ("something-else", "GEN"),
    ],
)
def test_csl_types_map_to_ris_types(csl_type: str, ris_type: str) -> None:
    # Act
    (record,) = parsed([export_item({"id": "t", "type": csl_type, "title": "T"}, 1)])

    # Assert
    assert record["type_of_reference"] == ris_type


def test_every_type_editors_can_choose_has_its_own_ris_type() -> None:
    # Act
    mapped = {csl_type: ris.RIS_TYPES.get(csl_type) for csl_type in CSL_TYPES}

    # Assert
    assert None not in mapped.values()


def test_line_breaks_in_data_cannot_start_a_new_tag() -> None:
    # Arrange
    item = export_item({"id": "nl", "type": "book", "title": "Two\nER  - \nTY  - lines"}, 1)

    # Act
    records = parsed([item])

    # Assert
    assert len(records) == 1
    assert records[0]["title"] == "Two ER - TY - lines"


def test_unicode_is_written_as_it_is() -> None:
    # Arrange
    item = export_item({"id": "u", "type": "book", "title": "Café – µ & co", "author": [{"family": "Sánchez", "given": "José"}]}, 1)

    # Act
    (record,) = parsed([item])

    # Assert
    assert record["title"] == "Café – µ & co"
    assert record["authors"] == ["Sánchez, José"]


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
NAMES = st.lists(
    st.dictionaries(st.sampled_from(["family", "given", "literal", "suffix", "non-dropping-particle"]), JSON_SCALARS, max_size=3)
    | JSON_SCALARS,
    max_size=3,
)
RECORDS = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)},
    optional={
        "type": st.sampled_from(sorted(CSL_TYPES)) | JSON_SCALARS,
        "title": JSON_SCALARS,
        "author": NAMES,
        "editor": NAMES,
        "container-title": JSON_SCALARS,
        "issued": st.fixed_dictionaries({"date-parts": st.lists(st.lists(JSON_SCALARS, max_size=3), max_size=2)}),
        "page": JSON_SCALARS,
        "DOI": JSON_SCALARS,
        "note": JSON_SCALARS,
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=3, unique_by=lambda r: r["id"]))
def test_any_records_give_one_parsable_ris_record_each(stored: list[dict[str, Any]]) -> None:
    # Arrange
    items = [export_item(csl, number) for number, csl in enumerate(stored, start=1)]

    # Act
    records = parsed(items)

    # Assert
    assert [r["id"] for r in records] == [item.key for item in items]
