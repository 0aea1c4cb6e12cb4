"""One entry point for the start plan, shared by the page, the API and the CLI (Django side).

A plan request is the screen's request for one therapy plus a start date and a time zone. The
screen runs first; its findings (opioid wash-out, surgery hold, transplant medicines …) shape the
plan. Plans are computed per request and never stored or logged.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from carechoices.plans.calculator import NoProtocol, PlanInputError, make_plan
from carechoices.plans.domain import DosingProtocol, Plan, PlanWarning, ReferenceInfo
from carechoices.screening.content import TherapyContent, live_therapies
from carechoices.screening.limits import InputError, parse_date
from carechoices.screening.service import run_screen

PLAN_FIELDS = ("therapy", "start_date", "time_zone", "medicines", "conditions", "procedures", "prescriber_decision", "dose_mg")
MAX_DECISION_LENGTH = 1000


@dataclass
class PlanOutcome:
    """A computed plan with the screen behind it and the review it came from."""

    plan: Plan
    screen: dict[str, Any]
    content: TherapyContent

    @cached_property
    def json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        therapy = self.screen["therapies"][0]
        data["verdict"] = therapy["verdict"]
        data["findings"] = therapy["findings"]
        data["not_checked"] = self.screen["coverage"]["unrecognised"]
        data["disclaimer"] = self.screen["disclaimer"]
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


def _date(value: object, field: str) -> datetime.date:
    parsed = parse_date(value, field)
    if parsed is None:
        raise InputError(field, "is required (YYYY-MM-DD)")
    return parsed


def _time_zone(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InputError("time_zone", "must be an IANA time zone name such as Europe/London")
    if value not in _known_time_zones():
        raise InputError("time_zone", "is not a known IANA time zone name (e.g. Europe/London, America/New_York)")
    return value


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - {"posixrules", "Factory", "localtime"}


def protocols_of(content: TherapyContent) -> list[DosingProtocol]:
    """The review's dosing protocols, as the calculator takes them."""
    protocols = []
    for block in content.page.dosing_protocols:
        v = block.value
        infos = [content.references.get(r.key) for r in v["citations"] if r is not None]
        refs = tuple(
            ReferenceInfo(id=info.id, citation=info.citation, url=info.url) for info in infos if info
        )
        protocols.append(
            DosingProtocol(
                name=v["name"],
                condition=(v.get("condition") or "").strip() or None,
                start_dose_mg=v["start_dose_mg"],
                step_mg=v["step_mg"],
                interval_days=v["interval_days"],
                target_mg=v["target_mg"],
                timing=v["timing"],
                note=v.get("note") or "",
                references=refs,
            )
        )
    return protocols


@sensitive_variables("payload", "screen_payload", "decision")
def run_plan(payload: object, *, today: datetime.date | None = None) -> PlanOutcome:
    """Validate ``payload``, screen it for the one therapy, and compute the plan.

    Raises ``InputError`` naming the field for anything the plan cannot use.
    """
    if not isinstance(payload, Mapping):
        raise InputError("body", "must be a JSON object")
    for key in payload:
        if key not in PLAN_FIELDS:
            raise InputError(str(key)[:40], f"is not a plan field; use {', '.join(PLAN_FIELDS)}")
    therapies = live_therapies()
    slug = payload.get("therapy")
    if not isinstance(slug, str) or slug not in therapies:
        raise InputError("therapy", "must be the slug of a published therapy review, e.g. low-dose-naltrexone")
    content = therapies[slug]
    protocols = protocols_of(content)
    if not protocols:
        raise InputError("therapy", "this therapy has no reviewed dosing protocol yet, so no plan can be made")
    if "start_date" not in payload:
        raise InputError("start_date", "is required (YYYY-MM-DD)")
    start = _date(payload["start_date"], "start_date")
    zone = _time_zone(payload.get("time_zone", "UTC"))
    decision = payload.get("prescriber_decision")
    if decision is not None and (
        not isinstance(decision, str)
        or len(decision) > MAX_DECISION_LENGTH
        or any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r" for ch in decision)
    ):
        raise InputError(
            "prescriber_decision",
            f"must be text of at most {MAX_DECISION_LENGTH} characters without control characters",
        )

    screen_payload = {"therapies": [slug]}
    for key in ("medicines", "conditions", "procedures", "dose_mg"):
        if key in payload:
            screen_payload[key] = payload[key]
    screen = run_screen(screen_payload, today=today, require_input=False)
    for index, procedure in enumerate(screen_payload.get("procedures") or []):
        when = procedure.get("date") if isinstance(procedure, Mapping) else None
        if when and datetime.date.fromisoformat(when) < start:
            raise InputError(f"procedures[{index}].date", "is before the start date; a plan starts before the surgery it plans around")
    concepts = frozenset(
        concept
        for item in screen["inputs"]
        if item["kind"] == "condition" and item["status"] in ("recognised", "ambiguous")
        for concept in item["ingredients"]
    )
    from carechoices.plans.domain import PlanRequest

    request = PlanRequest(
        therapy=slug,
        start_date=start,
        time_zone=zone,
        conditions=concepts,
        findings=tuple(screen["therapies"][0]["findings"]),
        prescriber_decision=decision.strip() if isinstance(decision, str) and decision.strip() else None,
    )
    try:
        plan = make_plan(request, protocols, today=today or timezone.localdate())
    except PlanInputError as exc:
        raise InputError(exc.field, exc.message) from exc
    except NoProtocol as exc:
        raise InputError("therapy", "no dosing protocol applies to this therapy") from exc
    not_checked = screen["coverage"]["unrecognised"]
    if not_checked:
        warning = PlanWarning(
            severity="caution",
            text="We could not check everything you entered: " + "; ".join(not_checked)
            + ". Ask your pharmacist about these before you start.",
        )
        plan = dataclasses.replace(plan, warnings=(warning, *plan.warnings))
    return PlanOutcome(plan=plan, screen=screen, content=content)


__all__ = ["InputError", "PlanOutcome", "run_plan"]
