"""Site-wide views: health check and friendly error pages."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request):
    """Liveness for a load balancer; touches nothing a person entered."""
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors that touch the database: the error may be the database.
    return HttpResponse(
        "<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>"
        "<p>We could not show this page. Please try again in a moment.</p>",
        status=500,
    )
