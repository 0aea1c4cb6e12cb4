"""Every public page answers 200 with the content a reader expects."""

from __future__ import annotations

import re

import pytest

LDN = "/therapies/low-dose-naltrexone/"


def get_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", ["CareChoices", "Therapy reviews", "information, not medical advice", "no financial conflicts"]),
        ("/therapies/", ["Low-dose naltrexone (LDN)", "Vitamin D", "Cannabis and cannabinoids"]),
        (LDN, ["at a glance", "Our ratings", "Not yet rated: 3 of 7", "Further reading", "References on this page"]),
        (LDN + "research/", ["Brain cancer", "Signals of possible harm", "No studies recorded yet for"]),
        (LDN + "safety/", ["Side effects", "Opioid medicines", "Planned surgery", "What to do"]),
        (LDN + "expert-use/", ["Keith Block", "Neil McKinney", "Dosing protocols", "4.5 mg"]),
        (LDN + "professionals/", ["mechanisms", "Preclinical evidence", "OGF"]),
        (LDN + "costs/", ["prescription", "not yet reviewed"]),
        (LDN + "references/", ["All references for this review", "BMC Medicine", "doi:10.1186/s12916-018-1242-0"]),
        ("/therapies/vitamin-d/", ["Vitamin D", "Not yet reviewed", "Partial review", "covers: safety", "Not yet rated: 7 of 7"]),
        ("/therapies/vitamin-d/safety/", ["Rituximab", "Incomplete entry"]),
        ("/people/", ["Casey Demo", "demo profile"]),
        ("/people/casey-demo/", ["Casey Demo", "demo profile", "Low-dose naltrexone (LDN)"]),
        ("/glossary/", ["meta-analysis", "randomised controlled trial", "our definition"]),
    ],
)
def test_public_page_shows_expected_content(client, db, url, expected):
    text = get_text(client, url)
    for phrase in expected:
        assert phrase.lower() in text.lower(), f"{phrase!r} missing from {url}"


def test_every_review_subpage_has_landmarks_and_one_h1(client, db):
    from carechoices.therapies.models import TherapyPage

    for page in TherapyPage.objects.live():
        for suffix in ("", "research/", "safety/", "expert-use/", "professionals/", "costs/", "references/"):
            text = get_text(client, page.url + suffix)
            assert text.count("<h1") == 1
            for landmark in ("<main", "<header", "<footer", 'class="skip-link"'):
                assert landmark in text
            assert "[@" not in text, "an unrendered citation marker leaked"


def test_unknown_url_gives_friendly_404(client, db):
    response = client.get("/therapies/no-such-therapy/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_unknown_subpage_gives_404(client, db):
    assert client.get(LDN + "no-such-section/").status_code == 404


def test_unknown_person_gives_404(client, db):
    assert client.get("/people/nobody/").status_code == 404


def test_ldn_citations_link_to_numbered_references(client, db):
    text = get_text(client, LDN + "safety/")
    links = re.findall(r'<a href="#ref-(\d+)" id="cite-(\d+)-(\d+)"', text)
    assert links, "no citation links on the safety page"
    for target, number, _ in links:
        assert target == number
        assert f'id="ref-{number}"' in text, f"reference {number} is not listed on the page"


def test_ldn_review_shows_people_and_dates(client, db):
    text = get_text(client, LDN)
    assert "Robin Example" in text and "Casey Demo" in text
    assert "27 July 2025" in text  # last update
    assert "20 May 2022" in text  # prior update
    assert "July 2025" in text and "September 2021" in text  # literature reviews


def test_glossary_term_marked_once_per_page_with_definition(client, db):
    text = get_text(client, LDN)
    assert text.count('href="/glossary/#term-off-label"') == 1
    assert 'popovertarget="gloss-overview-off-label"' in text
    assert 'aria-describedby="gloss-overview-off-label-text"' in text


def test_health_check(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_expert_use_page_shows_each_schedule_as_its_source_gives_it(client):
    import re

    html = client.get(LDN + "expert-use/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert "1.5 mg at bedtime for 7–14 days. 3 mg at bedtime for 7–14 days. Then 4.5 mg at bedtime, continuing." in text
    assert "Start at the dose your prescriber gives you: the source does not state one." in text
    assert "0.25 mg at bedtime, continuing; the pace after it is for your prescriber." in text
    assert "2.5 mg" not in text and "3.5 mg" not in text


def test_server_error_page_is_ours_and_touches_no_database(rf, db, django_assert_num_queries):
    from carechoices.core.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/therapies/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in text and 'lang="en-GB"' in text and "css/site.css" in text
    assert "Traceback" not in text


@pytest.mark.parametrize(("debug", "expected"), [(None, "False"), ("true", "True")])
def test_the_demo_shows_our_error_pages_not_djangos(debug, expected):
    # The demo runs on the dev settings. With DEBUG on, Django answers a 404 or 500 with its
    # technical page (every URL pattern, settings, a traceback) instead of ours; it is off
    # unless DJANGO_DEBUG asks for it.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    if debug:
        env["DJANGO_DEBUG"] = debug
    script = "from django.conf import settings; print(settings.DEBUG, settings.ROOT_URLCONF)"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected, "config.urls"]


def test_robots_txt_and_favicon_answer_without_a_404(client, db):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    assert robots.content.decode().splitlines() == ["User-agent: *", "Disallow: /admin/"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("/img/favicon.svg")
    home = get_text(client, "/")
    assert re.search(r'<link rel="icon" href="[^"]*/img/favicon\.svg"', home)
