"""Build evidence entries for tests with only the fields a test cares about."""

from __future__ import annotations

from typing import Any

from carechoices.evidence.domain import (
    Design,
    Direction,
    Endpoint,
    EvidenceEntry,
    OutcomeCategory,
)


def make_entry(**overrides: Any) -> EvidenceEntry:
    """Return a valid human RCT entry (benefit, overall survival), changed by ``overrides``."""
    fields: dict[str, Any] = {
        "design": Design.RCT_DOUBLE_BLIND,
        "participants": 40,
        "population": "adults with cancer",
        "cancer_types": ("brain cancer",),
        "intervention": "therapy X",
        "dose": "1 mg",
        "outcome_category": OutcomeCategory.TREATMENT_OUTCOMES,
        "endpoint": Endpoint.OVERALL_SURVIVAL,
        "direction": Direction.BENEFIT,
        "effect": "longer survival",
        "notes": "",
        "references": ("ref1",),
    }
    fields.update(overrides)
    return EvidenceEntry(**fields)
