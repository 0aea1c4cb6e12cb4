"""Production: refuses to start unless the secrets and hosts it needs are set.

Required environment: ``SECRET_KEY``, ``ALLOWED_HOSTS`` (comma-separated) and normally
``DATABASE_URL`` (PostgreSQL). Optional: ``CSRF_TRUSTED_ORIGINS``, ``WAGTAILADMIN_BASE_URL``.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is missing; production will not start without it. "
            f"{hint}"
        )
    return value


DEBUG = False
SECRET_KEY_HINT = 'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'  # noqa: S105
MIN_SECRET_KEY_LENGTH = 50  # as Django's own deploy check asks; a shorter key can be guessed
SECRET_KEY = _required("SECRET_KEY", SECRET_KEY_HINT)
if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"SECRET_KEY has {len(SECRET_KEY)} characters; production needs at least "
        f"{MIN_SECRET_KEY_LENGTH}, not all the same. {SECRET_KEY_HINT}"
    )
# Never the demo's admin/editor/reviewer with published passwords (load_sample_content).
DEMO_ACCOUNTS_ALLOWED = False
ALLOWED_HOSTS = [
    host.strip()
    for host in _required(
        "ALLOWED_HOSTS", "Set it to the comma-separated host names the site is served on."
    ).split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Caches in files every app process on this machine shares, never in the main database: stored
# public pages must outlive a database outage (ADR 11). Each machine may keep its own: a copy is
# served only while the content generation, read from the database, still matches it.
CACHE_DIR = Path(os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")))  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "default"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "pages"),
        "TIMEOUT": PAGE_CACHE_TIMEOUT,  # noqa: F405
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# A CDN in front (docs/deploy.md): its purge API, as Wagtail's frontend cache settings in JSON,
# e.g. {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
# "BEARER_TOKEN": "...", "ZONEID": "..."}}. Every sub-page of a review is purged on publish
# (TherapyPage.get_cached_paths); without it the CDN and the edge expire pages by their TTL.
if os.environ.get("WAGTAILFRONTENDCACHE", "").strip():
    import json as _json

    WAGTAILFRONTENDCACHE = _json.loads(os.environ["WAGTAILFRONTENDCACHE"])

# Search on OpenSearch (docs/deploy.md) by configuration: OPENSEARCH_URLS (comma-separated) and
# OPENSEARCH_VERSION (2 or 3, default 2). Needs the opensearch-py client installed. Without it,
# search stays on the database backend (base settings).
if os.environ.get("OPENSEARCH_URLS", "").strip():
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch"
            + os.environ.get("OPENSEARCH_VERSION", "2").strip(),
            "URLS": [url.strip() for url in os.environ["OPENSEARCH_URLS"].split(",") if url.strip()],
            "INDEX_PREFIX": os.environ.get("OPENSEARCH_INDEX_PREFIX", "carechoices_"),
            "TIMEOUT": 5,
        }
    }

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGGING["root"]["level"] = "INFO"  # noqa: F405
