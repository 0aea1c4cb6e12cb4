"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Load the medicine vocabulary before serving (and, with gunicorn --preload, before forking) so
# the first person to use the screen does not wait for it and workers share its memory.
from carechoices.medicines import load_vocabulary  # noqa: E402

load_vocabulary()
