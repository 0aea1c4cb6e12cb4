"""A search box recognises a pasted DOI, PMID or PMCID, and nothing else."""

import pytest

from carechoices.references.identifiers import identifier_in


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("10.1186/S12916-018-1242-0", ("doi", "10.1186/s12916-018-1242-0")),
        ("https://doi.org/10.1186/s12916-018-1242-0", ("doi", "10.1186/s12916-018-1242-0")),
        ("PMID: 8236504", ("pmid", "8236504")),
        ("8236504", ("pmid", "8236504")),
        ("PMC1234567", ("pmcid", "PMC1234567")),
        ("1234", None),
        ("ldn", None),
        ("brain cancer", None),
        ("", None),
        ("1" * 400, None),
    ],
)
def test_identifier_in(typed, found):
    assert identifier_in(typed) == found
