"""``GET /api/v1/search?q=``: the site search's results as JSON (the same as ``/search/``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Status

from carechoices.search.service import search

from .review_schemas import Closed, ErrorResponse

router = Router(tags=["search"])


class SearchHitOut(Closed):
    title: str
    url: str
    snippet: str = Field(description="HTML: the text around the match, escaped, matched words in <mark>")
    found_on: str | None = Field(description="For a review, the sub-page the words were found on")
    found_on_url: str | None


class SearchGroupOut(Closed):
    kind: str = Field(examples=["therapies"], description="therapies, cancer-types, glossary, references or people")
    label: str
    hits: list[SearchHitOut]


class SearchOut(Closed):
    query: str = Field(description="The words searched for, after cleaning (quotes, control characters and "
                                   "anything past the first 12 words or 200 characters removed)")
    truncated: bool
    suggestion: str | None = Field(description="Did you mean: when nothing matched the query, the results are for this")
    count: int
    groups: list[SearchGroupOut] = Field(description="Only groups with hits, in a fixed order")


@router.get(
    "/search",
    response={200: SearchOut, 400: ErrorResponse},
    summary="Search reviews (every sub-page), cancer types, the glossary, cited references and people",
    description="Query parameter: q (required; any text). Results are grouped; a query that finds nothing "
                "is retried with the nearest known names (suggestion). Unknown parameters are a 400 naming them.",
)
def site_search(request: HttpRequest, q: str | None = None):
    extra = [name for name in request.GET if name != "q"]
    if extra:
        shown = extra[0] if extra[0].isidentifier() and len(extra[0]) <= 40 else "query"
        return Status(400, {"error": {"field": shown, "message": "is not a query parameter of this endpoint; use: q"}})
    if q is None:
        return Status(400, {"error": {"field": "q", "message": "is required: the words to search for"}})
    return Status(200, search(q).as_json())
