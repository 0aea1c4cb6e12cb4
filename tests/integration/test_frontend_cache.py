"""A CDN in front is purged through Wagtail's frontend cache: every public sub-page of a review."""

from __future__ import annotations

import pytest

from tests.support.frontend_cache import RecordingBackend

pytestmark = pytest.mark.django_db


def test_publishing_a_review_purges_every_public_sub_page_and_never_the_screen(ldn, settings):
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "tests.support.frontend_cache.RecordingBackend"}
    }
    RecordingBackend.purged.clear()

    ldn.save_revision().publish()

    routes = (
        "",
        "research/",
        "safety/",
        "expert-use/",
        "professionals/",
        "costs/",
        "references/",
        "changes/feed/",
    )
    assert sorted(RecordingBackend.purged) == sorted(ldn.full_url + route for route in routes)

