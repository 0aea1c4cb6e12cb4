"""One entry point for the start plan, shared by the page, the API and the CLI (Django side).

A plan request is the screen's request for one therapy plus a start date, a time zone and the
plan's own answers (``plans.limits``). The screen runs first; its typed findings (opioid wait,
surgery stop, transplant medicines …) shape the plan. Plans are computed per request and never
stored or logged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.views.decorators.debug import sensitive_variables

from carechoices.plans.calculator import NoProtocol, PlanInputError, make_plan
from carechoices.plans.domain import (
    Plan,
    PlanRequest,
    PlanWarning,
)
from carechoices.plans.limits import PLAN_FIELDS, PlanInput, parse_plan_request
from carechoices.screening.content import TherapyContent, live_therapies
from carechoices.screening.limits import InputError
from carechoices.screening.results import InputReading, ScreenResult, TherapyResult
from carechoices.screening.service import screen_request

__all__ = ["PLAN_FIELDS", "InputError", "PlanOutcome", "protocol_choices", "run_plan"]


@dataclass
class PlanOutcome:
    """A computed plan with the screen behind it, the inputs as entered and the review."""

    plan: Plan
    screen: ScreenResult
    content: TherapyContent
    request: PlanInput

    @property
    def therapy_result(self) -> TherapyResult:
        return self.screen.therapy(self.plan.therapy)

    @property
    def inputs(self) -> tuple[InputReading, ...]:
        """Every medicine, condition and procedure as entered and how it was read."""
        return self.screen.inputs

    @cached_property
    def json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        therapy = self.therapy_result.to_json()
        data["verdict"] = therapy["verdict"]
        data["findings"] = therapy["findings"]
        data["inputs"] = [reading.to_json() for reading in self.inputs]
        data["dose_mg"] = self.request.screen.dose_mg
        data["not_checked"] = list(self.screen.not_checked)
        data["disclaimer"] = self.screen.disclaimer
        return data

    def ics(self) -> bytes:
        from carechoices.plans.ics import plan_to_ics

        page = self.content.page
        return plan_to_ics(self.plan, title=f"{page.title}: start plan", url=None, label=_short_name(page.title))

    def pdf(self, *, base_url: str = "") -> bytes:
        from carechoices.plans.pdf import plan_pdf

        return plan_pdf(self, base_url=base_url)


def _short_name(title: str) -> str:
    match = re.search(r"\(([^)]+)\)", title)
    return match.group(1) if match else title


@sensitive_variables("payload", "request", "decision")
def run_plan(payload: object, *, today=None) -> PlanOutcome:
    """Validate ``payload``, screen it for the one therapy, and compute the plan.

    Raises ``InputError`` naming the field for anything the plan cannot use.
    """
    therapies = live_therapies()
    request = parse_plan_request(payload, therapy_slugs=list(therapies), today=today)
    content = therapies[request.therapy]
    if content.record is None:  # content the record cannot hold: an editorial error
        raise InputError("therapy", "this review cannot be used for a plan yet; it is being corrected")
    protocols = content.protocols
    if not protocols:
        raise InputError("therapy", "this therapy has no reviewed dosing protocol yet, so no plan can be made")
    screen = screen_request(request.screen, today=request.today, therapies=therapies)
    concepts = frozenset(
        concept for reading in screen.inputs if reading.kind == "condition" and reading.screened
        for concept in reading.ingredients
    )
    plan_request = PlanRequest(
        therapy=request.therapy,
        start_date=request.start_date,
        time_zone=request.time_zone,
        conditions=concepts,
        findings=screen.therapy(request.therapy).findings,
        prescriber_decision=request.prescriber_decision,
        protocol_id=request.protocol_id,
        start_dose_mg=request.start_dose_mg,
        daily_opioid_pain_medicine=request.daily_opioid_pain_medicine,
        opioid_free_from=request.opioid_free_from,
        unchecked=tuple(
            note
            for reading in screen.inputs
            for note in ((reading.input,) if not reading.screened else reading.not_checked)
        ),
    )
    try:
        plan = make_plan(plan_request, protocols, today=request.today)
    except PlanInputError as exc:
        raise InputError(exc.field, exc.message) from exc
    except NoProtocol as exc:
        raise InputError("therapy", "no dosing protocol applies to this therapy") from exc
    if screen.not_checked:
        warning = PlanWarning(
            severity="caution",
            text="We could not check everything you entered: " + "; ".join(screen.not_checked)
            + ". Ask your pharmacist about these before you start.",
        )
        plan = dataclasses.replace(plan, warnings=(warning, *plan.warnings))
    return PlanOutcome(plan=plan, screen=screen, content=content, request=request)


def protocol_choices(content: TherapyContent) -> Sequence[tuple[str, str]]:
    """(id, label) of the review's protocols, for the plan form."""
    choices = []
    for protocol in content.protocols:
        label = protocol.name
        if protocol.needs_start_dose:
            label += " (needs your prescriber's start dose)"
        choices.append((protocol.protocol_id, label))
    return choices
