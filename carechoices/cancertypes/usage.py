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
    from carechoices.therapies.models import TherapyPage

    wanted = set(slugs)
    used: dict[str, list[str]] = {}
    for page in TherapyPage.objects.all():
        versions = [page]
        latest = page.get_latest_revision_as_object()
        if latest is not None:
            versions.append(latest)
        for version in versions:
            for slug in _slugs_in(version) & wanted:
                if page.title not in used.setdefault(slug, []):
                    used[slug].append(page.title)
    return used
