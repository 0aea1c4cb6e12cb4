"""``GET /api/v1/export.zip``: the latest open-data export as one zip.

The zip is built at the first request after anything it is made from changes, then kept in
Django's cache (the database cache every app process shares in production) under a key that
digests everything it is made from (``export.export_key``: live revisions, library rows, site,
formats, code). Requests in between cost that digest (a handful of small queries), never a
build; a client or CDN holding the current copy gets ``304 Not Modified``. The bytes are
deterministic, so any process building the same key serves the same zip and the same ETag.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import quote_etag
from ninja import Router

from . import ZIP_FILENAME
from .export import ExportError, build_export, export_key
from .manifest import zip_bytes

router = Router(tags=["open data"])

#: How long public caches may keep the zip before revalidating it (seconds).
MAX_AGE = 3600
#: How long a built zip stays in the cache (its key changes with the content, so this only bounds
#: how long an unrequested old one takes up room).
CACHE_TIMEOUT = 24 * 3600

DESCRIPTION = (
    "The whole published corpus as open data: manifest.json (format version, counts, SHA-256 of "
    "every file), LICENCE.md, site.json, reviews/<slug>.json (content and compiled record), "
    "references.json and references.csl.json, glossary.json, people.json and a JSON Schema per "
    "file kind under schema/, all under the folder carechoices-open-data/. The same bytes as "
    "`carechoices export`; `carechoices import` reads it. Rebuilt at the first request after a "
    "published change, otherwise served from the cache; strong ETag, 304 on If-None-Match, "
    "public caching for an hour. Takes no query parameters."
)


def _headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, field: str, message: str) -> HttpResponse:
    response = HttpResponse(json.dumps({"error": {"field": field, "message": message}}), status=status,
                            content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get(
    "/export.zip",
    response={200: None},
    summary="The bulk open-data export (zip): every published review, the library, glossary and people",
    description=DESCRIPTION,
    openapi_extra={"responses": {"200": {
        "description": "The export as a zip (Content-Disposition: attachment; filename=\"carechoices-open-data.zip\").",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }}},
)
def export_zip(request: HttpRequest):
    for name in request.GET:
        shown = name if name.isidentifier() and len(name) <= 40 else "query"
        return _error(400, shown, "is not a query parameter of this endpoint; this endpoint takes none")
    key = export_key()
    etag = quote_etag(key[:32])
    if _matches(request.headers.get("If-None-Match", ""), etag):
        return _headers(HttpResponseNotModified(), etag)
    cache_key = f"carechoices:open-data-zip:{key}"
    data = cache.get(cache_key)
    if data is None:
        try:
            data = zip_bytes(build_export().files)
        except ExportError as exc:
            return _error(503, "export", str(exc))
        cache.set(cache_key, data, CACHE_TIMEOUT)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{ZIP_FILENAME}"'
    return _headers(response, etag)
