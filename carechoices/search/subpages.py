"""A review's text per sub-page, as plain words, for finding where a search hit came from."""

from __future__ import annotations

import re

from django.utils.html import strip_tags

_MARKER = re.compile(r"\[@[^\]]*\]")


def _clean(text: str) -> str:
    return " ".join(_MARKER.sub("", strip_tags(text or "")).replace("&nbsp;", " ").split())


def _stream_text(stream) -> str:
    parts: list[str] = []
    for block in stream:
        parts.extend(str(p) for p in block.block.get_searchable_content(block.value))
    return _clean(" · ".join(parts))


def _evidence_cancer_types(page) -> str:
    """The names of the cancer types the research page groups its studies by (blocks hold slugs)."""
    from carechoices.cancertypes import lookup

    slugs: dict[str, None] = {}
    for block in page.evidence:
        slugs.update(dict.fromkeys(block.value.get("cancer_types") or ()))
    for block in page.grades:
        if block.value.get("cancer_type"):
            slugs[block.value["cancer_type"]] = None
    return " · ".join(lookup.searchable(slug) for slug in slugs)


_cache: dict[tuple[int, object], list[tuple[str, str, str, str]]] = {}
_CACHE_SIZE = 2000


def subpage_texts(page) -> list[tuple[str, str, str, str]]:
    """(sub-page label, path under the review, plain text, folded text) in reading order.

    Kept per page and live revision (a publish makes a new one), so a hit's sub-pages are worked
    out once per revision rather than at every search.
    """
    key = (page.pk, page.live_revision_id)
    cached = _cache.get(key)
    if cached is None:
        from carechoices.therapies.models import TherapyPage

        from .snippets import fold

        full = TherapyPage.objects.get(pk=page.pk) if page.get_deferred_fields() else page
        cached = [(label, path, text, fold(text)) for label, path, text in _texts(full)]
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = cached
    return cached


def _texts(page) -> list[tuple[str, str, str]]:
    from carechoices.therapies.models import SUBPAGES

    fields = {
        "overview": lambda: " ".join([page.tagline, page.synonyms, _clean(page.at_a_glance)]),
        "research": lambda: " ".join(
            [_clean(page.research_summary), _stream_text(page.evidence), _evidence_cancer_types(page)]
        ),
        "safety": lambda: " ".join([_clean(page.safety_overview), _stream_text(page.side_effects),
                                    _stream_text(page.contraindications)]),
        "expert-use": lambda: " ".join([_stream_text(page.expert_uses), _stream_text(page.dosing_protocols)]),
        "professionals": lambda: " ".join([_clean(page.mechanisms), _clean(page.preclinical)]),
        "costs": lambda: _clean(page.costs_access),
    }
    return [(label, path, fields[name]()) for name, path, label in SUBPAGES if name in fields]


_urls: dict[tuple[int, str], str] = {}


def page_url(page) -> str:
    """The page's URL, kept per page and tree path (working it out reads the site's root paths)."""
    key = (page.pk, page.url_path)
    url = _urls.get(key)
    if url is None:
        if len(_urls) >= _CACHE_SIZE:
            _urls.clear()
        url = _urls[key] = page.url or ""
    return url


def forget() -> None:
    """Drop the kept texts and URLs (tests whose rolled-back pages reuse ids and revisions)."""
    _cache.clear()
    _urls.clear()
