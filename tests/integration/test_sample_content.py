"""The sample content loads completely, cites only known references, and loads idempotently."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Revision

from carechoices.demo.loader import load_sample_content
from carechoices.references.citations import marker_problems
from carechoices.references.models import Reference
from carechoices.therapies.citations_check import RICH_TEXT_FIELDS, stream_texts
from carechoices.therapies.models import TherapyPage

pytestmark = pytest.mark.django_db

SLUGS = ["low-dose-naltrexone", "vitamin-d", "european-mistletoe", "turmeric-curcumin", "melatonin", "probiotics", "cannabis"]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_second_load_changes_nothing(capsys):
    before = row_counts()
    revisions = Revision.objects.count()
    report = load_sample_content()
    assert not report.changed
    assert row_counts() == before
    assert Revision.objects.count() == revisions
    call_command("load_sample_content")
    assert "nothing changed" in capsys.readouterr().out


def test_all_seven_reviews_are_live_with_their_slugs():
    assert sorted(TherapyPage.objects.live().values_list("slug", flat=True)) == sorted(SLUGS)


def test_sample_content_has_no_dangling_citations():
    known = set(Reference.objects.values_list("key", flat=True))
    for page in TherapyPage.objects.all():
        texts = [getattr(page, f) for f in RICH_TEXT_FIELDS]
        for field in ("side_effects", "contraindications", "expert_uses", "dosing_protocols"):
            texts += list(stream_texts(getattr(page, field)))
        texts += [r.rationale for r in page.ratings.all()]
        assert marker_problems(texts, known) == [], page.slug


def test_ldn_has_every_section_filled():
    ldn = TherapyPage.objects.get(slug="low-dose-naltrexone")
    for field in ("tagline", *RICH_TEXT_FIELDS):
        assert getattr(ldn, field).strip(), field
    assert len(ldn.side_effects) == 7
    assert {b.value["rule_id"] for b in ldn.contraindications} == {
        "opioid-medicines", "opioid-dependence", "surgery", "organ-transplant",
        "immunosuppressant-transplant-not-stated", "liver-disease-full-dose",
        "hashimotos-thyroid-hormone", "bowel-conditions",
    }
    assert ldn.active_ingredient_names == ("naltrexone",)
    assert len(ldn.expert_uses) == 3
    assert [b.value["protocol_id"] for b in ldn.dosing_protocols] == [
        "three-step-schedule", "weekly-1-mg-steps", "hashimotos-lowest-start",
    ]
    assert ldn.contributors.filter(role="author").count() == 2
    assert ldn.contributors.filter(role="reviewer").count() == 2


def test_partial_reviews_mark_unreviewed_sections(client):
    html = client.get("/therapies/melatonin/research/").content.decode()
    assert "Not yet reviewed." in html


def test_every_rule_has_a_citation():
    for page in TherapyPage.objects.all():
        for block in page.contraindications:
            assert len(block.value["citations"]) >= 1, (page.slug, block.value["rule_id"])


def test_sample_people_are_labelled_demo_profiles():
    from carechoices.people.models import Person

    assert Person.objects.exists()
    assert not Person.objects.filter(is_demo=False).exists()


def test_ldn_sample_evidence_matches_the_coded_fixture():
    from carechoices.evidence.blocks import entry_from_value
    from tests.unit.evidence.ldn_entries import LDN_ENTRIES

    ldn = TherapyPage.objects.get(slug="low-dose-naltrexone")
    assert [entry_from_value(b.value) for b in ldn.evidence] == list(LDN_ENTRIES)
