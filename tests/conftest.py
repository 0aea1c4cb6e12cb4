"""Shared fixtures: the sample content loaded once per test session, and demo users."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Hypothesis runs derandomised with no example database, so a green run is the same run on every
# machine (CI included) and nothing depends on a local .hypothesis folder. HYPOTHESIS_PROFILE=explore
# searches with fresh random examples when hunting for new failures by hand.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    # Browser tests use live_server, whose transactional teardown empties the database; they run
    # last so the sample content loaded once for everything else stays put until then.
    items.sort(key=lambda item: "tests/functional/" in item.nodeid.replace("\\", "/"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the sample content once into the test database (it is idempotent)."""
    from carechoices.demo.loader import load_sample_content

    with django_db_blocker.unblock():
        load_sample_content()


@pytest.fixture
def ldn(db):
    from carechoices.therapies.models import TherapyPage

    return TherapyPage.objects.get(slug="low-dose-naltrexone")


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="editor")


@pytest.fixture
def reviewer(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="reviewer")


@pytest.fixture
def admin_user_demo(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rolled-back tests can reuse row ids and generations, so cached pages must not outlive a test.

    Nor may the cancer type names or anything else kept in the process per content generation:
    a rolled-back rename sends no signal.
    """
    from django.core.cache import caches

    from carechoices.cancertypes import lookup
    from carechoices.editorial.generation import forget_all
    from carechoices.search import subpages

    def forget():
        for cache in caches.all():
            cache.clear()
        forget_all()
        lookup.forget()
        subpages.forget()

    forget()
    yield
    forget()
