"""The versioned JSON API (django-ninja), served under /api/v1/ with its OpenAPI document.

Request bodies are read and validated by the same function the web form and the CLI use, so a
bad field gets the same message everywhere: ``{"error": {"field": "...", "message": "..."}}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_variables
from ninja import NinjaAPI, Status

from carechoices.screening.limits import InputError

from .schemas import ErrorResponse, PlanRequestIn, PlanResult, ScreenRequestIn, ScreenResult

api = NinjaAPI(
    title="CareChoices API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Open data from CareChoices reviews and the personal safety screen. Nothing a caller "
        "sends to the screen is stored or logged. Errors name the field at fault."
    ),
)

ERRORS = {400: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse}


def error(status: int, field: str, message: str) -> Status:
    return Status(status, {"error": {"field": field, "message": message}})


@sensitive_variables("raw")
def read_json(request: HttpRequest) -> Any:
    """The JSON body, or raise InputError naming ``body``."""
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise InputError("body", "The request body is too large (limit 1 MB).") from exc
    if request.content_type not in ("application/json", ""):
        raise InputError("body", "Send the request as application/json.")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError("body", "The request body must be UTF-8 encoded JSON.") from exc
    except json.JSONDecodeError as exc:
        raise InputError("body", f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from exc
    except RecursionError as exc:
        raise InputError("body", "The JSON is nested too deeply.") from exc


def request_body_doc(schema) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema(ref_template="#/components/schemas/{model}")}},
        }
    }


@api.post(
    "/screen",
    response={200: ScreenResult, **ERRORS},
    summary="Screen medicines, conditions and procedures against therapy reviews",
    description=(
        "Returns the screen's contract JSON. Limits: at most 50 medicines, 20 conditions, "
        "10 procedures and 20 therapies; texts up to 200 characters without control characters; "
        "dates as YYYY-MM-DD; dose_mg above 0 and at most 1000. Unrecognised inputs are listed "
        "under coverage.unrecognised and make the verdict incomplete, never no-known-concerns."
    ),
    openapi_extra=request_body_doc(ScreenRequestIn),
    tags=["screen"],
)
def screen_endpoint(request: HttpRequest):
    from carechoices.screening.service import run_screen

    try:
        return Status(200, run_screen(read_json(request)).to_json())
    except InputError as exc:
        return input_error(exc)


def input_error(exc: InputError) -> Status:
    """400 for an unreadable body, 413 for an oversized one, 422 for a field that fails a rule."""
    if exc.field == "body":
        return error(413 if "too large" in exc.message else 400, exc.field, exc.message)
    return error(422, exc.field, exc.message)


PLAN_DESCRIPTION = (
    "A start plan for one therapy: one of the review's dosing protocols exactly as its source "
    "gives it (a range of days stays a range, dated at both ends; a start dose the source leaves "
    "open must be given as start_dose_mg), and a pause around planned surgery. When the screen "
    "finds an opioid, the first dose waits until the opioid has left the body: no source dates "
    "that, so the plan is undated unless opioid_free_from (confirmed by the prescriber) is given; "
    "the source's 10-14 day wean is shown for daily_opioid_pain_medicine. A finding that timing "
    "cannot resolve (e.g. an organ transplant, opioid dependence treatment) stops the plan unless "
    "prescriber_decision is given, which every output then shows. start_date must be today or "
    "later in time_zone. Not stored or logged."
)


def _plan(request: HttpRequest):
    from carechoices.plans.service import run_plan

    return run_plan(read_json(request))


@api.post("/plan", response={200: PlanResult, **ERRORS}, summary="Make a start plan (JSON)",
          description=PLAN_DESCRIPTION, openapi_extra=request_body_doc(PlanRequestIn), tags=["plan"])
def plan_endpoint(request: HttpRequest):
    try:
        return Status(200, _plan(request).json)
    except InputError as exc:
        return input_error(exc)


@api.post("/plan.ics", response={200: None, **ERRORS}, summary="Make a start plan (iCalendar)",
          description=PLAN_DESCRIPTION + " Returns text/calendar (RFC 5545).",
          openapi_extra=request_body_doc(PlanRequestIn), tags=["plan"])
def plan_ics_endpoint(request: HttpRequest):
    return _plan_download(request, "ics", "text/calendar; charset=utf-8", lambda plan: plan.ics())


@api.post("/plan.pdf", response={200: None, **ERRORS}, summary="Make a start plan (PDF for your doctor)",
          description=PLAN_DESCRIPTION + " Returns application/pdf.",
          openapi_extra=request_body_doc(PlanRequestIn), tags=["plan"])
def plan_pdf_endpoint(request: HttpRequest):
    return _plan_download(
        request, "pdf", "application/pdf", lambda plan: plan.pdf(base_url=request.build_absolute_uri("/"))
    )


def _plan_download(request: HttpRequest, suffix: str, content_type: str, render):
    """A plan file as an attachment, or the same field errors as ``/plan``."""
    try:
        outcome = _plan(request)
    except InputError as exc:
        return input_error(exc)
    response = HttpResponse(render(outcome), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{outcome.content.page.slug}-start-plan.{suffix}"'
    return response
