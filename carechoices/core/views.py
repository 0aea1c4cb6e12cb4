"""Site-wide views: health check and friendly error pages."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader


def healthz(request):
    """Liveness for a load balancer; touches nothing a person entered."""
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Our 500 page, rendered without the request: no context processor, session or database
    is touched, since the error may be the database."""
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
