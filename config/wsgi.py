"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Load the medicine vocabulary before serving (and, with gunicorn --preload, before forking) so
# the first person to use the screen does not wait for it and workers share its memory.
from carechoices.medicines import load_vocabulary  # noqa: E402

load_vocabulary().prepare_suggestions()

# And compile the live reviews' records (the screen's rules) once here, when the database is
# reachable: otherwise every worker, and every worker gunicorn recycles (max_requests), made its
# first screen wait about 300 ms for them. A worker still compiles again when content changes.
from django.db import DatabaseError, connections  # noqa: E402

from carechoices.therapies.compile import live_records  # noqa: E402

try:
    live_records()
except DatabaseError:
    pass  # not reachable, or not migrated yet: the workers compile at their first screen
finally:
    connections.close_all()  # no connection is shared with the forked workers

# Then move everything loaded so far (Django, Wagtail, the vocabulary: ~280,000 objects) out of
# the garbage collector's sight. They live as long as the process, and each full collection
# walked them all: about 100 ms, which the request that triggered it, and every request queued
# behind it, waited for. Before gunicorn forks, this also keeps the pages shared between workers
# (a collection writes to every object it visits). See the gc.freeze() docs.
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

# The URLconf imports every view (Wagtail's admin among them, ~600 modules): done here rather
# than at each worker's first request, it is shared by the workers and frozen with the rest.
get_resolver().url_patterns  # noqa: B018

gc.freeze()
