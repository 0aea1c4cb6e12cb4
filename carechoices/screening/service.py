"""One entry point for the screen, shared by the page, the API and the CLI.

Given the same payload, all three return the identical contract JSON, because they all call
``run_screen`` (and ``ScreenResult.to_json``). Nothing here stores or logs what the person entered.
"""

from __future__ import annotations

import datetime

from django.views.decorators.debug import sensitive_variables

from carechoices.medicines import load_vocabulary
from carechoices.screening.content import TherapyContent, live_therapies
from carechoices.screening.engine import RuleSet, prepare_rules, screen
from carechoices.screening.limits import InputError, parse_request, today_in
from carechoices.screening.models import ScreenRequest
from carechoices.screening.results import ScreenResult


@sensitive_variables("payload", "request")
def run_screen(
    payload: object, *, today: datetime.date | None = None, require_input: bool = True
) -> ScreenResult:
    """Validate ``payload`` (the contract's request JSON) and screen it against live reviews.

    Raises ``InputError`` naming the field when the payload is not acceptable, including an
    empty one unless ``require_input`` is False (a start plan for someone taking nothing).
    ``today`` defaults to the current date in the request's time zone (UTC if none).
    """
    therapies = live_therapies()
    request = parse_request(payload, therapy_slugs=list(therapies), require_input=require_input)
    return screen_request(request, today=today, therapies=therapies)


@sensitive_variables("request")
def screen_request(
    request: ScreenRequest,
    *,
    today: datetime.date | None = None,
    therapies: dict[str, TherapyContent] | None = None,
) -> ScreenResult:
    """Screen an already validated request against the live reviews (``therapies``, if already read)."""
    if therapies is None:
        therapies = live_therapies()
    return screen(
        request, _rule_set(therapies), load_vocabulary(), today=today or today_in(request.time_zone)
    )


#: The live reviews last screened against and their rules, prepared: ``live_therapies()``
#: gives the same mapping until the content changes, so its rules are prepared once per
#: generation. Only rules are kept here, never anything a person entered.
_prepared: tuple[dict[str, TherapyContent], RuleSet] | None = None


def _rule_set(therapies: dict[str, TherapyContent]) -> RuleSet:
    global _prepared
    kept = _prepared  # one read: another thread may replace it meanwhile
    if kept is not None and kept[0] is therapies:
        return kept[1]
    rule_set = prepare_rules([content.rules for content in therapies.values()])
    _prepared = (therapies, rule_set)
    return rule_set


__all__ = ["InputError", "run_screen", "screen_request"]
