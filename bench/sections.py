"""The sections ``python -m bench`` runs, in order."""

from __future__ import annotations

from bench import (
    cds,
    edge,
    export,
    medicines,
    read_api,
    references_import,
    render,
    screening,
    search,
    serving,
)
from bench.registry import Section

BUILT_IN: tuple[Section, ...] = (
    render.SECTION,
    serving.SECTION,
    edge.SECTION,
    medicines.MEDICINES,
    screening.ENGINE_SECTION,
    screening.API_SECTION,
    read_api.SECTION,
    export.SECTION,
    cds.SECTION,
    references_import.SECTION,
    search.SECTION,
)
