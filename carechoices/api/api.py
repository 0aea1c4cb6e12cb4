"""The versioned JSON API (django-ninja), served under /api/v1/ with its OpenAPI document.

Request bodies are read and validated by the same function the web form and the CLI use, so a
bad field gets the same message everywhere: ``{"error": {"field": "...", "message": "..."}}``.
The OpenAPI document (``/api/v1/openapi.json``, OpenAPI 3.1) declares those bodies from
``schemas.py`` -- documentation only, never a second validator -- with the validators' limits,
and ``/api/v1/docs`` shows it with the Swagger UI files we serve ourselves (``"ninja"`` in
INSTALLED_APPS), so the page loads nothing from another origin.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from typing import Any

import orjson
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_variables
from ninja import NinjaAPI, Status, Swagger
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from carechoices.core import outage, strict_json
from carechoices.screening.limits import InputError, today_in

from .schemas import (
    ERROR_EXAMPLES,
    PLAN_ICS_EXAMPLE,
    PLAN_RESULT_EXAMPLES,
    SCREEN_RESULT_EXAMPLES,
    FieldError,
    PlanRequestIn,
    PlanResult,
    ScreenRequestIn,
    ScreenResult,
    plan_request_examples,
    screen_request_examples,
)

#: Models that only document a request body (the validators read the raw body).
REQUEST_MODELS = (ScreenRequestIn, PlanRequestIn)


class CareChoicesAPI(NinjaAPI):
    """NinjaAPI whose document also holds the request bodies it does not parse itself.

    ninja puts into ``components/schemas`` only the models it validates with; the request
    models (and the models they nest) are added here, so every ``$ref`` resolves. Request
    examples are dated from the day the document is served: a plan starts today or later, so
    an example with a fixed date would soon be refused.
    """

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema["components"]["schemas"]
        for model in REQUEST_MODELS:
            definition = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema)
            schemas.update(definition.pop("$defs", {}))
            schemas[model.__name__] = definition
        today = today_in(None)
        for operations in schema["paths"].values():
            for operation in operations.values():
                _merge_response_codes(operation)
                media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                make_examples = REQUEST_EXAMPLES.get(media.get("schema", {}).get("$ref", ""))
                if make_examples is not None:
                    # A copy: the operation's own openapi_extra stays as declared.
                    body = operation["requestBody"] = copy.deepcopy(operation["requestBody"])
                    body["content"]["application/json"]["examples"] = make_examples(today)
        return schema


def _merge_response_codes(operation: dict[str, Any]) -> None:
    """One entry per status code: ninja keys its responses by int, ``openapi_extra`` by str,
    and both kept side by side serialise as a duplicated JSON key that parsers refuse."""
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return
    merged: dict[str, Any] = {}
    for code, response in responses.items():
        key = str(code)
        if key in merged and isinstance(merged[key], dict) and isinstance(response, dict):
            merged[key] = {**merged[key], **response}
        else:
            merged[key] = response
    operation["responses"] = merged


api = CareChoicesAPI(
    title="CareChoices API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Open data from CareChoices reviews and the personal safety screen. Nothing a caller "
        "sends to the screen is stored or logged. Errors name the field at fault: "
        '`{"error": {"field": "medicines[3]", "message": "..."}}` with 400 for a body that is '
        "not a JSON object, 413 for one larger than 1 MB and 422 for a field that breaks a rule."
    ),
    # Our own copy of Swagger UI (ninja/static/ninja/); no online validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """503 JSON with Retry-After, in development too (ninja answers a traceback under DEBUG)."""
    return outage.unavailable(request)


api.add_exception_handler(OperationalError, _database_unavailable)
api.add_exception_handler(InterfaceError, _database_unavailable)

REQUEST_EXAMPLES: dict[str, Callable[[datetime.date], dict[str, Any]]] = {
    REF_TEMPLATE.format(model="ScreenRequestIn"): screen_request_examples,
    REF_TEMPLATE.format(model="PlanRequestIn"): plan_request_examples,
}

ERRORS = {400: FieldError, 413: FieldError, 422: FieldError}

NO_STORE_HEADER = {
    "Cache-Control": {
        "description": "Never cached: the answer holds what was sent",
        "required": True,
        "schema": {"type": "string", "pattern": "no-store"},
    }
}


def request_body_doc(model, responses: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``openapi_extra`` of a POST whose body ``model`` documents (the validator reads it raw).

    Adds the error examples and the no-store header to every response, and ``responses``
    (extra OpenAPI per status, e.g. the 200 examples or a file's media type).
    """
    extra: dict[int, dict[str, Any]] = {}
    for status, error_examples in ERROR_EXAMPLES.items():
        extra[status] = {
            "headers": NO_STORE_HEADER,
            "content": {"application/json": {"examples": copy.deepcopy(error_examples)}},
        }
    for status, details in (responses or {}).items():
        extra[status] = {"headers": NO_STORE_HEADER, **details}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}},
        },
        # Integer keys, as ninja's own, so these merge into its responses rather than beside them.
        "responses": extra,
    }


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
        return strict_json.loads(raw.decode("utf-8"))
    except strict_json.JSONValueError as exc:
        raise InputError(exc.path, exc.message) from None
    except UnicodeDecodeError as exc:
        raise InputError("body", "The request body must be UTF-8 encoded JSON.") from exc
    except json.JSONDecodeError as exc:
        raise InputError("body", f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from exc
    except RecursionError as exc:
        raise InputError("body", "The JSON is nested too deeply.") from exc


@api.post(
    "/screen",
    response={200: ScreenResult, **ERRORS},
    summary="Screen medicines, conditions and procedures against therapy reviews",
    description=(
        "Returns the screen's contract JSON. Give at least one medicine, condition or procedure. "
        "Limits (declared in the request schema): at most 50 medicines, 20 conditions, "
        "10 procedures and 1-20 therapies; texts of 1-200 characters without control characters; "
        "dates as YYYY-MM-DD within 10 years of today; dose_mg above 0 and at most 1000; only "
        "the keys listed. Unrecognised inputs are listed under coverage.unrecognised and make "
        "the verdict incomplete, never no-known-concerns. Not stored or logged."
    ),
    openapi_extra=request_body_doc(
        ScreenRequestIn, {200: {"content": {"application/json": {"examples": SCREEN_RESULT_EXAMPLES}}}}
    ),
    tags=["screen"],
)
def screen_endpoint(request: HttpRequest):
    from carechoices.screening.service import run_screen

    try:
        return contract_response(run_screen(read_json(request)).to_json())
    except InputError as exc:
        return input_error(exc)


def contract_response(data: dict[str, Any]) -> HttpResponse:
    """A 200 answer written straight from a result's contract JSON.

    The typed result (``ScreenResult.to_json``, ``PlanOutcome.json``) is the contract; the
    pydantic models declared as ``response`` document it in the OpenAPI document, and the tests
    hold every answer to them (extra keys forbidden), so it is not validated a second time here
    -- on the screen that second pass cost more than the rules. Written by orjson (UTF-8,
    no spaces), about a tenth of ``json.dumps``'s time on a screen's answer (ADR 16).
    """
    return HttpResponse(orjson.dumps(data), content_type="application/json")


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
    "later in time_zone (at most two years ahead). Not stored or logged."
)

DOWNLOAD_HEADERS = {
    "Content-Disposition": {
        "description": "An attachment named after the therapy, e.g. low-dose-naltrexone-start-plan.ics",
        "required": True,
        "schema": {"type": "string", "pattern": "^attachment; filename=\"[a-z0-9-]+-start-plan\\.(ics|pdf)\"$"},
    },
    **NO_STORE_HEADER,
}


def _plan(request: HttpRequest):
    from carechoices.plans.service import run_plan

    return run_plan(read_json(request))


@api.post(
    "/plan",
    response={200: PlanResult, **ERRORS},
    summary="Make a start plan (JSON)",
    description=PLAN_DESCRIPTION,
    openapi_extra=request_body_doc(
        PlanRequestIn, {200: {"content": {"application/json": {"examples": PLAN_RESULT_EXAMPLES}}}}
    ),
    tags=["plan"],
)
def plan_endpoint(request: HttpRequest):
    try:
        return contract_response(_plan(request).json)
    except InputError as exc:
        return input_error(exc)


@api.post(
    "/plan.ics",
    response={200: None, **ERRORS},
    summary="Make a start plan (iCalendar)",
    description=PLAN_DESCRIPTION + " Returns text/calendar (RFC 5545) as an attachment.",
    openapi_extra=request_body_doc(
        PlanRequestIn,
        {
            200: {
                "description": "The plan as an iCalendar file",
                "headers": DOWNLOAD_HEADERS,
                "content": {"text/calendar": {"schema": {"type": "string"}, "example": PLAN_ICS_EXAMPLE}},
            }
        },
    ),
    tags=["plan"],
)
def plan_ics_endpoint(request: HttpRequest):
    return _plan_download(request, "ics", "text/calendar; charset=utf-8", lambda plan: plan.ics())


@api.post(
    "/plan.pdf",
    response={200: None, **ERRORS},
    summary="Make a start plan (PDF for your doctor)",
    description=PLAN_DESCRIPTION + " Returns application/pdf as an attachment.",
    openapi_extra=request_body_doc(
        PlanRequestIn,
        {
            200: {
                "description": "The plan as a PDF to discuss with a doctor",
                "headers": DOWNLOAD_HEADERS,
                "content": {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}},
            }
        },
    ),
    tags=["plan"],
)
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


# The read-only open-data endpoints (reviews, rules, references, glossary, people).
from .reviews import router as reviews_router  # noqa: E402  (after the API object it joins)

api.add_router("", reviews_router)
api.add_router("/fhir", "carechoices.api.fhir.router")  # FHIR R5 bundles of the same records (ADR 8)
api.add_router("", "carechoices.opendata.api.router")
api.add_router("", "carechoices.api.search.router")  # GET /search: the site search as JSON  # GET /export.zip: the bulk open-data export
