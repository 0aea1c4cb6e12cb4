"""The record's citations: walked once, numbered by first citation across the review."""

from __future__ import annotations

from carechoices.therapies.record import Citations, Contributor


def test_numbers_follow_first_citation_across_subpages_in_reading_order():
    citations = Citations((("overview", ("b", "a")), ("research", ("a", "c")), ("safety", ())))

    assert citations.numbers == {"b": 1, "a": 2, "c": 3}
    assert list(citations.numbers) == ["b", "a", "c"]


def test_a_subpage_gives_the_keys_it_cites_and_nothing_for_one_that_cites_none():
    citations = Citations((("overview", ("b", "a")), ("research", ("a", "c"))))

    assert citations.on("research") == ("a", "c")
    assert citations.on("costs") == ()
    assert Citations().numbers == {}


def test_contributor_is_credited_with_credentials_after_a_comma():
    assert Contributor("robin", "Robin Example", "BA", "author", True).display_name == "Robin Example, BA"
    assert Contributor("sam", "Sam Example", "", "reviewer", False).display_name == "Sam Example"
