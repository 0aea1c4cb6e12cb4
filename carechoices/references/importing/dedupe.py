"""Duplicate detection for references, before anything is written.

The rules, in order (the first that applies decides):

1. **Same identifier → duplicate.** The same DOI (compared lower-case without resolver prefix),
   PMID or PMCID as a library entry or an earlier record of the same file. Zotero and JabRef
   both treat an equal identifier as decisive: Zotero's ``duplicates.js`` matches DOIs exactly
   after upper-casing (zotero/zotero, ``chrome/content/zotero/xpcom/duplicates.js``); JabRef's
   ``DuplicateCheck`` calls two entries duplicates when any identifier field is equal
   (JabRef/jabref, ``jablib/src/main/java/org/jabref/logic/database/DuplicateCheck.java``).
2. **Same normalised title, same first author, year within one → duplicate** — unless the two
   carry conflicting identifiers (both have a DOI, or both a PMID, or both a PMCID, and they
   differ): then it is only a *possible* duplicate, since a preprint and its journal version,
   or an article and its erratum, share title and authors but not DOIs. This is Zotero's title
   pass: titles folded (diacritics removed, punctuation to spaces, lower case), vetoed when DOIs
   differ or years are more than one apart, and requiring a shared first author (family name
   and first initial; or neither record has authors).
3. **Weighted similarity ≥ ``POSSIBLE_THRESHOLD`` (0.75) → possible duplicate**, for the editor
   to decide. Following JabRef, each field compared scores 0–1 and the scores are averaged with
   JabRef's weights: title 3, authors 2.5, journal 2, year 1; a field missing from either record
   is left out of the average, and the title must be present. JabRef's threshold is 0.75 too.
   Two records whose identifiers conflict are never possible duplicates by similarity alone
   (Zotero's DOI veto), nor are records more than a year apart (Zotero's year veto), which also
   keeps the comparison fast: candidates come from the same or neighbouring years only.

Title and author similarity use rapidfuzz (``fuzz.ratio`` on folded titles,
``fuzz.token_sort_ratio`` on family names); a journal abbreviation ("BMC Med") matches its full
name ("BMC Medicine") when every word of one starts the matching word of the other.

The index holds the library and grows as records of the file are classified, so a record that
repeats an earlier one in the same file is reported against it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from carechoices.references.records import fold

__all__ = [
    "POSSIBLE_THRESHOLD",
    "WEIGHTS",
    "DuplicateIndex",
    "Entry",
    "Match",
    "Verdict",
    "entry_from_csl",
    "similarity",
]

#: JabRef's weights for the fields compared (DuplicateCheck.java).
WEIGHTS: Mapping[str, float] = {"title": 3.0, "authors": 2.5, "journal": 2.0, "year": 1.0}
#: At or above this weighted similarity a record is a possible duplicate (JabRef: 0.75).
POSSIBLE_THRESHOLD = 0.75
# Titles less similar than this (rapidfuzz ratio, 0-100) cannot reach the threshold in practice:
# with title weight 3 of 8.5 and every other field identical, 3*0.55+5.5 = 7.15/8.5 = 0.84 …
# so the cut is loose enough; it only bounds the candidates scored in full.
_TITLE_CANDIDATE_CUTOFF = 55.0
_CANDIDATES = 8


class Verdict(enum.Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    POSSIBLE = "possible duplicate"


@dataclass(frozen=True)
class Entry:
    """What duplicate detection compares: one library entry or one imported record."""

    ref: str  # the library key, or "record N" for a record of the file being imported
    title: str  # folded
    families: tuple[str, ...]  # folded family names (or group names), in order
    first_initial: str
    year: int | None
    journal: str  # folded, dots dropped
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""

    @property
    def first_author(self) -> tuple[str, str] | None:
        return (self.families[0], self.first_initial) if self.families else None


@dataclass(frozen=True)
class Match:
    verdict: Verdict
    reason: str
    other: str = ""  # the library key or "record N"
    score: float | None = None
    conflicts: tuple[str, ...] = field(default=())


def _year(csl: Mapping[str, Any]) -> int | None:
    issued = csl.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                return None
    return None


def entry_from_csl(ref: str, csl: Mapping[str, Any], *, doi: str = "", pmid: str = "", pmcid: str = "") -> Entry:
    """An ``Entry`` from our CSL-JSON and identifiers (already normalised)."""
    families: list[str] = []
    first_initial = ""
    names = csl.get("author") or csl.get("editor") or []
    for position, name in enumerate(names if isinstance(names, list) else []):
        if not isinstance(name, Mapping):
            continue
        family = fold(str(name.get("family") or name.get("literal") or ""))
        if not family or family in ("et al", "others"):
            continue
        families.append(family)
        if position == 0:
            first_initial = fold(str(name.get("given", "")))[:1]
    journal = str(csl.get("container-title") or csl.get("container-title-short") or "")
    return Entry(
        ref=ref,
        title=fold(str(csl.get("title", ""))),
        families=tuple(families),
        first_initial=first_initial,
        year=_year(csl),
        journal=fold(journal.replace(".", "")),
        doi=doi.lower(),
        pmid=pmid,
        pmcid=pmcid.upper(),
    )


def _conflicts(a: Entry, b: Entry) -> tuple[str, ...]:
    return tuple(
        label
        for label, x, y in (("DOI", a.doi, b.doi), ("PMID", a.pmid, b.pmid), ("PMCID", a.pmcid, b.pmcid))
        if x and y and x != y
    )


def _journal_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    short, long_ = sorted((a.split(), b.split()), key=len)
    if short and len(short) == len(long_) and all(y.startswith(x) or x.startswith(y) for x, y in zip(short, long_, strict=True)):
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def similarity(a: Entry, b: Entry, *, title_ratio: float | None = None) -> float:
    """JabRef-style weighted similarity (0–1) over the fields both records have."""
    if not a.title or not b.title:
        return 0.0
    total = WEIGHTS["title"] * ((title_ratio if title_ratio is not None else fuzz.ratio(a.title, b.title)) / 100.0)
    weight = WEIGHTS["title"]
    if a.families and b.families:
        total += WEIGHTS["authors"] * fuzz.token_sort_ratio(" ".join(a.families), " ".join(b.families)) / 100.0
        weight += WEIGHTS["authors"]
    if a.journal and b.journal:
        total += WEIGHTS["journal"] * _journal_similarity(a.journal, b.journal)
        weight += WEIGHTS["journal"]
    if a.year is not None and b.year is not None:
        gap = abs(a.year - b.year)
        total += WEIGHTS["year"] * (1.0 if gap == 0 else 0.5 if gap == 1 else 0.0)
        weight += WEIGHTS["year"]
    return total / weight


def _same_first_author(a: Entry, b: Entry) -> bool:
    if not a.families and not b.families:
        return True
    if a.first_author is None or b.first_author is None:
        return False
    (fa, ia), (fb, ib) = a.first_author, b.first_author
    return fa == fb and (not ia or not ib or ia == ib)


def _years_close(a: Entry, b: Entry) -> bool:
    return a.year is None or b.year is None or abs(a.year - b.year) <= 1


class DuplicateIndex:
    """Entries to compare against: look a record up with ``classify``, then ``add`` it."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._by_doi: dict[str, Entry] = {}
        self._by_pmid: dict[str, Entry] = {}
        self._by_pmcid: dict[str, Entry] = {}
        self._by_title: dict[str, list[Entry]] = {}
        self._by_year: dict[int | None, list[Entry]] = {}
        self._titles_by_year: dict[int | None, list[str]] = {}
        self.size = 0
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        for index, value in ((self._by_doi, entry.doi), (self._by_pmid, entry.pmid), (self._by_pmcid, entry.pmcid)):
            if value:
                index.setdefault(value, entry)
        if entry.title:
            self._by_title.setdefault(entry.title, []).append(entry)
            self._by_year.setdefault(entry.year, []).append(entry)
            self._titles_by_year.setdefault(entry.year, []).append(entry.title)
        self.size += 1

    def classify(self, entry: Entry) -> Match:
        # 1. identifiers
        for label, index, value in (
            ("DOI", self._by_doi, entry.doi),
            ("PMID", self._by_pmid, entry.pmid),
            ("PMCID", self._by_pmcid, entry.pmcid),
        ):
            other = index.get(value) if value else None
            if other is not None:
                conflicts = _conflicts(entry, other)
                note = f" (but {' and '.join(conflicts)} differ)" if conflicts else ""
                return Match(Verdict.DUPLICATE, f"same {label} {value} as {other.ref}{note}", other.ref, 1.0, conflicts)
        if not entry.title:
            return Match(Verdict.NEW, "no title to compare")
        # 2. same title, first author, year within one
        for other in self._by_title.get(entry.title, ()):
            if not (_same_first_author(entry, other) and _years_close(entry, other)):
                continue
            conflicts = _conflicts(entry, other)
            if conflicts:
                return Match(
                    Verdict.POSSIBLE,
                    f"same title, first author and year as {other.ref}, but a different {' and '.join(conflicts)}",
                    other.ref, None, conflicts,
                )
            return Match(Verdict.DUPLICATE, f"same title, first author and year as {other.ref}", other.ref, 1.0)
        # 3. weighted similarity, among records no more than a year apart
        best: tuple[float, Entry] | None = None
        years = [None] if entry.year is None else [entry.year - 1, entry.year, entry.year + 1, None]
        buckets = list(self._by_year) if entry.year is None else years
        for year in dict.fromkeys(buckets):
            titles = self._titles_by_year.get(year)
            if not titles:
                continue
            found = process.extract(
                entry.title, titles, scorer=fuzz.ratio, score_cutoff=_TITLE_CANDIDATE_CUTOFF, limit=_CANDIDATES
            )
            for _title, ratio, position in found:
                other = self._by_year[year][position]
                if _conflicts(entry, other):
                    continue
                score = similarity(entry, other, title_ratio=ratio)
                if best is None or score > best[0]:
                    best = (score, other)
        if best is not None and best[0] >= POSSIBLE_THRESHOLD:
            score, other = best
            return Match(
                Verdict.POSSIBLE,
                f"looks like {other.ref} (similarity {score:.2f}: title, authors, journal and year compared)",
                other.ref, round(score, 3),
            )
        return Match(Verdict.NEW, "no match in the library or earlier in the file")
