"""Personal safety screening: a pure-Python engine (no Django) plus its input validator.

The Django adapter (apps, views, forms) lives beside these modules and only turns reviewed
content into ``TherapyRules`` and results into pages, API responses and cards.
"""

from carechoices.screening.engine import DISCLAIMER, RuleSet, UnknownTherapy, prepare_rules, screen
from carechoices.screening.limits import InputError, parse_request
from carechoices.screening.models import (
    VERDICT_RANK,
    ConditionMatch,
    MedicineMatch,
    Procedure,
    ReferenceInfo,
    Rule,
    ScreenRequest,
    TherapyRules,
    Timing,
    Trigger,
    Vocabulary,
)

__all__ = [
    "DISCLAIMER",
    "VERDICT_RANK",
    "ConditionMatch",
    "InputError",
    "MedicineMatch",
    "Procedure",
    "ReferenceInfo",
    "Rule",
    "RuleSet",
    "ScreenRequest",
    "TherapyRules",
    "Timing",
    "Trigger",
    "UnknownTherapy",
    "Vocabulary",
    "parse_request",
    "prepare_rules",
    "screen",
]
