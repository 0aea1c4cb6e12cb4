from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from carechoices.api.api import api
from carechoices.core import views as core_views
from carechoices.core.pagecache import public_page
from carechoices.editorial.feeds import SiteChangesFeed
from carechoices.evidence import views as evidence_views
from carechoices.plans import views as plan_views
from carechoices.screening import views as screening_views
from carechoices.search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("people/", include("carechoices.people.urls")),
    path("glossary/", include("carechoices.glossary.urls")),
    path("cancer-types/", include("carechoices.cancertypes.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots-txt"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("cds-services", include("carechoices.cds.urls")),
    path("screen/", screening_views.site_screen, name="screen"),
    path("search/", search_views.search_page, name="search"),
    path("how-we-rate/", evidence_views.how_we_rate, name="how-we-rate"),
    path("changes/feed/", public_page(SiteChangesFeed()), name="changes-feed"),
    path("plan/", plan_views.plan_page, name="plan"),
    re_path(r"^plan/(?P<fmt>calendar|pdf)/$", plan_views.plan_download, name="plan-download"),
    # Citation exports: /references/export.<fmt> and <review path>/references/export.<fmt>.
    path("", include("carechoices.references.urls")),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # The demo serves uploads itself, with or without DEBUG (Django's static() helper would
    # only do so with DEBUG on, and the demo runs with it off to show our own error pages).
    from django.views.static import serve

    media = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "carechoices.core.views.not_found"
handler500 = "carechoices.core.views.server_error"
