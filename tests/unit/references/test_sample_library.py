"""The sample library fixture stays faithful to references.md, and the vendored style to upstream."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from carechoices.references.formatting import ET_AL_AUTHOR
from carechoices.references.identifiers import normalise_doi, normalise_pmcid, normalise_pmid

CSL_DIR = Path(__file__).resolve().parents[3] / "carechoices" / "references" / "csl"


def test_sample_library_identifiers_are_in_canonical_form(
    sample_library: list[dict[str, Any]],
) -> None:
    # Arrange
    normalisers = {"DOI": normalise_doi, "PMID": normalise_pmid, "PMCID": normalise_pmcid}

    # Act
    not_canonical = [
        (item["id"], field)
        for item in sample_library
        for field, normalise in normalisers.items()
        if field in item and normalise(item[field]) != item[field]
    ]

    # Assert
    assert not_canonical == []


def test_sample_library_carries_identifiers_from_references_md(
    sample_by_id: dict[str, dict[str, Any]],
) -> None:
    # Arrange
    identifiers = {
        reference_id: {field: item[field] for field in ("DOI", "PMID", "PMCID") if field in item}
        for reference_id, item in sample_by_id.items()
    }

    # Act
    with_identifiers = {key: value for key, value in identifiers.items() if value}

    # Assert
    assert with_identifiers == {
        "R3": {"DOI": "10.1186/s12916-018-1242-0", "PMID": "30642329", "PMCID": "PMC6332608"},
        "R8": {"PMID": "33540155"},
        "R14": {"PMID": "8236504"},
        "R15": {"DOI": "10.1177/1534735405285901"},
        "R16": {"DOI": "10.1177/1534735409352082"},
        "R17": {"DOI": "10.1177/1534735407306358"},
        "R18": {"DOI": "10.1007/s00520-021-06738-0"},
    }


@pytest.mark.parametrize("reference_id", ["R14", "R15"])
def test_sample_library_unverified_volume_is_left_out(
    sample_by_id: dict[str, dict[str, Any]], reference_id: str
) -> None:
    # Arrange
    item = sample_by_id[reference_id]

    # Act
    recorded = {field for field in ("volume", "issue", "page") if field in item}

    # Assert
    assert recorded == set()
    assert item["note"] == "Volume and pages not verified"


def test_sample_library_et_al_uses_the_documented_marker(
    sample_library: list[dict[str, Any]],
) -> None:
    # Arrange
    names = [name for item in sample_library for name in item.get("author", [])]

    # Act
    et_al_like = [name for name in names if "et al" in str(name.values())]

    # Assert
    assert et_al_like and all(name == dict(ET_AL_AUTHOR) for name in et_al_like)


def test_vendored_style_matches_the_checksum_in_its_readme() -> None:
    # Arrange
    readme = (CSL_DIR / "README.md").read_text(encoding="utf-8")
    (recorded,) = re.findall(r"`([0-9a-f]{64})`", readme)
    style = resources.files("carechoices.references.csl").joinpath(
        "american-medical-association.csl"
    )

    # Act
    actual = hashlib.sha256(style.read_bytes()).hexdigest()

    # Assert
    assert actual == recorded


def test_vendored_style_keeps_its_licence_and_authors() -> None:
    # Arrange
    style = (CSL_DIR / "american-medical-association.csl").read_text(encoding="utf-8")

    # Act
    rights = re.search(r"<rights license=\"([^\"]+)\">", style)

    # Assert
    assert rights is not None
    assert rights.group(1) == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert "<name>Julian Onions</name>" in style
    assert "<title>AMA Manual of Style 11th edition</title>" in style
