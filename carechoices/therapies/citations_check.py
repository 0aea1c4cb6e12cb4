"""Find citation markers in a review's fields that do not resolve to a library entry."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from carechoices.references.citations import marker_problems
from carechoices.references.models import Reference

RICH_TEXT_FIELDS = (
    "at_a_glance",
    "research_summary",
    "safety_overview",
    "mechanisms",
    "preclinical",
    "costs_access",
)
STREAM_FIELDS = ("side_effects", "contraindications", "expert_uses", "dosing_protocols")


def stream_texts(value: Any) -> Iterator[str]:
    """Every string inside a StreamField value (block values, nested structs and lists)."""
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from stream_texts(item)
    elif hasattr(value, "raw_data") and hasattr(value, "__iter__"):  # StreamValue
        for child in value:
            yield from stream_texts(child.value)
    elif isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not hasattr(value, "pk"):
        for item in value:
            yield from stream_texts(getattr(item, "value", item))


def citation_problems_by_field(cleaned: Mapping[str, Any], formsets: Mapping[str, Any]) -> dict[str, list[str]]:
    """Problems keyed by the form field (or ``ratings``) where the marker was written."""
    known = set(Reference.objects.values_list("key", flat=True))
    problems: dict[str, list[str]] = {}
    for name in RICH_TEXT_FIELDS:
        found = marker_problems([cleaned.get(name) or ""], known)
        if found:
            problems[name] = found
    for name in STREAM_FIELDS:
        found = marker_problems(list(stream_texts(cleaned.get(name))), known)
        if found:
            problems[name] = found
    ratings = formsets.get("ratings")
    if ratings is not None:
        for form in ratings.forms:
            if form.is_valid() and not form.cleaned_data.get("DELETE"):
                found = marker_problems([form.cleaned_data.get("rationale") or ""], known)
                for problem in found:
                    form.add_error("rationale", problem)
    return problems
