"""Choosing references from the library inside a review's streams of records."""

from __future__ import annotations

import copy

from wagtail.snippets.blocks import SnippetChooserBlock


class ReferenceChooserBlock(SnippetChooserBlock):
    """A reference from the library; a stream's citations come from the per-generation library."""

    def __init__(self, **kwargs) -> None:
        super().__init__("references.Reference", **kwargs)

    def bulk_to_python(self, values):
        from .library import reference_library

        library = reference_library().by_pk
        # A copy each, as Wagtail's own does: a block value is never shared between streams.
        return [copy.copy(library[value]) if value in library else None for value in values]
