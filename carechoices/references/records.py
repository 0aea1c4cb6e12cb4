"""What a library record looks like, without Django: the CSL-JSON fields we keep and their forms.

Importers (``carechoices.references.importing``) and the back-office reference form build records
through ``normalise_record``, so a record typed by hand and one read from PubMed end up in the
same shape:

* ``type`` is one of ``CSL_TYPES`` (the model refuses any other);
* text fields are single lines (runs of whitespace become one space), titles lose the full stop
  PubMed ends them with (the citation style adds its own);
* names are ``{"family", "given"}`` (or ``{"literal"}`` for a group author), initials as written;
* ``issued`` is ``{"date-parts": [[year, month?, day?]]}`` with a plausible year;
* ``page`` is a range written with a hyphen, with an abbreviated end page written out
  ("200-8" becomes "200-208");
* the identifiers leave the CSL-JSON: DOI lower-case without a resolver prefix, PMID as digits,
  PMCID as ``PMC`` and digits, URL as given (http or https only). The model stores them in their
  own validated fields and merges them back when the record is cited or exported.

``RecordError`` names the field at fault, so an import can say "record 12 (line 340): DOI: …".
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .identifiers import normalise_doi, normalise_pmcid, normalise_pmid

__all__ = [
    "CSL_TYPES",
    "NormalisedRecord",
    "RecordError",
    "fold",
    "normalise_page",
    "normalise_record",
    "parse_year",
    "suggest_key",
]

#: The CSL item types the library accepts (``Reference.clean`` refuses others).
CSL_TYPES = frozenset(
    {
        "article-journal",
        "book",
        "chapter",
        "webpage",
        "report",
        "paper-conference",
        "thesis",
        "article",
    }
)

#: Text fields copied into the CSL-JSON when present (after whitespace clean-up).
TEXT_FIELDS = (
    "title",
    "container-title",
    "container-title-short",
    "collection-title",
    "volume",
    "issue",
    "page",
    "edition",
    "publisher",
    "publisher-place",
    "ISBN",
    "ISSN",
    "language",
    "status",
    "genre",
    "number",
)
NAME_FIELDS = ("author", "editor")
DATE_FIELDS = ("issued", "accessed")

_SPACE = re.compile(r"\s+")
_PAGE_RANGE = re.compile(r"^\s*([A-Za-z]*)(\d+)\s*(?:-{1,2}|–|—)\s*([A-Za-z]*)(\d+)\s*$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_NOT_WORD = re.compile(r"[^\w]+")
_KEY_CHARS = re.compile(r"[^a-z0-9]+")
_MAX_TEXT = 2000


class RecordError(ValueError):
    """A record that cannot be imported as it is; ``field`` names the CSL field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NormalisedRecord:
    """A record ready for the library: CSL-JSON without identifiers, and the identifiers."""

    csl: dict[str, Any]
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return str(self.csl.get("title", ""))

    def csl_item(self, key: str = "") -> dict[str, Any]:
        """The CSL-JSON with the identifiers merged in (as the site cites and exports it)."""
        item = dict(self.csl)
        if key:
            item["id"] = key
        for name, value in (("DOI", self.doi), ("PMID", self.pmid), ("PMCID", self.pmcid), ("URL", self.url)):
            if value:
                item[name] = value
        return item

    def model_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``Reference`` (apart from ``key``)."""
        return {"csl": dict(self.csl), "doi": self.doi, "pmid": self.pmid, "pmcid": self.pmcid, "url": self.url}


def clean(value: Any) -> str:
    """A string or number as one line of text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return _SPACE.sub(" ", str(value)).strip()


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents, punctuation and tags gone.

    This is Zotero's title normalisation (remove diacritics, ASCII punctuation to space, lower
    case), with HTML tags and LaTeX braces removed too since exports carry both.
    """
    text = re.sub(r"<[^>]{0,40}>", " ", text or "")
    text = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).replace("_", " ").split())


def parse_year(value: Any) -> int | None:
    """The four-digit year in a date string ("2019 Jan 15", "2019/01/15/", "Spring 2019")."""
    found = _YEAR.search(clean(value))
    return int(found.group(1)) if found else None


def normalise_page(value: Any) -> str:
    """"200-8" → "200-208", "e12--e19" → "e12-e19"; anything else cleaned but kept as written."""
    text = clean(value)
    found = _PAGE_RANGE.match(text)
    if not found:
        return text
    prefix, first, end_prefix, last = found.groups()
    if len(last) < len(first) and not end_prefix:
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{end_prefix or prefix}{last}"


def _name(value: Any, field_name: str) -> dict[str, str] | None:
    if isinstance(value, str):
        text = clean(value)
        return {"literal": text} if text else None
    if not isinstance(value, Mapping):
        raise RecordError(field_name, f"each name must be an object, not {type(value).__name__}.")
    literal = clean(value.get("literal"))
    if literal:
        return {"literal": literal}
    out = {}
    for part in ("family", "given", "non-dropping-particle", "dropping-particle", "suffix"):
        text = clean(value.get(part))
        if text:
            out[part] = text
    if "family" not in out and "given" in out:
        out = {"literal": out["given"]}
    return out or None


def _names(value: Any, field_name: str) -> list[dict[str, str]]:
    if value in (None, "", []):
        return []
    if not isinstance(value, list):
        raise RecordError(field_name, "must be a list of names.")
    return [name for name in (_name(v, field_name) for v in value) if name]


def _date(value: Any, field_name: str, today: datetime.date) -> dict[str, Any] | None:
    if value in (None, "", {}):
        return None
    parts: list[int] = []
    if isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    elif isinstance(value, str):
        year = parse_year(value)
        if year is None:
            raise RecordError(field_name, f"no four-digit year in {value[:40]!r}.")
        parts = [year]
    elif isinstance(value, Mapping):
        raw = value.get("date-parts")
        if isinstance(raw, list) and raw and isinstance(raw[0], list) and raw[0]:
            for part in raw[0][:3]:
                try:
                    parts.append(int(str(part).strip()))
                except ValueError:
                    break
        if not parts:
            year = parse_year(value.get("raw") or value.get("literal"))
            if year is None:
                raise RecordError(field_name, "the date has no year.")
            parts = [year]
    else:
        raise RecordError(field_name, "a date must be a year or a CSL date object.")
    year = parts[0]
    if not 1000 <= year <= today.year + 1:
        raise RecordError(field_name, f"{year} is not a plausible year of publication.")
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    if len(parts) == 3:
        try:
            datetime.date(*parts)
        except ValueError:
            parts = parts[:2]
    return {"date-parts": [parts]}


def _identifier(raw: Mapping[str, Any], name: str, normalise) -> str:
    value = raw.get(name)
    if value in (None, ""):
        return ""
    try:
        return normalise(value if isinstance(value, int) and name == "PMID" else clean(value))
    except ValueError as exc:
        raise RecordError(name, str(exc)) from None


def normalise_record(raw: Mapping[str, Any], *, today: datetime.date | None = None) -> NormalisedRecord:
    """Our form of a CSL-JSON-like mapping (identifiers under ``DOI``, ``PMID``, ``PMCID``, ``URL``).

    Raises ``RecordError`` naming the field when the record cannot be used: no title, an
    unknown type, an identifier that is not one, an implausible year.
    """
    today = today or datetime.date.today()
    if not isinstance(raw, Mapping):
        raise RecordError("record", "a record must be an object.")
    kind = clean(raw.get("type")) or "article-journal"
    if kind not in CSL_TYPES:
        raise RecordError("type", f"{kind!r} is not a type the library takes; one of: {', '.join(sorted(CSL_TYPES))}.")
    csl: dict[str, Any] = {"type": kind}
    for name in TEXT_FIELDS:
        text = clean(raw.get(name))
        if not text:
            continue
        if len(text) > _MAX_TEXT:
            raise RecordError(name, f"longer than {_MAX_TEXT} characters.")
        csl[name] = text
    title = csl.get("title", "")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    if not title:
        raise RecordError("title", "the record has no title.")
    csl["title"] = title
    if "page" in csl:
        csl["page"] = normalise_page(csl["page"])
    for name in NAME_FIELDS:
        found = _names(raw.get(name), name)
        if found:
            csl[name] = found
    for name in DATE_FIELDS:
        found = _date(raw.get(name), name, today)
        if found:
            csl[name] = found
    note = clean(raw.get("note"))
    if note:
        csl["note"] = note[:_MAX_TEXT]
    url = clean(raw.get("URL"))
    warnings: list[str] = []
    if url and not re.match(r"^https?://\S+$", url, re.IGNORECASE):
        warnings.append(f"URL {url[:60]!r} is not a web address and was left out.")
        url = ""
    if len(url) > 500:
        warnings.append("URL longer than 500 characters was left out.")
        url = ""
    return NormalisedRecord(
        csl=csl,
        doi=_identifier(raw, "DOI", normalise_doi),
        pmid=_identifier(raw, "PMID", normalise_pmid),
        pmcid=_identifier(raw, "PMCID", normalise_pmcid),
        url=url,
        warnings=tuple(warnings),
    )


def first_author_family(csl: Mapping[str, Any]) -> str:
    for variable in ("author", "editor"):
        names = csl.get(variable)
        if isinstance(names, list) and names and isinstance(names[0], Mapping):
            first = names[0]
            return clean(first.get("family") or first.get("literal"))
    return ""


def suggest_key(csl: Mapping[str, Any], taken: set[str]) -> str:
    """A citation key such as ``bolton2019`` (``bolton2019a``, ``…b`` when taken); adds it to ``taken``."""
    stem = _KEY_CHARS.sub("", fold(first_author_family(csl)))[:30]
    if not stem:
        words = [w for w in fold(str(csl.get("title", ""))).split() if len(w) > 3]
        stem = _KEY_CHARS.sub("", words[0] if words else "ref")[:30] or "ref"
    parts = csl.get("issued", {}).get("date-parts") if isinstance(csl.get("issued"), Mapping) else None
    year = str(parts[0][0]) if parts and parts[0] else "nd"
    base = f"{stem}{year}"
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + _suffix(n)
    taken.add(key)
    return key


def _suffix(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
