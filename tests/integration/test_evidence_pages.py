"""Evidence, grades and ratings on the review, the rubric page, and their back-office rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from carechoices.evidence.rubric import RUBRIC_VERSION
from tests.support.admin_forms import page_edit_data

pytestmark = pytest.mark.django_db
LDN = "/therapies/low-dose-naltrexone/"


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_research_page_shows_graded_evidence_with_pdq_codes_and_harm(client):
    text = html(client, LDN + "research/")
    assert "Brain cancer: <span class=\"grade grade-preliminary\">Preliminary evidence</span>" in text
    assert "Pancreatic cancer: <span class=\"grade grade-weak\">Weak evidence</span>" in text
    assert "PDQ 1iC" in text  # the double-blind QoL trial (R18)
    assert "Signals of possible harm" in text and "Animal study" in text
    assert "No evidence of an effect" in text  # R18 is not hidden


def test_evidence_map_is_an_accessible_svg_with_a_data_table(client):
    text = html(client, LDN + "research/")
    svg = text[text.index("<svg"): text.index("</svg>") + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby")
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    assert "Studies in the evidence map" in text
    from carechoices.therapies.models import TherapyPage

    entries = len(TherapyPage.objects.get(slug="low-dose-naltrexone").evidence)
    assert text.count('<tr><td><a href="') == entries


def test_preclinical_evidence_is_on_the_professionals_page(client):
    text = html(client, LDN + "professionals/")
    assert "Laboratory, animal and review studies" in text
    assert "cervical cancer cells" in text


def test_overview_ratings_come_from_the_rubric(client):
    text = html(client, LDN)
    row = text.split('rating-treatment-outcomes')[1].split("</tr>")[0]
    assert "2 out of 5" in row  # preliminary is the best grade → 2
    assert f"version {RUBRIC_VERSION}" in text
    affordability = text.split('rating-affordability')[1].split("</tr>")[0]
    assert "Not yet rated" in affordability  # cost not reviewed
    assert "<svg" in text.split('id="ratings-heading"')[1]


def test_how_we_rate_page_publishes_rubric_and_pdq_scheme(client):
    text = html(client, "/how-we-rate/")
    assert RUBRIC_VERSION in text
    for phrase in ("Preliminary evidence", "Insufficient evidence", "1iA" if False else "1i", "Best Case", "Overrides"):
        assert phrase in text, phrase


def rating_rows(page, **changes):
    rows = {r.attribute: {"id": str(r.pk), "attribute": r.attribute, "score": "", "override_reason": "", "rationale": r.rationale}
            for r in page.ratings.all()}
    rows["treatment-outcomes"].update(changes)
    return list(rows.values())


def post(client, page, **changes):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), page_edit_data(page, **changes) | {"action-publish": "go"})


def test_override_without_reason_is_rejected_on_the_field(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    response = post(client, ldn, ratings=rating_rows(ldn, score="4"))
    assert response.status_code == 200
    form = next(f for f in response.context["form"].formsets["ratings"].forms if f.cleaned_data.get("attribute") == "treatment-outcomes")
    assert "override_reason" in form.errors


def test_override_with_reason_is_published_with_the_reason(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    response = post(client, ldn, ratings=rating_rows(ldn, score="3", override_reason="A new trial we are reviewing."))
    assert response.status_code == 302
    client.logout()
    text = html(client, LDN)
    row = text.split('rating-treatment-outcomes')[1].split("</tr>")[0]
    assert "3 out of 5" in row and "A new trial we are reviewing." in row and "suggested 2" in row


def evidence_rows(page):
    block = page.evidence.stream_block.child_blocks["entry"]
    return [{"type": "entry", "value": block.get_prep_value(b.value)} for b in page.evidence]


@pytest.mark.parametrize(
    ("index", "change", "field"),
    [
        (1, {"participants": -5}, "participants"),
        (9, {"pdq_code": "1iA"}, "pdq_code"),  # an in-vitro study has no PDQ level
        (2, {"pdq_code": "2A"}, "pdq_code"),  # does not match design and endpoint (1iC)
        (6, {"references": []}, "references"),  # a harm entry without a reference
        (6, {"participants": 40}, "participants"),  # animal studies have no human participants
    ],
)
def test_impossible_evidence_entries_are_rejected_on_the_field(client, ldn, admin_user_demo, index, change, field):
    client.force_login(admin_user_demo)
    rows = evidence_rows(ldn)
    rows[index]["value"].update(change)
    response = post(client, ldn, evidence=rows)
    assert response.status_code == 200, "the form should come back with errors"
    error = response.context["form"].errors["evidence"].as_data()[0]
    assert field in error.block_errors[index].block_errors


def test_grade_for_a_cancer_type_without_evidence_is_rejected(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    block = ldn.grades.stream_block.child_blocks["grade"]
    rows = [{"type": "grade", "value": block.get_prep_value(b.value)} for b in ldn.grades]
    rows[0]["value"]["cancer_type"] = "lung cancer"
    response = post(client, ldn, grades=rows)
    assert response.status_code == 200
    assert "lung cancer" in str(response.context["form"].errors["grades"])
