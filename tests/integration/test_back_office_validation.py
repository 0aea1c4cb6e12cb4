"""Back-office forms reject bad input with an error on the field and keep what was typed."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from carechoices.references.models import Reference
from tests.support.admin_forms import page_edit_data

pytestmark = pytest.mark.django_db


def post_page(client, page, **changes):
    data = page_edit_data(page, **changes)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def rating_rows(page, **override):
    rows = [
        {"id": str(r.pk), "attribute": r.attribute, "score": "" if r.score is None else str(r.score), "rationale": r.rationale}
        for r in page.ratings.all()
    ]
    rows[0].update(override)
    return rows


@pytest.mark.parametrize("score", ["6", "-1", "12"])
def test_rating_outside_zero_to_five_is_rejected_on_the_field(client, ldn, admin_user_demo, score):
    client.force_login(admin_user_demo)
    response = post_page(client, ldn, ratings=rating_rows(ldn, score=score))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.formsets["ratings"].forms[0].errors
    assert "score" in errors
    assert form.data["ratings-0-score"] == score  # what was typed is kept


def test_rating_in_range_is_saved(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    response = post_page(client, ldn, ratings=rating_rows(ldn, score="2"))
    assert response.status_code == 302
    ldn.refresh_from_db()
    draft = ldn.get_latest_revision_as_object()
    assert sorted(r.score for r in draft.ratings.all() if r.score is not None) == [2]


def test_same_attribute_rated_twice_is_rejected(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    rows = rating_rows(ldn)
    rows[1]["attribute"] = rows[0]["attribute"]
    response = post_page(client, ldn, ratings=rows)
    assert response.status_code == 200
    assert "already rated" in str(response.context["form"].formsets["ratings"].forms[1].errors)


def test_last_update_in_the_future_is_rejected(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    future = timezone.localdate() + datetime.timedelta(days=3)
    dates = [{"id": str(d.pk), "kind": d.kind, "date": d.date.isoformat(), "note": d.note} for d in ldn.review_dates.all()]
    dates[0]["date"] = future.isoformat()
    response = post_page(client, ldn, review_dates=dates)
    assert response.status_code == 200
    errors = response.context["form"].formsets["review_dates"].forms[0].errors
    assert "in the future" in str(errors["date"])


def test_bad_rule_id_in_a_contraindication_is_rejected(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    block = ldn.contraindications.stream_block.child_blocks["contraindication"]
    rows = [{"type": "contraindication", "value": block.get_prep_value(b.value)} for b in ldn.contraindications]
    rows[0]["value"]["rule_id"] = "Not Kebab Case"
    response = post_page(client, ldn, contraindications=rows)
    assert response.status_code == 200
    assert "kebab case" in response.content.decode()


def snippet_add(client, **fields):
    url = reverse("wagtailsnippets_references_reference:add")
    data = {
        "key": "newref2026",
        "csl": json.dumps({"type": "article-journal", "title": "A title", "container-title": "A journal"}),
        "doi": "",
        "pmid": "",
        "pmcid": "",
        "url": "",
        "verification_note": "",
    }
    data.update(fields)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "not-a-doi"),
        ("doi", "10.1186"),
        ("pmid", "PMID: abc"),
        ("pmid", "123456789012"),
        ("pmcid", "6332608x"),
        ("key", "Has Spaces"),
        ("csl", "{not json"),
        ("csl", json.dumps({"title": "no type"})),
    ],
)
def test_reference_with_malformed_field_is_rejected_on_that_field(client, admin_user_demo, field, value):
    client.force_login(admin_user_demo)
    response = snippet_add(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Reference.objects.filter(key="newref2026").exists()


def test_reference_identifiers_are_normalised_on_save(client, admin_user_demo):
    client.force_login(admin_user_demo)
    response = snippet_add(client, doi="https://doi.org/10.1000/XYZ.123", pmid="PMID: 30642329")
    assert response.status_code == 302
    reference = Reference.objects.get(key="newref2026")
    assert reference.doi == "10.1000/xyz.123"
    assert reference.pmid == "30642329"


def test_reference_without_title_is_flagged_incomplete(db):
    reference = Reference.objects.get(key="bittenbring2014")
    assert reference.is_incomplete
    assert "title" in reference.missing_fields
    assert not Reference.objects.get(key="bolton2019").is_incomplete


@pytest.mark.parametrize(
    ("kind", "value"),
    [("medicine_class", "opiod"), ("condition", "liver-diseas"), ("ingredient", "notadrugatall"), ("procedure", "haircut")],
)
def test_contraindication_trigger_must_exist_in_the_vocabulary(client, ldn, admin_user_demo, kind, value):
    client.force_login(admin_user_demo)
    block = ldn.contraindications.stream_block.child_blocks["contraindication"]
    rows = [{"type": "contraindication", "value": block.get_prep_value(b.value)} for b in ldn.contraindications]
    rows[0]["value"]["any_of"][0]["value"].update({"kind": kind, "value": value})
    response = post_page(client, ldn, contraindications=rows)
    assert response.status_code == 200
    assert "Unknown" in response.content.decode()


def test_a_cited_reference_cannot_be_deleted(client, admin_user_demo):
    client.force_login(admin_user_demo)
    reference = Reference.objects.get(key="bihari2021")
    response = client.post(reverse("wagtailsnippets_references_reference:delete", args=[reference.pk]))
    assert response.status_code == 302
    assert Reference.objects.filter(key="bihari2021").exists()


def test_an_uncited_reference_can_be_deleted(client, admin_user_demo):
    client.force_login(admin_user_demo)
    snippet_add(client)
    reference = Reference.objects.get(key="newref2026")
    client.post(reverse("wagtailsnippets_references_reference:delete", args=[reference.pk]))
    assert not Reference.objects.filter(key="newref2026").exists()


def test_duplicate_rule_ids_are_rejected(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    block = ldn.contraindications.stream_block.child_blocks["contraindication"]
    rows = [{"type": "contraindication", "value": block.get_prep_value(b.value)} for b in ldn.contraindications]
    rows[1]["value"]["rule_id"] = rows[0]["value"]["rule_id"]
    response = post_page(client, ldn, contraindications=rows)
    assert response.status_code == 200
    assert "repeated: opioid-medicines" in response.content.decode()


def test_screen_survives_a_rule_that_cannot_compile(client, ldn):
    import json

    from wagtail.blocks import StreamValue

    # A rule whose only reference is gone (e.g. deleted outside the back office).
    raw = list(ldn.contraindications.raw_data)
    raw[0]["value"]["citations"] = []
    ldn.contraindications = StreamValue(ldn.contraindications.stream_block, raw, is_lazy=True)
    ldn.save_revision().publish()
    response = client.post("/api/v1/screen", json.dumps({"medicines": ["tramadol"]}), content_type="application/json")
    assert response.status_code == 200
    verdicts = {t["therapy"]: t["verdict"] for t in response.json()["therapies"]}
    assert verdicts["low-dose-naltrexone"] == "incomplete"
    assert client.get("/screen/").status_code == 200


def protocol_rows(page):
    block = page.dosing_protocols.stream_block.child_blocks["protocol"]
    return [{"type": "protocol", "value": block.get_prep_value(b.value)} for b in page.dosing_protocols]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A fixed schedule with a stepwise size too would join two kinds of schedule.
        (lambda rows: rows[0]["value"].update(step_mg="1"), "A fixed schedule has no step size"),
        # The last step of a schedule continues: no days.
        (lambda rows: rows[0]["value"]["steps"][-1]["value"].update(min_days=7, max_days=14), "is the last: leave its days empty"),
        # A step before the last needs the source's range.
        (lambda rows: rows[0]["value"]["steps"][0]["value"].update(max_days=None), "give its shortest and longest"),
        (lambda rows: rows[0]["value"]["steps"][0]["value"].update(min_days=14, max_days=7), "cannot be below the shortest"),
        # A stepwise rule needs its step, interval and target.
        (lambda rows: rows[1]["value"].update(interval_days=None), "Needed for a stepwise rule"),
        (lambda rows: rows[1]["value"].update(protocol_id=rows[0]["value"]["protocol_id"]), "repeated: three-step-schedule"),
    ],
)
def test_dosing_protocol_must_be_one_sources_schedule(client, ldn, admin_user_demo, change, message):
    client.force_login(admin_user_demo)
    rows = protocol_rows(ldn)
    change(rows)
    response = post_page(client, ldn, dosing_protocols=rows)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("timing", "message"),
    [
        ({"kind": "wait-until-cleared", "min_days": 10, "max_days": 14, "wean_for": "", "restart": ""}, "Say whom the wean is for"),
        ({"kind": "stop-before-procedure", "min_days": 1, "max_days": 2, "wean_for": "daily use", "restart": "x"}, "Only a wait before starting has a wean"),
    ],
)
def test_timing_states_only_what_the_source_does(client, ldn, admin_user_demo, timing, message):
    client.force_login(admin_user_demo)
    block = ldn.contraindications.stream_block.child_blocks["contraindication"]
    rows = [{"type": "contraindication", "value": block.get_prep_value(b.value)} for b in ldn.contraindications]
    rows[0]["value"]["timing"] = timing
    if timing["kind"] == "stop-before-procedure":
        rows[0]["value"]["any_of"].append({"type": "item", "value": {"kind": "procedure", "value": "surgery"}})
    response = post_page(client, ldn, contraindications=rows)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_active_ingredient_must_be_in_the_vocabulary(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    response = post_page(client, ldn, active_ingredients="naltrexone, notadrugatall")
    assert response.status_code == 200
    assert "active_ingredients" in response.context["form"].errors
    assert "notadrugatall" in str(response.context["form"].errors["active_ingredients"])
