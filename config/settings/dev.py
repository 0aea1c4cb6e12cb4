"""Local development and the one-command demo: SQLite by default, no secrets needed.

The demo shows what production shows: our own 404 and 500 pages, not Django's technical error
pages (which list every URL pattern and setting). Set ``DJANGO_DEBUG=true`` to get those back
while developing.
"""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() in ("1", "true", "yes")
SECRET_KEY = "dev-only-not-secret-carechoices"  # noqa: S105 - development only, never deployed
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files from the app folders without collectstatic (WhiteNoise, with DEBUG off too).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded images and documents, served by Django in the demo only (production uses the storage).
SERVE_MEDIA = True
