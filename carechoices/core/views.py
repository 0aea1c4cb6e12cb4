"""Site-wide views: health check and friendly error pages."""

from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def healthz(request):
    """Liveness for a load balancer; touches nothing a person entered."""
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Our 500 page, rendered without the request: no context processor, session or database
    is touched, since the error may be the database."""
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
