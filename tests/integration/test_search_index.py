"""The search index follows what is published: a publish is searchable at once, a draft never."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from carechoices.glossary.models import GlossaryTerm
from carechoices.therapies.models import TherapyPage

pytestmark = pytest.mark.django_db


def live_hits(word: str) -> list[str]:
    return [p.slug for p in TherapyPage.objects.live().search(word)]


def test_publishing_a_revision_makes_its_words_searchable(ldn):
    assert live_hits("zyxwarblequux") == []
    ldn.tagline = ldn.tagline + " zyxwarblequux"
    ldn.save_revision().publish()
    assert live_hits("zyxwarblequux") == ["low-dose-naltrexone"]


def test_a_draft_is_not_searchable(ldn):
    draft = ldn.get_latest_revision_as_object()
    draft.tagline = draft.tagline + " qwplorkdraftonly"
    draft.save_revision()
    assert live_hits("qwplorkdraftonly") == []
    assert "qwplorkdraftonly" not in TherapyPage.objects.get(pk=ldn.pk).tagline


def test_a_new_glossary_term_is_searchable_when_saved():
    GlossaryTerm.objects.create(term="zzfrobnicate", slug="zzfrobnicate", definition="A test word.")
    found = get_search_backend().search("zzfrobnicate", GlossaryTerm)
    assert [t.term for t in found] == ["zzfrobnicate"]


def test_loading_the_sample_content_rebuilds_the_index(capsys):
    call_command("load_sample_content")
    assert "Search index rebuilt." in capsys.readouterr().out
    assert live_hits("naltrexone") == ["low-dose-naltrexone"]


@pytest.mark.parametrize("query", ["naltrexone", "brain cancer", "opioid", "vivid dreams", "xyzzyqq", "placebo trial"])
def test_sqlite_match_first_finds_what_the_engine_finds_in_the_same_order(query):
    """The SQLite compiler that runs the MATCH alone (carechoices.search.backend) changes speed only."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the match-first compiler is SQLite's only")
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    from carechoices.references.models import Reference
    ours = get_search_backend()
    engine = SQLiteSearchBackend({})
    for queryset in (TherapyPage.objects.live(), GlossaryTerm.objects.all(), Reference.objects.all()):
        assert [o.pk for o in ours.search(query, queryset)] == [o.pk for o in engine.search(query, queryset)]
        assert ours.search(query, queryset).count() == engine.search(query, queryset).count()
        assert [o.pk for o in ours.autocomplete(query, queryset)] == [o.pk for o in engine.autocomplete(query, queryset)]
