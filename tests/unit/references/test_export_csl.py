"""CSL-JSON export: valid against the official schema, keyed by our keys, nothing stored lost."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.references.exports import csl, export_item

from .export_samples import sample_export_items

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "carechoices" / "references" / "schema"
VALIDATOR = jsonschema.Draft7Validator(csl.schema())


def errors(data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def test_vendored_schema_is_the_published_file_with_its_licence() -> None:
    # Arrange
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((SCHEMA_DIR / "csl-data.json").read_bytes()).hexdigest()

    # Assert
    assert f"`{digest}`" in readme
    assert "40b3ce0bbbda517ad14b98c93a2c65ab4cde56a9" in readme
    assert (SCHEMA_DIR / "LICENSE.txt").read_text(encoding="utf-8").startswith("MIT License")
    assert csl.schema()["$id"] == "https://resource.citationstyles.org/schema/v1.0/input/json/csl-data.json"
    jsonschema.Draft7Validator.check_schema(csl.schema())


def test_sample_library_export_validates_against_the_schema() -> None:
    # Act
    data = json.loads(csl.export(sample_export_items()))

    # Assert
    assert errors(data) == []
    assert len(data) == len(sample_export_items())


def test_records_keep_our_keys_identifiers_and_order() -> None:
    # Arrange
    items = sample_export_items()

    # Act
    data = json.loads(csl.export(items))

    # Assert
    assert [record["id"] for record in data] == [item.key for item in items]
    bolton = next(record for record in data if record["id"] == "R3")
    assert {k: bolton[k] for k in ("DOI", "PMID", "PMCID")} == {
        "DOI": "10.1186/s12916-018-1242-0",
        "PMID": "30642329",
        "PMCID": "PMC6332608",
    }


def test_records_are_the_stored_csl_when_nothing_is_flagged() -> None:
    # Arrange
    item = next(item for item in sample_export_items() if item.key == "R3")

    # Act
    record = csl.record(item)

    # Assert
    assert record == dict(item.csl)


def test_incomplete_and_unverified_entries_are_marked_in_note_and_custom() -> None:
    # Arrange
    by_key = {item.key: item for item in sample_export_items()}

    # Act
    incomplete = csl.record(by_key["C4"])
    unverified = csl.record(by_key["R14"])

    # Assert
    assert incomplete["note"].splitlines() == [
        "Journal not recorded; curcumin with gemcitabine in advanced pancreatic cancer",
        "Incomplete entry: title, container-title, issued not recorded.",
    ]
    assert incomplete["custom"] == {"missing-fields": ["title", "container-title", "issued"]}
    assert unverified["note"] == "Volume and pages not verified"
    assert unverified["custom"] == {"verification-note": "Volume and pages not verified"}


def test_fields_the_schema_does_not_allow_go_under_custom() -> None:
    # Arrange
    item = export_item(
        {
            "id": "odd",
            "type": "article-journal",
            "title": "A title",
            "container-title": "A journal",
            "issued": {"date-parts": [[2020, 1]], "bogus": 1},
            "author": [{"family": "Roe", "given": "J", "email": "j@example.org"}, "Smith"],
            "volume": 12,
            "page": True,
            "subtitle": "not a CSL variable",
            "custom": {"source": "editor"},
        },
        1,
    )

    # Act
    record = csl.record(item)

    # Assert
    assert errors([record]) == []
    assert record["issued"] == {"date-parts": [[2020, 1]]}
    assert record["author"] == [{"family": "Roe", "given": "J"}]
    assert record["volume"] == 12
    assert "page" not in record
    assert record["custom"] == {
        "source": "editor",
        "issued": {"date-parts": [[2020, 1]], "bogus": 1},
        "author": [{"family": "Roe", "given": "J", "email": "j@example.org"}, "Smith"],
        "page": True,
        "subtitle": "not a CSL variable",
    }


def test_unknown_type_is_written_as_document_and_kept_under_custom() -> None:
    # Act
    record = csl.record(export_item({"id": "t", "type": "blog-thing", "title": "T"}, 1))

    # Assert
    assert errors([record]) == []
    assert record["type"] == "document"
    assert record["custom"]["type"] == "blog-thing"


def test_numbers_in_text_fields_become_strings() -> None:
    # Act
    record = csl.record(export_item({"id": "n", "type": "book", "title": 1984, "ISBN": 9780000000000}, 1))

    # Assert
    assert errors([record]) == []
    assert (record["title"], record["ISBN"]) == ("1984", "9780000000000")


def test_export_is_utf8_text_not_escaped() -> None:
    # Act
    text = csl.export([export_item({"id": "u", "type": "book", "title": "Café – µ & co"}, 1)])

    # Assert
    assert "Café – µ & co" in text
    assert text.endswith("]\n")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
CSL_KEYS = st.sampled_from(
    ["title", "author", "editor", "issued", "accessed", "volume", "page", "note", "custom",
     "categories", "DOI", "type", "URL", "edition", "made-up", "container-title"]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(CSL_KEYS | st.text(max_size=6), JSON_VALUES, max_size=8))
def test_any_stored_record_exports_as_valid_csl_json(stored: dict[str, Any]) -> None:
    # Arrange
    stored["id"] = "key"
    item = export_item(stored, 1)

    # Act
    data = json.loads(csl.export([item]))

    # Assert
    assert errors(data) == []
    assert data[0]["id"] == "key"


@pytest.mark.parametrize("item_type", sorted(csl.schema()["items"]["properties"]["type"]["enum"]))
def test_every_schema_type_is_kept(item_type: str) -> None:
    # Act
    record = csl.record(export_item({"id": "k", "type": item_type, "title": "T"}, 1))

    # Assert
    assert record["type"] == item_type
