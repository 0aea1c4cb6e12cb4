"""Which entries the library must flag as incomplete, and which essentials they lack."""

from __future__ import annotations

from typing import Any

import pytest

from carechoices.references.formatting import csl_json_is_complete

from .conftest import load_sample_library

COMPLETE_ARTICLE: dict[str, Any] = {
    "id": "R7",
    "type": "article-journal",
    "author": [{"family": "Zagon", "given": "IS"}, {"family": "McLaughlin", "given": "PJ"}],
    "title": "Opioids and the apoptotic pathway in human cancer cells",
    "container-title": "Neuropeptides",
    "issued": {"date-parts": [[2003, 4]]},
}


@pytest.mark.parametrize(
    ("reference_id", "missing"),
    [
        *((f"R{number}", []) for number in range(1, 19)),
        *(
            (reference_id, ["title"])
            for reference_id in ("V1", "V2", "M1", "M2", "C1", "C2", "C3", "L1", "L2", "P1", "K1")
        ),
        ("C4", ["title", "container-title", "issued"]),
    ],
)
def test_csl_json_is_complete_sample_library_flags_untitled_entries(
    reference_id: str, missing: list[str]
) -> None:
    # Arrange
    item = {entry["id"]: entry for entry in load_sample_library()}[reference_id]

    # Act
    result = csl_json_is_complete(item)

    # Assert
    assert result == missing


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({}, []),
        ({"title": None}, ["title"]),
        ({"title": "  "}, ["title"]),
        ({"container-title": ""}, ["container-title"]),
        ({"author": []}, ["author"]),
        ({"author": [{"family": ""}]}, ["author"]),
        ({"author": [{"literal": "et al."}]}, []),
        ({"issued": {"date-parts": [[]]}}, ["issued"]),
        ({"issued": {"literal": "1993"}}, []),
        ({"title": None, "container-title": None}, ["title", "container-title"]),
        ({"type": None}, ["type"]),
    ],
)
def test_csl_json_is_complete_journal_article_lists_missing_essentials(
    change: dict[str, Any], missing: list[str]
) -> None:
    # Arrange
    item = {**COMPLETE_ARTICLE, **change}

    # Act
    result = csl_json_is_complete(item)

    # Assert
    assert result == missing


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        (
            {
                "type": "book",
                "editor": [{"family": "Elsegood", "given": "L"}],
                "title": "The LDN Book",
                "publisher": "Chelsea Green Publishing",
                "issued": {"date-parts": [[2016]]},
            },
            [],
        ),
        (
            {
                "type": "book",
                "title": "The LDN Book",
                "publisher": "Chelsea Green Publishing",
                "issued": {"date-parts": [[2016]]},
            },
            ["author|editor"],
        ),
        (
            {
                "type": "book",
                "author": [{"family": "Block", "given": "KI"}],
                "title": "Life over Cancer",
            },
            ["publisher", "issued"],
        ),
        ({"type": "webpage", "title": "LDN and cancer", "URL": "https://example.org/"}, []),
        ({"type": "webpage", "title": "LDN and cancer"}, ["container-title|URL"]),
        ({"type": "report"}, ["title"]),
        ({"title": "Something"}, ["type"]),
        ({}, ["type", "title"]),
    ],
)
def test_csl_json_is_complete_other_types_list_missing_essentials(
    item: dict[str, Any], missing: list[str]
) -> None:
    # Arrange / Act
    result = csl_json_is_complete(item)

    # Assert
    assert result == missing
