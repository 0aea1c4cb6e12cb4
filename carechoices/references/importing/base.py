"""The importer interface: every format reads text into ``SourceRecord`` values.

A format is a module with::

    NAME, LABEL, EXTENSIONS        # "ris", "RIS", (".ris",)
    sniff(text) -> bool            # does this text look like the format?
    parse(text) -> Iterator[SourceRecord]

``SourceRecord.fields`` is CSL-JSON-like (identifiers under ``DOI``/``PMID``/``PMCID``/``URL``);
``carechoices.references.records.normalise_record`` turns it into our form. A record the format
itself cannot read is a ``SourceRecord`` with ``error`` set (naming the field when it can), so one
bad record is reported with its place in the file and the others are still read. A file that
cannot be read at all raises ``FileUnreadable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FileUnreadable(ValueError):
    """The whole file cannot be read (wrong encoding, not the format, broken JSON)."""


@dataclass(frozen=True)
class SourceRecord:
    """One record as the format gave it; ``line`` is where it starts (1-based) when known."""

    fields: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    error: tuple[str, str] | None = None  # (field, message)
    hint: str = ""  # how the file names the record: its PMID, citation key or RIS ID


def decode(data: bytes | str) -> str:
    """Text with any byte-order mark removed and Windows or old Mac line endings made ``\\n``.

    UTF-8 first; files from older reference managers are often Windows-1252, tried next.
    """
    if isinstance(data, bytes):
        for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise FileUnreadable(
                    "the file is not text in UTF-8 or Windows-1252; export it again as UTF-8."
                ) from exc
    else:
        text = data
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")
