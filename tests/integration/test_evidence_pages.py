"""Evidence, grades and ratings on the review, the rubric page, and their back-office rules."""

from __future__ import annotations

import re
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
    assert '<td data-label="PDQ level"><abbr title="NCI PDQ level of evidence' in text and ">1iC</abbr>" in text  # the QoL trial
    assert "Signals of possible harm" in text and "Animal study" in text
    assert "No evidence of an effect" in text  # R18 is not hidden
    # The harm box comes before any benefit on the page, as it says.
    assert text.index('id="harm-heading"') < text.index('id="research-heading"') < text.index("Benefit</strong>")


def svgs(text):
    """Every inline SVG chart on a page, parsed."""
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", text, re.S)]  # noqa: S314 - ours


def test_research_page_lists_each_study_once_and_the_map_is_a_picture_of_that_list(client):
    from carechoices.therapies.models import TherapyPage

    text = html(client, LDN + "research/")
    entries = len(TherapyPage.objects.get(slug="low-dose-naltrexone").evidence)
    # One row per study in the list, and no second table of the same studies.
    assert text.count('<tr class="study ') == entries == 14
    assert "Studies in the evidence map" not in text
    # The map (a grid, and a stacked version for phones) is an image with a name and a
    # description, and each mark carries the study's reference number from the list.
    ns = "{http://www.w3.org/2000/svg}"
    wide, stacked = svgs(text.split('id="map-heading"')[1])
    listed = set(re.findall(r'<tr class="study [^"]+" id="study-\d+">\s*<th scope="row" class="study-design">[^<]*<sup class="cite"><a href="#ref-(\d+)"', text))
    assert len(listed) == entries
    for root in (wide, stacked):
        assert root.get("role") == "img" and root.get("aria-labelledby")
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
        labels = {g.get("data-references") for g in root.iter(f"{ns}g") if g.get("class") == "study"}
        assert labels == listed


def test_professionals_page_points_to_the_one_list_of_studies(client):
    text = html(client, LDN + "professionals/")
    assert "laboratory, animal and review studies are listed" in text
    assert 'research/#studies-heading' in text
    assert '<tr class="study ' not in text  # described once, on the research page
    research = html(client, LDN + "research/")
    assert "Cervical cancer cells" in research


def test_overview_ratings_come_from_the_rubric(client):
    text = html(client, LDN)
    row = text.split('rating-treatment-outcomes')[1].split("</tr>")[0]
    assert "2 out of 5" in row  # preliminary is the best grade → 2
    assert f"version {RUBRIC_VERSION}" in text
    # Unrated questions collapse into one line instead of seven empty rows.
    assert 'rating-affordability"' not in text.split('class="not-rated-summary')[0]
    assert "Not yet rated: 3 of 7</strong> — Optimizing body terrain; Reducing cancer risk; Affordability and access." in text
    chart = svgs(text.split('id="ratings-heading"')[1])[0]
    assert len([g for g in chart.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "rating"]) == 4


def test_a_partial_review_says_so_and_collapses_its_empty_ratings(client):
    text = html(client, "/therapies/vitamin-d/")
    assert '<span class="badge-partial">Partial review</span>' in text and "covers: safety" in text
    assert "Not yet rated: 7 of 7</strong>" in text
    assert 'class="ratings-table' not in text and 'class="chart ratings-bars"' not in text
    for url in ("/therapies/", "/"):
        listing = html(client, url)
        vitamin_d = listing.split(">Vitamin D</a>")[1][:400]
        assert "Partial review" in vitamin_d and "covers: safety" in vitamin_d
        ldn = listing.split(">Low-dose naltrexone (LDN)</a>")[1][:300]
        assert "Partial review" not in ldn


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
    rows[0]["value"]["cancer_type"] = "high-grade-glioma"  # in the vocabulary, in no evidence entry
    response = post(client, ldn, grades=rows)
    assert response.status_code == 200
    assert "high-grade glioma" in str(response.context["form"].errors["grades"])


def test_research_page_shows_a_grade_only_where_editors_gave_one(client):
    text = html(client, LDN + "research/")
    graded = text.split('id="studies-heading"')[1].split('id="map-heading"')[0]
    # B-cell lymphoma: one case report that neither our editors nor the public review grade.
    assert 'B-cell lymphoma: <span class="grade grade-not-graded">not graded by our editors</span>' in graded
    lymphoma = graded.split("B-cell lymphoma:")[1].split("<h4>")[0]
    assert "For information only, the rubric suggests: Weak evidence" in lymphoma
    assert 'grade-weak' not in lymphoma
    # The editors' grades stay grades.
    assert 'Brain cancer: <span class="grade grade-preliminary">Preliminary evidence</span>' in graded
    # The research summary does not grade the lymphoma report either.
    assert "B-cell lymphoma: weak" not in text.lower()


def test_research_page_reports_safety_findings_without_a_benefit_grade(client):
    text = html(client, LDN + "research/")
    graded = text.split('id="studies-heading"')[1].split('id="map-heading"')[0]
    safety = graded.split('<h3 id="outcome-safety">Safety</h3>')[1]
    assert '<span class="grade grade-not-graded">safety findings, not graded</span>' in safety
    assert "Rubric suggests" not in safety and "Weak evidence" not in safety
    assert "Cells, animals and expert opinion" in safety  # the animal harm studies, listed once
    assert "Cancer in general" not in safety
    assert "0.84 (95% CI 0.66–1.06)" in safety  # the meta-analysis is still shown in full
    # The harm box still lists both animal harm studies.
    box = text.split('id="harm-heading"')[1].split("</aside>")[0]
    assert box.count("<li>") == 2 and "Animal study: pancreatic cancer" in box
    for target in re.findall(r'href="#(study-\d+)"', box):
        assert f'id="{target}"' in text  # each harm signal links to its row on this page


def test_rubric_reasons_cite_by_reference_number_not_by_key(client):
    text = html(client, LDN + "research/")
    reasons = re.findall(r'<p class="meta">(?:Rubric suggests|Our editors have not graded).*?</p>', text, re.S)
    assert len(reasons) == 4  # brain, pancreatic, lymphoma (treatment); brain (side effects)
    for reason in reasons:
        assert 'class="cite-link"' in reason
        assert not re.search(r"\b(lissoni1993|berkson200[679]|peters2022)\b", reason)
    svg = text[text.index("<svg"): text.index("</svg>")]
    assert "lissoni1993" not in svg and re.search(r"<title>References? \d+: ", svg)


def test_an_editors_grade_on_safety_evidence_is_shown_as_theirs_not_as_a_rubric_grade(ldn):
    from carechoices.evidence.domain import Grade, OutcomeCategory
    from carechoices.evidence.presenters import EvidencePresenter

    ldn.grades = [("grade", {"outcome_category": "safety", "cancer_type": "cancer in general",
                             "grade": "insufficient", "reason": "Not graded for benefit."})]
    safety = next(c for c in EvidencePresenter(ldn).human_categories if c.category is OutcomeCategory.SAFETY)
    (group,) = safety.groups
    assert not group.graded and group.editor_graded and group.editor_grade is Grade.INSUFFICIENT
    assert group.label == "No particular cancer type"
