"""Production settings for the benchmark, with one change: static files without a manifest.

``config.settings.production`` stores static files with a manifest that only exists after
``collectstatic`` (about 45 s here, compressing the admin's files). The pages we measure only
look a few static URLs up, so the plain storage the test settings use changes the HTML by a
hash in three URLs and the cost by nothing measurable. (No static file is served during the
benchmark, so ``STATIC_ROOT`` is an empty folder under var/bench/.) Everything else (DEBUG off, security
middleware, sessions, logging) is production's.
"""

from config.settings.production import *  # noqa: F403

# An empty folder of our own: nothing is collected, and WhiteNoise finds the folder it expects.
STATIC_ROOT = VAR_DIR / "bench" / "static"  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
