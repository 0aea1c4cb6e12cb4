"""Export the published corpus: every live review, the library, the glossary and the people.

``stream_export()`` makes the export file by file and hands each file on as soon as it is made,
the manifest (sizes and SHA-256 taken as the files went out) last. ``carechoices export`` writes
through it with ``export_to_directory()``, compiling, writing and dropping one review at a time,
so its memory does not grow with the corpus; ``build_export()`` collects the same bytes in
memory from the cached compiled records, for the API's zip. Reviews are compiled by
``therapies.compile.build_record``, as for the pages, the screen and the API, so the export
holds exactly what they say, and nothing of a draft.

What is not exported, and why: block ids and database ids (a page link is written by tree path,
see ``content.PageLinks``); revision numbers, publishing times, the revision history and the change log tied
to it (they belong to one database; content dates are in ``dates``); back-office accounts, workflow and sign-off
records, comments; the "substantive update" flag (always cleared once published).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from wagtail.models import Page, Site

from carechoices.cancertypes.models import CancerType
from carechoices.core.models import HomePage
from carechoices.glossary.models import GlossaryTerm
from carechoices.people.models import Person
from carechoices.references.models import Reference
from carechoices.therapies.compile import CompiledReview, RecordError, build_record, live_records
from carechoices.therapies.models import TherapyIndexPage, TherapyPage
from carechoices.therapies.record import RECORD_FORMAT

from . import EXPORT_FORMAT
from . import manifest as layout
from .content import (
    RICH_TEXT_FIELDS,
    STREAM_FIELDS,
    PageLinks,
    ensure_snippets_registered,
    stream_data,
)
from .progress import Progress, Silent
from .schema import csl_schema_bytes, csl_schema_licence_bytes, schemas, validator

#: Record fields that belong to one database (ids and times), left out of the export's record.
DATABASE_ONLY_RECORD_FIELDS = ("revision", "published", "history", "changes")


class ExportError(Exception):
    """The corpus cannot be exported as it stands (the message says what to fix)."""


@dataclass(frozen=True)
class Export:
    """The whole export: each file's path and bytes (``manifest.json`` among them)."""

    files: dict[str, bytes]
    counts: dict[str, int]

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.files[layout.MANIFEST])


# What each record becomes ---------------------------------------------------------------------
def _page_fields(page: Page) -> dict[str, Any]:
    return {
        "title": page.title,
        "slug": page.slug,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "show_in_menus": page.show_in_menus,
    }


def _ordered(items) -> list:
    return sorted(items, key=lambda item: (item.sort_order if item.sort_order is not None else 0, item.pk or 0))


def review_content(page: TherapyPage, links: PageLinks) -> dict[str, Any]:
    """The review as ``carechoices.demo.loader.build_review`` reads it, every field present."""
    dates = sorted(page.review_dates.all(), key=lambda d: (d.date, d.kind, d.note), reverse=True)
    return {
        **_page_fields(page),
        "tagline": page.tagline,
        "category": page.category,
        "synonyms": page.synonyms,
        "active_ingredients": [part.strip() for part in (page.active_ingredients or "").split(",") if part.strip()],
        **{name: links.export(getattr(page, name) or "") for name in RICH_TEXT_FIELDS},
        "serious_adverse_events_reported": page.serious_adverse_events_reported,
        "needs_prescription": page.needs_prescription,
        "cost_band": page.cost_band,
        "ratings": [
            {"attribute": r.attribute, "score": r.score, "override_reason": r.override_reason, "rationale": r.rationale}
            for r in _ordered(page.ratings.all())
        ],
        "contributors": [{"person": c.person.slug, "role": c.role} for c in _ordered(page.contributors.all())],
        "dates": [{"kind": d.kind, "date": d.date.isoformat(), "note": d.note} for d in dates],
        "literature_review_cycle_months": page.literature_review_cycle_months,
        **{name: stream_data(page, name) for name in STREAM_FIELDS},
    }


def reference_item(reference: Reference) -> dict[str, Any]:
    return {
        "key": reference.key,
        "csl": reference.csl,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
        "url": reference.url,
        "verification_note": reference.verification_note,
    }


def cancer_type_item(cancer_type: CancerType) -> dict[str, Any]:
    return {
        "slug": cancer_type.slug, "name": cancer_type.name, "synonyms": cancer_type.synonyms,
        "parent": cancer_type.parent.slug if cancer_type.parent else None,
        "description": cancer_type.description,
    }


def glossary_item(term: GlossaryTerm) -> dict[str, Any]:
    return {
        "term": term.term,
        "slug": term.slug,
        "synonyms": term.synonyms,
        "definition": term.definition,
        "house_definition": term.house_definition,
    }


def person_item(person: Person) -> dict[str, Any]:
    return {
        "slug": person.slug,
        "name": person.name,
        "role": person.role,
        "credentials": person.credentials,
        "bio": person.bio,
        "is_demo": person.is_demo,
    }


def _csl_items(references: list[Reference]) -> list[dict[str, Any]]:
    """The library as a plain CSL-JSON array (valid against the official schema), by key."""
    from carechoices.references.exports.base import export_item
    from carechoices.references.exports.csl import record

    return [
        record(export_item(r.csl_item(), number, verification_note=r.verification_note))
        for number, r in enumerate(references, start=1)
    ]


def _record_json(record, links: PageLinks) -> dict[str, Any]:
    """The compiled record as the API gives it, less what belongs to one database."""
    data = {k: v for k, v in record.to_json().items() if k not in DATABASE_ONLY_RECORD_FIELDS}
    data["sections"] = {name: {**section, "html": links.export(section["html"])}
                        for name, section in data["sections"].items()}
    return data


def _review_file(page: TherapyPage, record, links: PageLinks) -> tuple[str, bytes]:
    """A review's file: its content (as the loader reads it) and its compiled record."""
    path = layout.review_path(page.slug)
    review = {"format": EXPORT_FORMAT, "kind": "review", "content": review_content(page, links),
              "record": _record_json(record, links)}
    return path, _checked("review", path, review)


def _licence_bytes() -> bytes:
    return resources.files(__package__).joinpath("LICENCE.md").read_bytes()


def _checked(kind: str, path: str, data: Any) -> bytes:
    """The canonical bytes of ``data``, which must follow its own schema (else it is our bug)."""
    error = next(iter(validator(kind).iter_errors(data)), None)
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top)"
        raise ExportError(f"{path}: {where}: {error.message} (the export would not follow its own schema)")
    return layout.dumps(data)


# The export -----------------------------------------------------------------------------------
#: Where ``export_to_directory`` writes a new export before it replaces the earlier one: a folder
#: inside the target, so the final moves stay on one file system. One left by an interrupted run
#: is removed by the next.
STAGING_PREFIX = ".carechoices-export-partial-"


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the counts (as in the manifest), how many files and bytes."""

    counts: dict[str, int]
    files: int
    bytes: int


def _live_reviews() -> dict[str, tuple[int, str]]:
    """Every live review by slug: (page id, tree path). As ``live_records`` keys them (title order)."""
    rows = TherapyPage.objects.live().public().order_by("title").values_list("slug", "pk", "url_path")
    return {slug: (pk, url_path) for slug, pk, url_path in rows}


def stream_export(
    write: Callable[[str, bytes], None],
    progress: Progress | None = None,
    *,
    compiled: Mapping[str, CompiledReview] | None = None,
) -> ExportSummary:
    """Make the export file by file, handing each to ``write(path, data)`` as soon as it is made.

    The manifest comes last, its sizes and checksums taken from the files as they went out.
    Without ``compiled``, each review is compiled (``build_record``), written and dropped before
    the next, so what is held at once does not grow with the corpus (only the slugs, tree paths
    and manifest entries do); with it (``live_records()``, as the zip endpoint has them cached)
    the records are taken from there. Either way the bytes are the same.

    Raises ``ExportError`` when a published review cannot be compiled (naming every such
    review, after trying them all, and before the manifest), or when there is no home page or
    therapy index to export.
    """
    progress = progress or Silent()
    ensure_snippets_registered()
    home = HomePage.objects.live().first()
    index = TherapyIndexPage.objects.live().first()
    if home is None or index is None:
        raise ExportError("there is nothing to export: the site has no published home page or therapy index")
    if compiled is not None:
        reviews = {slug: (c.page.pk, c.page.url_path) for slug, c in compiled.items()}
    else:
        reviews = _live_reviews()
    order = [slug for slug in index.get_children().live().public().type(TherapyPage).values_list("slug", flat=True)
             if slug in reviews]
    order += sorted(set(reviews) - set(order))  # a live review elsewhere in the tree still counts
    links = PageLinks(
        {home.pk: home.url_path, index.pk: index.url_path, **{pk: path for pk, path in reviews.values()}},
        lambda pk: (page.url if (page := Page.objects.filter(pk=pk).first()) is not None else None),
    )
    step = progress.task("Exporting", len(order) + 4)
    entries: dict[str, dict[str, Any]] = {}
    written = 0

    def emit(path: str, data: bytes) -> None:
        nonlocal written
        entries[path] = layout.file_entry(path, data)
        written += len(data)
        write(path, data)

    emit(layout.LICENCE, _licence_bytes())
    emit(layout.SCHEMAS["csl"], csl_schema_bytes())
    emit(layout.CSL_SCHEMA_LICENCE, csl_schema_licence_bytes())
    for kind, path in layout.SCHEMAS.items():
        if kind != "csl":
            emit(path, layout.dumps(schemas()[kind]))
    site = {
        "format": EXPORT_FORMAT,
        "kind": "site",
        "home": {**_page_fields(home), "intro": links.export(home.intro), "how_to_use": links.export(home.how_to_use)},
        "index": {**_page_fields(index), "intro": links.export(index.intro), "reviews": order},
        "cancer_types": [cancer_type_item(t) for t in CancerType.objects.select_related("parent").order_by("slug")],
    }
    emit(layout.SITE, _checked("site", layout.SITE, site))
    broken: list[str] = []
    latest = None
    for slug in order:
        if compiled is not None:
            page, record, error = compiled[slug].page, compiled[slug].record, compiled[slug].error
        else:
            page = TherapyPage.objects.get(pk=reviews[slug][0])
            try:
                record, error = build_record(page), ""
            except RecordError as exc:
                record, error = None, str(exc)
        if record is None:
            broken.append(f"{slug}: {error}")
        elif not broken:  # once one review fails nothing more is written, but every one is tried
            if record.last_update and (latest is None or record.last_update > latest):
                latest = record.last_update
            emit(*_review_file(page, record, links))
        del page, record  # the next review is compiled with nothing of this one held
        step()
    if broken:
        raise ExportError("these published reviews cannot be compiled, so they cannot be exported: " + "; ".join(broken))
    references = list(Reference.objects.order_by("key"))
    emit(layout.REFERENCES, _checked("references", layout.REFERENCES, {
        "format": EXPORT_FORMAT, "kind": "references", "references": [reference_item(r) for r in references],
    }))
    emit(layout.REFERENCES_CSL, _checked("csl", layout.REFERENCES_CSL, _csl_items(references)))
    step()
    terms = list(GlossaryTerm.objects.order_by("slug"))
    emit(layout.GLOSSARY, _checked("glossary", layout.GLOSSARY, {
        "format": EXPORT_FORMAT, "kind": "glossary", "terms": [glossary_item(t) for t in terms],
    }))
    step()
    people = list(Person.objects.order_by("slug"))
    emit(layout.PEOPLE, _checked("people", layout.PEOPLE, {
        "format": EXPORT_FORMAT, "kind": "people", "people": [person_item(p) for p in people],
    }))
    step()
    counts = {"reviews": len(order), "references": len(references), "glossary": len(terms), "people": len(people)}
    manifest = layout.manifest_document(
        entries, counts, record_format=RECORD_FORMAT, latest_update=latest.isoformat() if latest else None,
    )
    data = _checked("manifest", layout.MANIFEST, manifest)
    written += len(data)
    write(layout.MANIFEST, data)
    step()
    return ExportSummary(counts=counts, files=len(entries) + 1, bytes=written)


def build_export(progress: Progress | None = None) -> Export:
    """Every file of the export in memory, from the cached compiled records (the zip endpoint's).

    Raises ``ExportError`` as ``stream_export`` does.
    """
    files: dict[str, bytes] = {}
    summary = stream_export(files.__setitem__, progress, compiled=live_records())
    return Export(files=dict(sorted(files.items())), counts=summary.counts)


def _earlier_export(directory: Path) -> list[str]:
    """The files of the earlier export in ``directory`` (empty for a new or empty folder).

    Raises ``ExportError`` for a file, or a folder holding anything but an earlier export.
    """
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file, not a folder")
    if not directory.exists() or not any(p for p in directory.iterdir() if not _is_staging(p)):
        return []
    previous = directory / layout.MANIFEST
    if not previous.is_file():
        raise ExportError(f"{directory} is not empty and holds no earlier export (no manifest.json); "
                          "choose a new or empty folder")
    try:
        listed = json.loads(previous.read_text(encoding="utf-8")).get("files", {})
    except (ValueError, AttributeError) as exc:
        raise ExportError(f"{previous} is not an export manifest; choose a new or empty folder") from exc
    return [path for path in listed if layout.kind_of(path) not in (None, "manifest")]


def _is_staging(path: Path) -> bool:
    return path.name.startswith(STAGING_PREFIX) and path.is_dir()


def _remove_earlier(directory: Path, listed: list[str]) -> None:
    """Delete an earlier export's files (those its manifest lists, then the manifest)."""
    for path in listed:
        (directory / path).unlink(missing_ok=True)
    (directory / layout.MANIFEST).unlink(missing_ok=True)
    for sub in (layout.REVIEWS_DIR, layout.SCHEMA_DIR):
        folder = directory / sub
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def write_export(directory: Path, export: Export) -> None:
    """Write ``export`` into ``directory``: a new or empty folder, or an earlier export's folder.

    An earlier export's files (those its manifest lists) are replaced, so a review unpublished
    since then does not linger; a folder holding anything else is refused.
    """
    directory = Path(directory)
    _remove_earlier(directory, _earlier_export(directory))
    for path, data in export.files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def export_to_directory(directory: Path, progress: Progress | None = None) -> ExportSummary:
    """Export the live corpus into ``directory``, one review at a time (``carechoices export``).

    The same folders as ``write_export`` accept, and the same bytes as ``build_export`` gives,
    but each review is compiled, written and dropped in turn (see ``stream_export``), so memory
    does not grow with the corpus. Files go to a staging folder inside ``directory`` first and
    replace the earlier export only once every file is written: on an ``ExportError`` (or any
    other failure) the folder is left as it was.
    """
    directory = Path(directory)
    listed = _earlier_export(directory)  # refuse an unusable folder before compiling anything
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in [p for p in directory.iterdir() if _is_staging(p)]:
        shutil.rmtree(leftover, ignore_errors=True)
    staging = directory / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    staging.mkdir()
    paths: list[str] = []

    def write(path: str, data: bytes) -> None:
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        paths.append(path)

    try:
        summary = stream_export(write, progress)
        _remove_earlier(directory, listed)
        for path in paths:  # the manifest last, as it was written
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(directory.iterdir()):
            directory.rmdir()
    return summary


# What the export depends on (the API's cache key) -------------------------------------------------
@cache
def _code_fingerprint() -> str:
    """A digest of the code and data files that shape the export, so a deploy invalidates it."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".csl", ".json", ".md", ".toml", ".tsv"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def export_key() -> str:
    """A digest of everything the export is made from; equal keys give byte-identical exports.

    Cheap next to building the export: the live pages' revision ids and tree paths, the library,
    glossary and people rows, the site configuration, the formats and the code.
    """
    pages = list(
        Page.objects.live().public().type(HomePage, TherapyIndexPage, TherapyPage)
        .order_by("path").values_list("pk", "live_revision_id", "url_path")
    )
    library = [
        list(Reference.objects.order_by("key").values_list(
            "key", "csl", "doi", "pmid", "pmcid", "url", "verification_note")),
        list(GlossaryTerm.objects.order_by("slug").values_list(
            "term", "slug", "synonyms", "definition", "house_definition")),
        list(Person.objects.order_by("slug").values_list("slug", "name", "role", "credentials", "bio", "is_demo")),
        list(Site.objects.order_by("pk").values_list("hostname", "port", "root_page_id", "is_default_site")),
    ]
    text = json.dumps([EXPORT_FORMAT, RECORD_FORMAT, _code_fingerprint(), pages, library],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
