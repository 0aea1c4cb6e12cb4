"""Cancer types as a vocabulary: the free-text migration, fixed slugs, and no deleting one in use."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from carechoices.cancertypes.models import CancerType
from carechoices.therapies.models import TherapyPage

pytestmark = pytest.mark.django_db

migration = importlib.import_module("carechoices.therapies.migrations.0007_cancer_types_from_free_text")


def _as_free_text(page: TherapyPage, evidence_names: list[str], grade_name: str) -> None:
    """Put the page back the way it was before the vocabulary: names typed as text."""
    evidence = list(page.evidence.raw_data)
    for block, names in zip(evidence, evidence_names, strict=False):
        block["value"]["cancer_types"] = names
    grades = list(page.grades.raw_data)
    grades[0]["value"]["cancer_type"] = grade_name
    TherapyPage.objects.filter(pk=page.pk).update(evidence=evidence, grades=grades)
    revision = page.latest_revision
    content = dict(revision.content)
    content["evidence"] = json.dumps(evidence)
    content["grades"] = json.dumps(grades)
    type(revision).objects.filter(pk=revision.pk).update(content=content)


def _stored(page: TherapyPage):
    fresh = TherapyPage.objects.get(pk=page.pk)
    return [b["value"]["cancer_types"] for b in fresh.evidence.raw_data], fresh.grades.raw_data[0]["value"]["cancer_type"]


def test_migration_places_free_text_names_in_pages_and_revisions(ldn):
    CancerType.objects.filter(parent__isnull=False).delete()
    _as_free_text(ldn, ["", "Brain Cancer", "brain cancer, pancreatic cancer", "cancer in general"], "brain cancer")
    migration.forwards(apps, None)
    evidence, grade = _stored(ldn)
    assert evidence[:4] == [[], ["brain-cancer"], ["brain-cancer", "pancreatic-cancer"], []]
    assert grade == "brain-cancer"
    revision = TherapyPage.objects.get(pk=ldn.pk).latest_revision
    assert json.loads(revision.content["evidence"])[2]["value"]["cancer_types"] == ["brain-cancer", "pancreatic-cancer"]


def test_migration_creates_a_known_type_with_its_parent():
    for slug in ("high-grade-glioma", "brain-cancer"):
        CancerType.objects.filter(slug=slug).update(name=f"old {slug}")  # not found by name
    ldn = TherapyPage.objects.get(slug="low-dose-naltrexone")
    CancerType.objects.filter(slug="high-grade-glioma").delete()
    _as_free_text(ldn, ["high-grade glioma"], "")
    migration.forwards(apps, None)
    assert _stored(ldn)[0][0] == ["high-grade-glioma"]
    assert CancerType.objects.get(slug="high-grade-glioma").parent.slug == "brain-cancer"


def test_migration_fails_loudly_on_a_name_it_cannot_place(ldn):
    _as_free_text(ldn, ["brain cancer", "lung cancer", "gallbladder cancer"], "brain cancer")
    with pytest.raises(migration.Unplaced) as raised, transaction.atomic():
        migration.forwards(apps, None)
    message = str(raised.value)
    assert "“lung cancer”" in message and "“gallbladder cancer”" in message
    assert "Low-dose naltrexone (LDN)" in message and "evidence entry 2" in message
    assert _stored(ldn)[0][:2] == ["brain cancer", "lung cancer"]  # rolled back: nothing converted


def test_migration_runs_backwards_to_names(ldn):
    migration.backwards(apps, None)
    evidence, grade = _stored(ldn)
    assert evidence[1] == "brain cancer"
    assert grade == "brain cancer"


def test_slug_is_fixed_once_saved():
    brain = CancerType.objects.get(slug="brain-cancer")
    brain.slug = "brain-tumours"
    with pytest.raises(ValidationError) as raised:
        brain.full_clean()
    assert "slug" in raised.value.message_dict


def test_slug_cannot_be_changed_in_the_back_office(client, admin_user_demo):
    client.force_login(admin_user_demo)
    brain = CancerType.objects.get(slug="brain-cancer")
    url = reverse("wagtailsnippets_cancertypes_cancertype:edit", args=[brain.pk])
    response = client.post(url, {"name": "brain cancer", "slug": "renamed", "synonyms": "brain tumour",
                                 "parent": "", "description": brain.description})
    assert response.status_code in (200, 302)
    assert CancerType.objects.get(pk=brain.pk).slug == "brain-cancer"


def test_a_type_cannot_be_its_own_ancestor():
    brain = CancerType.objects.get(slug="brain-cancer")
    brain.parent = CancerType.objects.get(slug="high-grade-glioma")
    with pytest.raises(ValidationError) as raised:
        brain.full_clean()
    assert "parent" in raised.value.message_dict


def test_a_cancer_type_in_use_cannot_be_deleted(client, admin_user_demo):
    client.force_login(admin_user_demo)
    brain = CancerType.objects.get(slug="pancreatic-cancer")
    url = reverse("wagtailsnippets_cancertypes_cancertype:delete", args=[brain.pk])
    response = client.post(url, follow=True)
    assert CancerType.objects.filter(pk=brain.pk).exists()
    assert "is used by Low-dose naltrexone (LDN)" in response.content.decode()


def test_a_cancer_type_with_subtypes_cannot_be_deleted(client, admin_user_demo):
    client.force_login(admin_user_demo)
    ldn = TherapyPage.objects.get(slug="low-dose-naltrexone")
    assert ldn  # brain cancer is also used; both reasons are given
    brain = CancerType.objects.get(slug="brain-cancer")
    response = client.post(reverse("wagtailsnippets_cancertypes_cancertype:delete", args=[brain.pk]), follow=True)
    assert CancerType.objects.filter(pk=brain.pk).exists()
    assert "has subtypes (high-grade glioma)" in response.content.decode()


def test_an_unused_cancer_type_can_be_deleted(client, admin_user_demo):
    client.force_login(admin_user_demo)
    glioma = CancerType.objects.get(slug="high-grade-glioma")
    client.post(reverse("wagtailsnippets_cancertypes_cancertype:delete", args=[glioma.pk]))
    assert not CancerType.objects.filter(pk=glioma.pk).exists()


def test_evidence_names_come_from_the_vocabulary(ldn):
    entries = [b.value.as_entry() for b in ldn.evidence]
    assert ("brain cancer",) in [e.cancer_types for e in entries]
    assert ("brain-cancer",) in [e.cancer_type_slugs for e in entries]


def test_renaming_a_cancer_type_reindexes_the_reviews_using_it(ldn):
    brain = CancerType.objects.get(slug="brain-cancer")
    brain.name = "qqzbrainrenamed cancer"
    brain.save()
    assert [p.slug for p in TherapyPage.objects.live().search("qqzbrainrenamed")] == ["low-dose-naltrexone"]


def test_api_lists_cancer_types_and_records_carry_their_slugs(client):
    data = client.get("/api/v1/cancer-types").json()
    types = {t["slug"]: t for t in data["items"]}
    assert data["count"] == len(types) == CancerType.objects.count()
    assert types["brain-cancer"]["therapies"] == ["low-dose-naltrexone"]
    assert types["brain-cancer"]["url"] == "/cancer-types/brain-cancer/"
    assert types["high-grade-glioma"]["parent"] == "brain-cancer"
    assert types["high-grade-glioma"]["therapies"] == []
    record = client.get("/api/v1/therapies/low-dose-naltrexone").json()
    brain = [e for e in record["evidence"] if "brain cancer" in e["cancer_types"]]
    assert brain and all(e["cancer_type_slugs"] == ["brain-cancer"] for e in brain)
    assert {g["cancer_type_slug"] for g in record["grades"]} == {"brain-cancer", "pancreatic-cancer"}
    by_slug = client.get("/api/v1/therapies", {"cancer_type": "brain-cancer"}).json()
    assert [t["slug"] for t in by_slug["items"]] == ["low-dose-naltrexone"]
