"""Who approved the live version of a review, and when: read from Wagtail's workflow records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from wagtail.models import Page, TaskState

from . import generation


@dataclass(frozen=True)
class SignOff:
    """A reviewer's approval of the review as published."""

    name: str
    person: object | None
    date: datetime.date


SIGN_OFF_CACHE_TIMEOUT = 24 * 60 * 60  # correctness comes from the key, not the timeout
_NONE = "none"


def latest_sign_off(page: Page) -> SignOff | None:
    """The most recent approved review task for ``page``, credited to the reviewer's profile.

    Cached by the page's live revision and the content generation (a reviewer's profile is
    content too): an approval of a live revision never changes, only who it is credited to.
    """
    key = f"carechoices:sign-off:{page.pk}:{page.live_revision_id}:{generation.current()}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _NONE else cached
    sign_off = _read_sign_off(page)
    cache.set(key, _NONE if sign_off is None else sign_off, SIGN_OFF_CACHE_TIMEOUT)
    return sign_off


def _read_sign_off(page: Page) -> SignOff | None:
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
        .select_related("finished_by__person")
        .order_by("-finished_at")
        .first()
    )
    if state is None:
        return None
    user = state.finished_by
    person = getattr(user, "person", None)
    name = person.display_name if person else (user.get_full_name() or user.get_username())
    return SignOff(name=name, person=person, date=state.finished_at.date())
