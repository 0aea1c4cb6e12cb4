"""The reference form: plain fields build the CSL-JSON; raw CSL-JSON stays available; look-alikes warned."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from carechoices.references.forms import format_authors, parse_authors
from carechoices.references.models import Reference

pytestmark = pytest.mark.django_db
ADD = "wagtailsnippets_references_reference:add"


def plain(**fields):
    data = {
        "key": "roe2020", "item_type": "article-journal", "title": "A sample trial of a sample supplement.",
        "authors": "Roe, Rachel\nKumar R\nSample Study Group\net al.", "container": "Sample Journal",
        "year": "2020", "volume": "7", "issue": "2", "pages": "200-8",
        "doi": "https://doi.org/10.5555/SAMPLE.7", "pmid": "", "pmcid": "", "url": "", "verification_note": "",
        "csl": "",
    }
    data.update(fields)
    return data


def test_plain_fields_build_the_csl_json(client, editor):
    client.force_login(editor)
    response = client.post(reverse(ADD), plain())
    assert response.status_code == 302, response.context["form"].errors
    reference = Reference.objects.get(key="roe2020")
    assert reference.csl == {
        "type": "article-journal",
        "title": "A sample trial of a sample supplement",
        "container-title": "Sample Journal",
        "volume": "7",
        "issue": "2",
        "page": "200-208",
        "author": [{"family": "Roe", "given": "Rachel"}, {"family": "Kumar", "given": "R"},
                   {"literal": "Sample Study Group"}, {"literal": "et al."}],
        "issued": {"date-parts": [[2020]]},
    }
    assert reference.doi == "10.5555/sample.7"


def test_the_add_form_does_not_start_with_null(client, editor):
    client.force_login(editor)
    html = client.get(reverse(ADD)).content.decode()
    assert ">null</textarea>" not in html
    assert 'name="title"' in html and 'name="authors"' in html


def test_editing_keeps_fields_the_form_does_not_show(client, editor):
    client.force_login(editor)
    book = Reference.objects.get(key="elsegood2016")
    url = reverse("wagtailsnippets_references_reference:edit", args=[book.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == "The LDN Book" and form.initial["year"] == 2016
    data = {name: form.initial.get(name, "") or "" for name in
            ("key", "item_type", "title", "authors", "container", "year", "volume", "issue", "pages",
             "doi", "pmid", "pmcid", "url", "verification_note")}
    data["csl"] = json.dumps(book.csl)
    data["title"] = "The LDN Book (sample edit)"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    book.refresh_from_db()
    assert book.csl["title"] == "The LDN Book (sample edit)"
    assert book.csl["editor"] == [{"family": "Elsegood", "given": "L"}]  # kept from the raw CSL
    assert book.csl["publisher"] == "Chelsea Green Publishing"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"title": "", "csl": ""}, "title"), ({"year": "3020"}, "year"), ({"item_type": "", "csl": ""}, "item_type"),
     ({"authors": "x" * 5, "title": " "}, "title"), ({"pmcid": "123"}, "pmcid")],
)
def test_errors_are_shown_next_to_the_field(client, editor, change, field):
    client.force_login(editor)
    response = client.post(reverse(ADD), plain(**change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Reference.objects.filter(key="roe2020").exists()


def test_a_look_alike_is_warned_about_on_save(client, editor):
    client.force_login(editor)
    response = client.post(reverse(ADD), plain(
        key="bolton2019b",
        title="Serious adverse events reported in placebo randomised controlled trials of oral naltrexone: "
              "a systematic review and meta-analysis",
        authors="Bolton, M", container="BMC Med", year="2019", doi="",
    ), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Look-alike already in the library" in m and "bolton2019" in m for m in messages), messages
    assert Reference.objects.filter(key="bolton2019b").exists()  # saved; the editor decides


def test_no_warning_for_a_new_publication(client, editor):
    client.force_login(editor)
    response = client.post(reverse(ADD), plain(), follow=True)
    assert not [m for m in response.context["messages"] if "Look-alike" in str(m)]


@pytest.mark.parametrize(
    "text",
    ["Bolton, Maggie\nHodkinson A", "World Health Organization", "van der Berg, Jan\net al."],
)
def test_authors_text_round_trips(text):
    assert format_authors(parse_authors(text)) == text.replace("Hodkinson A", "Hodkinson, A")
