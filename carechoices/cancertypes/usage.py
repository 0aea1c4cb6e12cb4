"""Which reviews point at a cancer type (live or in their latest draft)."""

from __future__ import annotations

from collections.abc import Iterable


def _slugs_in(page) -> set[str]:
    found: set[str] = set()
    for block in page.evidence:
        found.update(block.value.get("cancer_types") or [])
    for block in page.grades:
        if block.value.get("cancer_type"):
            found.add(block.value["cancer_type"])
    return found


def reviews_using(slugs: Iterable[str]) -> dict[str, list[str]]:
    """slug → titles of the reviews whose live version or latest draft uses it."""
    from carechoices.therapies.models import used_by_reviews

    wanted = set(slugs)
    return used_by_reviews(lambda version: _slugs_in(version) & wanted)
