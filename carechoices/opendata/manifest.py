"""The export's layout, its canonical JSON, the manifest and the zip: plain Python, no Django.

Every JSON file is written the one way ``dumps`` writes it (UTF-8, two-space indent, sorted keys,
``\\n`` line ends, a final newline), so the same content gives the same bytes on every machine and
database, and an export imported and exported again is byte-identical. The manifest lists every
other file with its kind, the schema it follows, its size and its SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from . import EXPORT_FORMAT, ZIP_FOLDER

MANIFEST = "manifest.json"
LICENCE = "LICENCE.md"
SITE = "site.json"
REFERENCES = "references.json"
REFERENCES_CSL = "references.csl.json"
GLOSSARY = "glossary.json"
PEOPLE = "people.json"
REVIEWS_DIR = "reviews"
SCHEMA_DIR = "schema"

#: The JSON Schema each kind of file follows (all written under ``schema/``).
SCHEMAS = {
    "manifest": f"{SCHEMA_DIR}/manifest.schema.json",
    "site": f"{SCHEMA_DIR}/site.schema.json",
    "review": f"{SCHEMA_DIR}/review.schema.json",
    "references": f"{SCHEMA_DIR}/references.schema.json",
    "glossary": f"{SCHEMA_DIR}/glossary.schema.json",
    "people": f"{SCHEMA_DIR}/people.schema.json",
    # The Citation Style Language project's own schema for CSL-JSON input data.
    "csl": f"{SCHEMA_DIR}/csl-data.json",
}
#: The CSL schema's own licence (MIT), which travels with it.
CSL_SCHEMA_LICENCE = f"{SCHEMA_DIR}/csl-data.LICENSE.txt"
_FIXED = {SITE: "site", REFERENCES: "references", REFERENCES_CSL: "csl", GLOSSARY: "glossary",
          PEOPLE: "people", LICENCE: "licence", CSL_SCHEMA_LICENCE: "licence", MANIFEST: "manifest"}
REVIEW_FILE = re.compile(rf"^{REVIEWS_DIR}/([^/]+)\.json$")
#: The fixed date every zip entry carries (the earliest a zip can hold): no build timestamps.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def dumps(data: Any) -> bytes:
    """The canonical bytes of a JSON file in the export."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def review_path(slug: str) -> str:
    return f"{REVIEWS_DIR}/{slug}.json"


def kind_of(path: str) -> str | None:
    """What a file in the export is, from its path; None for a path the layout does not have."""
    if path in _FIXED:
        return _FIXED[path]
    if REVIEW_FILE.match(path):
        return "review"
    if path in SCHEMAS.values():
        return "schema"
    return None


def file_entry(path: str, data: bytes) -> dict[str, Any]:
    """The manifest's entry for one file: its kind, the schema it follows, its size and SHA-256."""
    kind = kind_of(path)
    if kind is None or kind == "manifest":
        raise ValueError(f"{path} is not a file of the export layout")
    entry: dict[str, Any] = {"kind": kind, "bytes": len(data), "sha256": sha256(data)}
    if kind in SCHEMAS:
        entry["schema"] = SCHEMAS[kind]
    return entry


def manifest_document(entries: Mapping[str, Mapping[str, Any]], counts: Mapping[str, int], *,
                      record_format: int, latest_update: str | None) -> dict[str, Any]:
    """The manifest from the entries of the other files (``file_entry``), made as they were written."""
    return {
        "format": EXPORT_FORMAT,
        "kind": "manifest",
        "publisher": "CareChoices",
        "licence": LICENCE,
        "record_format": record_format,
        "latest_update": latest_update,
        "counts": dict(sorted(counts.items())),
        "files": {path: dict(entries[path]) for path in sorted(entries)},
    }


def build_manifest(files: Mapping[str, bytes], counts: Mapping[str, int], *,
                   record_format: int, latest_update: str | None) -> dict[str, Any]:
    """The manifest of ``files`` (path → bytes, the manifest itself not among them)."""
    return manifest_document({path: file_entry(path, files[path]) for path in sorted(files)}, counts,
                             record_format=record_format, latest_update=latest_update)


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """The export as one zip under ``carechoices-open-data/``: sorted entries, fixed dates and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{path}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever system builds it, so the bytes do not vary
            archive.writestr(info, files[path])
    return buffer.getvalue()
