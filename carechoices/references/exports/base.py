"""What every exporter reads: one ``ExportItem`` per reference, and helpers they share.

An exporter is a module with ``export(items: Sequence[ExportItem]) -> str``. ``ExportItem``
holds the CSL-JSON as the site uses it (``id`` is our citation key; DOI, PMID, PMCID and URL
merged in from the validated fields), the number the reference has in the list being exported,
and what the reference list flags: the essentials the entry lacks and the editors' verification
note. Nothing here imports Django, so the exporters can be tested and reused on plain data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carechoices.references.formatting import csl_json_is_complete

#: Author entries that stand for "and others" (see formatting.ET_AL_AUTHOR).
ET_AL_LITERALS = frozenset({"et al.", "et al", "others"})

# Initials written together, as PubMed writes them ("JT", "APS"), or a single initial.
_INITIALS = re.compile(r"[A-Z]{1,4}")
_SPACE = re.compile(r"\s+")
_RANGE = re.compile(r"^\s*([^\s,;–—-]+)\s*(?:-{1,2}|–|—)\s*([^\s,;–—-]+)\s*$")
_YEAR = re.compile(r"\b(\d{4})\b")


@dataclass(frozen=True)
class ExportItem:
    """One reference to export.

    ``csl`` is CSL-JSON with ``id`` set to the citation key; ``number`` is its place in the list
    (the review-wide citation number, or the position in the library); ``missing`` names the
    essential CSL fields not recorded (``csl_json_is_complete``); ``verification_note`` says what
    editors have not verified against the publisher.
    """

    csl: Mapping[str, Any]
    number: int
    missing: tuple[str, ...] = ()
    verification_note: str = ""

    @property
    def key(self) -> str:
        return str(self.csl.get("id", ""))

    @property
    def flags(self) -> list[str]:
        """What the reference list shows next to the entry: incompleteness, then verification."""
        out = []
        if self.missing:
            fields = ", ".join(field.replace("|", " or ") for field in self.missing)
            out.append(f"Incomplete entry: {fields} not recorded.")
        note = clean_text(self.verification_note)
        if note:
            out.append(note)
        return out

    @property
    def notes(self) -> list[str]:
        """The record's own CSL ``note`` (if any) followed by the flags."""
        own = clean_text(self.csl.get("note")) if isinstance(self.csl.get("note"), str) else ""
        return ([own] if own else []) + self.flags


def export_item(csl: Mapping[str, Any], number: int, *, verification_note: str = "") -> ExportItem:
    """An ``ExportItem`` for ``csl`` (which needs an ``id``), with its missing fields worked out."""
    if not isinstance(csl, Mapping) or not clean_text(csl.get("id")):
        raise ValueError(f"reference number {number} has no 'id'")
    return ExportItem(
        csl=dict(csl),
        number=number,
        missing=tuple(csl_json_is_complete(csl)),
        verification_note=verification_note or "",
    )


# --- shared helpers -------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """A string or number as one line of text (runs of whitespace become one space)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return _SPACE.sub(" ", str(value)).strip()


def sentence(text: str) -> str:
    """``text`` ending with a full stop (or the punctuation it already ends with)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


@dataclass(frozen=True)
class Name:
    """A CSL name reduced to what RIS and BibTeX can say."""

    family: str = ""
    given: str = ""
    particle: str = ""  # dropping and non-dropping particles, in reading order ("van der")
    suffix: str = ""
    literal: str = ""

    @property
    def is_et_al(self) -> bool:
        return self.literal.casefold() in ET_AL_LITERALS

    @property
    def family_with_particle(self) -> str:
        return " ".join(part for part in (self.particle, self.family) if part)


def given_name(given: str) -> str:
    """Initials written together or bare ("IS", "M") as separate initials ("I. S.", "M.")."""
    if _INITIALS.fullmatch(given):
        return " ".join(f"{letter}." for letter in given)
    return given


def names(item: Mapping[str, Any], variable: str) -> list[Name]:
    """The names of one CSL name variable ("author", "editor"), skipping unusable entries."""
    value = item.get(variable)
    if not isinstance(value, list):
        return []
    out = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        literal = clean_text(entry.get("literal"))
        if literal:
            out.append(Name(literal=literal))
            continue
        family = clean_text(entry.get("family"))
        given = clean_text(entry.get("given"))
        particle = " ".join(
            part
            for part in (
                clean_text(entry.get("dropping-particle")),
                clean_text(entry.get("non-dropping-particle")),
            )
            if part
        )
        suffix = clean_text(entry.get("suffix"))
        if family or given:
            out.append(Name(family=family, given=given_name(given), particle=particle, suffix=suffix))
    return out


def listed_names(item: Mapping[str, Any], variable: str) -> tuple[list[Name], bool]:
    """The names without any "et al." entry, and whether the list ended with one."""
    all_names = names(item, variable)
    listed = [name for name in all_names if not name.is_et_al]
    return listed, len(listed) != len(all_names)


def date_parts(value: Any) -> tuple[int, ...]:
    """(year,), (year, month) or (year, month, day) of a CSL date; () when there is none.

    A month outside 1-12 is dropped with the day, a day outside 1-31 on its own; a literal date
    ("Spring 1993") gives its four-digit year if it has one.
    """
    if not isinstance(value, Mapping):
        return ()
    parts = value.get("date-parts")
    numbers: list[int] = []
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        for part in parts[0][:3]:
            try:
                numbers.append(int(part))
            except (TypeError, ValueError):
                break
    if not numbers or numbers[0] == 0:
        literal = clean_text(value.get("literal") or value.get("raw"))
        found = _YEAR.search(literal)
        return (int(found.group(1)),) if found else ()
    if len(numbers) >= 2 and not 1 <= numbers[1] <= 12:
        return tuple(numbers[:1])
    if len(numbers) == 3 and not 1 <= numbers[2] <= 31:
        return tuple(numbers[:2])
    return tuple(numbers)


def page_range(page: Any) -> tuple[str, str]:
    """(first, last) page of a single range such as "200-208"; ("10", "") for one page.

    Anything else (several ranges, "10, 12") is returned whole as the first page.
    """
    text = clean_text(page)
    found = _RANGE.match(text)
    if found:
        return found.group(1), found.group(2)
    return text, ""
