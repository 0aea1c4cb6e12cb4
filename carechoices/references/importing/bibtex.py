"""BibTeX and BibLaTeX, read with bibtexparser 2.

bibtexparser resolves ``@string`` macros and removes enclosing braces or quotes; co-authors are
separated and names split into first/von/last/jr parts (``SeparateCoAuthors``,
``SplitNameParts``) before LaTeX is decoded, so a braced corporate author
(``{World Health Organization}``) stays one name. LaTeX (``{\\"u}``, ``\\'e``, ``\\emph{…}``,
protective braces) is decoded with pylatexenc. A block bibtexparser cannot parse is reported
with the line it starts on; the rest of the file is still read.

Identifiers: ``doi``, ``pmid``, ``pmcid``, and BibLaTeX's ``eprint`` with ``eprinttype``
``pubmed`` or ``pmc``; ``url``. Journal from ``journal`` or ``journaltitle``, year from
``year`` or ``date``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from .base import SourceRecord

NAME = "bibtex"
LABEL = "BibTeX"
EXTENSIONS = (".bib", ".bibtex")

TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ENTRY = re.compile(r"@\s*[a-zA-Z]+\s*[{(]")


def sniff(text: str) -> bool:
    return bool(_ENTRY.search(text[:5000]))


@cache
def _latex():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    if "\\" not in value and "{" not in value and "~" not in value:
        return value
    try:
        return _latex().latex_to_text(value.replace("~", " "))
    except Exception:  # noqa: BLE001 - pylatexenc raises several types; keep the raw text
        return value.replace("{", "").replace("}", "")


def _name(parts) -> dict[str, str]:
    last = " ".join(parts.last)
    if not parts.first and not parts.von and last.startswith("{") and last.endswith("}"):
        return {"literal": _text(last[1:-1])}
    out = {"family": _text(last)}
    if parts.first:
        out["given"] = _text(" ".join(parts.first))
    if parts.von:
        out["non-dropping-particle"] = _text(" ".join(parts.von))
    if parts.jr:
        out["suffix"] = _text(" ".join(parts.jr))
    return out


def _names(value: Any) -> list[dict[str, str]]:
    if isinstance(value, list):
        return [_name(p) for p in value if hasattr(p, "last")]
    return []


def _issued(fields: dict[str, Any]) -> Any:
    year = _text(fields.get("year", ""))
    date = _text(fields.get("date", ""))
    if not year and date:
        numbers = [p for p in date.split("/")[0].split("-") if p.isdigit()]
        return {"date-parts": [[int(n) for n in numbers[:3]]]} if numbers else date
    if not year:
        return None
    if not year.strip().isdigit():
        return year
    parts = [int(year)]
    month = _text(fields.get("month", "")).strip().lower()[:3]
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    elif month in _MONTHS:
        parts.append(_MONTHS[month])
    return {"date-parts": [parts]}


def _record(entry) -> dict[str, Any]:
    raw = {f.key.lower(): f.value for f in entry.fields}

    def text(*keys: str) -> str:
        for key in keys:
            value = _text(raw.get(key, ""))
            if value.strip():
                return value.strip()
        return ""

    kind = TYPES.get(entry.entry_type.lower())
    if kind is None:
        kind = "webpage" if raw.get("url") and not raw.get("journal") else "article"
    out: dict[str, Any] = {
        "type": kind,
        "title": text("title"),
        "author": _names(raw.get("author")),
        "editor": _names(raw.get("editor")),
        "issued": _issued(raw),
        "volume": text("volume"),
        "issue": text("number", "issue"),
        "page": text("pages"),
        "publisher": text("publisher", "institution", "school", "organization"),
        "publisher-place": text("address", "location"),
        "edition": text("edition"),
        "DOI": text("doi"),
        "PMID": text("pmid"),
        "PMCID": text("pmcid"),
        "URL": text("url"),
        "ISBN": text("isbn"),
        "ISSN": text("issn"),
    }
    if kind == "chapter":
        out["container-title"] = text("booktitle")
    elif kind == "paper-conference":
        out["container-title"] = text("booktitle", "eventtitle")
    elif kind != "book":
        out["container-title"] = text("journal", "journaltitle", "booktitle")
        out["container-title-short"] = text("shortjournal")
    eprint_type = text("eprinttype", "archiveprefix").lower()
    if eprint_type in ("pubmed", "pmid") and not out["PMID"]:
        out["PMID"] = text("eprint")
    elif eprint_type in ("pmc", "pmcid") and not out["PMCID"]:
        out["PMCID"] = text("eprint")
    return {k: v for k, v in out.items() if v not in ("", None, [])}


def parse(text: str) -> Iterator[SourceRecord]:
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # failures are reported below
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    blocks = [(entry.start_line, entry, None) for entry in library.entries]
    blocks += [(failed.start_line, None, failed) for failed in library.failed_blocks
               if not _is_comment_or_macro(failed)]
    for start, entry, failed in sorted(blocks, key=lambda block: block[0]):
        line = start + 1
        if failed is not None:
            yield SourceRecord(line=line, error=("record", _failure(failed)))
            continue
        yield SourceRecord(fields=_record(entry), line=line, hint=entry.key)


def _is_comment_or_macro(failed) -> bool:
    raw = getattr(failed, "raw", "") or ""
    return bool(re.match(r"\s*@\s*(comment|preamble|string)\b", raw, re.IGNORECASE))


def _failure(failed) -> str:
    error = getattr(failed, "error", None)
    name = type(failed).__name__
    if name == "DuplicateBlockKeyBlock":
        return f"citation key {getattr(failed, 'key', '')!r} is used twice in the file"
    if name == "DuplicateFieldKeyBlock":
        return f"a field is given twice ({', '.join(sorted(getattr(failed, 'duplicate_keys', []) or []))})"
    if error is not None and str(error):
        return f"not valid BibTeX: {error}"
    return "not valid BibTeX (an unclosed brace or a missing comma?)"
