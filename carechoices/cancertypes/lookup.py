"""Cancer type names by slug, for code that turns a review's stored slugs into words.

Evidence blocks store slugs; the pages, the record and the rubric read names. One query fills a
per-process table that saving or deleting a cancer type empties (and that lasts at most
:data:`TTL` seconds, for changes made by another process).
"""

from __future__ import annotations

import threading
import time

TTL = 60.0
_lock = threading.Lock()
_table: dict[str, tuple[str, str]] | None = None
_loaded = 0.0


def _rows() -> dict[str, tuple[str, str]]:
    global _table, _loaded
    table = _table
    if table is not None and time.monotonic() - _loaded < TTL:
        return table
    from .models import CancerType

    with _lock:
        table = {slug: (name, synonyms) for slug, name, synonyms in
                 CancerType.objects.values_list("slug", "name", "synonyms")}
        _table, _loaded = table, time.monotonic()
    return table


def names() -> dict[str, str]:
    """slug → name for every cancer type."""
    return {slug: row[0] for slug, row in _rows().items()}


def name_of(slug: str) -> str:
    """The name for a slug (the slug itself when no cancer type has it)."""
    row = _rows().get(slug)
    return row[0] if row else slug


def searchable(slug: str) -> str:
    """The name and synonyms of a slug's cancer type, as search indexes them."""
    row = _rows().get(slug)
    return " ".join(filter(None, row)) if row else ""


def forget() -> None:
    global _table
    _table = None
