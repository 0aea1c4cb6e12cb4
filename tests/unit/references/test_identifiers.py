"""DOI, PMID and PMCID normalisation and links: accepted forms, refused forms, messages."""

from __future__ import annotations

from typing import Any

import pytest

from carechoices.references.identifiers import (
    doi_url,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    pmc_url,
    pubmed_url,
)

BOLTON_DOI = "10.1186/s12916-018-1242-0"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (BOLTON_DOI, BOLTON_DOI),
        ("10.1186/S12916-018-1242-0", BOLTON_DOI),
        (f"doi:{BOLTON_DOI}", BOLTON_DOI),
        (f"DOI: {BOLTON_DOI}", BOLTON_DOI),
        (f"doi {BOLTON_DOI}", BOLTON_DOI),
        (f"https://doi.org/{BOLTON_DOI}", BOLTON_DOI),
        (f"http://dx.doi.org/{BOLTON_DOI}", BOLTON_DOI),
        (f"HTTPS://DOI.ORG/{BOLTON_DOI}", BOLTON_DOI),
        (f"doi.org/{BOLTON_DOI}", BOLTON_DOI),
        (f"  {BOLTON_DOI}\n", BOLTON_DOI),
        ("https://doi.org/10.1002/%28SICI%291097-0258", "10.1002/(sici)1097-0258"),
        (
            "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2",
            "10.1002/(sici)1097-0258(19980815/30)17:15/16<1661::aid-sim968>3.0.co;2-2",
        ),
        ("10.1000.10/abc", "10.1000.10/abc"),
    ],
)
def test_normalise_doi_accepted_form_gives_bare_lower_case(given: str, expected: str) -> None:
    # Arrange / Act
    normalised = normalise_doi(given)

    # Assert
    assert normalised == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("doi:", "empty"),
        ("https://doi.org/", "empty"),
        ("1186/s12916-018-1242-0", "is not a DOI"),
        ("11.1186/s12916", "is not a DOI"),
        ("10.118/s12916", "is not a DOI"),
        ("10.1186", "is not a DOI"),
        ("10.1186/", "is not a DOI"),
        ("10.1186/s129 16", "is not a DOI"),
        ("PMID 30642329", "is not a DOI"),
        ("https://example.org/10.1186/s12916", "is not a DOI"),
    ],
)
def test_normalise_doi_malformed_raises_clear_error(given: str, message: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match=message):
        normalise_doi(given)


def test_normalise_doi_long_garbage_is_quoted_shortly() -> None:
    # Arrange
    garbage = "x" * 500

    # Act
    with pytest.raises(ValueError) as raised:
        normalise_doi(garbage)

    # Assert
    assert len(str(raised.value)) < 250
    assert "e.g. 10.1186/s12916-018-1242-0" in str(raised.value)


@pytest.mark.parametrize("given", [None, 10.1186, b"10.1186/x"])
def test_normalise_doi_non_text_is_refused(given: Any) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="must be text"):
        normalise_doi(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("30642329", "30642329"),
        ("PMID: 30642329", "30642329"),
        ("PMID 30642329", "30642329"),
        ("pmid:30642329", "30642329"),
        (" 8236504 ", "8236504"),
        (30642329, "30642329"),
        ("1", "1"),
        ("00123", "123"),
        ("https://pubmed.ncbi.nlm.nih.gov/30642329/", "30642329"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/30642329", "30642329"),
    ],
)
def test_normalise_pmid_accepted_form_gives_digits(given: str | int, expected: str) -> None:
    # Arrange / Act
    normalised = normalise_pmid(given)

    # Assert
    assert normalised == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("PMID:", "empty"),
        ("123456789", "1 to 8 digits"),
        ("3064232a", "1 to 8 digits"),
        ("-30642329", "1 to 8 digits"),
        ("30642329.0", "1 to 8 digits"),
        ("PMC6332608", "1 to 8 digits"),
        ("３０６４２３２９", "1 to 8 digits"),  # full-width digits
        ("0", "start at 1"),
        ("0000", "start at 1"),
        (-5, "1 to 8 digits"),
    ],
)
def test_normalise_pmid_malformed_raises_clear_error(given: str | int, message: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match=message):
        normalise_pmid(given)


@pytest.mark.parametrize("given", [None, True, 3.0])
def test_normalise_pmid_non_text_is_refused(given: Any) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="must be text or a whole number"):
        normalise_pmid(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("PMC6332608", "PMC6332608"),
        ("pmc6332608", "PMC6332608"),
        ("PMC 6332608", "PMC6332608"),
        ("PMCID: PMC6332608", "PMC6332608"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6332608/", "PMC6332608"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6332608/", "PMC6332608"),
        ("PMC0042", "PMC42"),
    ],
)
def test_normalise_pmcid_accepted_form_gives_pmc_and_digits(given: str, expected: str) -> None:
    # Arrange / Act
    normalised = normalise_pmcid(given)

    # Assert
    assert normalised == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("PMCID:", "empty"),
        ("6332608", "looks like a PMID"),
        ("PMC", "is not a PMCID"),
        ("PMC123456789", "is not a PMCID"),
        ("PMC63326O8", "is not a PMCID"),
        ("PMD6332608", "is not a PMCID"),
        ("PMC0", "start at 1"),
    ],
)
def test_normalise_pmcid_malformed_raises_clear_error(given: str, message: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match=message):
        normalise_pmcid(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (BOLTON_DOI, f"https://doi.org/{BOLTON_DOI}"),
        (f"doi:{BOLTON_DOI.upper()}", f"https://doi.org/{BOLTON_DOI}"),
        ("10.1002/(SICI)1097<1661>#x?y", "https://doi.org/10.1002/(sici)1097%3C1661%3E%23x%3Fy"),
    ],
)
def test_doi_url_links_to_doi_org_escaping_unsafe_characters(given: str, expected: str) -> None:
    # Arrange / Act
    url = doi_url(given)

    # Assert
    assert url == expected


def test_pubmed_url_links_to_pubmed() -> None:
    # Arrange / Act
    url = pubmed_url("PMID: 30642329")

    # Assert
    assert url == "https://pubmed.ncbi.nlm.nih.gov/30642329/"


def test_pmc_url_links_to_pmc_article() -> None:
    # Arrange / Act
    url = pmc_url("pmc6332608")

    # Assert
    assert url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC6332608/"


@pytest.mark.parametrize(
    ("make_url", "bad"), [(doi_url, "nonsense"), (pubmed_url, "abc"), (pmc_url, "123")]
)
def test_url_of_malformed_identifier_raises(make_url: Any, bad: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError):
        make_url(bad)
