"""Production settings for the benchmark, with static files stored without a manifest.

The manifest only exists after ``collectstatic`` (about 45 s here); the pages measured look up a
few static URLs, so the plain storage changes three hashes in the HTML and nothing measurable.
"""

from config.settings.production import *  # noqa: F403

STATIC_ROOT = VAR_DIR / "bench" / "static"  # noqa: F405 - empty: nothing is collected or served
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
