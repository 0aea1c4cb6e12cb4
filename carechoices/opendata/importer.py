"""Import an open-data export into an empty database, all or nothing.

First everything that needs no database: the manifest (format, every file's size and SHA-256, no
unlisted review), each file against its JSON Schema, and the cross-references (every citation key
and ``[@key]`` marker resolves in references.json, every contributor in people.json, every page
link in the export, ids used once, rich text only as the back office writes it). Then, in one
transaction, the records are built with the sample-content loader's own code
(``carechoices.demo.loader``), each one validated as the back office validates it (model fields,
every block's ``clean``, the review form's cross-field checks) and compiled into its review record;
any failure rolls everything back. Every problem names the file, the record and the field.
"""

from __future__ import annotations

import datetime
import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from carechoices.cancertypes.models import CancerType
from carechoices.core.models import HomePage
from carechoices.demo.loader import (
    LoadReport,
    build_cancer_type,
    build_glossary_term,
    build_person,
    build_review,
    ensure_site,
)
from carechoices.glossary.models import GlossaryTerm
from carechoices.people.models import Person
from carechoices.references.citations import marker_problems
from carechoices.references.models import Reference
from carechoices.therapies.compile import RecordError, build_record
from carechoices.therapies.forms import TherapyPageForm
from carechoices.therapies.models import TherapyIndexPage, TherapyPage

from . import EXPORT_FORMAT
from . import manifest as layout
from .content import (
    RICH_TEXT_FIELDS,
    STREAM_FIELDS,
    PageLinks,
    ensure_snippets_registered,
    rich_text_problems,
    single_block,
)
from .progress import Progress, Silent
from .schema import validator

#: At most this many problems are reported per file (the first ones, in file order).
MAX_PROBLEMS_PER_FILE = 20
#: The rich text fields of the home page and of the therapy index.
_HOME_TEXT = ("intro", "how_to_use")
_INDEX_TEXT = ("intro",)


@dataclass(frozen=True)
class Problem:
    """Why an export cannot be imported: the file, the record in it, the field, and what is wrong."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.record, self.field, self.message) if part)


class ImportRefused(Exception):
    """The export (or the database) cannot take the import; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _RolledBack(Exception):
    """Raised inside the transaction of a ``check_only`` import to undo it."""


def _path(parts: Iterable[Any]) -> str:
    """``["contraindications", 0, "timing"]`` → ``contraindications[0].timing``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class _Bundle:
    """The export's files, read and parsed."""

    manifest: dict[str, Any]
    site: dict[str, Any]
    references: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    people: list[dict[str, Any]]
    reviews: dict[str, dict[str, Any]]  # slug → content, in the index's order


# Reading and checking the files ----------------------------------------------------------------
def _load_json(directory: Path, path: str, problems: list[Problem]) -> Any:
    try:
        return json.loads((directory / path).read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(path, "", "", "is not UTF-8 text"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(path, "", "", f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"))
    return None


def _record_of(kind: str, path: str, data: Any, parts: deque) -> tuple[str, list]:
    """The record a schema error is in (a key, slug or page name) and the field path within it."""
    parts = list(parts)
    if kind == "review":
        return layout.REVIEW_FILE.match(path).group(1), parts
    if kind in ("references", "glossary", "people") and len(parts) >= 2 and isinstance(parts[1], int):
        items = data.get(parts[0]) if isinstance(data, dict) else None
        item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
        name = item.get("key" if kind == "references" else "slug") if isinstance(item, dict) else None
        return (str(name) if isinstance(name, str) else f"{parts[0]}[{parts[1]}]"), parts[2:]
    if kind == "site" and parts and parts[0] in ("home", "index"):
        return parts[0], parts[1:]
    return "", parts


def _schema_problems(kind: str, path: str, data: Any) -> list[Problem]:
    if isinstance(data, dict) and data.get("format") != EXPORT_FORMAT and kind != "csl":
        return [Problem(path, "", "format", f"is {data.get('format')!r}; this version of CareChoices reads "
                                            f"format {EXPORT_FORMAT} only")]
    problems = []
    for error in sorted(validator(kind).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        record, parts = _record_of(kind, path, data, error.absolute_path)
        problems.append(Problem(path, record, _path(parts), error.message))
        if len(problems) >= MAX_PROBLEMS_PER_FILE:
            break
    return problems


def _check_manifest(directory: Path, progress: Progress) -> dict[str, Any]:
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ImportRefused([Problem(str(directory), "", "", "is not a folder")])
    if not (directory / layout.MANIFEST).is_file():
        raise ImportRefused([Problem(layout.MANIFEST, "", "", f"is missing from {directory}; is this a CareChoices export?")])
    manifest = _load_json(directory, layout.MANIFEST, problems)
    if manifest is not None:
        problems += _schema_problems("manifest", layout.MANIFEST, manifest)
    if problems:
        raise ImportRefused(problems)
    files = manifest["files"]
    step = progress.task("Checking files", len(files))
    for path, entry in files.items():
        step()
        kind = layout.kind_of(path)
        if kind is None or kind == "manifest":
            problems.append(Problem(layout.MANIFEST, "", f"files.{path}", "is not a file of the export layout"))
            continue
        if entry["kind"] != kind:
            problems.append(Problem(layout.MANIFEST, "", f"files.{path}.kind", f"is {entry['kind']!r}, not {kind!r}"))
        target = directory / path
        if not target.is_file():
            problems.append(Problem(path, "", "", "is listed in manifest.json but missing"))
            continue
        data = target.read_bytes()
        if len(data) != entry["bytes"] or layout.sha256(data) != entry["sha256"]:
            problems.append(Problem(path, "", "", f"does not match its checksum in manifest.json (sha256 "
                                                  f"{layout.sha256(data)[:12]}…, listed {entry['sha256'][:12]}…): "
                                                  "the file was changed or damaged"))
    for required in (layout.SITE, layout.REFERENCES, layout.GLOSSARY, layout.PEOPLE):
        if required not in files:
            problems.append(Problem(layout.MANIFEST, "", "files", f"does not list {required}"))
    reviews_dir = directory / layout.REVIEWS_DIR
    if reviews_dir.is_dir():
        for found in sorted(reviews_dir.iterdir()):
            relative = f"{layout.REVIEWS_DIR}/{found.name}"
            if relative not in files:
                problems.append(Problem(relative, "", "", "is not listed in manifest.json"))
    if problems:
        raise ImportRefused(problems)
    return manifest


def read_export(directory: Path, progress: Progress | None = None) -> _Bundle:
    """The export's files, checked against the manifest and their schemas (raises ImportRefused)."""
    progress = progress or Silent()
    directory = Path(directory)
    manifest = _check_manifest(directory, progress)
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for path, entry in manifest["files"].items():
        kind = entry["kind"]
        if kind in ("schema", "licence"):
            continue
        data = _load_json(directory, path, problems)
        if data is not None:
            problems += _schema_problems(kind, path, data)
            parsed[path] = data
    if problems:
        raise ImportRefused(problems)
    reviews = {}
    site = parsed[layout.SITE]
    review_paths = {p for p in parsed if layout.kind_of(p) == "review"}
    for i, slug in enumerate(site["index"]["reviews"]):
        path = layout.review_path(slug)
        if path not in parsed:
            problems.append(Problem(layout.SITE, "index", f"reviews[{i}]", f"names {slug!r}, but there is no {path}"))
        else:
            reviews[slug] = parsed[path]["content"]
    for path in sorted(review_paths - {layout.review_path(s) for s in site["index"]["reviews"]}):
        problems.append(Problem(path, "", "", "is not listed in site.json (index.reviews)"))
    bundle = _Bundle(
        manifest=manifest,
        site=site,
        references=parsed[layout.REFERENCES]["references"],
        terms=parsed[layout.GLOSSARY]["terms"],
        people=parsed[layout.PEOPLE]["people"],
        reviews=reviews,
    )
    counts = {"reviews": len(review_paths), "references": len(bundle.references),
              "glossary": len(bundle.terms), "people": len(bundle.people)}
    for kind, count in counts.items():
        if manifest["counts"][kind] != count:
            problems.append(Problem(layout.MANIFEST, "", f"counts.{kind}",
                                    f"is {manifest['counts'][kind]}, but the export holds {count}"))
    if problems:
        raise ImportRefused(problems)
    return bundle


# Cross-references ---------------------------------------------------------------------------------
def _duplicates(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


def _chosen_keys(block, data: Any, parts: list) -> Iterator[tuple[list, str | None]]:
    """(field path, key) for every reference a block value chooses."""
    from wagtail import blocks
    from wagtail.blocks.field_block import ChooserBlock

    if isinstance(block, blocks.StructBlock) and isinstance(data, dict):
        for name, child in block.child_blocks.items():
            yield from _chosen_keys(child, data.get(name), [*parts, name])
    elif isinstance(block, blocks.ListBlock) and isinstance(data, list):
        for i, item in enumerate(data):
            yield from _chosen_keys(block.child_block, item, [*parts, i])
    elif isinstance(block, ChooserBlock):
        yield parts, data


def _strings(data: Any, parts: list) -> Iterator[tuple[list, str]]:
    if isinstance(data, str):
        yield parts, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, [*parts, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, [*parts, i])


def _expected_paths(site: dict[str, Any]) -> dict[str, str]:
    """Tree path → what it is, for every page in the export (what page links may point at)."""
    home = f"/{site['home']['slug']}/"
    index = f"{home}{site['index']['slug']}/"
    return {home: "home", index: "index", **{f"{index}{slug}/": slug for slug in site["index"]["reviews"]}}


def _rich_text_checks(file: str, record: str, field: str, html: str, pages: dict[str, str]) -> list[Problem]:
    problems = [Problem(file, record, field, message) for message in rich_text_problems(html)]
    for target in PageLinks.paths_in(html):
        if target not in pages:
            problems.append(Problem(file, record, field, f"links to the page {target}, which is not in the export"))
    return problems


def check_references(bundle: _Bundle) -> None:
    """Everything the export refers to is in the export (raises ImportRefused)."""
    problems: list[Problem] = []
    keys = [r["key"] for r in bundle.references]
    for key in _duplicates(keys):
        problems.append(Problem(layout.REFERENCES, key, "key", "is used by more than one reference"))
    for field, values in (("slug", [t["slug"] for t in bundle.terms]), ("term", [t["term"] for t in bundle.terms])):
        for value in _duplicates(values):
            problems.append(Problem(layout.GLOSSARY, value, field, "is used by more than one term"))
    slugs = [p["slug"] for p in bundle.people]
    for slug in _duplicates(slugs):
        problems.append(Problem(layout.PEOPLE, slug, "slug", "is used by more than one person"))
    known, people = set(keys), set(slugs)
    cancer_rows = bundle.site.get("cancer_types", [])
    cancer_types = {row["slug"] for row in cancer_rows}
    for field in ("slug", "name"):
        for value in _duplicates([row[field] for row in cancer_rows]):
            problems.append(Problem(layout.SITE, value, f"cancer_types.{field}", "is used by more than one cancer type"))
    for row in cancer_rows:
        if row.get("parent") and row["parent"] not in cancer_types:
            problems.append(Problem(layout.SITE, row["slug"], "cancer_types.parent",
                                    f"names {row['parent']!r}, which is not in cancer_types"))
    pages = _expected_paths(bundle.site)
    for name, fields in (("home", _HOME_TEXT), ("index", _INDEX_TEXT)):
        for field in fields:
            problems += _rich_text_checks(layout.SITE, name, field, bundle.site[name][field], pages)
    for slug, content in bundle.reviews.items():
        file = layout.review_path(slug)
        here: list[Problem] = []
        if content["slug"] != slug:
            here.append(Problem(file, slug, "content.slug", f"is {content['slug']!r}, not the file's name"))
        for field in RICH_TEXT_FIELDS:
            here += _rich_text_checks(file, slug, f"content.{field}", content[field], pages)
            here += [Problem(file, slug, f"content.{field}", m) for m in marker_problems([content[field]], known)]
        for i, rating in enumerate(content["ratings"]):
            here += [Problem(file, slug, f"content.ratings[{i}].rationale", m)
                     for m in marker_problems([rating["rationale"]], known)]
        for attribute in _duplicates([r["attribute"] for r in content["ratings"]]):
            here.append(Problem(file, slug, "content.ratings", f"rate {attribute!r} more than once"))
        for i, contributor in enumerate(content["contributors"]):
            if contributor["person"] not in people:
                here.append(Problem(file, slug, f"content.contributors[{i}].person",
                                    f"names {contributor['person']!r}, who is not in people.json"))
        for i, date in enumerate(content["dates"]):
            try:
                datetime.date.fromisoformat(date["date"])
            except ValueError:
                here.append(Problem(file, slug, f"content.dates[{i}].date", f"{date['date']!r} is not a calendar date"))
        for i, item in enumerate(content["evidence"]):
            for chosen in item.get("cancer_types") or []:
                if chosen not in cancer_types:
                    here.append(Problem(file, slug, f"content.evidence[{i}].cancer_types",
                                        f"names {chosen!r}, which is not in site.json (cancer_types)"))
        for i, item in enumerate(content["grades"]):
            if item.get("cancer_type") and item["cancer_type"] not in cancer_types:
                here.append(Problem(file, slug, f"content.grades[{i}].cancer_type",
                                    f"names {item['cancer_type']!r}, which is not in site.json (cancer_types)"))
        for field in STREAM_FIELDS:
            _type, block = single_block(field)
            for i, item in enumerate(content[field]):
                for parts, key in _chosen_keys(block, item, [f"content.{field}", i]):
                    if key is not None and key not in known:
                        here.append(Problem(file, slug, _path(parts), f"cites {key!r}, which is not in references.json"))
                for parts, text in _strings(item, [f"content.{field}", i]):
                    here += [Problem(file, slug, _path(parts), m) for m in marker_problems([text], known)]
        problems += here[:MAX_PROBLEMS_PER_FILE]
    if problems:
        raise ImportRefused(problems)


# Writing ----------------------------------------------------------------------------------------
def _validation_problems(exc: ValidationError, file: str, record: str, prefix: str) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [Problem(file, record, _path([prefix, name]) if prefix else name, message)
                for name, messages in exc.message_dict.items() for message in messages]
    return [Problem(file, record, prefix, message) for message in exc.messages]


def _full_clean(obj, file: str, record: str, prefix: str = "", exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ImportRefused(_validation_problems(exc, file, record, prefix)) from exc


def _block_error_problems(data: dict[str, Any], file: str, record: str, parts: list) -> Iterator[Problem]:
    """The messages of a block's ``as_json_data()`` errors, each at its field path."""
    for message in data.get("messages", []):
        yield Problem(file, record, _path(parts), message)
    for key, child in data.get("blockErrors", {}).items():
        yield from _block_error_problems(child, file, record, [*parts, int(key) if str(key).isdigit() else key])


class _FormChecks:
    """Stands in for the review's back-office form, so its cross-field checks run unchanged.

    ``TherapyPageForm``'s checks read ``cleaned`` values and report with ``add_error``; a rating
    row reports on its own fields.
    """

    class _Rating:
        def __init__(self, owner: _FormChecks, index: int, row: dict[str, Any]) -> None:
            self.owner, self.index = owner, index
            self.cleaned_data = {**row, "DELETE": False}

        def is_valid(self) -> bool:
            return True

        def add_error(self, field: str, message: str) -> None:
            self.owner.problems.append(_path(["content.ratings", self.index, field]))
            self.owner.messages.append(str(message))

    def __init__(self, ratings: list[dict[str, Any]]) -> None:
        self.problems: list[str] = []
        self.messages: list[str] = []
        self.formsets = {"ratings": SimpleNamespace(forms=[self._Rating(self, i, r) for i, r in enumerate(ratings)])}

    def add_error(self, field: str | None, message) -> None:
        self.problems.append(f"content.{field}" if field else "content")
        self.messages.append(" ".join(getattr(message, "messages", [str(message)])))


def _check_review(page: TherapyPage, content: dict[str, Any], file: str, slug: str) -> None:
    """The back office's validation of one built review page (raises ImportRefused)."""
    problems: list[Problem] = []
    for field in STREAM_FIELDS:
        stream_block = TherapyPage._meta.get_field(field).stream_block
        try:
            stream_block.clean(getattr(page, field))
        except ValidationError as exc:
            data = exc.as_json_data() if hasattr(exc, "as_json_data") else {"messages": exc.messages}
            problems += list(_block_error_problems(data, file, slug, [f"content.{field}"]))
    for name, rows in (("ratings", page.ratings.all()), ("contributors", page.contributors.all()),
                       ("dates", page.review_dates.all())):
        for i, row in enumerate(rows):
            try:
                row.full_clean(exclude=["page"])
            except ValidationError as exc:
                problems += _validation_problems(exc, file, slug, f"content.{name}[{i}]")
    if not problems:
        cleaned = {name: getattr(page, name) for name in (
            *STREAM_FIELDS, "title", "serious_adverse_events_reported", "needs_prescription", "cost_band")}
        form = _FormChecks(content["ratings"])
        TherapyPageForm._check_rule_ids(form, cleaned)
        TherapyPageForm._check_grades_match_evidence(form, cleaned)
        TherapyPageForm._check_rating_overrides(form, cleaned)
        problems += [Problem(file, slug, field, message) for field, message in zip(form.problems, form.messages, strict=True)]
    if problems:
        raise ImportRefused(problems)


def _site_page(page, data: dict[str, Any], rich_fields: tuple[str, ...], ids: dict[str, int] | None = None) -> None:
    """Make a site page say what the export says (publishing a revision only when it differs)."""
    wanted = {name: data[name] for name in ("title", "slug", "seo_title", "search_description", "show_in_menus")}
    for name in rich_fields:
        wanted[name] = PageLinks.resolve(data[name], ids) if ids is not None else data[name]
    if all(getattr(page, name) == value for name, value in wanted.items()):
        return
    for name, value in wanted.items():
        setattr(page, name, value)
    page.save_revision().publish()


def database_problems() -> list[Problem]:
    """Why the database cannot take an import: it must hold no reviews, references, terms or people."""
    held = [(TherapyPage.objects.count(), "review"), (Reference.objects.count(), "reference"),
            (CancerType.objects.count(), "cancer type"),
            (GlossaryTerm.objects.count(), "glossary term"), (Person.objects.count(), "person")]
    held = [f"{n} {what if n == 1 else ('people' if what == 'person' else what + 's')}" for n, what in held if n]
    if not held:
        return []
    return [Problem("database", "", "", f"already holds {', '.join(held)}. Import only into an empty database: "
                                        "create a new one, point DATABASE_URL at it and run `manage.py migrate` first")]


def import_export(directory: Path, *, progress: Progress | None = None, check_only: bool = False) -> dict[str, int]:
    """Import the export in ``directory``; the counts imported. Raises ImportRefused, writing nothing."""
    progress = progress or Silent()
    ensure_snippets_registered()
    bundle = read_export(Path(directory), progress)
    check_references(bundle)
    refused = database_problems()
    if refused:
        raise ImportRefused(refused)
    try:
        with transaction.atomic():
            _write(bundle, progress)
            if check_only:
                raise _RolledBack
    except _RolledBack:
        pass
    return dict(bundle.manifest["counts"])


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cancer type rows ordered so a parent is saved before its subtypes."""
    by_slug = {row["slug"]: row for row in rows}
    done: dict[str, dict[str, Any]] = {}

    def visit(row, trail=()):
        if row["slug"] in done or row["slug"] in trail:
            return
        parent = by_slug.get(row.get("parent") or "")
        if parent is not None:
            visit(parent, (*trail, row["slug"]))
        done[row["slug"]] = row

    for row in rows:
        visit(row)
    return list(done.values())


def _write(bundle: _Bundle, progress: Progress) -> None:
    step = progress.task("Importing", 4 + 2 * len(bundle.reviews))
    for row in bundle.people:
        person = build_person(row)
        _full_clean(person, layout.PEOPLE, row["slug"], exclude=["user"])
        person.save()
    for row in _parents_first(bundle.site.get("cancer_types", [])):
        cancer_type = build_cancer_type(row)
        _full_clean(cancer_type, layout.SITE, row["slug"])
        cancer_type.save()
    step()
    for row in bundle.terms:
        term = build_glossary_term(row)
        _full_clean(term, layout.GLOSSARY, row["slug"])
        term.save()
    step()
    for row in bundle.references:
        reference = Reference(**row)
        _full_clean(reference, layout.REFERENCES, row["key"])
        reference.save()
    step()
    # Page links need the ids of pages made later: everything is saved with plain links first,
    # then each page is published once with its links pointing at the new ids.
    site = bundle.site
    first = {name: {**data, **{f: PageLinks.unlinked(data[f]) for f in fields}}
             for name, data, fields in (("home", site["home"], _HOME_TEXT), ("index", site["index"], _INDEX_TEXT))}
    index = ensure_site(first, LoadReport())
    home = HomePage.objects.get(pk=index.get_parent().pk)
    _site_page(home, first["home"], _HOME_TEXT)
    index = TherapyIndexPage.objects.get(pk=index.pk)
    _site_page(index, first["index"], _INDEX_TEXT)
    step()
    pages = []
    for slug, content in bundle.reviews.items():
        file = layout.review_path(slug)
        page = build_review(content)
        _check_review(page, content, file, slug)
        for field in RICH_TEXT_FIELDS:
            setattr(page, field, PageLinks.unlinked(content[field]))
        try:
            index.add_child(instance=page)
        except ValidationError as exc:
            raise ImportRefused(_validation_problems(exc, file, slug, "content")) from exc
        pages.append((page, content))
        step()
    home, index = HomePage.objects.get(pk=home.pk), TherapyIndexPage.objects.get(pk=index.pk)
    ids = {p.url_path: p.pk for p in [home, index, *(page for page, _content in pages)]}
    _site_page(home, site["home"], _HOME_TEXT, ids)
    _site_page(index, site["index"], _INDEX_TEXT, ids)
    for page, content in pages:
        for field in RICH_TEXT_FIELDS:
            setattr(page, field, PageLinks.resolve(content[field], ids))
        page.save_revision().publish()
        try:
            build_record(TherapyPage.objects.get(pk=page.pk))
        except RecordError as exc:
            raise ImportRefused([Problem(layout.review_path(page.slug), page.slug, "content", str(exc))]) from exc
        step()
