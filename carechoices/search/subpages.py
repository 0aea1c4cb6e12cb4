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


def subpage_texts(page) -> list[tuple[str, str, str]]:
    """(sub-page label, path under the review, plain text) in reading order."""
    from carechoices.therapies.models import SUBPAGES

    fields = {
        "overview": lambda: " ".join([page.tagline, page.synonyms, _clean(page.at_a_glance)]),
        "research": lambda: " ".join([_clean(page.research_summary), _stream_text(page.evidence)]),
        "safety": lambda: " ".join([_clean(page.safety_overview), _stream_text(page.side_effects),
                                    _stream_text(page.contraindications)]),
        "expert-use": lambda: " ".join([_stream_text(page.expert_uses), _stream_text(page.dosing_protocols)]),
        "professionals": lambda: " ".join([_clean(page.mechanisms), _clean(page.preclinical)]),
        "costs": lambda: _clean(page.costs_access),
    }
    return [(label, path, fields[name]()) for name, path, label in SUBPAGES if name in fields]
