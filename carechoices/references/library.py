"""The reference library as review pages read it: loaded once per content generation.

Every review page cites from the same library, and its streams of records each look their
citations up; one query per published content generation (``editorial.generation``) replaces
one per stream per request. A saved reference raises the generation, so it is seen at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from carechoices.editorial.generation import PerGeneration

from .models import Reference


@dataclass(frozen=True)
class ReferenceLibrary:
    by_pk: dict[int, Reference]
    by_key: dict[str, Reference]


def _load() -> ReferenceLibrary:
    references = list(Reference.objects.all())
    return ReferenceLibrary({r.pk: r for r in references}, {r.key: r for r in references})


_library: PerGeneration[ReferenceLibrary] = PerGeneration(_load)


def reference_library() -> ReferenceLibrary:
    """Every reference, by primary key and by citation key (shared: treat as read-only)."""
    return _library.get()
