"""HTTP endpoints of the CDS Hooks service: discovery, the three services, feedback.

JSON in and out, CORS open for browser-based CDS Clients (GET, POST and the OPTIONS preflight;
``Authorization`` and ``Content-Type`` allowed; no cookies are read, so no credentials), never
cached (the middleware marks every POST ``no-store``). Errors are FHIR ``OperationOutcome``
bodies: 400 for a request we cannot read, 401 for a refused JWT, 404 for an unknown service,
412 for missing required prefetch, 413 for an oversized body.

Privacy: nothing from a request is stored or logged. Each view sets a per-request exception
reporter filter that drops every frame's variables and the POST data from error reports, so a
request's content cannot reach an error e-mail or a debug page either; an unexpected error is
logged as its type and stack only (no message, no values).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from pydantic import ValidationError

from carechoices.cds import auth, reading
from carechoices.cds.cards import CardWriter
from carechoices.cds.feedback import candidate_keys, count_feedback
from carechoices.cds.schemas import (
    CdsRequest,
    CdsResponse,
    FeedbackRequest,
    FeedbackResponse,
    OperationOutcome,
    OutcomeIssue,
)
from carechoices.cds.screen import RequestProblem, Therapy, answer
from carechoices.cds.services import SERVICES, discovery
from carechoices.core import outage, strict_json
from carechoices.medicines import load_vocabulary
from carechoices.therapies.compile import live_records

logger = logging.getLogger(__name__)

#: The largest request body read (a chart's prefetch can be far bigger than a screen request).
MAX_BODY_BYTES = 4 * 1024 * 1024
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}
JSON_TYPES = ("application/json", "application/fhir+json", "")


class _NothingFromTheRequest(SafeExceptionReporterFilter):
    """Error reports of CDS requests show no frame variables and no POST data at all."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, str]:
        return {}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> list:
        return []


class _BadBody(Exception):
    def __init__(self, status: int, message: str, expression: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.expression = expression


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in {**CORS_HEADERS, **(headers or {})}.items():
        response[name] = value
    return response


def _outcome(status: int, code: str, diagnostics: str, expression: list[str] | None = None,
             headers: dict[str, str] | None = None) -> HttpResponse:
    outcome = OperationOutcome(
        issue=[OutcomeIssue(severity="error", code=code, diagnostics=diagnostics, expression=expression or None)]
    )
    return _json(outcome.as_json(), status, headers)


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _not_allowed(allowed: str) -> HttpResponse:
    return _outcome(405, "not-supported", f"use {allowed}", headers={"Allow": allowed})


@sensitive_variables()
def _read_body(request: HttpRequest) -> Any:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise _BadBody(413, f"the request body is over the limit of {MAX_BODY_BYTES // (1024 * 1024)} MiB")
    if request.content_type not in JSON_TYPES:
        raise _BadBody(415, "send the request as application/json")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _BadBody(413, f"the request body is over the limit of {MAX_BODY_BYTES // (1024 * 1024)} MiB")
    try:
        return strict_json.loads(raw.decode("utf-8"))
    except strict_json.JSONValueError as exc:
        raise _BadBody(400, f"{exc.path}: {exc.message}", [exc.path]) from None
    except UnicodeDecodeError:
        raise _BadBody(400, "the request body must be UTF-8 encoded JSON") from None
    except json.JSONDecodeError as exc:
        raise _BadBody(400, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _BadBody(400, "the JSON is nested too deeply") from None


def _validation_problem(exc: ValidationError) -> HttpResponse:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "body"
    # The message names the field and the rule, never the value sent.
    return _outcome(400, "invalid", f"{where}: {first.get('msg', 'invalid')}", [where])


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Per-request privacy (no variables in error reports) and a JSON 500 with nothing in it."""

    @sensitive_variables()
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.exception_reporter_filter = _NothingFromTheRequest()
        try:
            return view(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - reported without the request's content
            if outage.is_outage(exc):
                return outage.unavailable(request)
            stack = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("CDS Hooks %s failed with %s\n%s", request.path, type(exc).__name__, stack)
            return _outcome(500, "exception", "the service failed; nothing of the request was kept")

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _checked_token(request: HttpRequest) -> HttpResponse | None:
    """None when the call may go on; a 401 when JWT checking is on and the token fails."""
    try:
        auth.verify(request.headers.get("Authorization"), request.build_absolute_uri(request.path))
    except auth.Unauthorized as refused:
        logger.info("CDS Hooks call to %s refused: %s", request.path, refused.reason)
        return _outcome(401, "security", refused.reason, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return None


def live_therapies() -> dict[str, Therapy]:
    return {slug: Therapy.from_compiled(compiled) for slug, compiled in live_records().items()}


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


@csrf_exempt
@_guarded
def discovery_view(request: HttpRequest) -> HttpResponse:
    """``GET /cds-services``: the three services, their prefetch and usage requirements."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        return _not_allowed("GET, OPTIONS")
    document = discovery(jwt_required=auth.jwt_required())
    return _json(document.as_json(), headers={"Cache-Control": "public, max-age=300"})


@csrf_exempt
@sensitive_post_parameters()
@_guarded
def service_view(request: HttpRequest, service_id: str) -> HttpResponse:
    """``POST /cds-services/{id}``: cards for one hook call."""
    refused = _refused_post(request, service_id)
    if refused is not None:
        return refused
    return _answer(request, SERVICES[service_id])


def _refused_post(request: HttpRequest, service_id: str) -> HttpResponse | None:
    """The answer for a call that never reaches a service: unknown id, preflight, a method other
    than POST, or a refused token; None when the call may go on."""
    if service_id not in SERVICES:
        return _outcome(404, "not-found", "no CDS service has this id; see GET /cds-services")
    if request.method == "OPTIONS":
        return _preflight()
    if request.method != "POST":
        return _not_allowed("POST, OPTIONS")
    return _checked_token(request)


@sensitive_variables()
def _answer(request: HttpRequest, service) -> HttpResponse:
    try:
        payload = CdsRequest.model_validate(_read_body(request))
    except _BadBody as bad:
        return _outcome(bad.status, "invalid", bad.message, bad.expression)
    except ValidationError as exc:
        return _validation_problem(exc)
    therapies = live_therapies()
    try:
        result = answer(
            service, payload, therapies=therapies, vocabulary=load_vocabulary(), today=timezone.now().date()
        )
    except reading.PrefetchError as missing:
        return _outcome(
            412,
            "required",
            f"prefetch {', '.join(missing.keys)}: {missing.why}. See the prefetch templates in GET /cds-services.",
            [f"prefetch.{key}" for key in missing.keys],
        )
    except RequestProblem as problem:
        return _outcome(400, "invalid", f"{problem.field}: {problem.message}", [problem.field])
    writer = CardWriter(service.id, request.build_absolute_uri("/"))
    return _json(CdsResponse(cards=writer.render(result.cards)).as_json())


@csrf_exempt
@sensitive_post_parameters()
@_guarded
def feedback_view(request: HttpRequest, service_id: str) -> HttpResponse:
    """``POST /cds-services/{id}/feedback``: count accepted and overridden cards."""
    refused = _refused_post(request, service_id)
    if refused is not None:
        return refused
    try:
        feedback = FeedbackRequest.model_validate(_read_body(request))
    except _BadBody as bad:
        return _outcome(bad.status, "invalid", bad.message, bad.expression)
    except ValidationError as exc:
        return _validation_problem(exc)
    writer = CardWriter(service_id, request.build_absolute_uri("/"))
    counted, not_counted = count_feedback(
        feedback,
        service_id=service_id,
        keys=candidate_keys(service_id, live_therapies()),
        override_system=writer.override_system,
    )
    return _json(FeedbackResponse(counted=counted, not_counted=not_counted).as_json())
