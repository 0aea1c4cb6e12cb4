"""The glossary as pages mark it: loaded once per content generation (see references.library)."""

from __future__ import annotations

from django.urls import reverse

from carechoices.editorial.generation import PerGeneration

from .marking import TermInfo
from .models import GlossaryTerm


def _load() -> tuple[TermInfo, ...]:
    base = reverse("glossary:index")
    return tuple(
        TermInfo(t.slug, t.term, tuple(t.synonym_list), t.definition, f"{base}#term-{t.slug}")
        for t in GlossaryTerm.objects.all()
    )


_terms: PerGeneration[tuple[TermInfo, ...]] = PerGeneration(_load)


def glossary_terms() -> tuple[TermInfo, ...]:
    """Every glossary term, with its link on the glossary page."""
    return _terms.get()
