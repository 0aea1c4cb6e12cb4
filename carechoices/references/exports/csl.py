"""CSL-JSON: the stored records as an array that Zotero, Mendeley, pandoc and citeproc read.

Each record is the reference's CSL-JSON with our citation key as ``id`` and the DOI, PMID,
PMCID and URL filled in from the validated fields. The output always validates against the
official schema vendored in ``carechoices/references/schema/`` (``csl-data.json``): only fields
that schema defines are written at the top level, with the types it allows; whatever else a
stored record holds (a field the schema does not know, a value of the wrong type) is kept under
``custom``, the schema's place for extra data, rather than dropped. The flags the reference list
shows (an incomplete entry, what was not verified) are added to ``note`` for people and under
``custom`` (``missing-fields``, ``verification-note``) for programs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from .base import ExportItem

__all__ = ["EXTENSION", "LABEL", "MEDIA_TYPE", "export", "record", "schema"]

LABEL = "CSL-JSON"
EXTENSION = "json"
MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

_SCHEMA_PACKAGE = "carechoices.references.schema"
_SCHEMA_FILE = "csl-data.json"
_NAME_REF = "#/definitions/name-variable"
_DATE_REF = "#/definitions/date-variable"
_JSON_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "boolean": (bool,),
}


@cache
def schema() -> dict[str, Any]:
    """The vendored CSL-JSON schema (draft-07), parsed once."""
    text = resources.files(_SCHEMA_PACKAGE).joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _types(spec: Mapping[str, Any]) -> tuple[str, ...]:
    declared = spec.get("type", ())
    return (declared,) if isinstance(declared, str) else tuple(declared)


def _fits(value: Any, types: tuple[str, ...]) -> bool:
    # bool is an int in Python, but not a number in JSON Schema.
    if isinstance(value, bool):
        return "boolean" in types
    return any(isinstance(value, _JSON_TYPES[t]) for t in types if t in _JSON_TYPES)


@cache
def _object_model(reference: str) -> dict[str, tuple[str, ...]]:
    """Property name → allowed JSON types of a schema definition (the name or date model)."""
    definition = schema()["definitions"][reference.rsplit("/", 1)[-1]]
    (model,) = definition["anyOf"]
    return {name: _types(spec) for name, spec in model["properties"].items()}


@cache
def _fields() -> dict[str, Any]:
    """Each top-level CSL-JSON field → "names", "date", "strings", "object", or its types."""
    fields: dict[str, Any] = {}
    for name, spec in schema()["items"]["properties"].items():
        items = spec.get("items", {})
        if spec.get("$ref") == _DATE_REF:
            fields[name] = "date"
        elif items.get("$ref") == _NAME_REF:
            fields[name] = "names"
        elif _types(spec) == ("array",):
            fields[name] = "strings"
        elif _types(spec) == ("object",):
            fields[name] = "object"
        else:
            fields[name] = _types(spec)
    return fields


@cache
def _item_types() -> frozenset[str]:
    return frozenset(schema()["items"]["properties"]["type"]["enum"])


def _name(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    model = _object_model(_NAME_REF)
    name = {k: v for k, v in value.items() if k in model and _fits(v, model[k])}
    return name or None


def _date_range(parts: Any) -> bool:
    return (
        isinstance(parts, list)
        and 1 <= len(parts) <= 3
        and all(_fits(part, ("string", "number")) for part in parts)
    )


def _date(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    model = _object_model(_DATE_REF)
    date: dict[str, Any] = {}
    for key, part in value.items():
        if key == "date-parts":
            ranges = [r for r in part[:2] if _date_range(r)] if isinstance(part, list) else []
            if ranges:
                date[key] = ranges
        elif key in model and _fits(part, model[key]):
            date[key] = part
    return date or None


def _conform(name: str, value: Any) -> tuple[Any, bool]:
    """(the value as the schema allows it, or None; whether nothing had to be left out)."""
    kind = _fields().get(name)
    if kind is None:
        return None, False
    if kind == "names":
        entries = value if isinstance(value, list) else []
        cleaned = [n for n in map(_name, entries) if n is not None]
        return (cleaned or None), isinstance(value, list) and cleaned == value
    if kind == "date":
        cleaned_date = _date(value)
        return cleaned_date, cleaned_date == value
    if kind == "strings":
        strings = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return (strings or None), isinstance(value, list) and strings == value
    if kind == "object":
        return (dict(value), True) if isinstance(value, Mapping) else (None, False)
    if _fits(value, kind):
        return value, True
    if "string" in kind and _fits(value, ("number",)):
        return str(value), True
    return None, False


def record(item: ExportItem) -> dict[str, Any]:
    """The CSL-JSON record for one item, valid against the vendored schema."""
    csl = item.csl
    item_type = csl.get("type")
    out: dict[str, Any] = {
        "id": item.key,
        "type": item_type if isinstance(item_type, str) and item_type in _item_types() else "document",
    }
    custom: dict[str, Any] = {}
    if item_type != out["type"] and item_type is not None:
        custom["type"] = item_type
    for name, value in csl.items():
        if name in ("id", "type", "note", "custom"):
            continue
        cleaned, lossless = _conform(name, value)
        if cleaned is not None:
            out[name] = cleaned
        if not lossless:
            custom[name] = value
    own_note = csl.get("note")
    if own_note is not None and not isinstance(own_note, str):
        custom["note"] = own_note
    note_lines = [own_note.strip()] if isinstance(own_note, str) and own_note.strip() else []
    note_lines += item.flags
    if note_lines:
        out["note"] = "\n".join(note_lines)
    stored_custom = csl.get("custom")
    if isinstance(stored_custom, Mapping):
        custom = {**stored_custom, **custom}
    elif stored_custom is not None:
        custom["custom"] = stored_custom
    if item.missing:
        custom["missing-fields"] = list(item.missing)
    if item.verification_note.strip():
        custom["verification-note"] = item.verification_note.strip()
    if custom:
        out["custom"] = custom
    return out


def export(items: Sequence[ExportItem]) -> str:
    """A CSL-JSON array of ``items`` in the order given, as UTF-8-ready text."""
    return json.dumps([record(item) for item in items], ensure_ascii=False, indent=2) + "\n"
