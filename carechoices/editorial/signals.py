"""Publishing side effects that keep a review's dates honest."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished, post_page_move

#: The change note of a minor edit published without one.
MINOR_EDIT_NOTE = "Wording, links or typos corrected; what the review says did not change."
FIRST_PUBLISHED_NOTE = "First published."


@receiver(page_published)
def record_publication(sender, instance, revision=None, **kwargs) -> None:
    """Every publication of a review goes into its public change log.

    A substantive publish (the editor ticked "This change alters what the review says") makes
    today the last update (earlier dates become prior updates) and is logged with the editor's
    change note; any other publish is logged as a minor edit. The first publication is
    substantive. The flag and the note are then cleared on the live page and in the published
    revision, so the next edit starts blank and draft and live stay identical.
    """
    from carechoices.editorial.models import ReviewChange
    from carechoices.therapies.models import ReviewDate, TherapyPage

    page = instance.specific if not isinstance(instance, TherapyPage) else instance
    if not isinstance(page, TherapyPage):
        return
    first = page.first_published_at is not None and page.first_published_at == page.last_published_at
    substantive = page.substantive_update or first
    note = (page.change_note or "").strip()
    ReviewChange.objects.create(
        page=page,
        revision=revision,
        published_at=page.last_published_at or timezone.now(),
        kind=ReviewChange.SUBSTANTIVE if substantive else ReviewChange.MINOR,
        note=note or (FIRST_PUBLISHED_NOTE if first else "" if substantive else MINOR_EDIT_NOTE),
    )
    if page.substantive_update:
        today = timezone.localdate()
        if not page.review_dates.filter(kind="update", date=today).exists():
            ReviewDate.objects.create(page=page, kind="update", date=today, note="Substantive update")
    if not (page.substantive_update or page.change_note):
        return
    TherapyPage.objects.filter(pk=page.pk).update(substantive_update=False, change_note="")
    page = TherapyPage.objects.get(pk=page.pk)
    if revision is not None:
        revision.content = page.serializable_data()
        revision.save(update_fields=["content"])


def _connect_content_version() -> None:
    """Saving anything a review page shows invalidates the cached pages."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site

    from carechoices.cancertypes.models import CancerType
    from carechoices.glossary.models import GlossaryTerm
    from carechoices.people.models import Person
    from carechoices.references.models import Reference

    from .generation import bump
    from .models import ReviewChange

    # A view restriction hides a page (and its record) without publishing anything.
    for model in (Reference, GlossaryTerm, Person, Site, ReviewChange, PageViewRestriction, CancerType):
        post_save.connect(bump, sender=model, dispatch_uid=f"version-{model.__name__}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"version-{model.__name__}-delete")
    # Any page type: a deleted or moved therapy page changes the index and the home page too.
    post_delete.connect(bump, sender=Page, dispatch_uid="version-page-delete")
    page_published.connect(bump, dispatch_uid="version-page-published")
    page_unpublished.connect(bump, dispatch_uid="version-page-unpublished")
    post_page_move.connect(bump, dispatch_uid="version-page-moved")


_connect_content_version()
