"""Site search: relevance on the sample content, grouping, and no 5xx whatever is typed.

Runs on SQLite (FTS5, no stemming) and on PostgreSQL (stemming) alike; the table holds what a
newcomer types and what must come first.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

LDN = "Low-dose naltrexone (LDN)"

# (what is typed, group, title that must be the group's first hit, sub-page it was found on or None)
RELEVANCE = [
    ("ldn", "therapies", LDN, "Overview"),  # a name
    ("LDN", "therapies", LDN, "Overview"),
    ("naltrexone", "therapies", LDN, None),  # a synonym
    ("naltrexon", "therapies", LDN, None),  # a synonym, cut short
    ("Viscum album", "therapies", "European mistletoe", None),
    ("curcumin", "therapies", "Turmeric and curcumin", None),
    ("vivid dreams", "therapies", LDN, "Safety and precautions"),  # a symptom
    ("brain cancer", "cancer-types", "Brain cancer", None),  # a cancer type
    # The overview itself now says how the public review grades the brain cancer evidence.
    ("brain cancer", "therapies", LDN, "Overview"),
    ("bowel cancer", "cancer-types", "Colorectal cancer", None),  # a cancer type's synonym
    ("placebo", "glossary", "placebo", None),
    ("10.1186/s12916-018-1242-0", "references", None, None),  # a DOI
    ("https://doi.org/10.1186/S12916-018-1242-0", "references", None, None),
    ("8236504", "references", None, None),  # a PMID
    ("PMID: 8236504", "references", None, None),
    ("Hodkinson", "references", None, None),  # an author
    ("oncologist", "people", "Morgan Sample, MD", None),
]
REFERENCE_TITLES = {
    "10.1186/s12916-018-1242-0": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone",
    "https://doi.org/10.1186/S12916-018-1242-0": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone",
    "Hodkinson": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone",
    "8236504": "Radioendocrine therapy of brain tumors",
    "PMID: 8236504": "Radioendocrine therapy of brain tumors",
}

HOSTILE = ['"', '""', '"ldn', "ldn\"", "'", "AND", "a AND OR NOT b", "NOT ldn", "ldn OR", "(", ")", "*", "^",
           "-", "\\", ":", "x" * 10_000, "ldn " * 3_000, "ldn\x00", "\x00", "\x01\x02\x1f\x7f", "\u200b\ufeff",
           "né", "😀", "<script>alert(1)</script>", "%", "_", "10.", "PMID:", " ", "\t\n"]


def api(client, q):
    response = client.get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def group(data, kind):
    return next((g["hits"] for g in data["groups"] if g["kind"] == kind), [])


@pytest.mark.parametrize(("typed", "kind", "first", "found_on"), RELEVANCE)
def test_relevance(client, typed, kind, first, found_on):
    hits = group(api(client, typed), kind)
    assert hits, f"no {kind} for {typed!r}"
    expected = first or REFERENCE_TITLES[typed]
    assert hits[0]["title"].startswith(expected)
    if found_on:
        assert hits[0]["found_on"] == found_on
        assert "<mark>" in hits[0]["snippet"]


def test_a_typo_gets_did_you_mean_and_its_results(client):
    data = api(client, "naltrexome")
    assert data["suggestion"] == "naltrexone"
    assert group(data, "therapies")[0]["title"] == LDN
    page = client.get("/search/", {"q": "naltrexome"}).content.decode()
    assert "Did you mean" in page and 'href="?q=naltrexone"' in page


def test_a_known_word_gets_no_suggestion(client):
    assert api(client, "naltrexone")["suggestion"] is None


def test_nothing_found_says_so(client):
    data = api(client, "xyzzyqq")
    assert data["count"] == 0 and data["suggestion"] is None and data["groups"] == []
    assert "Nothing matched" in client.get("/search/", {"q": "xyzzyqq"}).content.decode()


def test_results_are_grouped_in_a_fixed_order(client):
    kinds = [g["kind"] for g in api(client, "brain cancer")["groups"]]
    order = ["therapies", "cancer-types", "glossary", "references", "people"]
    assert kinds == [k for k in order if k in kinds]
    assert {"therapies", "cancer-types"} <= set(kinds)


def test_found_on_links_to_the_sub_page(client):
    hit = group(api(client, "vivid dreams"), "therapies")[0]
    assert hit["found_on_url"] == "/therapies/low-dose-naltrexone/safety/"
    assert client.get(hit["found_on_url"]).status_code == 200


def test_a_reference_links_to_where_a_review_cites_it(client):
    hit = group(api(client, "8236504"), "references")[0]
    assert re.fullmatch(r"/therapies/low-dose-naltrexone/references/#ref-\d+", hit["url"])
    assert hit["found_on"] == f"Cited in {LDN}"


def test_the_page_and_the_api_give_the_same_results(client):
    for q in ("ldn", "brain cancer", "8236504"):
        page = client.get("/search/", {"q": q}).content.decode()
        for g in api(client, q)["groups"]:
            for hit in g["hits"]:
                assert hit["title"].replace("'", "&#x27;") in page


def test_search_page_works_without_a_query_and_is_not_cached(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert '<form class="search-form" role="search" action="/search/" method="get">' in response.content.decode()
    assert "no-store" in client.get("/search/", {"q": "ldn"})["Cache-Control"]


def test_a_draft_is_never_found(client, ldn):
    draft = ldn.get_latest_revision_as_object()
    draft.tagline += " unpublishedwordzz"
    draft.save_revision()
    assert api(client, "unpublishedwordzz")["count"] == 0


def test_snippets_escape_what_the_content_holds(client):
    data = api(client, "<script>alert(1)</script>")
    assert "<script>" not in str(data)


@pytest.mark.parametrize("typed", HOSTILE, ids=lambda q: repr(q[:12]))
def test_hostile_queries_never_fail(client, typed):
    assert client.get("/search/", {"q": typed}).status_code == 200
    data = api(client, typed)
    assert len(data["query"]) <= 200


def test_a_long_query_is_cut_and_says_so(client):
    data = api(client, "ldn " * 3_000)
    assert data["truncated"] and data["query"].split() == ["ldn"] * 12
    assert "used only its first words" in client.get("/search/", {"q": "ldn " * 3_000}).content.decode()


def test_api_rejects_unknown_parameters_and_a_missing_q(client):
    response = client.get("/api/v1/search", {"q": "ldn", "page": "2"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "page"
    missing = client.get("/api/v1/search")
    assert missing.status_code == 400
    assert missing.json()["error"]["field"] == "q"
