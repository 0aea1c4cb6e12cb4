"""RIS (EndNote, Zotero, Mendeley, Ovid, Embase, Scopus exports), read with rispy.

rispy splits the file at ``ER`` lines and maps tags to names (``AU`` → ``authors``, ``T2`` →
``secondary_title``…). Quirks handled here: files that end without a final ``ER`` (rispy drops
that record, so a missing ``ER`` is added), journals under ``T2``, ``JO``, ``JF`` or ``JA``,
dates under ``PY``, ``Y1`` or ``DA`` ("2019///" and "2019/01/15/"), authors written
"Family, Given" or "Family G", PMIDs under ``AN`` when ``DB``/``DP`` name PubMed or MEDLINE, and
"PMID: …" or "PMCID: PMC…" written into notes (``N1``) or ``C2`` by EndNote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from .base import FileUnreadable, SourceRecord

NAME = "ris"
LABEL = "RIS"
EXTENSIONS = (".ris",)

TYPES = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "MGZN": "article-journal",
    "EJOUR": "article-journal",
    "ABST": "article-journal",
    "INPR": "article-journal",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "webpage",
    "RPRT": "report",
    "GOVDOC": "report",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
}
_TY = re.compile(r"^TY {2}- ", re.MULTILINE)
_ER = re.compile(r"^ER {2}-", re.MULTILINE)
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,8})\b", re.IGNORECASE)
_PMCID_NOTE = re.compile(r"\b(PMC\d{1,8})\b")


def sniff(text: str) -> bool:
    return bool(_TY.search(text[:5000]))


def _name(value: str) -> dict[str, str]:
    value = value.strip()
    if "," in value:
        family, _, given = value.partition(",")
        given = given.strip().rstrip(",")
        return {"family": family.strip(), "given": given} if given else {"family": family.strip()}
    family, _, initials = value.rpartition(" ")
    if family and initials.replace(".", "").isupper() and len(initials.replace(".", "")) <= 4:
        return {"family": family, "given": initials}
    return {"literal": value}


def _first(entry: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _date(entry: dict[str, Any]) -> Any:
    for key in ("year", "publication_year", "date"):
        value = _first(entry, key)
        if not value:
            continue
        parts = [p for p in value.split("/") if p.strip()]
        numbers = []
        for part in parts[:3]:
            digits = part.strip()
            if not digits.isdigit():
                break
            numbers.append(int(digits))
        if numbers and numbers[0] >= 1000:
            return {"date-parts": [numbers]}
        return value  # normalise_record finds the year or names the field
    return None


def _record(entry: dict[str, Any]) -> dict[str, Any]:
    kind = TYPES.get(_first(entry, "type_of_reference").upper(), "article")
    title = _first(entry, "title", "primary_title")
    container = _first(entry, "secondary_title", "journal_name", "alternate_title3", "alternate_title2")
    if kind == "book" and not title:
        title = container
        container = ""
    authors = [_name(a) for a in (entry.get("authors") or []) + (entry.get("first_authors") or [])]
    editors = [_name(a) for a in entry.get("secondary_authors") or []] if kind in ("book", "chapter") else []
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    out: dict[str, Any] = {
        "type": kind,
        "title": title,
        "container-title": container,
        "container-title-short": _first(entry, "alternate_title1", "alternate_title2"),
        "author": authors,
        "editor": editors,
        "issued": _date(entry),
        "volume": _first(entry, "volume"),
        "issue": _first(entry, "number"),
        "page": f"{start}-{end}" if start and end and end != start else start,
        "publisher": _first(entry, "publisher"),
        "publisher-place": _first(entry, "place_published"),
        "edition": _first(entry, "edition"),
        "DOI": _first(entry, "doi"),
        "URL": _first(entry, "urls"),
    }
    if out["container-title-short"] == out["container-title"]:
        out["container-title-short"] = ""
    notes = " ".join(
        v if isinstance(v, str) else " ".join(map(str, v))
        for v in (entry.get("notes"), entry.get("custom2"), entry.get("note"))
        if v
    )
    database = " ".join(_first(entry, k) for k in ("name_of_database", "database_provider")).lower()
    accession = _first(entry, "accession_number")
    if accession.isdigit() and ("pubmed" in database or "medline" in database):
        out["PMID"] = accession
    elif (found := _PMID_NOTE.search(notes)) is not None:
        out["PMID"] = found.group(1)
    if (found := _PMCID_NOTE.search(notes)) is not None:
        out["PMCID"] = found.group(1)
    return {k: v for k, v in out.items() if v not in ("", None, [])}


def parse(text: str) -> Iterator[SourceRecord]:
    # rispy silently drops a last record without "ER": close it so it is read (or reported).
    last_ty = list(_TY.finditer(text))
    if last_ty and not _ER.search(text, last_ty[-1].start()):
        text = text.rstrip("\n") + "\nER  - \n"
    starts = [text.count("\n", 0, m.start()) + 1 for m in _TY.finditer(text)]
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except (OSError, ValueError, IndexError, KeyError) as exc:
        raise FileUnreadable(f"not a readable RIS file: {exc}") from exc
    for position, entry in enumerate(entries):
        line = starts[position] if position < len(starts) else None
        hint = _first(entry, "id")
        try:
            fields = _record(entry)
        except (AttributeError, TypeError) as exc:
            yield SourceRecord(line=line, error=("record", f"unreadable RIS record ({exc})"), hint=hint)
            continue
        yield SourceRecord(fields=fields, line=line, hint=hint)
