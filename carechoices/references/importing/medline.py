"""PubMed's MEDLINE format (the ``.nbib`` / "PubMed" export), read by a small tag reader.

A record is a run of lines ``TAG - value`` (the tag padded to four characters, then ``- ``);
a line that starts with six spaces continues the previous value (PubMed wraps titles and
abstracts at about 80 characters); records are separated by blank lines. Tags used:

PMID, PMC (PMCID), TI (title), BTI (book title), FAU/AU (full and short author names; full
preferred), CN (group author), FED/ED (editors), JT/TA (journal, full and abbreviated),
DP (date of publication), VI, IP, PG, LID/AID (identifiers marked ``[doi]``), PT
(publication type), PST (``aheadofprint``), PB/PL (book publisher and place), IS, LA.

Everything else (abstract, MeSH terms, affiliations) is ignored: the library keeps the citation.
See https://www.nlm.nih.gov/bsd/mms/medlineelements.html for the element list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .base import SourceRecord

NAME = "medline"
LABEL = "PubMed (MEDLINE / .nbib)"
EXTENSIONS = (".nbib", ".medline", ".txt")

_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_LANGUAGES = {"eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "jpn": "ja", "chi": "zh"}


def sniff(text: str) -> bool:
    head = text.lstrip()[:2000]
    return bool(re.match(r"^PMID- ?\d", head)) or bool(re.search(r"^PMID- ", head, re.MULTILINE))


def _records(text: str) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    tags: list[tuple[str, str]] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if tags:
                yield start, tags
                tags = []
            continue
        if line.startswith("      ") or line.startswith("\t"):
            if tags:
                tag, value = tags[-1]
                tags[-1] = (tag, f"{value} {line.strip()}")
            continue
        found = _LINE.match(line)
        if found is None:
            if tags:  # a wrapped line that lost its indentation
                tag, value = tags[-1]
                tags[-1] = (tag, f"{value} {line.strip()}")
            continue
        if not tags:
            start = number
        tags.append((found.group(1), found.group(2).strip()))
    if tags:
        yield start, tags


def _date(value: str) -> dict[str, Any] | None:
    words = value.replace("-", " ").split()
    if not words or not words[0][:4].isdigit():
        return {"raw": value} if value else None
    parts = [int(words[0][:4])]
    if len(words) > 1 and words[1][:3].lower() in _MONTHS:
        parts.append(_MONTHS[words[1][:3].lower()])
        if len(words) > 2 and words[2].isdigit():
            parts.append(int(words[2]))
    return {"date-parts": [parts]}


def _full_name(value: str) -> dict[str, str]:
    family, _, given = value.partition(",")
    return {"family": family.strip(), "given": given.strip()} if given.strip() else {"family": family.strip()}


def _short_name(value: str) -> dict[str, str]:
    family, _, initials = value.rpartition(" ")
    if family and initials.isupper() and initials.isalpha():
        return {"family": family, "given": initials}
    return {"family": value}


def _record(tags: list[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value)

    def one(tag: str) -> str:
        return values.get(tag, [""])[0]

    types = [t.lower() for t in values.get("PT", [])]
    is_book = bool(values.get("BTI")) or any(t in ("book", "books") for t in types)
    out: dict[str, Any] = {"type": "article-journal"}
    if is_book:
        out["type"] = "chapter" if one("TI") and one("BTI") else "book"
        out["title"] = one("TI") or one("BTI")
        if out["type"] == "chapter":
            out["container-title"] = one("BTI")
        out["publisher"] = one("PB")
        out["publisher-place"] = one("PL")
    else:
        out["title"] = one("TI")
        out["container-title"] = one("JT") or one("TA")
        out["container-title-short"] = one("TA")
        out["volume"] = one("VI")
        out["issue"] = one("IP")
        out["page"] = one("PG")
    full, short = values.get("FAU", []), values.get("AU", [])
    authors = [_full_name(v) for v in full] if full else [_short_name(v) for v in short]
    authors += [{"literal": v} for v in values.get("CN", [])]
    out["author"] = authors
    editors = values.get("FED") or values.get("ED") or []
    if editors:
        out["editor"] = [_full_name(v) if "," in v else _short_name(v) for v in editors]
    out["issued"] = _date(one("DP"))
    out["PMID"] = one("PMID")
    out["PMCID"] = one("PMC")
    for tag in ("LID", "AID"):
        for value in values.get(tag, []):
            if value.endswith("[doi]") and not out.get("DOI"):
                out["DOI"] = value[: -len("[doi]")].strip()
    if one("PST").lower() in ("aheadofprint", "epublish") and not one("VI"):
        out["status"] = "epub ahead of print"
    language = one("LA").lower()
    if language in _LANGUAGES:
        out["language"] = _LANGUAGES[language]
    out["ISSN"] = one("IS").split(" ")[0] if one("IS") else ""
    return {k: v for k, v in out.items() if v not in ("", None, [])}


def parse(text: str) -> Iterator[SourceRecord]:
    for line, tags in _records(text):
        fields = _record(tags)
        yield SourceRecord(fields=fields, line=line, hint=f"PMID {fields['PMID']}" if fields.get("PMID") else "")
