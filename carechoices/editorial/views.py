"""The "Reviews due" report and the dashboard panel in the back office."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from laces.components import Component

from .due import due_report

PERMISSION = "wagtailadmin.access_admin"


def reviews_due_report(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    return TemplateResponse(request, "editorial/reviews_due.html", {
        "page_title": "Reviews due",
        "header_icon": "time",
        "report": due_report(),
    })


class ReviewsDuePanel(Component):
    """Dashboard: reviews overdue for a literature review, due within 90 days, or with reference problems."""

    name = "reviews_due"
    template_name = "editorial/reviews_due_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["report"] = due_report()
        return context
