"""Counting feedback (CDS Hooks 2.0.1 "Feedback"): which card, what outcome, which of our reasons.

A card is recognised by its uuid alone (``card_ids``): the MAC shows we issued it and the code
says which rule it was, among the rules that exist now. ``userComment`` and the timestamp are
checked for shape and then forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from carechoices.cds.card_ids import CardKey, decode_card_id
from carechoices.cds.cards import OVERRIDE_CODES
from carechoices.cds.models import CardFeedback
from carechoices.cds.schemas import FeedbackRequest
from carechoices.cds.screen import Therapy

SPECIAL_RULES = ("not-checked",)


def candidate_keys(service_id: str, therapies: Mapping[str, Therapy]) -> list[CardKey]:
    """Every card key the service can issue now: each rule, "already taking", the two notes."""
    keys = [CardKey(service_id, "", rule) for rule in SPECIAL_RULES]
    for therapy in therapies.values():
        rules = [rule.rule_id for rule in therapy.rules.rules]
        rules += [f"already-taking-{_slug(ingredient)}" for ingredient in therapy.rules.active_ingredients]
        rules.append("no-known-concerns")
        keys.extend(CardKey(service_id, therapy.slug, rule) for rule in rules)
    return keys


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "ingredient"


def _reason(item, override_system: str) -> str:
    if item.outcome != "overridden" or item.overrideReason is None or item.overrideReason.reason is None:
        return ""
    coding = item.overrideReason.reason
    if coding.code in OVERRIDE_CODES and coding.system in (None, override_system):
        return coding.code
    return "other"


@sensitive_variables()
def count_feedback(
    request: FeedbackRequest, *, service_id: str, keys: Iterable[CardKey], override_system: str
) -> tuple[int, int]:
    """Count every item about a card we issued; (counted, not counted)."""
    keys = list(keys)
    counted = 0
    with transaction.atomic():
        for item in request.feedback:
            key = decode_card_id(item.card, keys)
            if key is None or key.service != service_id:
                continue
            CardFeedback.bump(
                service=service_id,
                therapy=key.therapy,
                rule=key.rule,
                outcome=item.outcome,
                reason=_reason(item, override_system),
            )
            counted += 1
    return counted, len(request.feedback) - counted
