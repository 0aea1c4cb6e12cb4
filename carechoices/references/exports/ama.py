"""AMA text: the reference list as the site renders it, one numbered entry per line.

Each line is ``<number>. <entry>``, the entry being the plain-text AMA 11 rendering from
``carechoices.references.formatting`` (the same text as on the page), followed by the flags the
page shows with it in square brackets: ``[Incomplete entry: title not recorded.]`` and the
editors' verification note. Numbers are the items' own (the review's citation numbers), so a
line keeps the number it has on the review's pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from carechoices.references.formatting import format_references

from .base import ExportItem, sentence

__all__ = ["EXTENSION", "LABEL", "MEDIA_TYPE", "export"]

LABEL = "text"
EXTENSION = "txt"
MEDIA_TYPE = "text/plain; charset=utf-8"


def export(items: Sequence[ExportItem]) -> str:
    """Plain text, one ``N. entry`` line per item in the order given, ending with a newline."""
    formatted = format_references([item.csl for item in items])
    lines = []
    for item, entry in zip(items, formatted, strict=True):
        parts = [f"{item.number}.", " ".join(entry.text.split())]
        parts += [f"[{sentence(flag)}]" for flag in item.flags]
        lines.append(" ".join(part for part in parts if part))
    return "".join(f"{line}\n" for line in lines)
