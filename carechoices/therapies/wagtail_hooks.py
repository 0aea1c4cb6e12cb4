"""Back-office guards for therapy reviews."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from carechoices.references.citations import marker_problems
from carechoices.references.models import Reference


def dangling_citations(page) -> list[str]:
    """Citation problems in a page version (rich text, records and rating notes)."""
    from .citations_check import RICH_TEXT_FIELDS, STREAM_FIELDS, stream_texts

    texts = [getattr(page, name) or "" for name in RICH_TEXT_FIELDS]
    for name in STREAM_FIELDS:
        texts += list(stream_texts(getattr(page, name)))
    texts += [rating.rationale for rating in page.ratings.all()]
    return marker_problems(texts, set(Reference.objects.values_list("key", flat=True)))


@hooks.register("before_bulk_action")
def refuse_bulk_publish_with_dangling_citations(request, action_type, objects, action_class_instance):
    """Bulk publishing bypasses the page form, so it gets the same checks here (citations, change note)."""
    from .models import TherapyPage

    if action_type != "publish":
        return None
    problems = []
    for page in objects:
        specific = page.specific
        if not isinstance(specific, TherapyPage):
            continue
        draft = specific.get_latest_revision_as_object()
        for problem in dangling_citations(draft):
            problems.append(f"{specific.title}: {problem}")
        if draft.substantive_update and not (draft.change_note or "").strip():
            problems.append(
                f"{specific.title}: this change alters what the review says but has no change note; "
                "edit the review and say what changed and why before publishing."
            )
    if not problems:
        return None
    for problem in problems:
        messages.error(request, problem)
    return redirect("wagtailadmin_explore", objects[0].get_parent().pk)
