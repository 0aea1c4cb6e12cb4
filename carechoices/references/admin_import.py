"""The back-office import: upload → preview (every record with its outcome) → confirm.

The uploaded files are kept in the editor's session between the preview and the confirmation
(as bytes, base64-encoded) and read again on confirmation, so what is written is exactly what
was previewed. If the library changed in between (another editor added an entry) the outcomes
are worked out again and the editor sees the new preview before anything is written.

A large file is checked ``CHUNK`` records per request: each request checks the next part,
keeps the outcomes so far in the session and answers with a progress page ("2,000 of 5,000
records checked", a ``<progress>`` bar) that reloads itself with ``<meta http-equiv="refresh">``
— no JavaScript needed — until the preview is complete.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .importer import IMPORT, MERGE, SKIP, ImportRefused, apply, describe, preview
from .importing import FORMATS, ImportFileError, ImportPlan, Status

SESSION_KEY = "carechoices-reference-import"
#: Largest upload accepted in one go (all files together).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PERMISSION = "references.add_reference"
#: Records checked per request; a file with more shows its progress between requests.
CHUNK = 1000
#: Up to this many duplicates (or possible duplicates) get a choice each; more get one choice
#: for the group (a form with thousands of fields is refused by Django's field limit).
MAX_ROW_CHOICES = 300
GROUP_CHOICES = {
    Status.NEW: [(IMPORT, "Import them all"), (SKIP, "Skip them all")],
    Status.DUPLICATE: [(SKIP, "Skip"), (MERGE, "Merge each into the library entry it matches"),
                       (IMPORT, "Import as new entries")],
    Status.POSSIBLE: [(SKIP, "Skip"), (MERGE, "Merge each into the library entry it resembles"),
                      (IMPORT, "Import as new entries")],
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files to import",
        help_text="PubMed (MEDLINE/.nbib, “PubMed” format from Send to → Citation manager), RIS, "
        "BibTeX or CSL-JSON. You can choose several files; nothing is written until you confirm.",
    )
    format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "Recognise from the content")] + [(name, module.LABEL) for name, module in FORMATS.items()],
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if sum(f.size for f in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The files are larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB together; import them in parts."
            )
        return files


def _fingerprint(plan: ImportPlan) -> str:
    rows = [(row.position, row.status, row.other, row.key) for row in plan.rows]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _choices(row) -> list[tuple[str, str]]:
    """What the editor may do with a row, default first."""
    if row.status == Status.INVALID:
        return []
    if row.status == Status.NEW:
        return [(IMPORT, "Import"), (SKIP, "Skip")]
    in_library = not row.other.startswith("record ")
    options = [(SKIP, "Skip")]
    if in_library:
        options.append((MERGE, f"Merge into {row.other} (fill its empty fields)"))
    options.append((IMPORT, "Import as a new entry"))
    return options


def _context(plan: ImportPlan, token: str, elapsed: float, **extra):
    from .models import Reference

    matched = {row.other for row in plan.rows if row.other and not row.other.startswith("record ")}
    library = dict(Reference.objects.filter(key__in=matched).values_list("key", "pk")) if matched else {}
    rows = []
    for row in plan.rows:
        shown = describe(row)
        shown["choices"] = _choices(row)
        if row.other in library:
            shown["other_url"] = reverse("wagtailsnippets_references_reference:edit", args=[library[row.other]])
        rows.append(shown)
    groups = []
    for status in Status.ORDER:
        members = [r for r in rows if r["status"] == status]
        groups.append({
            "status": status,
            "rows": members,
            "choices": GROUP_CHOICES.get(status, []),
            "per_row": status in (Status.DUPLICATE, Status.POSSIBLE) and len(members) <= MAX_ROW_CHOICES,
        })
    return {
        "token": token,
        "files": plan.files,
        "counts": plan.counts,
        "groups": groups,
        "total": len(plan.rows),
        "elapsed": elapsed,
        **extra,
    }


def _render(request, template: str, context: dict, status: int = 200):
    base = {"page_title": "Import references", "header_icon": "doc-full",
            "action_url": reverse("reference_import")}
    return TemplateResponse(request, f"references/admin/{template}", base | context, status=status)


def _stored(request, token: str):
    stored = request.session.get(SESSION_KEY) or {}
    if not token or stored.get("token") != token:
        return None
    files = [(name, base64.b64decode(data)) for name, data in stored["files"]]
    return files, stored.get("format") or None, stored.get("fingerprint")


def _progress_or_preview(request, plan: ImportPlan, token: str, elapsed: float):
    """The preview when every record is checked; otherwise the progress page for the next part."""
    stored = request.session[SESSION_KEY]
    if plan.complete:
        request.session[SESSION_KEY] = stored | {"fingerprint": _fingerprint(plan), "outcomes": []}
        return _render(request, "preview.html", _context(plan, token, elapsed))
    request.session[SESSION_KEY] = stored | {"outcomes": plan.outcomes()}
    next_url = f"{reverse('reference_import')}?token={token}"
    return _render(request, "progress.html", {
        "done": len(plan.rows), "total": plan.total, "next_url": next_url, "files": plan.files,
    })


def _carry_on(request):
    """GET ?token=…: check the next part of a large import."""
    token = request.GET.get("token", "")
    stored = _stored(request, token)
    if stored is None:
        messages.error(request, "That import preview has expired; upload the files again.")
        return redirect("reference_import")
    files, format_name, _fingerprint_ = stored
    outcomes = request.session[SESSION_KEY].get("outcomes") or []
    started = time.perf_counter()
    try:
        plan = preview(files, format_name=format_name, until=len(outcomes) + CHUNK, resume=outcomes)
    except ImportFileError as exc:  # the files were read before; kept for safety
        messages.error(request, str(exc))
        return redirect("reference_import")
    return _progress_or_preview(request, plan, token, time.perf_counter() - started)


def import_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        if request.GET.get("token"):
            return _carry_on(request)
        return _render(request, "upload.html", {"form": UploadForm()})
    step = request.POST.get("step", "preview")
    if step == "preview":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render(request, "upload.html", {"form": form}, status=400)
        files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
        started = time.perf_counter()
        try:
            plan = preview(files, format_name=form.cleaned_data["format"] or None, until=CHUNK)
        except ImportFileError as exc:
            form.add_error("files", str(exc))
            return _render(request, "upload.html", {"form": form}, status=400)
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "files": [(name, base64.b64encode(data).decode("ascii")) for name, data in files],
            "format": form.cleaned_data["format"],
        }
        return _progress_or_preview(request, plan, token, time.perf_counter() - started)
    # step == "confirm"
    stored = _stored(request, request.POST.get("token", ""))
    if stored is None:
        messages.error(request, "That import preview has expired; upload the files again.")
        return redirect("reference_import")
    files, format_name, fingerprint = stored
    started = time.perf_counter()
    plan = preview(files, format_name=format_name)
    token = request.POST["token"]
    if _fingerprint(plan) != fingerprint:
        request.session[SESSION_KEY] = request.session[SESSION_KEY] | {"fingerprint": _fingerprint(plan)}
        return _render(request, "preview.html", _context(
            plan, token, time.perf_counter() - started,
            changed="The library changed since the preview, so the outcomes were worked out again. "
            "Check them and confirm again.",
        ), status=409)
    actions = {}
    problems = []
    for row in plan.rows:
        allowed = {value for value, _label in _choices(row)}
        chosen = request.POST.get(f"action-{row.position}")
        if not chosen:
            chosen = request.POST.get(f"all-{row.status.replace(' ', '-')}")
            if chosen not in allowed:  # a group choice that does not apply to this row (merge
                continue  # into a record of the same file): the row keeps its default
        if chosen not in allowed:
            problems.append(f"{row.label}: “{chosen}” is not possible for a {row.status} record.")
            continue
        actions[row.position] = chosen
    if problems:
        return _render(request, "preview.html", _context(plan, token, 0.0, problems=problems), status=400)
    try:
        result = apply(plan, actions, skip_invalid=True)
    except ImportRefused as exc:
        return _render(request, "preview.html", _context(plan, token, 0.0, problems=exc.problems), status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        f"Imported {len(result.created)} new references, merged {len(result.merged)}, "
        f"skipped {result.skipped}.",
    )
    return redirect("wagtailsnippets_references_reference:list")
