"""CSL-JSON, as Zotero, Mendeley, pandoc and our own export write it.

An array of items (a single item, or ``{"items": [...]}``, is accepted too). Our own export
keeps extra data under ``custom``; only the fields our records use are read (see
``carechoices.references.records``). ``id`` becomes the record's hint (and, for an item from our
own export, the citation key the editor may want to keep).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .base import FileUnreadable, SourceRecord

NAME = "csl-json"
LABEL = "CSL-JSON"
EXTENSIONS = (".json",)


def sniff(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    if isinstance(data, dict):
        return [data]
    raise FileUnreadable("CSL-JSON must be an array of items.")


def parse(text: str) -> Iterator[SourceRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileUnreadable(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    for item in _items(data):
        if not isinstance(item, dict):
            yield SourceRecord(error=("record", "each CSL-JSON item must be an object"))
            continue
        yield SourceRecord(fields=dict(item), hint=str(item.get("id", ""))[:80])
