"""Keep the slug → name table and the reviews' search index current when a cancer type changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import lookup
from .models import CancerType


@receiver(post_save, sender=CancerType)
@receiver(post_delete, sender=CancerType)
def cancer_type_changed(sender, instance, **kwargs):
    from django.db import transaction

    lookup.forget()
    transaction.on_commit(lookup.forget)  # what was read inside the transaction goes too
    if kwargs.get("created") or kwargs.get("raw"):
        return
    # Reviews index their evidence's cancer type names: re-index those that use this one.
    from wagtail.search.index import insert_or_update_object

    from carechoices.therapies.models import TherapyPage

    from .usage import _slugs_in

    for page in TherapyPage.objects.live().specific():
        if instance.slug in _slugs_in(page):
            insert_or_update_object(page)
