"""Scheduled publishing runs the same citation check as publish, submit and bulk publish."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def schedule(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    return revision


def test_our_command_replaces_wagtails():
    assert get_commands()["publish_scheduled"] == "carechoices.editorial"


def test_a_scheduled_revision_with_a_dangling_citation_is_held_back(ldn, capsys):
    live_before = ldn.live_revision_id
    revision = schedule(ldn, at_a_glance="<p>A claim citing a deleted source [@nosuchref2020].</p>")
    with pytest.raises(CommandError, match="1 scheduled review revision"):
        call_command("publish_scheduled")
    err = capsys.readouterr().err
    assert f"Not published: {ldn.title} (revision {revision.pk}):" in err and "nosuchref2020" in err
    ldn.refresh_from_db()
    revision.refresh_from_db()
    assert ldn.live_revision_id == live_before
    assert revision.approved_go_live_at is None  # the schedule is cancelled, the draft kept


def test_a_clean_scheduled_revision_is_published(ldn):
    revision = schedule(ldn, tagline="A scheduled tagline.")
    call_command("publish_scheduled")
    ldn.refresh_from_db()
    assert ldn.live_revision_id == revision.pk and ldn.tagline == "A scheduled tagline."


def test_dry_run_reports_without_changing_anything(ldn, capsys):
    revision = schedule(ldn, at_a_glance="<p>Citing [@nosuchref2020].</p>")
    call_command("publish_scheduled", dryrun=True)
    assert "nosuchref2020" in capsys.readouterr().err
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
