"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import from here and override. The database
comes from ``DATABASE_URL``; without it we use a SQLite file under ``var/`` so a fresh checkout runs
with no services.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from carechoices.core.client_address import trusted_proxies

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
    "csp",
    "axes",
    "wagtail.contrib.forms",
    # Purges a CDN (docs/deploy.md) on publish when WAGTAILFRONTENDCACHE is set; idle otherwise.
    "wagtail.contrib.frontend_cache",
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
    # First, so every query of an anonymous GET may go to a read replica (config/db_router.py).
    "config.db_router.PublicReadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page store, so stored pages get the policy too.
    "carechoices.core.csp.SitePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and routing: a stored public page needs neither (ADR 11).
    "carechoices.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "carechoices.core.middleware.NoStoreForPostsMiddleware",
    "carechoices.core.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: turns a lockout into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Back-office logins: django-axes counts failures per username and address together, locks that
# pair out after AXES_FAILURE_LIMIT for AXES_COOLOFF_TIME (hours), and records no more than it
# needs: no success log, masked form data, nothing written to the logs.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "back_office_locked.html"
# The address is the reader's, not nginx's: the X-Real-IP nginx writes, believed only from the
# proxies listed here (carechoices/core/client_address.py). Without it every failure behind
# nginx counted against 127.0.0.1, and anyone could lock an editor out from anywhere.
AXES_CLIENT_IP_CALLABLE = "carechoices.core.client_address.client_address"
try:
    TRUSTED_PROXY_ADDRESSES = trusted_proxies()
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

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
# A connection that failed (the database restarted) is replaced at the next request, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SQLITE_BUSY_TIMEOUT_SECONDS = float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for a writer. A write waits for another at most the busy timeout,
    # then fails with "database is locked", which answers 503 (carechoices.core.outage) rather
    # than holding a worker. IMMEDIATE takes the write lock when a transaction begins, so two
    # writers cannot deadlock upgrading their read locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
        }
    )

# Caches. "pages" holds stored public pages (carechoices.core.pagecache); "default" everything
# else (Wagtail's site root paths, compiled records, exports). Neither may be the main database:
# pages must stay readable when it is down (ADR 11). Production keeps both in files shared by
# the app processes of one machine; here each process has its own memory.
PAGE_CACHE_TIMEOUT = 7 * 24 * 60 * 60  # a week: copies are checked against the content generation
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": PAGE_CACHE_TIMEOUT,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Content-Security-Policy (django-csp 4; carechoices.core.csp). Public pages: our own files only,
# no inline script or style anywhere, nothing framed, forms posted only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The back office (/admin/): Wagtail's admin writes inline scripts and styles, so they are
# allowed there, and its previews frame our own pages; still nothing from another origin.
CONTENT_SECURITY_POLICY_BACK_OFFICE = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# A read replica (PostgreSQL streaming replication): anonymous reads of public content go there,
# everything else to the primary (config/db_router.py, docs/deploy.md).
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
    )
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]

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
    # The development server's request lines, without the query strings a person typed.
    "filters": {"no_query_strings": {"()": "carechoices.core.logfilters.DropQueryStrings"}},
    "loggers": {
        "django.server": {
            "handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["no_query_strings"],
        }
    },
}
# As Django's own logging defaults write the development server's lines (dictConfig replaces a
# logger's whole configuration, so the handler is named here again).
LOGGING["formatters"]["django.server"] = {
    "()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{",
}
LOGGING["handlers"]["django.server"] = {
    "level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server",
}

# load_sample_content creates the demo's accounts (published passwords) only where this is true;
# production sets it False.
DEMO_ACCOUNTS_ALLOWED = True

# CDS Hooks: trusted CDS Clients as JSON, issuer → {"jwks_url(s)": ..., "jwks": {...}}. Empty (the
# demo) turns JWT checking off; set, every service call needs a valid ES384/RS384 JWT. See
# docs/cds-hooks.md.
CDS_HOOKS_JWT_ISSUERS = os.environ.get("CDS_HOOKS_JWT_ISSUERS", "")
