"""The read-only open-data API: published reviews, their rules, references, glossary and people.

Every answer comes from the compiled review records (``therapies.compile``), so the API says
exactly what the pages, the screen and the plan say. Answers are public and cacheable: a strong
``ETag`` and ``Last-Modified`` on each, ``304 Not Modified`` on a matching conditional GET,
``Cache-Control: public`` and CORS open for GET. Draft content is never exposed: only live,
public review pages are compiled. An unknown query parameter or a page size over the limit is a
400 naming it; an unknown slug or id a 404, both as JSON.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from ninja import Router

from carechoices.cancertypes.models import CancerType
from carechoices.glossary.models import GlossaryTerm
from carechoices.people.models import Person
from carechoices.references.models import Reference
from carechoices.therapies.compile import CompiledReview, live_records, reference_infos

from .review_schemas import (
    CancerTypeList,
    ErrorResponse,
    GlossaryList,
    PeopleList,
    ReferenceList,
    ReferenceOut,
    ReviewOut,
    RulesOut,
    TherapyList,
)

router = Router(tags=["open data"])

#: Default and largest page sizes of the list endpoints.
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: How long public caches may keep an answer before revalidating it (seconds).
MAX_AGE = 300

ERRORS = {400: ErrorResponse, 404: ErrorResponse}


class QueryError(ValueError):
    def __init__(self, status: int, field: str, message: str) -> None:
        self.status, self.field, self.message = status, field, message
        super().__init__(f"{field}: {message}")


def _json_error(status: int, field: str, message: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": {"field": field, "message": message}}),
        status=status,
        content_type="application/json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _check_params(request: HttpRequest, allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name in request.GET:
        if name not in allowed:
            shown = name if name.isidentifier() and len(name) <= 40 else "query"
            hint = f"use: {', '.join(sorted(allowed))}" if allowed else "this endpoint takes none"
            raise QueryError(400, shown, f"is not a query parameter of this endpoint; {hint}")


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise QueryError(400, name, f"must be a whole number from {low} to {high}")
    value = int(raw[:8])
    if not low <= value <= high:
        raise QueryError(400, name, f"must be from {low} to {high}")
    return value


def _paginate(request: HttpRequest, items: list[Any]) -> dict[str, Any]:
    page = _int_param(request, "page", 1, 1, 10_000)
    size = _int_param(request, "page_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    start = (page - 1) * size
    return {"count": len(items), "page": page, "page_size": size, "items": items[start : start + size]}


@dataclass(frozen=True)
class _Body:
    """An answer already serialised: its bytes and its strong ETag."""

    content: bytes
    etag: str

    @classmethod
    def of(cls, data: Any) -> _Body:
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        content = text.encode("utf-8")
        return cls(content, quote_etag(hashlib.sha256(content).hexdigest()[:32]))


#: Serialised answers about one record, by (endpoint, slug), for the compiled records they were
#: made from (``live_records()`` returns the same dict until a publish or a content change, and a
#: record is immutable): a warm request then costs the freshness check, not serialising 40 KB.
_bodies: dict[tuple[str, str], tuple[object, _Body]] = {}
_bodies_source: list[object] = [None]
_bodies_lock = threading.Lock()


def _record_body(endpoint: str, compiled: CompiledReview, records: object, make) -> _Body:
    """``make(record)`` serialised, made once per record and endpoint."""
    key = (endpoint, compiled.record.slug)
    with _bodies_lock:
        if _bodies_source[0] is not records:  # a new generation of records: forget the old answers
            _bodies.clear()
            _bodies_source[0] = records
        cached = _bodies.get(key)
    if cached is not None and cached[0] is compiled.record:
        return cached[1]
    body = _Body.of(make(compiled.record))
    with _bodies_lock:
        if _bodies_source[0] is records:
            _bodies[key] = (compiled.record, body)
    return body


def _cached_json(request: HttpRequest, data: Any, last_modified: float | None) -> HttpResponse:
    """A public JSON answer with validators; 304 when the client's copy is current.

    ``data`` is JSON-ready data, or a ``_Body`` already serialised.
    """
    body = data if isinstance(data, _Body) else _Body.of(data)
    etag = body.etag
    not_modified = False
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        not_modified = etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    elif last_modified is not None:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        not_modified = since is not None and int(last_modified) <= since
    response = HttpResponseNotModified() if not_modified else HttpResponse(body.content, content_type="application/json")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Encoding"
    return response


def _answer(request: HttpRequest, allowed: Iterable[str], build) -> HttpResponse:
    try:
        _check_params(request, allowed)
        data, last_modified = build()
    except QueryError as exc:
        return _json_error(exc.status, exc.field, exc.message)
    return _cached_json(request, data, last_modified)


def _reviews() -> list[CompiledReview]:
    return [c for c in live_records().values() if c.record is not None]


def _newest(reviews: Iterable[CompiledReview]) -> float | None:
    times = [c.record.published.timestamp() for c in reviews if c.record and c.record.published]
    return max(times) if times else None


def _review(slug: str) -> CompiledReview:
    return _review_and_records(slug)[0]


def _review_and_records(slug: str) -> tuple[CompiledReview, dict[str, CompiledReview]]:
    records = live_records()
    compiled = records.get(slug)
    if compiled is None or compiled.record is None:
        raise QueryError(404, "slug", "is not a published therapy review")
    return compiled, records


def _review_body(slug: str, endpoint: str, make) -> tuple[CompiledReview, _Body]:
    """The live review ``slug`` and ``make(record)`` serialised (once per record and endpoint)."""
    compiled, records = _review_and_records(slug)
    return compiled, _record_body(endpoint, compiled, records, make)


def _published(record) -> float | None:
    return record.published.timestamp() if record.published else None


@router.get(
    "/therapies",
    response={200: TherapyList, **ERRORS},
    summary="Published therapy reviews (paginated; filter by category and cancer type)",
    description=(
        f"Query parameters: category (e.g. supplement), cancer_type (a slug from /cancer-types, "
        f"or its name, case-insensitive), page (from 1), page_size (1–{MAX_PAGE_SIZE}, default "
        f"{PAGE_SIZE}). Unknown parameters are a 400 naming them."
    ),
)
def therapies(request: HttpRequest):
    def build():
        reviews = _reviews()
        category = request.GET.get("category")
        cancer = (request.GET.get("cancer_type") or "").strip().lower()
        if category:
            reviews = [c for c in reviews if c.record.category == category]
        if cancer:
            reviews = [
                c for c in reviews
                if cancer in {t.lower() for e in c.record.evidence for t in (*e.cancer_types, *e.cancer_type_slugs)}
            ]
        return _paginate(request, [c.record.summary_json() for c in reviews]), _newest(reviews)

    return _answer(request, ("category", "cancer_type", "page", "page_size"), build)


@router.get(
    "/therapies/{slug}",
    response={200: ReviewOut, **ERRORS},
    summary="One published review: the whole record, lay and professional text both",
)
def therapy(request: HttpRequest, slug: str):
    def build():
        compiled, body = _review_body(slug, "record", lambda record: record.to_json())
        return body, _published(compiled.record)

    return _answer(request, (), build)


def _rules_json(record) -> dict[str, Any]:
    data = record.to_json()
    cited = {k for rule in data["rules"] for k in rule["references"]}
    return {
        "slug": record.slug,
        "revision": record.revision,
        "rules_reviewed": record.rules_reviewed,
        "active_ingredients": data["active_ingredients"],
        "rules": data["rules"],
        "references": [r for r in data["references"] if r["id"] in cited],
    }


@router.get(
    "/therapies/{slug}/rules",
    response={200: RulesOut, **ERRORS},
    summary="A review's screening rules (contraindications and cautions) and its active ingredients",
)
def therapy_rules(request: HttpRequest, slug: str):
    def build():
        compiled, body = _review_body(slug, "rules", _rules_json)
        return body, _published(compiled.record)

    return _answer(request, (), build)


def _library() -> dict[str, dict[str, Any]]:
    """Every reference of the library, with the reviews that cite it (live ones only)."""
    references = list(Reference.objects.order_by("key"))
    infos = reference_infos(references)
    cited_by: dict[str, list[str]] = {}
    for compiled in _reviews():
        for ref in compiled.record.references:
            cited_by.setdefault(ref.key, []).append(compiled.record.slug)
    return {
        r.key: {
            "id": r.key,
            "citation": infos[r.key].citation,
            "doi": r.doi or None,
            "pmid": r.pmid or None,
            "pmcid": r.pmcid or None,
            "url": infos[r.key].url,
            "incomplete": r.is_incomplete,
            "missing_fields": list(r.missing_fields),
            "cited_by": cited_by.get(r.key, []),
            "csl": r.csl_item(),
        }
        for r in references
    }


@router.get("/references", response={200: ReferenceList, **ERRORS}, summary="The reference library (paginated)")
def references(request: HttpRequest):
    return _answer(request, ("page", "page_size"), lambda: (_paginate(request, list(_library().values())), _newest(_reviews())))


@router.get("/references/{ref_id}", response={200: ReferenceOut, **ERRORS}, summary="One reference")
def reference(request: HttpRequest, ref_id: str):
    def build():
        found = _library().get(ref_id)
        if found is None:
            raise QueryError(404, "ref_id", "is not a reference in the library")
        return found, _newest(_reviews())

    return _answer(request, (), build)


@router.get("/glossary", response={200: GlossaryList, **ERRORS}, summary="Glossary terms with plain definitions")
def glossary(request: HttpRequest):
    def build():
        items = [
            {
                "slug": t.slug,
                "term": t.term,
                "synonyms": t.synonym_list,
                "definition": t.definition,
                "house_definition": t.house_definition,
                "url": t.get_absolute_url(),
            }
            for t in GlossaryTerm.objects.order_by("term")
        ]
        return {"count": len(items), "items": items}, _newest(_reviews())

    return _answer(request, (), build)


@router.get("/cancer-types", response={200: CancerTypeList, **ERRORS},
            summary="The cancer type vocabulary, with the published reviews that have evidence for each")
def cancer_types(request: HttpRequest):
    def build():
        reviews = _reviews()
        therapies: dict[str, list[str]] = {}
        for compiled in reviews:
            for slug in dict.fromkeys(s for e in compiled.record.evidence for s in e.cancer_type_slugs):
                therapies.setdefault(slug, []).append(compiled.record.slug)
        items = [
            {
                "slug": t.slug,
                "name": t.name,
                "synonyms": t.synonym_list,
                "parent": t.parent.slug if t.parent else None,
                "description": t.description,
                "url": t.get_absolute_url(),
                "therapies": therapies.get(t.slug, []),
            }
            for t in CancerType.objects.select_related("parent").order_by("name")
        ]
        return {"count": len(items), "items": items}, _newest(reviews)

    return _answer(request, (), build)


@router.get("/people", response={200: PeopleList, **ERRORS}, summary="Authors and reviewers, with their reviews")
def people(request: HttpRequest):
    def build():
        roles: dict[str, list[dict[str, str]]] = {}
        for compiled in _reviews():
            for c in compiled.record.contributors:
                roles.setdefault(c.person, []).append({"therapy": compiled.record.slug, "role": c.role})
        items = [
            {
                "slug": p.slug,
                "name": p.name,
                "credentials": p.credentials,
                "role": p.role,
                "bio": p.bio,
                "demo_profile": p.is_demo,
                "url": p.get_absolute_url(),
                "reviews": roles.get(p.slug, []),
            }
            for p in Person.objects.order_by("name")
        ]
        return {"count": len(items), "items": items}, _newest(_reviews())

    return _answer(request, (), build)
