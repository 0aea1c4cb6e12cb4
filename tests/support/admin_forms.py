"""Build the POST data the Wagtail page editor would send for a page, as a browser would.

The editor's StreamFields are rendered by JavaScript, so a test cannot scrape them from the
HTML; instead we serialise the page's current values through the same block definitions that
parse the POST (``value_from_datadict``), then let the test change what it needs.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from carechoices.therapies.models import TherapyPage


def block_data(block: blocks.Block, value: Any, prefix: str) -> dict[str, str]:
    """Flat form data for one block value, mirroring the block's ``value_from_datadict``."""
    out: dict[str, str] = {}
    if isinstance(block, blocks.StreamBlock):
        children = list(value or [])
        out[f"{prefix}-count"] = str(len(children))
        for i, child in enumerate(children):
            out[f"{prefix}-{i}-type"] = child.block_type
            out[f"{prefix}-{i}-deleted"] = ""
            out[f"{prefix}-{i}-order"] = str(i)
            out[f"{prefix}-{i}-id"] = child.id or ""
            out.update(block_data(child.block, child.value, f"{prefix}-{i}-value"))
    elif isinstance(block, blocks.ListBlock):
        items = list(value or [])
        out[f"{prefix}-count"] = str(len(items))
        for i, item in enumerate(items):
            out[f"{prefix}-{i}-deleted"] = ""
            out[f"{prefix}-{i}-order"] = str(i)
            out.update(block_data(block.child_block, item, f"{prefix}-{i}-value"))
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            out.update(block_data(child, (value or {}).get(name), f"{prefix}-{name}"))
    elif isinstance(block, blocks.MultipleChoiceBlock):
        out[prefix] = list(value or [])  # type: ignore[assignment] - posted as repeated values
    elif isinstance(block, blocks.BooleanBlock):
        if value:
            out[prefix] = "on"
    else:
        prepped = block.get_prep_value(value)
        out[prefix] = "" if prepped is None else str(prepped)
    return out


def page_edit_data(page: TherapyPage, **changes: Any) -> dict[str, str]:
    """POST data for the editor form of ``page`` with ``changes`` applied (model field values)."""
    data: dict[str, Any] = {}
    for field in page._meta.get_fields():
        name = field.name
        if isinstance(field, StreamField):
            value = changes.get(name, getattr(page, name))
            if not hasattr(value, "raw_data"):
                value = field.stream_block.to_python(value)
            data.update(block_data(field.stream_block, value, name))
        elif isinstance(field, RichTextField):
            data[name] = rich_text(changes.get(name, getattr(page, name)) or "<p></p>")
    for name in ("title", "slug", "tagline", "category", "active_ingredients", "seo_title", "search_description",
                 "literature_review_cycle_months", "change_note"):
        data[name] = changes.get(name, getattr(page, name))
    if changes.get("substantive_update", page.substantive_update):
        data["substantive_update"] = "on"
    ratings = changes.get("ratings") or [
        {"id": str(r.pk or ""), "attribute": r.attribute, "score": "" if r.score is None else str(r.score),
         "rationale": r.rationale}
        for r in page.ratings.all()
    ]
    contributors = [
        {"id": str(c.pk), "person": str(c.person_id), "role": c.role} for c in page.contributors.all()
    ]
    dates = changes.get("review_dates") or [
        {"id": str(d.pk), "kind": d.kind, "date": d.date.isoformat(), "note": d.note}
        for d in page.review_dates.all()
    ]
    data.update(
        nested_form_data(
            {
                "ratings": inline_formset(ratings, initial=page.ratings.count()),
                "contributors": inline_formset(contributors, initial=len(contributors)),
                "review_dates": inline_formset(dates, initial=page.review_dates.count()),
            }
        )
    )
    data["comments-TOTAL_FORMS"] = "0"
    data["comments-INITIAL_FORMS"] = "0"
    data["comments-MIN_NUM_FORMS"] = "0"
    data["comments-MAX_NUM_FORMS"] = "1000"
    return {k: v for k, v in data.items() if v is not None}
