"""Writing an import plan to the reference library, all or nothing.

``preview`` reads the files and classifies every record against the library
(``carechoices.references.importing``); nothing is written. ``apply`` writes the records the
editor chose, in one transaction: a record that fails validation, or any database error, rolls
the whole import back and names the record and field. Merging into an existing entry keeps its
citation key and fills only its empty fields (CSL fields, DOI, PMID, PMCID, URL): nothing the
library already holds is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .importing import ImportPlan, ImportRow, Status, plan_import
from .importing.dedupe import Entry, entry_from_csl
from .models import Reference

IMPORT, MERGE, SKIP = "import", "merge", "skip"
ACTIONS = (IMPORT, MERGE, SKIP)
_BATCH = 500

ProgressFactory = Callable[[str, int], Callable[[], None]]


class ImportRefused(Exception):
    """Nothing was written; ``problems`` name the record and field for each reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # merge chosen, but nothing was empty to fill
    skipped: int = 0


def library_entries() -> tuple[list[Entry], set[str]]:
    """The library as duplicate detection sees it, and the citation keys in use."""
    entries, keys = [], set()
    for key, csl, doi, pmid, pmcid in Reference.objects.values_list("key", "csl", "doi", "pmid", "pmcid").iterator():
        keys.add(key)
        entries.append(entry_from_csl(key, csl if isinstance(csl, dict) else {}, doi=doi, pmid=pmid, pmcid=pmcid))
    return entries, keys


def preview(files: Sequence[tuple[str, bytes | str]], *, format_name: str | None = None,
            progress: ProgressFactory | None = None, until: int | None = None,
            resume: Sequence[Sequence[str]] = ()) -> ImportPlan:
    """The plan for ``files`` against the current library (raises ``ImportFileError``).

    ``until`` and ``resume`` make a partial plan and carry it on (see ``plan_import``).
    """
    entries, keys = library_entries()
    return plan_import(files, entries, keys, format_name=format_name, progress=progress,
                       until=until, resume=resume)


def default_action(row: ImportRow) -> str:
    """New records are imported; duplicates, possible duplicates and invalid records skipped."""
    return IMPORT if row.status == Status.NEW else SKIP


def _merge_into(reference: Reference, row: ImportRow) -> bool:
    """Fill the reference's empty fields from the record; True when anything changed."""
    record = row.record
    assert record is not None
    changed = False
    csl = dict(reference.csl) if isinstance(reference.csl, dict) else {}
    for name, value in record.csl.items():
        if name == "type":
            continue
        if csl.get(name) in (None, "", [], {}):
            csl[name] = value
            changed = True
    for name in ("doi", "pmid", "pmcid", "url"):
        value = getattr(record, name)
        if value and not getattr(reference, name):
            setattr(reference, name, value)
            changed = True
    reference.csl = csl
    return changed


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def apply(plan: ImportPlan, actions: Mapping[int, str] | None = None, *, skip_invalid: bool = False,
          progress: ProgressFactory | None = None, check_only: bool = False) -> ImportResult:
    """Write the plan: ``actions`` maps a row's position to import/merge/skip (default: new only).

    Invalid records refuse the import unless ``skip_invalid``. ``check_only`` does every write
    and then rolls back. Raises ``ImportRefused`` with nothing written.
    """
    if not plan.complete:
        raise ImportRefused([f"only {len(plan.rows)} of {plan.total} records have been checked"])
    actions = dict(actions or {})
    problems: list[str] = []
    for position, action in actions.items():
        if action not in ACTIONS:
            problems.append(f"record {position}: unknown action {action!r}; one of {', '.join(ACTIONS)}")
        elif not 1 <= position <= len(plan.rows):
            problems.append(f"record {position}: there is no such record in the files")
    if problems:
        raise ImportRefused(problems)
    invalid = plan.with_status(Status.INVALID)
    if invalid and not skip_invalid:
        raise ImportRefused([f"{row.label}: {row.field}: {row.reason}" for row in invalid])
    chosen = [(row, actions.get(row.position, default_action(row))) for row in plan.rows]
    result = ImportResult()
    creating: list[Reference] = []
    step = progress("Writing to the library", len(plan.rows)) if progress else None
    try:
        with transaction.atomic():
            merge_targets = {row.other for row, action in chosen if action == MERGE}
            existing = Reference.objects.in_bulk(list(merge_targets), field_name="key") if merge_targets else {}
            for row, action in chosen:
                if step:
                    step()
                if action == SKIP or row.status == Status.INVALID:
                    if action != SKIP:
                        problems.append(f"{row.label}: invalid records cannot be imported ({row.field}: {row.reason})")
                    result.skipped += 1
                    continue
                if action == MERGE:
                    target = existing.get(row.other)
                    if target is None:
                        problems.append(f"{row.label}: nothing in the library to merge into ({row.reason})")
                        continue
                    if _merge_into(target, row):
                        try:
                            target.full_clean()
                        except ValidationError as exc:
                            problems.append(f"{row.label}: merging into {target.key}: {_errors(exc)}")
                            continue
                        target.save()
                        result.merged.append(target.key)
                    else:
                        result.unchanged.append(target.key)
                    continue
                reference = Reference(key=row.key, **row.record.model_fields())
                try:
                    reference.full_clean(validate_unique=False)  # keys were chosen against the library
                except ValidationError as exc:
                    problems.append(f"{row.label}: {_errors(exc)}")
                    continue
                creating.append(reference)
            if problems:
                raise ImportRefused(problems)
            for start in range(0, len(creating), _BATCH):
                Reference.objects.bulk_create(creating[start:start + _BATCH])
            result.created = [reference.key for reference in creating]
            if check_only:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        raise ImportRefused([f"the database refused the import ({exc}); nothing was written"]) from exc
    if creating and not check_only:
        _after_bulk_create(result.created)
    return result


def _after_bulk_create(keys: Iterable[str]) -> None:
    """What ``save()`` would have done: search index entries and fresh review pages."""
    from wagtail.search.backends import get_search_backends

    from carechoices.editorial import generation

    created = list(Reference.objects.filter(key__in=list(keys)))
    for backend in get_search_backends():
        backend.add_bulk(Reference, created)
    generation.bump()


def summary(plan: ImportPlan) -> str:
    counts = plan.counts
    return ", ".join(f"{counts[status]} {status}" for status in Status.ORDER)


def describe(row: ImportRow) -> dict[str, Any]:
    """A row as the CLI and the back office show it."""
    return {
        "position": row.position,
        "label": row.label,
        "status": row.status,
        "reason": (f"{row.field}: {row.reason}" if row.status == Status.INVALID else row.reason),
        "title": row.title,
        "key": row.key,
        "other": row.other,
        "warnings": list(row.warnings),
    }
