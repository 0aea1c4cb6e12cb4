"""Publishing side effects that keep a review's dates honest."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished, post_page_move


@receiver(page_published)
def record_substantive_update(sender, instance, revision=None, **kwargs) -> None:
    """A substantive publish makes today the last update; earlier dates become prior updates.

    The flag is cleared on the live page and in the published revision so the next edit starts
    unticked, and so draft and live stay identical.
    """
    from carechoices.therapies.models import ReviewDate, TherapyPage

    page = instance.specific if not isinstance(instance, TherapyPage) else instance
    if not isinstance(page, TherapyPage) or not page.substantive_update:
        return
    today = timezone.localdate()
    if not page.review_dates.filter(kind="update", date=today).exists():
        ReviewDate.objects.create(page=page, kind="update", date=today, note="Substantive update")
    TherapyPage.objects.filter(pk=page.pk).update(substantive_update=False)
    page = TherapyPage.objects.get(pk=page.pk)
    if revision is not None:
        revision.content = page.serializable_data()
        revision.save(update_fields=["content"])


def _connect_content_version() -> None:
    """Saving anything a review page shows invalidates the cached pages."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, Site

    from carechoices.glossary.models import GlossaryTerm
    from carechoices.people.models import Person
    from carechoices.references.models import Reference

    from .generation import bump

    for model in (Reference, GlossaryTerm, Person, Site):
        post_save.connect(bump, sender=model, dispatch_uid=f"version-{model.__name__}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"version-{model.__name__}-delete")
    # Any page type: a deleted or moved therapy page changes the index and the home page too.
    post_delete.connect(bump, sender=Page, dispatch_uid="version-page-delete")
    page_published.connect(bump, dispatch_uid="version-page-published")
    page_unpublished.connect(bump, dispatch_uid="version-page-unpublished")
    post_page_move.connect(bump, dispatch_uid="version-page-moved")


_connect_content_version()
