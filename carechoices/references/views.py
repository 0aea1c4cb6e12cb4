"""Downloads of references for reference managers: per review, and for the whole library.

``/<review path>/references/export.<fmt>`` (e.g. ``/therapies/low-dose-naltrexone/references/
export.ris``) gives the references a live review cites, numbered and ordered as on its pages;
``/references/export.<fmt>`` gives the published library. ``fmt`` is one of
``carechoices.references.exports.FORMATS`` (``ris``, ``bib``, ``csl.json``, ``txt``).

**What is published.** Only live, public reviews count: a draft, an unpublished or a
password- or login-restricted review answers 404, and the export shows the live version of a
review, never its newer draft. Library entries have no publishing state of their own, so the
library export holds every entry cited by at least one live, public review, ordered by citation
key; entries no published review cites (new, uncited, or cited only by drafts) are left out, so
a download never reveals what an unpublished review will cite. Incomplete and unverified entries
are included, as on the pages, and marked in every format.

**Caching.** Responses are public (``Cache-Control: public, max-age=300``) with an ``ETag``,
and ``If-None-Match`` gets a 304. The files are kept in the cache like review pages (see
``carechoices.editorial.generation``): the key holds the published content generation, which any
save of a reference and any publish bumps, and the live revisions of the reviews involved, so
a change shows at the next request.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, quote_etag
from django.views.decorators.http import require_safe
from wagtail.models import Site

from carechoices.therapies.record import RecordReference, ReviewRecord

from .exports import FORMATS, ExportItem, export_item

#: The ``fmt`` part of the export URLs: one of the format names, e.g. ``csl.json``.
FORMAT_PATTERN = "|".join(re.escape(name) for name in FORMATS)
MAX_AGE = 300
LIBRARY_FILENAME = "carechoices"


def reference_export_item(reference: RecordReference, number: int) -> ExportItem:
    """A cited reference as an export item: its CSL-JSON with DOI, PMID, PMCID and URL merged in."""
    csl = dict(reference.csl)
    if reference.pmcid:
        csl["PMCID"] = reference.pmcid
    return export_item(csl, number, verification_note=reference.verification_note)


def review_export_items(record: ReviewRecord) -> list[ExportItem]:
    """The references a review cites, in citation order with their review-wide numbers.

    As the compiled record has them, so the numbers are the pages' and the API's. A key that is
    not in the library (the page shows it as missing) is left out; the other references keep
    the numbers they have on the page.
    """
    return [reference_export_item(reference, reference.number) for reference in record.references]


def library_export_items(records: Iterable[ReviewRecord]) -> list[ExportItem]:
    """Every library entry cited by one of ``records``, ordered by key and numbered from 1."""
    cited = {reference.key: reference for record in records for reference in record.references}
    return [reference_export_item(cited[key], number) for number, key in enumerate(sorted(cited), start=1)]


def _record(page) -> ReviewRecord:
    from carechoices.therapies.compile import page_record

    return page_record(page)


def _live_reviews():
    from carechoices.therapies.models import TherapyPage

    return TherapyPage.objects.live().public()


EXPORT_CACHE_TIMEOUT = 60 * 60  # correctness comes from the key, not the timeout


def _cached(key: str, build: Callable[[], str]) -> str:
    from carechoices.editorial import generation

    full_key = f"carechoices:reference-export:{key}:{generation.current()}"
    body = cache.get(full_key)
    if body is None:
        body = build()
        cache.set(full_key, body, EXPORT_CACHE_TIMEOUT)
    return body


def _download(request: HttpRequest, body: str, fmt: str, stem: str) -> HttpResponse:
    export_format = FORMATS[fmt]
    content = body.encode("utf-8")
    etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
    response = HttpResponse(content, content_type=export_format.media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-references.{export_format.extension}"
    )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(request, etag=etag, response=response) or response


def _format_or_404(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("Unknown export format")
    return fmt


@require_safe
def review_export(request: HttpRequest, page_path: str, fmt: str) -> HttpResponse:
    """The references of the live review at ``page_path`` (relative to the site root)."""
    fmt = _format_or_404(fmt)
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site")
    page = _live_reviews().filter(url_path=f"{site.root_page.url_path}{page_path}").first()
    if page is None:
        raise Http404("No published review at this address")

    def build() -> str:
        return FORMATS[fmt].export(review_export_items(_record(page)))

    body = _cached(f"review:{page.pk}:{page.live_revision_id}:{fmt}", build)
    return _download(request, body, fmt, page.slug)


@require_safe
def library_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every library entry a live, public review cites (see the module docstring)."""
    fmt = _format_or_404(fmt)
    pages = list(_live_reviews().order_by("pk"))
    revisions = ",".join(f"{page.pk}.{page.live_revision_id}" for page in pages)
    digest = hashlib.sha256(revisions.encode()).hexdigest()[:16]

    def build() -> str:
        return FORMATS[fmt].export(library_export_items(_record(page) for page in pages))

    body = _cached(f"library:{digest}:{fmt}", build)
    return _download(request, body, fmt, LIBRARY_FILENAME)
