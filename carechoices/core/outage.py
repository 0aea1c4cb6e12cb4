"""When the database cannot answer: 503 with Retry-After, never a 500, and recovery by itself.

An API client gets JSON naming the ``database`` (a CDS Hooks client a FHIR OperationOutcome), a reader a short page that needs nothing from
the database. Django closes a connection that failed at the end of the request, so the next
request after the database is back connects afresh; nothing has to be restarted. Stored copies
of public pages are still served meanwhile (``carechoices.core.pagecache``).
"""

from __future__ import annotations

import logging
import sys
from typing import Final

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS: Final = 30
JSON_PREFIXES: Final = ("/api/",)
FHIR_PREFIXES: Final = ("/cds-services",)  # CDS Hooks errors are FHIR OperationOutcomes
MESSAGE: Final = "The database is unavailable for a moment; please retry shortly."


def is_outage(exc: BaseException | None) -> bool:
    """Errors that say the database cannot be reached or is locked, not that our SQL is wrong."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer for ``request``: JSON under the API paths, a friendly page elsewhere."""
    if request.path.startswith(FHIR_PREFIXES):
        response: HttpResponse = JsonResponse(
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "transient", "diagnostics": MESSAGE, "expression": ["database"]}],
            },
            status=503,
        )
    elif request.path.startswith(JSON_PREFIXES):
        response = JsonResponse({"error": {"field": "database", "message": MESSAGE}}, status=503)
    else:
        # No request, so no context processor runs: the page must not need the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Turn a database outage raised by a view into a 503 (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning("Database unavailable (%s): answering 503", type(exception).__name__)
        return unavailable(request)


def outage_in_progress() -> bool:
    """True inside Django's 500 handler when the error being handled is a database outage.

    Errors raised outside views (a middleware reading the session, for instance) reach the 500
    handler rather than ``process_exception``; this lets that handler answer 503 for them too.
    """
    return is_outage(sys.exc_info()[1])
