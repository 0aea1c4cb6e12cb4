"""Scale-out by configuration: a read replica, a CDN purge and OpenSearch come from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PRINT = (
    "from django.conf import settings; import json; print(json.dumps({"
    "'replica': settings.DATABASES.get('replica', {}).get('NAME'),"
    "'routers': settings.DATABASE_ROUTERS,"
    "'search': settings.WAGTAILSEARCH_BACKENDS['default'],"
    "'cdn': getattr(settings, 'WAGTAILFRONTENDCACHE', None)}))"
)


def production_settings(extra: dict[str, str]) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENSEARCH", "DATABASE_REPLICA", "WAGTAILFRONTENDCACHE"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "scale-out-test-" + "0123456789abcdef" * 4,
        "ALLOWED_HOSTS": "example.org",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_configuration_one_database_database_search_and_no_cdn():
    found = production_settings({})

    assert found["replica"] is None
    # Wagtail's database backend, behind our query cleaner (carechoices/search/backend.py).
    assert found["search"]["BACKEND"] == "carechoices.search.backend"
    assert found["cdn"] is None


def test_replica_opensearch_and_cdn_from_the_environment():
    cdn = {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
                   "BEARER_TOKEN": "t", "ZONEID": "z"}}
    found = production_settings({
        "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/carechoices",
        "OPENSEARCH_URLS": "https://search-1.internal:9200, https://search-2.internal:9200",
        "OPENSEARCH_VERSION": "3",
        "WAGTAILFRONTENDCACHE": json.dumps(cdn),
    })

    assert found["replica"] == "carechoices"
    assert found["routers"] == ["config.db_router.ReplicaRouter"]
    assert found["search"]["BACKEND"] == "wagtail.search.backends.opensearch3"
    assert found["search"]["URLS"] == ["https://search-1.internal:9200", "https://search-2.internal:9200"]
    assert found["cdn"] == cdn
