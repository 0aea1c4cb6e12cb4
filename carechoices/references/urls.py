"""Citation exports: the published library and each live review's references (see views.py)."""

from django.urls import re_path

from . import views

app_name = "references"

urlpatterns = [
    re_path(
        rf"^references/export\.(?P<fmt>{views.FORMAT_PATTERN})$",
        views.library_export,
        name="library-export",
    ),
    # Any page path; the view answers only for a live, public therapy review at that path.
    re_path(
        rf"^(?P<page_path>(?:[-\w]+/)+)references/export\.(?P<fmt>{views.FORMAT_PATTERN})$",
        views.review_export,
        name="review-export",
    ),
]
