"""What someone typed into a search box, made safe to hand to a full-text engine (no Django).

Search boxes receive anything: quotes, ``AND OR NOT``, pasted paragraphs, control characters.
The engines we use treat some of these as syntax (SQLite FTS5 fails on a stray ``"``, Wagtail
issue 13227; PostgreSQL refuses NUL), so :func:`clean_query` turns the input into plain words:
quotes and control characters become spaces, whitespace collapses, and only the first
:data:`MAX_TERMS` words (and :data:`MAX_LENGTH` characters) are kept. Operators stay as
ordinary words, which the engines quote as terms.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Characters kept from a query; longer input is cut (and the cut is reported).
MAX_LENGTH = 200
#: Words kept from a query; each becomes one term of the engine's query.
MAX_TERMS = 12
#: Characters that are query syntax in FTS5 or tsquery and carry no meaning in a search box.
_SYNTAX = str.maketrans({c: " " for c in "\"'`´‘’“”„*^:()[]{}<>\\|&!~;"})


@dataclass(frozen=True)
class CleanQuery:
    """The words to search for, and whether the input had to be shortened."""

    text: str
    truncated: bool

    def __bool__(self) -> bool:
        return bool(self.text)


def _printable(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] == "C" or category in ("Zl", "Zp"):  # control, format, surrogate, unassigned
        return " "
    return char


def clean_query(raw: object) -> CleanQuery:
    """Plain words from anything typed: ``'"ldn  AND\\x00 glioma'`` → ``ldn AND glioma``."""
    text = raw if isinstance(raw, str) else ""
    truncated = len(text) > MAX_LENGTH * 5
    text = text[: MAX_LENGTH * 5]  # never scan more than this, however long the input
    text = "".join(_printable(c) for c in text).translate(_SYNTAX)
    words = text.split()
    if len(words) > MAX_TERMS:
        words, truncated = words[:MAX_TERMS], True
    text = " ".join(words)
    if len(text) > MAX_LENGTH:
        text, truncated = text[:MAX_LENGTH].rsplit(" ", 1)[0] or text[:MAX_LENGTH], True
    return CleanQuery(text=text, truncated=truncated)
