"""Who approved the live version of a review, and when: read from Wagtail's workflow records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, TaskState


@dataclass(frozen=True)
class SignOff:
    """A reviewer's approval of the review as published."""

    name: str
    person: object | None
    date: datetime.date


def latest_sign_off(page: Page) -> SignOff | None:
    """The most recent approved review task for ``page``, credited to the reviewer's profile."""
    state = (
        TaskState.objects.filter(
            status=TaskState.STATUS_APPROVED,
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id=str(page.pk),
            finished_by__isnull=False,
            # Only an approval of the revision that is live: a later direct publish is not
            # credited to an earlier reviewer.
            revision_id=page.live_revision_id,
        )
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if state is None:
        return None
    user = state.finished_by
    person = getattr(user, "person", None)
    name = person.display_name if person else (user.get_full_name() or user.get_username())
    return SignOff(name=name, person=person, date=state.finished_at.date())
