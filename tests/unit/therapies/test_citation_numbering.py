"""Citation numbers run across the whole review in reading order, the same on every sub-page."""

from __future__ import annotations

import re

import pytest

from carechoices.therapies.compile import build_record, review_citation_order
from carechoices.therapies.presenters import ReviewPresenter

pytestmark = pytest.mark.django_db


def _presenter(page, subpage: str) -> ReviewPresenter:
    return ReviewPresenter(build_record(page), page, subpage)


def test_numbering_follows_subpage_reading_order(ldn):
    order = review_citation_order(ldn)
    assert list(order) == ["overview", "research", "safety", "expert-use", "professionals", "costs"]
    presenter = _presenter(ldn, "overview")
    assert presenter.numbers["elsegood2016"] == 1  # first cited in "at a glance"
    first_research_only = next(k for k in order["research"] if k not in order["overview"])
    assert presenter.numbers[first_research_only] == len(dict.fromkeys(order["overview"])) + 1


def test_same_reference_has_same_number_on_every_subpage(client, ldn):
    numbers_seen = {}
    for suffix in ("", "research/", "safety/", "expert-use/", "professionals/"):
        html = client.get(ldn.url + suffix).content.decode()
        for number, entry in re.findall(r'<li id="ref-(\d+)" value="\d+">\s*<span class="ref-text">(.{0,60})', html):
            numbers_seen.setdefault(entry, set()).add(number)
    assert numbers_seen
    assert all(len(n) == 1 for n in numbers_seen.values()), numbers_seen


def test_subpage_lists_only_the_references_it_cites_in_number_order(ldn):
    presenter = _presenter(ldn, "professionals")
    entries = presenter.reference_entries()
    keys = [e.key for e in entries]
    assert set(keys) == set(review_citation_order(ldn)["professionals"])
    assert [e.number for e in entries] == sorted(e.number for e in entries)
    assert "carli2020" in keys and "bolton2019" not in keys


def test_references_page_lists_every_cited_reference(ldn):
    presenter = _presenter(ldn, "references")
    entries = presenter.reference_entries()
    assert [e.number for e in entries] == list(range(1, len(entries) + 1))
    assert all(e.reference is not None for e in entries)
    assert all(e.html for e in entries), "every reference renders in AMA style"


def test_record_citations_count_in_reading_order(ldn):
    # The side-effect records on the safety page cite the LDN Book and Bihari.
    order = review_citation_order(ldn)
    assert "bihari2021" in order["safety"]
    assert "block2009" in order["expert-use"]  # an expert-use record's source
