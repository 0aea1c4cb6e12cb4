"""``{% reference_downloads review.url as downloads %}``: the citation-export links of a review."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from carechoices.references.exports import FORMATS

register = template.Library()


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    media_type: str


@register.simple_tag
def reference_downloads(review_url: str) -> list[Download]:
    """One link per export format for the review at ``review_url`` (ending in a slash)."""
    base = review_url if review_url.endswith("/") else f"{review_url}/"
    return [
        Download(f.label, f"{base}references/export.{f.name}", f.media_type.split(";")[0])
        for f in FORMATS.values()
    ]
