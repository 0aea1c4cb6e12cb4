"""The public change log: a note is required on a substantive publish; readers see "What changed"
with dated entries and minor edits apart; the API record carries them; Atom feeds parse back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from carechoices.editorial.models import ReviewChange
from carechoices.editorial.signals import MINOR_EDIT_NOTE
from tests.support.admin_forms import page_edit_data

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def publish(client, page, **changes):
    data = page_edit_data(page, **changes)
    data["action-publish"] = "Publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_substantive_publish_without_a_note_is_refused_on_the_field(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    before = ldn.live_revision_id
    response = publish(client, ldn, tagline="A changed summary.", substantive_update=True, change_note="  ")
    assert response.status_code == 200
    assert "change_note" in response.context["form"].errors
    assert "readers see it under" in response.context["form"].errors["change_note"][0]
    ldn.refresh_from_db()
    assert ldn.live_revision_id == before


def test_submitting_a_substantive_change_for_review_needs_the_note_too(client, ldn, editor):
    client.force_login(editor)
    data = page_edit_data(ldn, substantive_update=True)
    data["action-submit"] = "Submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[ldn.pk]), data)
    assert response.status_code == 200 and "change_note" in response.context["form"].errors


def test_substantive_and_minor_publishes_are_logged_and_shown(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    note = "Rewrote the summary to say what the 2024 case series adds."
    assert publish(client, ldn, tagline="A changed summary.", substantive_update=True, change_note=note).status_code == 302
    ldn.refresh_from_db()
    assert publish(client, ldn, tagline="A changed summary, with a typo fixed.").status_code == 302
    ldn.refresh_from_db()
    latest, previous = list(ReviewChange.objects.filter(page=ldn))[:2]
    assert (latest.kind, latest.note) == ("minor", MINOR_EDIT_NOTE)
    assert (previous.kind, previous.note, previous.revision_id) == ("substantive", note, previous.revision_id)
    # The note and the flag do not stick to the next edit.
    assert ldn.change_note == "" and ldn.substantive_update is False
    assert ldn.get_latest_revision().content["change_note"] == ""

    client.logout()
    html = client.get(ldn.url).content.decode()
    section = html.split('id="changes-heading"')[1].split("</section>")[0]
    today = timezone.localdate()
    assert f'<li id="change-{previous.pk}"><time datetime="{today:%Y-%m-%d}">' in section
    assert note in section.split("Minor edits")[0]
    assert "Minor edits (1): wording, links or typos" in section
    assert MINOR_EDIT_NOTE in section.split("Minor edits")[1]
    assert 'href="/therapies/low-dose-naltrexone/changes/feed/"' in section

    record = client.get("/api/v1/therapies/low-dose-naltrexone").json()
    assert [c["kind"] for c in record["changes"][:2]] == ["minor", "substantive"]
    assert record["changes"][1]["note"] == note and record["changes"][1]["date"] == today.isoformat()
    history_notes = {h["revision"]: h["note"] for h in record["history"]}
    assert history_notes[previous.revision_id] == note


def test_first_publication_is_logged_as_first_published(ldn):
    first = ReviewChange.objects.filter(page=ldn).order_by("published_at").first()
    assert (first.kind, first.note) == ("substantive", "First published.")


def parse(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_feeds_parse_back_with_the_entries(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    note = "Added the safety note on thyroid medicine."
    publish(client, ldn, substantive_update=True, change_note=note)
    client.logout()
    feed = parse(client.get("/therapies/low-dose-naltrexone/changes/feed/"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Low-dose naltrexone (LDN): what changed (CareChoices)"
    entries = feed.findall(f"{ATOM}entry")
    newest = entries[0]
    change = ReviewChange.objects.filter(page=ldn).first()
    assert newest.find(f"{ATOM}summary").text == note
    assert newest.find(f"{ATOM}link").get("href").endswith(f"/therapies/low-dose-naltrexone/#change-{change.pk}")
    assert newest.find(f"{ATOM}id").text == f"carechoices-review-change-{change.pk}"
    assert newest.find(f"{ATOM}category").get("term") == "substantive"
    assert newest.find(f"{ATOM}updated").text.startswith(f"{timezone.localdate():%Y}")

    site = parse(client.get("/changes/feed/"))
    summaries = [e.find(f"{ATOM}summary").text for e in site.findall(f"{ATOM}entry")]
    assert summaries[0] == note
    titles = {e.find(f"{ATOM}title").text.split(":")[0] for e in site.findall(f"{ATOM}entry")}
    assert len(titles) == 7  # every published review's first publication is there


def test_unpublished_review_has_no_feed(client, ldn):
    ldn.unpublish()
    assert client.get("/therapies/low-dose-naltrexone/changes/feed/").status_code == 404
    assert ldn.title not in client.get("/changes/feed/").content.decode()


def test_bulk_publish_of_a_substantive_draft_without_a_note_is_refused(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    client.post(reverse("wagtailadmin_pages:edit", args=[ldn.pk]),
                page_edit_data(ldn, tagline="A substantive draft.", substantive_update=True))  # a draft: allowed
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={ldn.pk}"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert any("has no change note" in str(m) for m in response.context["messages"])
    ldn.refresh_from_db()
    assert ldn.tagline != "A substantive draft."
