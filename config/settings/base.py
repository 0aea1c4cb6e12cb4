"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import from here and override. The database
comes from ``DATABASE_URL``; without it we use a SQLite file under ``var/`` so a fresh checkout runs
with no services.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "carechoices.core",
    "carechoices.people",
    "carechoices.references",
    "carechoices.glossary",
    "carechoices.cancertypes",
    "carechoices.therapies",
    "carechoices.editorial",
    "carechoices.screening",
    "carechoices.plans",
    "carechoices.api",
    "carechoices.cds",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Serves the API docs page's Swagger UI from our own static files, not a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "carechoices.core.middleware.NoStoreForPostsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carechoices" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carechoices.core.context_processors.site_statements",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'carechoices.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wagtail writes revisions and search index rows in one transaction; a busy timeout keeps
    # a concurrent reader (the demo server) from failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

# Requests larger than this never reach our code (the screen's own limits are far smaller).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "carechoices" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions live in the database so any number of app processes can serve behind a balancer.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

WAGTAIL_SITE_NAME = "CareChoices"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
# Wagtail's database backend (FTS5 on SQLite, full text on PostgreSQL) with queries cleaned first
# (carechoices/search/backend.py). OpenSearch later: point BACKEND at wagtail.search.backends.opensearch3.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "carechoices.search.backend"}}
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "ris", "bib", "nbib"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# CDS Hooks: trusted CDS Clients as JSON, issuer → {"jwks_url(s)": ..., "jwks": {...}}. Empty (the
# demo) turns JWT checking off; set, every service call needs a valid ES384/RS384 JWT. See
# docs/cds-hooks.md.
CDS_HOOKS_JWT_ISSUERS = os.environ.get("CDS_HOOKS_JWT_ISSUERS", "")
