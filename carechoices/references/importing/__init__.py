"""Reference import: PubMed (MEDLINE/.nbib), RIS, BibTeX and CSL-JSON into our CSL-JSON.

One module per format behind the interface in ``base`` (``sniff``, ``parse``); every record is
normalised by ``carechoices.references.records.normalise_record`` and checked for duplicates by
``dedupe`` against the library and the records before it in the same files. ``plan_import``
does all of that without writing anything and without Django: the CLI's ``--dry-run`` prints the
plan, and the back office shows it as the preview. ``carechoices.references.importer`` writes a
plan to the database in one transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from types import ModuleType

from carechoices.references.records import (
    NormalisedRecord,
    RecordError,
    normalise_record,
    suggest_key,
)

from . import bibtex, csljson, medline, ris
from .base import FileUnreadable, SourceRecord, decode
from .dedupe import DuplicateIndex, Entry, Verdict, entry_from_csl

__all__ = [
    "FORMATS",
    "FileUnreadable",
    "ImportFileError",
    "ImportPlan",
    "ImportRow",
    "SourceRecord",
    "Status",
    "detect_format",
    "plan_import",
    "read_records",
]

#: Format name → module, in the order formats are tried when sniffing.
FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (medline, ris, bibtex, csljson)}
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


class Status:
    NEW = "new"
    DUPLICATE = "duplicate"
    POSSIBLE = "possible duplicate"
    INVALID = "invalid"
    ORDER = (NEW, DUPLICATE, POSSIBLE, INVALID)


class ImportFileError(ValueError):
    """A file that cannot be imported at all; the message names the file."""


@dataclass
class ImportRow:
    """One record of the files with what the import would do with it."""

    position: int  # 1-based, across all files in the order given
    file: str
    line: int | None
    hint: str
    status: str
    reason: str
    other: str = ""  # the library key (or "record N") it duplicates
    field: str = ""  # for an invalid record, the field at fault
    record: NormalisedRecord | None = None
    key: str = ""  # the citation key it would get
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        if self.hint:
            where.append(self.hint)
        return f"{self.file} record {self.position}" + (f" ({', '.join(where)})" if where else "")

    @property
    def title(self) -> str:
        return self.record.title if self.record else ""


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, format label)
    total: int = 0  # records in the files; more than ``len(rows)`` while a plan is partial

    @property
    def complete(self) -> bool:
        return len(self.rows) == self.total

    def outcomes(self) -> list[list[str]]:
        """What ``plan_import(resume=…)`` needs to carry on from this plan without re-checking."""
        return [[row.status, row.reason, row.other, row.key] for row in self.rows]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Status.ORDER, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def with_status(self, status: str) -> list[ImportRow]:
        return [row for row in self.rows if row.status == status]

    def row(self, position: int) -> ImportRow:
        return self.rows[position - 1]


def detect_format(name: str, text: str) -> ModuleType:
    """The format of a file: its content decides; the extension breaks ties."""
    suffix = PurePath(name).suffix.lower()
    matching = [module for module in FORMATS.values() if module.sniff(text)]
    for module in matching:
        if suffix in module.EXTENSIONS:
            return module
    if matching:
        return matching[0]
    raise ImportFileError(
        f"{name}: not a file this import reads (PubMed MEDLINE/.nbib, RIS, BibTeX or CSL-JSON)."
    )


def read_records(name: str, data: bytes | str, format_name: str | None = None) -> tuple[ModuleType, list[SourceRecord]]:
    """The format and the records of one file. Raises ``ImportFileError`` naming the file."""
    try:
        text = decode(data)
    except FileUnreadable as exc:
        raise ImportFileError(f"{name}: {exc}") from None
    if not text.strip():
        raise ImportFileError(f"{name}: the file is empty.")
    if format_name is not None:
        if format_name not in FORMATS:
            raise ImportFileError(f"{name}: unknown format {format_name!r}; one of {', '.join(FORMATS)}.")
        module = FORMATS[format_name]
    else:
        module = detect_format(name, text)
    try:
        records = list(module.parse(text))
    except FileUnreadable as exc:
        raise ImportFileError(f"{name}: {exc}") from None
    if not records:
        raise ImportFileError(f"{name}: no records found in this {module.LABEL} file.")
    return module, records


def _key_for(hint: str, record: NormalisedRecord, taken: set[str]) -> str:
    own = hint.strip().lower()
    if _KEY.match(own) and own not in taken and not own.startswith("record"):
        taken.add(own)
        return own
    return suggest_key(record.csl, taken)


def plan_import(
    files: Sequence[tuple[str, bytes | str]],
    library: Iterable[Entry],
    taken_keys: Iterable[str],
    *,
    format_name: str | None = None,
    progress: Callable[[str, int], Callable[[], None]] | None = None,
    today: datetime.date | None = None,
    until: int | None = None,
    resume: Sequence[Sequence[str]] = (),
) -> ImportPlan:
    """Read, normalise and classify every record of ``files`` (name, content) without writing.

    ``library`` is the library's entries (``dedupe.entry_from_csl``), ``taken_keys`` its keys;
    ``progress(description, total)`` returns a function called once per record classified.
    ``until`` stops after that many records (a partial plan, for showing progress across
    requests); ``resume`` is an earlier partial plan's ``outcomes()``, whose records are taken as
    classified rather than checked again. Raises ``ImportFileError`` when a file cannot be read.
    """
    plan = ImportPlan()
    read: list[tuple[str, SourceRecord]] = []
    for name, data in files:
        module, records = read_records(name, data, format_name)
        plan.files.append((name, module.LABEL))
        read += [(name, record) for record in records]
    plan.total = len(read)
    index = DuplicateIndex(library)
    taken = set(taken_keys)
    step = progress("Checking for duplicates", len(read)) if progress else None
    for position, (name, source) in enumerate(read, start=1):
        if until is not None and position > until:
            break
        row = ImportRow(position=position, file=name, line=source.line, hint=source.hint, status="", reason="")
        if source.error is not None:
            row.status, row.field, row.reason = Status.INVALID, source.error[0], source.error[1]
        else:
            try:
                record = normalise_record(source.fields, today=today)
            except RecordError as exc:
                row.status, row.field, row.reason = Status.INVALID, exc.field, exc.message
            else:
                row.record, row.warnings = record, record.warnings
                entry = entry_from_csl(f"record {position}", record.csl, doi=record.doi, pmid=record.pmid, pmcid=record.pmcid)
                if position <= len(resume):
                    row.status, row.reason, row.other, row.key = resume[position - 1][:4]
                    if row.status != Status.DUPLICATE:
                        taken.add(row.key)
                        index.add(entry)
                else:
                    match = index.classify(entry)
                    row.reason, row.other = match.reason, match.other
                    row.status = {
                        Verdict.NEW: Status.NEW,
                        Verdict.DUPLICATE: Status.DUPLICATE,
                        Verdict.POSSIBLE: Status.POSSIBLE,
                    }[match.verdict]
                    if row.status != Status.DUPLICATE:
                        row.key = _key_for(source.hint, record, taken)
                        index.add(entry)
        plan.rows.append(row)
        if step:
            step()
    return plan
