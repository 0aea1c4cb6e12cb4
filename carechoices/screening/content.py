"""Adapt published review content into the engine's rules (Django side).

The contraindication records of each live review *are* the rules: an editor changes them, a
reviewer approves, and the next screen uses them. Compiled rules are cached per process and
rebuilt whenever any review is published again.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from decimal import Decimal

from carechoices.references.citations import MARKER
from carechoices.references.formatting import format_references
from carechoices.references.models import Reference
from carechoices.screening.models import ReferenceInfo, Rule, TherapyRules, Timing, Trigger
from carechoices.therapies.models import TherapyPage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TherapyContent:
    """What the screen and the start plan need from one published review."""

    page: TherapyPage
    rules: TherapyRules
    references: dict[str, ReferenceInfo]


def reference_infos(references: list[Reference]) -> dict[str, ReferenceInfo]:
    """AMA citation text and the best link for each reference, keyed by citation key."""
    formatted = {f.id: f.text for f in format_references([r.csl_item() for r in references])}
    infos = {}
    for r in references:
        citation = formatted.get(r.key) or r.key
        url = r.primary_url
        # AMA ends a web page's entry with its address; ``url`` carries it once, not twice.
        if url and citation.endswith(url):
            citation = citation[: -len(url)].rstrip()
        infos[r.key] = ReferenceInfo(id=r.key, citation=citation, url=url)
    return infos


def strip_markers(text: str) -> str:
    """Rule texts travel as plain text (API, CLI, cards): their references are listed alongside."""
    return re.sub(r"\s+([.,;:])", r"\1", MARKER.sub("", text or "")).strip()


def _triggers(items) -> tuple[Trigger, ...]:
    return tuple(Trigger(kind=t["kind"], value=t["value"].strip().lower()) for t in items or [])


def _rule(block_value, infos: dict[str, ReferenceInfo]) -> Rule:
    v = block_value
    timing = v.get("timing") or {}
    dose = v.get("min_dose_mg")
    return Rule(
        rule_id=v["rule_id"],
        title=v["title"],
        severity=v["severity"],
        any_of=_triggers(v["any_of"]),
        all_of=_triggers(v.get("all_of")),
        none_of=_triggers(v.get("none_of")),
        min_dose_mg=float(dose) if isinstance(dose, (Decimal, int, float)) else None,
        summary=strip_markers(v["plain_text"]),
        detail=strip_markers(v["professional_text"]),
        action=strip_markers(v["action"]),
        timing=Timing(
            kind=timing["kind"],
            min_days=int(timing.get("min_days") or 0),
            max_days=int(timing.get("max_days") or 0),
            restart=timing.get("restart") or "",
            wean_for=timing.get("wean_for") or "",
        )
        if timing.get("kind")
        else None,
        references=tuple(infos[r.key] for r in v["citations"] if r is not None),
    )


def compile_therapy(page: TherapyPage) -> TherapyContent:
    """Rules and references of one review, as the engine and the plan calculator take them."""
    refs: dict[str, Reference] = {}
    for field in ("contraindications", "dosing_protocols"):
        for block in getattr(page, field):
            for ref in block.value["citations"]:
                if ref is not None:
                    refs[ref.key] = ref
    infos = reference_infos(list(refs.values()))
    rules = tuple(_rule(block.value, infos) for block in page.contraindications)
    return TherapyContent(
        page=page,
        rules=TherapyRules(
            slug=page.slug,
            name=page.title,
            rules=rules,
            updated=page.last_update,
            rules_reviewed=bool(rules),
            active_ingredients=page.active_ingredient_names,
        ),
        references=infos,
    )


_cache_lock = threading.Lock()
_cache: dict[tuple, dict[str, TherapyContent]] = {}


def live_therapies() -> dict[str, TherapyContent]:
    """Every live review's compiled content, in title order, keyed by slug.

    The cache key is each page's id and live revision, so publishing a change to any rule
    invalidates it at the next request (one cheap query) without signals or a shared cache.
    """
    pages = list(
        TherapyPage.objects.live().public().order_by("title").values_list("pk", "live_revision_id")
    )
    from carechoices.therapies.caching import content_version

    key = (content_version(), tuple(pages))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    compiled = {}
    for page in (
        TherapyPage.objects.live().public().order_by("title").prefetch_related("review_dates")
    ):
        try:
            content = compile_therapy(page)
        except (ValueError, KeyError):
            # Content the engine cannot use (e.g. a rule whose reference was deleted) must not
            # take the screen down; the therapy is reported as not checked instead.
            logger.exception("Rules of %s could not be compiled; screening it as not reviewed", page.slug)
            content = TherapyContent(
                page=page,
                rules=TherapyRules(slug=page.slug, name=page.title, rules=(), rules_reviewed=False),
                references={},
            )
        compiled[page.slug] = content
    with _cache_lock:
        _cache.clear()
        _cache[key] = compiled
    return compiled
