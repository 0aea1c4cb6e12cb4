"""FHIR R5 read endpoint: one published review as a ``Bundle`` (``carechoices.therapies.fhir``).

``GET /api/v1/fhir/therapies/{slug}`` answers ``application/fhir+json; fhirVersion=5.0`` with the
same caching as the other read endpoints (strong ``ETag``, ``Last-Modified``, ``304`` on a
matching conditional GET, ``Cache-Control: public``, CORS open for GET). Only live, public reviews
are compiled, so a draft is never exposed. An unknown slug is a 404 and an unknown query
parameter a 400, both with the API's error JSON. ``_format`` (FHIR's format override) is accepted
for JSON only.

Canonical URLs and identifier systems live under ``WAGTAILADMIN_BASE_URL`` (the site's configured
address), never under the request's ``Host``, so the same review gives the same bundle and ETag
whichever name it was fetched by.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from ninja import Router

from carechoices.therapies.record import ReviewRecord

from .review_schemas import ErrorResponse
from .reviews import MAX_AGE, QueryError, _check_params, _json_error, _review

router = Router(tags=["FHIR"])

#: The media type of every bundle (kept equal to ``therapies.fhir.MEDIA_TYPE`` by a test; the
#: FHIR models are imported on first use only, as they take a second or two to load).
MEDIA_TYPE = "application/fhir+json; fhirVersion=5.0"
#: ``_format`` values meaning JSON (FHIR http.html#mime-type).
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})

_lock = threading.Lock()
_bodies: dict[tuple[str, str, str], tuple[bytes, str]] = {}
_MAX_CACHED = 64


def _condition_labels(record: ReviewRecord) -> dict[str, str]:
    """Readers' words for the record's condition slugs (as the review pages show them)."""
    from carechoices.medicines import load_vocabulary

    slugs = {
        t.value
        for rule in record.rules
        for t in (*rule.any_of, *rule.all_of, *rule.none_of)
        if t.kind == "condition"
    }
    slugs |= {p.condition for p in record.protocols if p.condition}
    vocabulary = load_vocabulary()
    labels = {}
    for slug in sorted(slugs):
        try:
            labels[slug] = vocabulary.condition(slug).label
        except (KeyError, LookupError):
            continue  # written as the slug itself
    return labels


def _bundle_body(record: ReviewRecord) -> tuple[bytes, str]:
    """The bundle's bytes and strong ETag, built once per record content and site address."""
    from carechoices.therapies.fhir import review_bundle

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    key = (record.slug, record.etag, base)
    with _lock:
        cached = _bodies.get(key)
    if cached is not None:
        return cached
    data: dict[str, Any] = review_bundle(record, base, condition_labels=_condition_labels(record))
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    built = (body, quote_etag(hashlib.sha256(body).hexdigest()[:32]))
    with _lock:
        if len(_bodies) >= _MAX_CACHED:
            _bodies.clear()
        _bodies[key] = built
    return built


def _not_modified(request: HttpRequest, etag: str, last_modified: float | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return (
            etag in [tag.strip() for tag in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    if last_modified is None:
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified) <= since


@router.get(
    "/therapies/{slug}",
    response={200: None, 304: None, 400: ErrorResponse, 404: ErrorResponse},
    summary="One published review as a FHIR R5 Bundle (application/fhir+json)",
    description=(
        "A Bundle of type collection: the therapy (MedicinalProductDefinition), its screening rules "
        "and side effects (ClinicalUseDefinition), dosing protocols (PlanDefinition with one "
        "ActivityDefinition per step), evidence entries (Evidence) and references (Citation), with "
        "deterministic urn:uuid fullUrls. Query: _format (json only). The integrators' guide "
        "(docs/api.md in the source repository) describes it."
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "A FHIR R5 Bundle",
                "content": {
                    "application/fhir+json": {"schema": {"type": "object", "title": "Bundle"}}
                },
            },
            "304": {"description": "Not modified (the client's copy is current)"},
        }
    },
)
def therapy_bundle(request: HttpRequest, slug: str):
    try:
        _check_params(request, ("_format",))
        requested = request.GET.get("_format")
        if requested is not None and requested.strip().lower() not in JSON_FORMATS:
            raise QueryError(
                400, "_format", "only JSON is served: use json or application/fhir+json"
            )
        record = _review(slug).record
    except QueryError as exc:
        return _json_error(exc.status, exc.field, exc.message)
    assert record is not None
    body, etag = _bundle_body(record)
    last_modified = record.published.timestamp() if record.published else None
    if _not_modified(request, etag, last_modified):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Encoding"
    return response
