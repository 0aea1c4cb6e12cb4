"""Production settings for the stack tests, with static files stored without a manifest.

The manifest only exists after ``collectstatic`` (about 45 s here); the pages under test look
a few static URLs up and nginx serves none of them in these tests. Everything else is
production's.
"""

from config.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
