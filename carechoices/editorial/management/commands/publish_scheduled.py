"""Wagtail's ``publish_scheduled``, with the citation check every other way of publishing runs.

A review revision scheduled to go live is checked when it is due, since a reference it cites may
have been deleted after it was scheduled. One with a citation marker that no longer resolves is
not published: its schedule is cancelled (it stays a draft), each problem is printed on stderr
naming the review, and the command exits with an error once everything else is published.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Revision


def refused_revisions() -> list[tuple[Revision, list[str]]]:
    """Due review revisions whose citations do not resolve, with the problems."""
    from carechoices.therapies.models import TherapyPage
    from carechoices.therapies.wagtail_hooks import dangling_citations

    refused = []
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("approved_go_live_at")
    for revision in due:
        model = revision.content_type.model_class()
        if model is None or not issubclass(model, TherapyPage):
            continue
        problems = dangling_citations(revision.as_object())
        if problems:
            refused.append((revision, problems))
    return refused


class Command(WagtailCommand):
    help = "Publish scheduled pages and snippets whose time has come, unpublish expired ones; " \
        "review revisions with unresolved citations are held back."

    def handle(self, *args, **options):
        refused = refused_revisions()
        for revision, problems in refused:
            title = revision.content.get("title", revision.object_str)
            for problem in problems:
                self.stderr.write(f"Not published: {title} (revision {revision.pk}): {problem}")
        if refused and not options.get("dryrun"):
            Revision.objects.filter(pk__in=[r.pk for r, _ in refused]).update(approved_go_live_at=None)
        super().handle(*args, **options)
        if refused and not options.get("dryrun"):
            raise CommandError(
                f"{len(refused)} scheduled review revision(s) were not published because a citation "
                "does not resolve; their schedule was cancelled. Fix the citations and schedule again."
            )
