"""The public cancer type pages: the list, and each type with the therapies' evidence for it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from carechoices.core.pagecache import public_page
from carechoices.evidence.presenters import GENERAL_CANCER_TYPE

from .evidence import collect
from .models import CancerType


def _live_reviews():
    from carechoices.therapies.models import TherapyPage

    return TherapyPage.objects.live().public().specific().order_by("title")


def _tree(types: list[CancerType]) -> list[tuple[CancerType, int]]:
    """(type, depth) in reading order: each parent followed by its subtypes."""
    children: dict[int | None, list[CancerType]] = {}
    for cancer_type in types:
        children.setdefault(cancer_type.parent_id, []).append(cancer_type)
    out: list[tuple[CancerType, int]] = []

    def walk(parent_id, depth):
        for cancer_type in sorted(children.get(parent_id, []), key=lambda t: t.name.lower()):
            if any(seen is cancer_type for seen, _ in out):
                continue
            out.append((cancer_type, depth))
            walk(cancer_type.pk, depth + 1)

    walk(None, 0)
    return out


@public_page
def cancer_type_index(request):
    types = list(CancerType.objects.all())
    evidence = collect(_live_reviews())
    rows = [
        {"type": t, "depth": depth, "evidence": evidence.get(t.name.lower())}
        for t, depth in _tree(types)
    ]
    return render(request, "cancertypes/index.html", {
        "rows": rows, "general": evidence.get(GENERAL_CANCER_TYPE),
    })


def _descendants(cancer_type: CancerType) -> list[CancerType]:
    found, frontier = [], [cancer_type]
    while frontier:
        children = list(CancerType.objects.filter(parent__in=frontier).exclude(pk__in=[t.pk for t in found]))
        children = [c for c in children if c.pk != cancer_type.pk]
        found += children
        frontier = children
    return found


@public_page
def cancer_type_detail(request, slug: str):
    cancer_type = get_object_or_404(CancerType.objects.select_related("parent"), slug=slug)
    subtypes = _descendants(cancer_type)
    names = {cancer_type.name.lower(), *(t.name.lower() for t in subtypes)}
    collected = collect(_live_reviews(), names)
    findings = sorted((f for name in names if name in collected for f in collected[name].findings),
                      key=lambda f: f.sort_key)
    lab_only = sorted((lab for name in names if name in collected for lab in collected[name].lab_only),
                      key=lambda lab: lab.title.lower())
    return render(request, "cancertypes/detail.html", {
        "cancer_type": cancer_type, "ancestors": cancer_type.ancestors(),
        "subtypes": [t for t in subtypes if t.parent_id == cancer_type.pk],
        "findings": findings, "lab_only": lab_only,
    })
