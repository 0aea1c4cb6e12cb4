"""The sections ``python -m carechoices.bench`` runs, in order."""

from __future__ import annotations

from carechoices.bench import cds, export, hooks, read_api, render, screening, search, serving
from carechoices.bench.registry import SECTIONS, Section, register

BUILT_IN: tuple[Section, ...] = (
    render.SECTION,
    serving.SECTION,
    hooks.MEDICINES,
    screening.ENGINE_SECTION,
    screening.API_SECTION,
    read_api.SECTION,
    export.SECTION,
    cds.SECTION,
    search.SECTION,
)


def register_built_in() -> list[Section]:
    """Register the built-in sections once (importing twice must not duplicate them)."""
    for section in BUILT_IN:
        if section not in SECTIONS:
            register(section)
    return SECTIONS
