"""The editor's journey in the back office: draft → submit → approve → publish, and its guards."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState

from tests.support.admin_forms import page_edit_data

pytestmark = pytest.mark.django_db


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def submit(client, page, **changes):
    data = page_edit_data(page, **changes)
    data["action-submit"] = "Submit for review"
    return client.post(edit_url(page), data)


def current_task_state(page) -> TaskState:
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    return state.current_task_state


def test_editor_submits_and_reviewer_approves_then_public_page_updates(client, ldn, editor, reviewer):
    old_tagline = ldn.tagline
    revisions_before = ldn.revisions.count()

    # The editor drafts a substantive change and submits it for review.
    client.force_login(editor)
    assert client.get(edit_url(ldn)).status_code == 200
    response = submit(client, ldn, tagline="An updated one-line summary.", substantive_update=True,
                      change_note="Rewrote the one-line summary.")
    assert response.status_code == 302, response.content.decode()[:2000]
    ldn.refresh_from_db()
    assert ldn.revisions.count() == revisions_before + 1
    assert ldn.tagline == old_tagline, "a submitted draft must not go live"
    assert client.get(ldn.url).content.decode().count("An updated one-line summary.") == 0

    # The clinical reviewer approves with a comment; Wagtail publishes the revision.
    client.force_login(reviewer)
    task_state = current_task_state(ldn)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[ldn.pk, "approve", task_state.pk]),
        {"comment": "Checked against the sources."},
    )
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.get_comment() == "Checked against the sources."

    # The public page shows the new text, the reviewer's sign-off and the new dates.
    client.logout()
    text = client.get(ldn.url).content.decode()
    today = timezone.localdate()
    assert "An updated one-line summary." in text
    assert "Approved for publication" in text and "Casey Demo" in text
    assert f'datetime="{today:%Y-%m-%d}"' in text.split('class="last-update"')[1].split("</dd>")[0]
    prior = text.split('class="prior-updates"')[1].split("</dd>")[0]
    assert "27 July 2025" in prior and "20 May 2022" in prior

    # The flag does not stick: the next edit starts unticked, and draft and live agree.
    ldn.refresh_from_db()
    assert ldn.substantive_update is False
    assert ldn.get_latest_revision().content["substantive_update"] is False


def test_minor_publish_keeps_last_update(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    data = page_edit_data(ldn, tagline="A typo fixed in the tagline.")
    data["action-publish"] = "Publish"
    response = client.post(edit_url(ldn), data)
    assert response.status_code == 302
    ldn.refresh_from_db()
    assert ldn.tagline == "A typo fixed in the tagline."
    assert ldn.last_update == datetime.date(2025, 7, 27)


def test_reviewer_rejects_with_comment_and_nothing_goes_live(client, ldn, editor, reviewer):
    client.force_login(editor)
    submit(client, ldn, tagline="A draft the reviewer will send back.")
    client.force_login(reviewer)
    task_state = current_task_state(ldn)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[ldn.pk, "reject", task_state.pk]),
        {"comment": "Please cite the trial for this claim."},
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == "Please cite the trial for this claim."
    ldn.refresh_from_db()
    assert "reviewer will send back" not in ldn.tagline
    assert "reviewer will send back" not in client.get(ldn.url).content.decode()


def test_revisions_can_be_compared(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    data = page_edit_data(ldn, tagline="A second revision to compare.")
    data["action-publish"] = "Publish"
    client.post(edit_url(ldn), data)
    response = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[ldn.pk, "earliest", "latest"])
    )
    assert response.status_code == 200
    body = response.content.decode()
    # The comparison marks the changed words of the tagline as additions.
    tagline_row = body.split("Tagline")[1].split("</tr>")[0]
    assert "addition" in tagline_row and "second" in tagline_row


@pytest.mark.parametrize("action", ["action-publish", "action-submit"])
def test_dangling_citation_blocks_publishing_with_error_naming_it(client, ldn, admin_user_demo, action):
    client.force_login(admin_user_demo)
    data = page_edit_data(
        ldn, at_a_glance="<p>A claim with a citation nobody added [@nosuchref2024].</p>"
    )
    data[action] = "go"
    response = client.post(edit_url(ldn), data)
    assert response.status_code == 200  # the form comes back with errors
    body = response.content.decode()
    assert "nosuchref2024" in body and "does not resolve" in body
    ldn.refresh_from_db()
    assert "nosuchref2024" not in ldn.at_a_glance
    assert not WorkflowState.objects.filter(object_id=str(ldn.pk), status="in_progress").exists()


def test_dangling_citation_in_a_record_blocks_publishing(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    rows = [dict(b.value) for b in ldn.contraindications]
    rows[0]["plain_text"] = "Changed text citing [@ghost1999]."
    data = page_edit_data(
        ldn, contraindications=[{"type": "contraindication", "value": ldn.contraindications.stream_block.child_blocks["contraindication"].get_prep_value(r)} for r in rows]
    )
    data["action-publish"] = "go"
    response = client.post(edit_url(ldn), data)
    assert response.status_code == 200
    assert "ghost1999" in response.content.decode()


def test_draft_save_with_dangling_citation_is_allowed_but_marker_is_flagged_on_preview(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    data = page_edit_data(ldn, at_a_glance="<p>Work in progress [@notyetadded].</p>")
    response = client.post(edit_url(ldn), data)  # plain "Save draft"
    assert response.status_code == 302
    ldn.refresh_from_db()
    assert "notyetadded" not in ldn.at_a_glance  # live page untouched
    draft = ldn.get_latest_revision_as_object()
    assert "notyetadded" in draft.at_a_glance


def test_bulk_publish_is_refused_while_a_citation_dangles(client, ldn, admin_user_demo):
    client.force_login(admin_user_demo)
    draft = page_edit_data(ldn, at_a_glance="<p>Draft claim [@ghostkey2025].</p>")
    client.post(edit_url(ldn), draft)  # saved as a draft (allowed)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={ldn.pk}"
    client.post(url, {"include_descendants": ""})
    ldn.refresh_from_db()
    assert "ghostkey2025" not in ldn.at_a_glance
