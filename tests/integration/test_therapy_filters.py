"""The therapy index filters by GET parameters (no JavaScript needed), with counts per value."""

from __future__ import annotations

import re

import pytest

from carechoices.therapies.summaries import summaries

pytestmark = pytest.mark.django_db

ALL = 7


def listed(client, **params) -> list[str]:
    response = client.get("/therapies/", params)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h2><a href="/therapies/([-\w]+)/">', html)


def count_of(html: str, name: str, value: str) -> int:
    match = re.search(rf'name="{name}" value="{re.escape(value)}"[^>]*> [^<]*<span class="filter-count">\((\d+)\)', html)
    assert match, (name, value)
    return int(match.group(1))


def test_no_filter_lists_every_review(client):
    assert len(listed(client)) == ALL


def test_category_filter(client):
    assert sorted(listed(client, category="herbal")) == ["cannabis", "european-mistletoe"]


def test_cancer_type_filter(client):
    assert listed(client, cancer_type="brain-cancer") == ["low-dose-naltrexone"]
    assert listed(client, cancer_type="high-grade-glioma") == []


def test_grade_filter(client):
    ldn_grade = next(s for s in summaries() if s.slug == "low-dose-naltrexone").grade_value
    assert ldn_grade == "preliminary"
    assert listed(client, grade="preliminary") == ["low-dose-naltrexone"]
    assert "low-dose-naltrexone" not in listed(client, grade="none")
    assert len(listed(client, grade="none")) == ALL - 1


def test_completeness_filter(client):
    partial = listed(client, completeness="partial")
    full = listed(client, completeness="full")
    assert sorted(partial + full) == sorted(listed(client))
    assert "low-dose-naltrexone" in full


def test_safety_filter_matches_the_published_rating(client):
    ldn = next(s for s in summaries() if s.slug == "low-dose-naltrexone")
    value = "none" if ldn.safety_rating is None else str(ldn.safety_rating)
    assert "low-dose-naltrexone" in listed(client, safety=value)


def test_filters_combine_and_counts_follow_the_other_filters(client):
    assert listed(client, category="herbal", completeness="full") == [
        s for s in listed(client, category="herbal") if s in listed(client, completeness="full")]
    html = client.get("/therapies/", {"category": "herbal"}).content.decode()
    assert count_of(html, "category", "supplement") == 3  # what choosing it instead would show
    assert count_of(html, "completeness", "partial") + (
        count_of(html, "completeness", "full") if 'value="full"' in html else 0) == 2


def test_state_lives_in_the_url(client):
    html = client.get("/therapies/", {"category": "herbal"}).content.decode()
    assert 'value="herbal" checked' in html
    assert "Showing 2 of 7 therapies" in html
    assert '<form method="get"' in html


def test_an_unknown_value_is_reported_next_to_its_filter(client):
    response = client.get("/therapies/", {"category": "<b>nonsense</b>", "grade": "x" * 500})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not one of the choices" in html
    assert "<b>nonsense</b>" not in html
    assert len(listed(client, category="nonsense")) == ALL
