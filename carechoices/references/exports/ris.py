"""RIS, the tagged format EndNote, Zotero, Mendeley and RefWorks import, written with rispy.

One record per reference, in the order given::

    TY  - JOUR                       type, from the CSL type (``RIS_TYPES``)
    ID  - bolton2019                 our citation key
    TI  - Serious adverse events …   title
    AU  - Bolton, M.                 one line per author ("Family, Given"; initials spaced)
    A2  - …                          one line per editor
    PY  - 2019                       year; DA has the full date (2019/01/15/)
    T2  - BMC Medicine               journal, website or book; JO repeats a journal's name
    VL, IS, SP, EP                   volume, issue, first and last page
    ET, PB, CY, SN                   edition, publisher, place, ISBN/ISSN
    DO  - 10.1186/s12916-018-1242-0  DOI
    UR  - …                          web address; Y2 the date it was accessed
    AN  - 30642329                   PubMed ID (the accession number in PubMed)
    N1  - …                          notes: the record's note, the PMCID, "et al." in the
                                     source, and the flags of an incomplete or unverified entry
    ER  -

The source's "et al." is not written as an author (a reference manager would file a person
called "et al."); a note says the author list was cut short instead. Lines end with LF and the
text is UTF-8 without a byte-order mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import rispy

from .base import ExportItem, Name, clean_text, date_parts, listed_names, page_range

__all__ = ["EXTENSION", "LABEL", "MEDIA_TYPE", "RIS_TYPES", "export", "record"]

LABEL = "RIS"
EXTENSION = "ris"
MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"

#: CSL item type → RIS reference type; anything not listed is GEN (generic).
RIS_TYPES: Mapping[str, str] = {
    "article": "GEN",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "bill": "BILL",
    "book": "BOOK",
    "broadcast": "MPCT",
    "chapter": "CHAP",
    "classic": "CLSWK",
    "dataset": "DATA",
    "entry-dictionary": "DICT",
    "entry-encyclopedia": "ENCYC",
    "figure": "FIGURE",
    "graphic": "ART",
    "hearing": "HEAR",
    "legal_case": "CASE",
    "legislation": "STAT",
    "manuscript": "MANSCPT",
    "map": "MAP",
    "motion_picture": "MPCT",
    "musical_score": "MUSIC",
    "pamphlet": "PAMP",
    "paper-conference": "CPAPER",
    "patent": "PAT",
    "periodical": "JFULL",
    "personal_communication": "PCOMM",
    "post": "ICOMM",
    "post-weblog": "BLOG",
    "regulation": "LEGAL",
    "report": "RPRT",
    "review": "JOUR",
    "review-book": "JOUR",
    "software": "COMP",
    "song": "SOUND",
    "standard": "STAND",
    "thesis": "THES",
    "webpage": "ELEC",
}
_JOURNAL_TYPES = frozenset({"JOUR", "MGZN", "NEWS"})
ET_AL_NOTE = "The source lists further authors as “et al.”; they are not named here."


class _Writer(rispy.RisWriter):
    """rispy's RIS writer without its numbered header line ("1.") before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _person(name: Name) -> str:
    """"Family, Given" (with ", Suffix"), a literal name as written, or a lone given name."""
    if name.literal:
        return name.literal
    family = name.family_with_particle
    if not family:
        return name.given
    return ", ".join(part for part in (family, name.given, name.suffix) if part)


def _ris_date(parts: tuple[int, ...]) -> str:
    """An RIS date, YYYY/MM/DD/ with unknown parts left empty: 2019/01/15/, 2024/02//."""
    year, month, day = (*parts, None, None)[:3]
    return f"{year:04d}/{'' if month is None else f'{month:02d}'}/{'' if day is None else f'{day:02d}'}/"


def record(item: ExportItem) -> dict[str, Any]:
    """The rispy record (tag names as rispy spells them) for one item, in RIS tag order."""
    csl = item.csl
    ris_type = RIS_TYPES.get(str(csl.get("type")), "GEN")
    out: dict[str, Any] = {"type_of_reference": ris_type, "id": item.key}
    text = {name: clean_text(csl.get(name)) for name in csl}

    if text.get("title"):
        out["title"] = text["title"]
    authors, et_al = listed_names(csl, "author")
    if authors:
        out["authors"] = [_person(name) for name in authors]
    editors, editors_et_al = listed_names(csl, "editor")
    if editors:
        out["secondary_authors"] = [_person(name) for name in editors]

    issued = date_parts(csl.get("issued"))
    if issued:
        out["year"] = f"{issued[0]:04d}"
        if len(issued) > 1:
            out["date"] = _ris_date(issued)

    container = text.get("container-title", "")
    if container:
        out["secondary_title"] = container
        if ris_type in _JOURNAL_TYPES:
            out["journal_name"] = (
                text.get("container-title-short") or text.get("journalAbbreviation") or container
            )
    for csl_name, ris_name in (("volume", "volume"), ("issue", "number")):
        if text.get(csl_name):
            out[ris_name] = text[csl_name]
    first, last = page_range(csl.get("page"))
    if first:
        out["start_page"] = first
    if last:
        out["end_page"] = last
    for csl_name, ris_name in (
        ("edition", "edition"),
        ("publisher", "publisher"),
        ("publisher-place", "place_published"),
    ):
        if text.get(csl_name):
            out[ris_name] = text[csl_name]
    if text.get("ISBN") or text.get("ISSN"):
        out["issn"] = text.get("ISBN") or text.get("ISSN")
    if text.get("DOI"):
        out["doi"] = text["DOI"]
    if text.get("URL"):
        out["urls"] = [text["URL"]]
    accessed = date_parts(csl.get("accessed"))
    if accessed:
        out["access_date"] = _ris_date(accessed)
    if text.get("PMID"):
        out["accession_number"] = text["PMID"]
    if text.get("language"):
        out["language"] = text["language"]
    if text.get("abstract"):
        out["abstract"] = text["abstract"]

    notes = list(item.notes)
    if text.get("PMID"):
        notes.append(f"PMID: {text['PMID']}")
    if text.get("PMCID"):
        notes.append(f"PMCID: {text['PMCID']}")
    if et_al or editors_et_al:
        notes.append(ET_AL_NOTE)
    if notes:
        out["notes"] = notes
    return out


def export(items: Sequence[ExportItem]) -> str:
    """An RIS file with one record per item, in the order given."""
    if not items:
        return ""
    return rispy.dumps([record(item) for item in items], implementation=_Writer)
