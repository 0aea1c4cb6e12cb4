"""Site-wide views: liveness and readiness checks, and friendly error pages."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from . import outage


def healthz(request):
    """Liveness: the process answers. Touches neither the database nor anything a person entered."""
    return JsonResponse({"status": "ok"})


_migrations_applied = False  # once true it stays true for this process's code


def readyz(request):
    """Readiness: the database answers and every migration this code ships is applied.

    A balancer sends traffic only while this is 200; a 503 names what is missing.
    """
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_applied:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                response = JsonResponse(
                    {
                        "status": "unavailable",
                        "database": "ok",
                        "migrations": f"{len(pending)} not applied",
                    },
                    status=503,
                )
                response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
                return response
            _migrations_applied = True
    except DatabaseError as exc:
        response = JsonResponse(
            {"status": "unavailable", "database": f"unreachable ({type(exc).__name__})"}, status=503
        )
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "applied"})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Our 500 page, rendered without the request: no context processor, session or database
    is touched, since the error may be the database. During an outage, the friendly 503."""
    if outage.outage_in_progress():
        return outage.unavailable(request)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


#: Crawlers may read every public page, not the back office. (A screen result or a plan answers
#: a form post, so it never has an address to crawl.)
ROBOTS = """User-agent: *
Disallow: /admin/
"""


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers and crawlers that ignore the page's icon link ask for /favicon.ico."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
