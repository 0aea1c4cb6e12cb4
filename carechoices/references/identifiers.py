"""DOIs, PubMed IDs and PubMed Central IDs: one canonical form each, and their web addresses.

Editors paste identifiers in whatever form they find them ("doi:10…", a doi.org link,
"PMID: 30642329", a PMC article link). The ``normalise_*`` functions accept those forms and
return the canonical one used for storage and duplicate detection, or raise ``ValueError`` with a
message that can be shown to the editor as it is. No function here touches the network.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

__all__ = [
    "doi_url",
    "identifier_in",
    "normalise_doi",
    "normalise_pmcid",
    "normalise_pmid",
    "pmc_url",
    "pubmed_url",
]

# Forms that wrap a DOI: a resolver link (any scheme, old dx. host) or a "doi:" label.
_DOI_WRAPPER = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*|doi\s+)",
    re.IGNORECASE,
)
# Directory indicator "10.", a registrant code of digits (optionally with sub-codes), "/", and a
# suffix of printable characters. Stricter patterns reject real, older DOIs.
_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[^\s\x00-\x1f\x7f]+")

_PMID_WRAPPER = re.compile(
    r"^(?:pmid:?\s*|(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)
_PMCID_WRAPPER = re.compile(
    r"^(?:pmcid:?\s*|(?:https?://)?(?:(?:www\.)?ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)/articles/)",
    re.IGNORECASE,
)
_PMCID = re.compile(r"PMC ?([0-9]{1,8})", re.IGNORECASE)

_MAX_SHOWN = 60  # characters of a rejected value quoted back in an error message


def _shown(value: str) -> str:
    """The rejected value as quoted in an error message, cut short if it is long."""
    return repr(value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…")


def normalise_doi(value: str) -> str:
    """Return the bare DOI, lower-cased, from a DOI in any usual form.

    Accepts "10.1186/S12916-018-1242-0", "doi:10.1186/…", "DOI 10.1186/…" and resolver links
    ("https://doi.org/10.1186/…", "http://dx.doi.org/…"; percent-escapes in a link are decoded).
    DOIs are case-insensitive, so the canonical form is lower case: the same DOI typed two ways
    must compare equal when the library looks for duplicates.

    Raises ``ValueError`` when the value is not a DOI.
    """
    if not isinstance(value, str):
        raise ValueError(f"A DOI must be text, not {type(value).__name__}.")
    text = value.strip()
    unwrapped = _DOI_WRAPPER.sub("", text, count=1)
    if unwrapped != text and "://" in text:
        unwrapped = unquote(unwrapped)  # links carry escapes such as %2F or %3C
    unwrapped = unwrapped.strip()
    if not unwrapped:
        raise ValueError("The DOI is empty.")
    if not _DOI.fullmatch(unwrapped):
        raise ValueError(
            f"{_shown(value)} is not a DOI. A DOI starts with '10.', then the registrant's "
            "number, a slash and the item's own code, e.g. 10.1186/s12916-018-1242-0."
        )
    return unwrapped.lower()


def normalise_pmid(value: str | int) -> str:
    """Return a PubMed ID as its digits, from "30642329", "PMID: 30642329" or a PubMed link.

    A PMID is 1 to 8 digits; leading zeros are dropped and zero itself is refused.

    Raises ``ValueError`` when the value is not a PMID.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"A PMID must be text or a whole number, not {type(value).__name__}.")
    text = str(value).strip()
    digits = _PMID_WRAPPER.sub("", text, count=1).strip().rstrip("/")
    if not digits:
        raise ValueError("The PMID is empty.")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 8:
        raise ValueError(
            f"{_shown(text)} is not a PMID. A PubMed ID is 1 to 8 digits, e.g. 30642329."
        )
    canonical = digits.lstrip("0")
    if not canonical:
        raise ValueError("0 is not a PMID: PubMed IDs start at 1.")
    return canonical


def normalise_pmcid(value: str) -> str:
    """Return a PubMed Central ID as "PMC" and its digits, e.g. "PMC6332608".

    Accepts "PMC6332608", "pmc 6332608", "PMCID: PMC6332608" and PMC article links. A bare
    number is refused: it is more likely a PMID pasted into the wrong field.

    Raises ``ValueError`` when the value is not a PMCID.
    """
    if not isinstance(value, str):
        raise ValueError(f"A PMCID must be text, not {type(value).__name__}.")
    text = value.strip()
    unwrapped = _PMCID_WRAPPER.sub("", text, count=1).strip().rstrip("/")
    if not unwrapped:
        raise ValueError("The PMCID is empty.")
    match = _PMCID.fullmatch(unwrapped)
    if match is None:
        hint = " (that looks like a PMID)" if unwrapped.isascii() and unwrapped.isdigit() else ""
        raise ValueError(
            f"{_shown(text)} is not a PMCID{hint}. A PubMed Central ID is 'PMC' followed by "
            "1 to 8 digits, e.g. PMC6332608."
        )
    digits = match.group(1).lstrip("0")
    if not digits:
        raise ValueError("PMC0 is not a PMCID: PubMed Central IDs start at 1.")
    return f"PMC{digits}"


def doi_url(doi: str) -> str:
    """Return the doi.org link for a DOI given in any form ``normalise_doi`` accepts."""
    # Characters such as "<", "#" or "?" occur in real DOIs and must be escaped in a link.
    return "https://doi.org/" + quote(normalise_doi(doi), safe="/:;()")


def pubmed_url(pmid: str | int) -> str:
    """Return the PubMed page for a PMID given in any form ``normalise_pmid`` accepts."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{normalise_pmid(pmid)}/"


def pmc_url(pmcid: str) -> str:
    """Return the PubMed Central article page for a PMCID in any form ``normalise_pmcid`` accepts."""
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{normalise_pmcid(pmcid)}/"


def identifier_in(query: str) -> tuple[str, str] | None:
    """``("doi", "10.…")``, ``("pmid", "…")`` or ``("pmcid", "PMC…")`` when the whole query is one.

    What a search box gets when someone pastes an identifier; anything else gives ``None``. A bare
    number counts as a PMID only with at least five digits, so "12" stays an ordinary search.
    """
    text = query.strip() if isinstance(query, str) else ""
    if not text or len(text) > 300:
        return None
    for kind, normalise in (("doi", normalise_doi), ("pmcid", normalise_pmcid)):
        try:
            return kind, normalise(text)
        except ValueError:
            pass
    if text.isdigit() and len(text) < 5:
        return None
    try:
        return "pmid", normalise_pmid(text)
    except ValueError:
        return None
