"""An edit stays visible after the cache's own entries expire (the reverting-content bug).

Production keeps the cache in a shared backend whose entries time out (the database cache
before; a file or Redis cache now). Whatever says "content changed" must not live in an entry
that can time out or be evicted, or pages cached before an edit come back when it goes.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from carechoices.glossary.models import GlossaryTerm

pytestmark = pytest.mark.django_db
URL = "/therapies/low-dose-naltrexone/"
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "test_page_cache_expiry",
}


def _later(seconds: int):
    """Move the database cache's clock on, so entries with a short timeout expire."""
    moved = timezone.now() + datetime.timedelta(seconds=seconds)
    return mock.patch("django.core.cache.backends.db.tz_now", return_value=moved)


@pytest.fixture
def database_cache():
    settings_caches = {"default": DATABASE_CACHE, "pages": DATABASE_CACHE}
    with override_settings(CACHES=settings_caches):
        call_command("createcachetable", verbosity=0)
        for alias in ("default", "pages"):
            caches[alias].clear()
        yield
        for alias in ("default", "pages"):
            caches[alias].clear()


def test_an_edit_is_still_shown_after_the_default_cache_timeout(client, database_cache):
    before = client.get(URL).content.decode()  # cached before the edit
    term = next(t for t in GlossaryTerm.objects.all() if f'id="gloss-overview-{t.slug}' in before)
    term.definition = "A corrected definition that must not revert."
    term.save()
    assert "must not revert" in client.get(URL).content.decode()
    # Six minutes on: past Django's default 300 s timeout, well inside a page's own lifetime.
    with _later(6 * 60):
        assert "must not revert" in client.get(URL).content.decode()
