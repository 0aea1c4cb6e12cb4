"""Reads of public content go to a read replica when one is configured; everything else, and
every write, to the primary.

A request is a public read when it is a GET or HEAD outside the back office from someone
without a session (an anonymous reader): only then can the answer come from a replica that
lags the primary by a moment. Editors, every POST (the screen, the plan), the back office,
sessions and the page cache always use the primary, so nobody reads behind their own writes.
Django's own router API; the replica itself is PostgreSQL streaming replication (docs/deploy.md).

Configure with ``DATABASE_REPLICA_URL`` (settings add the ``replica`` alias); without it this
router sends everything to ``default``.
"""

from __future__ import annotations

import contextvars
from typing import Final

from django.conf import settings

REPLICA: Final = "replica"
# What the public pages and read APIs show: pages and reviews, references, glossary, people,
# cancer types, change logs, images and documents, tags, redirects. Never sessions, users, the
# cache table or forms. The content generation (``editorial``) is read where the content is:
# what is compiled or stored under a generation must come from the database that generation
# was read from, or a lagging replica's content would be kept under the primary's newer one.
PUBLIC_APP_LABELS: Final = frozenset(
    {
        "wagtailcore",
        "core",
        "therapies",
        "references",
        "glossary",
        "people",
        "cancertypes",
        "editorial",
        "wagtailimages",
        "wagtaildocs",
        "wagtailredirects",
        "taggit",
    }
)
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "carechoices_public_read", default=False
)


def is_public_read(request) -> bool:
    """An anonymous GET or HEAD outside the back office."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PublicReadMiddleware:
    """Marks the request as a public read for :class:`ReplicaRouter` while it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(is_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class ReplicaRouter:
    """Django database router: public-content reads of public reads to ``replica``."""

    def db_for_read(self, model, **hints):
        if (
            _public_read.get()
            and REPLICA in settings.DATABASES
            and model._meta.app_label in PUBLIC_APP_LABELS
        ):
            return REPLICA
        return None  # Django's choice: the primary, or the database an instance came from

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {"default", REPLICA} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy the primary streams to; it is never migrated itself.
        return db != REPLICA
