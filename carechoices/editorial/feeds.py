"""Atom feeds of the public change log: one per review and one for the whole site.

Built with Django's syndication framework. Each entry is one publication with the editors'
change note; its link is the review, with a fragment naming the entry in "What changed". Only
live reviews without a view restriction are in a feed, as on the site.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from .models import ReviewChange

SITE_LIMIT = 50
REVIEW_LIMIT = 100


def _public_changes():
    from carechoices.therapies.compile import _public_live

    return ReviewChange.objects.filter(page__in=_public_live()).select_related("page")


def _kind(change: ReviewChange) -> str:
    return "Minor edit" if change.is_minor else "Update"


class _ChangeFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: ReviewChange) -> str:
        return f"{item.page.title}: {_kind(item).lower()} of {item.date.day} {item.date:%B %Y}"

    def item_description(self, item: ReviewChange) -> str:
        return item.note or _kind(item)

    def item_link(self, item: ReviewChange) -> str:
        return f"{item.page.url}#change-{item.pk}"

    def item_guid(self, item: ReviewChange) -> str:
        return f"carechoices-review-change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ReviewChange):
        return item.published_at

    def item_updateddate(self, item: ReviewChange):
        return item.published_at

    def item_categories(self, item: ReviewChange):
        return [item.kind]


class SiteChangesFeed(_ChangeFeed):
    title = "CareChoices: what changed in our reviews"
    link = "/therapies/"
    subtitle = "Every published update and minor edit of a CareChoices therapy review, newest first."

    def items(self):
        return _public_changes()[:SITE_LIMIT]


class ReviewChangesFeed(_ChangeFeed):
    def get_object(self, request, page=None):
        if page is None or not page.live:
            raise Http404("No such review")
        return page

    def title(self, page) -> str:
        return f"{page.title}: what changed (CareChoices)"

    def link(self, page) -> str:
        return page.url

    def subtitle(self, page) -> str:
        return f"Each published update and minor edit of the CareChoices review of {page.title}."

    def items(self, page):
        return _public_changes().filter(page=page)[:REVIEW_LIMIT]
