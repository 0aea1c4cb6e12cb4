"""``/cds-services``, ``/cds-services/{id}`` and ``/cds-services/{id}/feedback``.

Included under ``path("cds-services", ...)`` (no trailing slash: the CDS Hooks URLs have none),
so the service id is matched together with its leading slash by a converter.
"""

from django.urls import path, register_converter

from carechoices.cds import views


class ServiceIdConverter:
    """``/order-sign`` → ``order-sign`` (and back)."""

    regex = r"/[a-z0-9][a-z0-9-]{0,63}"

    def to_python(self, value: str) -> str:
        return value[1:]

    def to_url(self, value: str) -> str:
        return f"/{value}"


register_converter(ServiceIdConverter, "cds_service")

app_name = "cds"
urlpatterns = [
    path("", views.discovery_view, name="discovery"),
    path("<cds_service:service_id>", views.service_view, name="service"),
    path("<cds_service:service_id>/feedback", views.feedback_view, name="feedback"),
]
