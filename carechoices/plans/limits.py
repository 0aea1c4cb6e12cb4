"""The one validator of a start-plan request, shared by the form, the API and the CLI.

A plan request is the screen's request for one therapy (medicines, conditions, procedures,
dose, time zone — checked by ``screening.limits.parse_request``) plus what only the plan needs:

=========================  ====================================================================
field                      accepted
=========================  ====================================================================
therapy                    required; the slug of a published review with a dosing protocol
start_date                 required; ``YYYY-MM-DD``, today or later in ``time_zone``
time_zone                  optional (default UTC); an IANA zone such as Europe/London
protocol                   optional; the id of one of the review's dosing protocols
start_dose_mg              optional; the prescriber's start dose in mg, more than 0 and at
                           most 1000 — needed for a protocol whose source leaves it open
daily_opioid_pain_medicine optional; true, false or null: whether opioid pain medicine is
                           taken every day (the source's wean is for that case)
opioid_free_from           optional; ``YYYY-MM-DD``: the day from which the prescriber confirms
                           the person is free of opioids (the only way a first dose after an
                           opioid gets a date)
prescriber_decision        optional; text of at most 1000 characters without control characters
=========================  ====================================================================

Errors are ``InputError`` naming the field, as for the screen.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from carechoices.screening.limits import (
    MAX_DOSE_MG,
    InputError,
    parse_date,
    parse_request,
    parse_time_zone,
    today_in,
)
from carechoices.screening.models import ScreenRequest

SCREEN_FIELDS: Final[tuple[str, ...]] = ("medicines", "conditions", "procedures", "dose_mg", "time_zone")
PLAN_FIELDS: Final[tuple[str, ...]] = (
    "therapy",
    "start_date",
    *SCREEN_FIELDS,
    "protocol",
    "start_dose_mg",
    "daily_opioid_pain_medicine",
    "opioid_free_from",
    "prescriber_decision",
)
MAX_DECISION_LENGTH: Final[int] = 1000
DEFAULT_TIME_ZONE: Final[str] = "UTC"


@dataclass(frozen=True)
class PlanInput:
    """A validated plan request: the screen request for the therapy plus the plan's own fields."""

    therapy: str
    start_date: datetime.date
    time_zone: str
    today: datetime.date
    screen: ScreenRequest
    protocol_id: str | None = None
    start_dose_mg: Decimal | None = None
    daily_opioid_pain_medicine: bool | None = None
    opioid_free_from: datetime.date | None = None
    prescriber_decision: str | None = None


def parse_plan_request(
    payload: object,
    *,
    therapy_slugs: Collection[str],
    today: datetime.date | None = None,
) -> PlanInput:
    """Validate a plan request and build the ``PlanInput``; ``InputError`` names the field.

    ``today`` defaults to the current date in the request's time zone.
    """
    if not isinstance(payload, Mapping):
        raise InputError("body", "must be a JSON object")
    for key in payload:
        if key not in PLAN_FIELDS:
            name = key if isinstance(key, str) and key.isidentifier() and len(key) <= 40 else "body"
            raise InputError(name, f"is not a plan field; use {', '.join(PLAN_FIELDS)}")
    slug = payload.get("therapy")
    if not isinstance(slug, str) or slug not in therapy_slugs:
        raise InputError(
            "therapy", "must be the slug of a published therapy review, e.g. low-dose-naltrexone"
        )
    time_zone = parse_time_zone(payload.get("time_zone", DEFAULT_TIME_ZONE), "time_zone") or DEFAULT_TIME_ZONE
    if today is None:
        today = today_in(time_zone)
    if payload.get("start_date") is None:
        raise InputError("start_date", "is required (YYYY-MM-DD)")
    start = parse_date(payload["start_date"], "start_date")
    assert start is not None
    screen_payload = {"therapies": [slug], "time_zone": time_zone}
    for key in SCREEN_FIELDS:
        if key in payload and key != "time_zone":
            screen_payload[key] = payload[key]
    screen = parse_request(screen_payload, therapy_slugs=therapy_slugs)
    for index, procedure in enumerate(screen.procedures):
        if procedure.date is not None and procedure.date < start:
            raise InputError(
                f"procedures[{index}].date",
                "is before the start date; a plan starts before the surgery it plans around",
            )
    protocol = payload.get("protocol")
    if protocol is not None and (not isinstance(protocol, str) or not protocol.strip() or len(protocol) > 80):
        raise InputError("protocol", "must be the id of one of the review's dosing protocols")
    return PlanInput(
        therapy=slug,
        start_date=start,
        time_zone=time_zone,
        today=today,
        screen=screen,
        protocol_id=protocol.strip() if isinstance(protocol, str) else None,
        start_dose_mg=_start_dose(payload.get("start_dose_mg")),
        daily_opioid_pain_medicine=_yes_no(payload.get("daily_opioid_pain_medicine")),
        opioid_free_from=parse_date(payload.get("opioid_free_from"), "opioid_free_from"),
        prescriber_decision=_decision(payload.get("prescriber_decision")),
    )


def _start_dose(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError("start_dose_mg", "must be a number of milligrams, or null")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("start_dose_mg", "must be a finite number")
    try:
        dose = Decimal(str(value))
    except ArithmeticError:
        raise InputError("start_dose_mg", "must be a number of milligrams, or null") from None
    if not dose.is_finite() or dose <= 0 or dose > Decimal(str(MAX_DOSE_MG)):
        raise InputError("start_dose_mg", f"must be more than 0 and at most {MAX_DOSE_MG:g} mg")
    if dose.normalize().as_tuple().exponent < -3:  # type: ignore[operator]
        raise InputError("start_dose_mg", "must be given to at most 3 decimal places (e.g. 0.25)")
    return dose


def _yes_no(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InputError("daily_opioid_pain_medicine", "must be true, false or null")


def _decision(value: object) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or len(value) > MAX_DECISION_LENGTH
        or any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r" for ch in value)
    ):
        raise InputError(
            "prescriber_decision",
            f"must be text of at most {MAX_DECISION_LENGTH} characters without control characters",
        )
    return value.strip() or None
