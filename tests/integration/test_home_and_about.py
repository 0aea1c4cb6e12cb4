"""The home page helps people choose; the about page says who we are and what is not yet confirmed."""

from __future__ import annotations

import re

import pytest

from carechoices.therapies.summaries import summaries

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_has_a_search_box_that_works_without_javascript(home):
    assert '<form class="search-form" role="search" action="/search/" method="get">' in home
    assert 'name="q"' in home


def test_home_browses_by_cancer_types_that_have_evidence(home):
    assert 'href="/cancer-types/brain-cancer/"' in home
    assert 'href="/cancer-types/high-grade-glioma/"' not in home  # no evidence yet
    assert 'href="/cancer-types/"' in home


def test_home_has_a_card_per_therapy(home):
    cards = re.findall(r'<li class="therapy-card">(.*?)</li>', home, flags=re.S)
    assert len(cards) == len(summaries()) == 7
    ldn = text(next(c for c in cards if "Low-dose naltrexone" in c))
    assert "Strongest evidence: Preliminary evidence (improving treatment outcomes, brain cancer)" in ldn
    assert "Safety: Do not combine with: opioid medicines" in ldn
    assert "Full review" in ldn
    assert 'href="/therapies/low-dose-naltrexone/check/"' in next(c for c in cards if "Low-dose naltrexone" in c)
    partial = [text(c) for c in cards if "Partial review" in c]
    assert partial and all("Check it against my medicines" in c for c in partial)


def test_the_safety_headline_never_calls_a_therapy_safe(home):
    headlines = re.findall(r"<strong>Safety:</strong> ([^<]*)</p>", home)
    assert len(headlines) == 7
    assert not any(re.search(r"\bsafe\b", h.lower()) for h in headlines)


def test_about_page_says_what_it_knows_and_what_is_not_yet_published(client):
    response = client.get("/about/")
    assert response.status_code == 200
    page = text(response.content.decode())
    for heading in ("Who we are", "How a review is made", "How a review is checked", "No conflicts of interest",
                    "How we are funded", "Open source and open data", "How to report an error"):
        assert heading in page
    assert "has not been published yet" in page
    assert "demo profiles, not real people" in page
    assert 'href="/about/"' in client.get("/").content.decode()


def test_an_information_rule_is_named_on_the_card_not_hidden(home):
    # Probiotics' only rule is an "info" one (a weakened immune system): the card says so rather
    # than "no warnings", and a title such as "NSAIDs" keeps its capitals.
    cards = {text(c).split("\n")[0]: text(c) for c in re.findall(r'<li class="therapy-card">(.*?)</li>', home, flags=re.S)}
    probiotics = next(c for title, c in cards.items() if "Probiotics" in c)
    assert "Safety: Worth raising with your care team: a weakened immune system" in probiotics
    assert "No warnings recorded yet" not in probiotics


def test_a_rule_title_keeps_its_capitals_in_a_sentence():
    from carechoices.therapies.summaries import _in_a_sentence

    assert _in_a_sentence("Opioid medicines") == "opioid medicines"
    assert _in_a_sentence("NSAIDs") == "NSAIDs"
    assert _in_a_sentence("Aspirin or other NSAIDs taken often") == "aspirin or other NSAIDs taken often"
