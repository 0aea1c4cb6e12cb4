"""/cancer-types/: every type, and per type the therapies with evidence, strongest first."""

from __future__ import annotations

import re

import pytest

from carechoices.cancertypes.evidence import GRADE_RANK, collect
from carechoices.evidence.domain import Grade
from carechoices.therapies.models import TherapyPage

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_index_lists_every_type_with_whether_it_has_evidence(client):
    response = client.get("/cancer-types/")
    assert response.status_code == 200
    page = text(response)
    for name in ("Brain cancer", "High-grade glioma", "Pancreatic cancer", "Cervical cancer", "B-cell lymphoma"):
        assert name in page
    html = response.content.decode()
    assert 'href="/cancer-types/brain-cancer/"' in html
    assert "No reviewed evidence yet" in page  # high-grade glioma
    assert "Laboratory or animal studies only" in page  # cervical cancer: cell studies


def test_in_general_evidence_is_shown_separately(client):
    page = text(client.get("/cancer-types/"))
    general = page.split("Studies that name no particular cancer type", 1)[1]
    assert "Low-dose naltrexone (LDN)" in general


def test_brain_cancer_shows_ldn_with_grade_studies_and_a_research_link(client):
    response = client.get("/cancer-types/brain-cancer/")
    assert response.status_code == 200
    page = text(response)
    assert "Low-dose naltrexone (LDN)" in page
    assert "Preliminary evidence" in page
    assert "best PDQ level 1i" in page or "best PDQ level" in page
    assert re.search(r"\d+ stud(y|ies) in people", page)
    assert "/therapies/low-dose-naltrexone/research/#evidence-" in response.content.decode()
    assert "high-grade glioma" in page.lower()  # the subtype is linked


def test_a_type_without_evidence_says_so(client):
    response = client.get("/cancer-types/high-grade-glioma/")
    assert response.status_code == 200
    page = text(response)
    assert "No reviewed evidence yet for high-grade glioma" in page
    assert "Brain cancer" in page  # breadcrumb to the parent


def test_unknown_type_is_404(client):
    assert client.get("/cancer-types/no-such-type/").status_code == 404


def test_findings_are_ordered_by_grade_then_studies():
    pages = TherapyPage.objects.live().specific()
    for evidence in collect(pages).values():
        keys = [f.sort_key for f in evidence.findings]
        assert keys == sorted(keys)


def test_grade_order_is_strong_preliminary_weak_no_effect_harm():
    order = [Grade.STRONG, Grade.PRELIMINARY, Grade.WEAK, Grade.NO_EFFECT, Grade.HARM]
    assert [GRADE_RANK[g] for g in order] == sorted(GRADE_RANK[g] for g in order)


def test_an_editor_grade_reorders_the_page(ldn, client):
    """The page shows the grade editors set, not a stored copy."""
    block = ldn.grades.stream_block.child_blocks["grade"]
    rows = [{"type": "grade", "value": block.get_prep_value(b.value)} for b in ldn.grades]
    rows[0]["value"]["grade"] = "no-effect"
    ldn.grades = rows
    ldn.save_revision().publish()
    page = text(client.get("/cancer-types/brain-cancer/"))
    assert "No evidence of an effect" in page
