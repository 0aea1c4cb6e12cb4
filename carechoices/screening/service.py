"""One entry point for the screen, shared by the page, the API and the CLI.

Given the same payload, all three return the identical contract JSON, because they all call
``run_screen``. Nothing here stores or logs what the person entered.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from carechoices.medicines import load_vocabulary
from carechoices.screening.content import live_therapies
from carechoices.screening.engine import screen
from carechoices.screening.limits import InputError, parse_request


@sensitive_variables("payload", "request")
def run_screen(
    payload: object, *, today: datetime.date | None = None, require_input: bool = True
) -> dict[str, Any]:
    """Validate ``payload`` (the contract's request JSON) and screen it against live reviews.

    Raises ``InputError`` naming the field when the payload is not acceptable, including an
    empty one unless ``require_input`` is False (a start plan for someone taking nothing).
    """
    therapies = live_therapies()
    request = parse_request(payload, therapy_slugs=list(therapies), require_input=require_input)
    return screen(
        request,
        [content.rules for content in therapies.values()],
        load_vocabulary(),
        today=today or timezone.localdate(),
    )


__all__ = ["InputError", "run_screen"]
